"""The compact seat strip of a narrow terminal: for every seat its number, alive or dead,
what it claimed (or what this viewer knows of it), and whether it speaks or has decided."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widgets import Static

from shared.strings import say
from tui.board import Board, Seat


class SeatStrip(Static):
    def __init__(self) -> None:
        super().__init__("", id="strip", markup=False)
        self.dirty = True
        self._rows = 0
        self.painted_width = 0  # the width it was last painted at

    def on_resize(self) -> None:
        self.dirty = True

    def paint(self, board: Board) -> None:
        self.dirty = False
        width = self.size.width or 80
        self.painted_width = width
        cols = 3 if width >= 57 else 2
        cell = max(12, width // cols)
        text = Text(no_wrap=True, overflow="crop")
        seats = [board.seat(n) for n in sorted(board.seats)]
        for i, s in enumerate(seats):
            if i and i % cols == 0:
                text.append("\n")
            text.append_text(self.cell(board, s, cell))
        rows = text.plain.count("\n") + 1
        self.update(text, layout=rows != self._rows)  # a new layout only for a new height
        self._rows = rows

    @staticmethod
    def mark(s: Seat) -> tuple[str, str]:
        if not s.alive:
            return "†", "red"
        if s.speaking:
            return "●", "bold yellow"
        if s.thinking:
            return "…", "cyan"
        if s.decided:
            return "✓", "green"
        return " ", ""

    @classmethod
    def cell(cls, board: Board, s: Seat, width: int) -> Text:
        lang = board.lang
        mark, mark_style = cls.mark(s)
        you = s.seat == board.you
        text = Text()
        text.append(f"{s.seat:>2}", style="bold cyan" if you else "bold")
        text.append(mark, style=mark_style)
        name_style = "dim strike" if not s.alive else ("bold cyan" if you else "")
        known = board.role_text(s) if (s.role or s.seat in board.checks) else ""
        claim = board.claims.get(s.seat)
        info = known or (say("strip.claims", lang, role=claim) if claim else "")
        room = width - 4 - (cell_len(info) + 1 if info else 0)
        name = s.name if cell_len(s.name) <= room else set_cell_size(s.name, max(1, room - 1)) + "…"
        text.append(name, style=name_style)
        if info:
            text.append(" ")
            text.append(info, style="magenta" if s.role == "werewolf" else "green")
        pad = width - text.cell_len
        if pad > 0:
            text.append(" " * pad)
        else:
            text.truncate(width, overflow="ellipsis")
        return text
