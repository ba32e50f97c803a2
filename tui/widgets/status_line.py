"""The status line: day, phase, whose turn, and the connection."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widget import Widget

from shared.narrate import phase_name
from shared.strings import say
from tui.board import Board
from tui.client import Connection


class StatusLine(Widget):
    """One line, made when Textual draws it, at the width it has then: a game's first
    events can be painted before the screen's first layout, and a terminal resized."""

    def __init__(self) -> None:
        super().__init__(id="status")
        self._shows: tuple[Board, Connection] | None = None

    def paint(self, board: Board, connection: Connection) -> None:
        """Show ``board`` (its day, phase and turn) and the ``connection``, now."""
        self._shows = (board, connection)
        self.refresh()  # one line, always: no layout

    def render(self) -> Text:
        if self._shows is None:
            return Text()
        return line(*self._shows, self.size.width or 80)


def line(board: Board, connection: Connection, width: int) -> Text:
    """Day and phase and whose turn on the left, the connection on the right, in ``width``
    cells."""
    lang = board.lang
    text = Text()
    if board.phase == "night":
        when = say("status.night", lang, day=board.day)
    else:
        when = say("status.day", lang, day=board.day, phase=phase_name(board.phase, lang))
    text.append(f" {when} ", style="bold reverse")
    text.append("  ")
    if board.waiting:
        text.append(say("status.your_turn", lang), style="bold yellow")
        deadline = board.deadline
        if deadline:
            left = max(0, int(deadline - time.time()))
            text.append(
                f"  ⏱ {say('status.left', lang, seconds=left)}",
                style="bold red" if left < 10 else "",
            )
    elif not board.started and not board.over:
        if board.starting:
            key = "status.starting"
        else:  # the host is told his key; the others, whom they wait for
            key = "status.not_started" if board.may_start else "lobby.wait"
        text.append(say(key, lang), style="bold yellow")
    elif not board.over:
        doing, seats = board.turn()
        if seats:
            who = say("list.sep", lang).join(
                say("status.seat", lang, n=s.seat, name=s.name) for s in seats
            )
            mark = "●" if doing == "speaking" else "…"
            text.append(
                f"{mark} {who} {say(f'pane.{doing}', lang)}",
                style="yellow" if doing == "speaking" else "cyan",
            )
        elif board.waiting_on:
            who = ", ".join(str(s) for s in board.waiting_on)
            text.append(f"{say('status.waiting_for', lang)} {who}", style="dim")
        elif board.phase == "night" and board.started:
            # What the table waits on, never whose role it is; and since when.
            n = board.night_open
            if n:
                key = "status.night_open_one" if n == 1 else "status.night_open"
                text.append(say(key, lang, n=n), style="cyan")
            else:
                text.append(say("status.night_wait", lang), style="cyan")
            me = board.seats.get(board.you) if board.you is not None else None
            if me is not None and me.decided:
                text.append(f" · {say('status.your_part_done', lang)}", style="green")
        if board.started and not board.paused:
            text.append(f"  ⏱ {board.elapsed()}", style="dim")
    state = connection.state
    label = (
        say("status.reconnecting", lang, attempt=connection.attempt)
        if state == "reconnecting"
        else say(f"status.{state}", lang)
    )
    right = Text(
        f"● {label} ",
        style={
            "live": "green",
            "reconnecting": "bold red",
            "connecting": "yellow",
            "closed": "dim",
        }[state],
    )
    # The connection keeps its place at the right edge; the turn gives way if need be.
    room = width - right.cell_len - 1
    mark = Text()
    if board.open_table:  # said whole, or in short where it doesn't fit: never cut
        full = Text(f"  {say('status.open_table', lang)}", style="magenta")
        short = Text(f"  {say('status.open_table_short', lang)}", style="magenta")
        mark = full if text.cell_len + full.cell_len <= room else short
    if text.cell_len + mark.cell_len > room:
        text.truncate(max(0, room - mark.cell_len), overflow="ellipsis")
    text.append_text(mark)
    text.append(" " * max(1, width - text.cell_len - right.cell_len))
    text.append_text(right)
    return text
