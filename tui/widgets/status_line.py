"""The status line: day, phase, whose turn, and the connection."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Static

from shared.narrate import PHASE_NAMES
from tui.board import Board
from tui.client import Connection
from tui.i18n import t


class StatusLine(Static):
    def __init__(self) -> None:
        super().__init__("", id="status", markup=False)

    def paint(self, board: Board, connection: Connection) -> None:
        lang = board.lang
        phase = PHASE_NAMES["zh" if lang == "zh" else "en"].get(board.phase, board.phase)
        text = Text()
        day = f"第{board.day}天" if lang == "zh" else f"Day {board.day}"
        text.append(f" {day} · {phase} ", style="bold reverse")
        text.append("  ")
        if board.waiting:
            text.append(t("your_turn", lang), style="bold yellow")
            deadline = board.waiting.get("deadline")
            if deadline:
                left = max(0, int(deadline - time.time()))
                text.append(f"  ⏱ {t('left', lang, n=left)}", style="bold red" if left < 10 else "")
        elif board.waiting_on and not board.over:
            who = ", ".join(str(s) for s in board.waiting_on)
            text.append(f"{t('waiting_for', lang)} {who}", style="dim")
        text.append("   ")
        state = connection.state
        label = t("reconnecting", lang, n=connection.attempt) if state == "reconnecting" \
            else t(state, lang)
        text.append(f"● {label}", style={"live": "green", "reconnecting": "bold red",
                                          "connecting": "yellow", "closed": "dim"}[state])
        self.update(text)
