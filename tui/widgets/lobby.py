"""The lobby of a hosted game: the code, who has joined, the open seats, the rules."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from shared.events import Snapshot

LOBBY_WORDS = {
    "title": ("Lobby — game {code}", "大厅 — 房间号 {code}"),
    "join": ("Others join with:  werewolf join {code}", "其他人加入：werewolf join {code}"),
    "seats": ("Seats", "座位"),
    "you": ("you", "你"),
    "human": ("joined", "已加入"),
    "open": ("open", "空位"),
    "bot": ("bot", "机器人"),
    "start": ("s: start now (open seats go to bots)", "s：开始（空位由机器人补上）"),
    "wait": ("Waiting for the host to start…", "等待房主开始…"),
    "rules": ("Rules", "规则"),
}


def w(key: str, lang: str, **fields: object) -> str:
    en, zh = LOBBY_WORDS[key]
    return (zh if lang == "zh" else en).format(**fields)


class LobbyScreen(ModalScreen[None]):
    BINDINGS = [Binding("s", "start", "Start", tooltip="Start the game (host)")]

    def __init__(self, code: str, lang: str, host: bool) -> None:
        super().__init__()
        self.code, self.lang, self.host = code, lang, host
        self.body = Static("", id="lobby-body", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical(id="lobby"):
            yield self.body

    def show(self, summary: dict, snapshot: Snapshot) -> None:
        lang = self.lang
        state = snapshot.state
        you = state.you
        humans, open_seats = set(summary.get("humans", [])), set(summary.get("open_seats", []))
        text = Text()
        text.append(w("title", lang, code=self.code) + "\n", style="bold underline")
        text.append(w("join", lang, code=self.code) + "\n\n", style="cyan")
        text.append(w("seats", lang) + "\n", style="bold")
        for seat in state.seats:
            n = seat.seat
            if n == you:
                who, style = w("you", lang), "bold cyan"
            elif n in open_seats:
                who, style = w("open", lang), "yellow"
            elif n in humans:
                who, style = w("human", lang), "green"
            else:
                who, style = w("bot", lang), "dim"
            name = seat.name  # padded by cells: a Chinese name is twice as wide
            text.append(f"  #{n} {name}{' ' * max(1, 10 - cell_len(name))}{who}\n", style=style)
        options = state.options
        text.append("\n" + w("rules", lang) + ": ", style="bold")
        text.append(", ".join(f"{k}={v}" for k, v in options.items()) + "\n\n", style="dim")
        text.append(w("start" if self.host else "wait", lang), style="bold yellow")
        self.body.update(text)

    async def action_start(self) -> None:
        if self.host:
            await self.app.run_action("start")
