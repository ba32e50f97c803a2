"""The review at game over: every role, the winner, and each seat's full thoughts."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from shared.narrate import role_name, side_name
from shared.strings import say
from tui.board import Board


class ReviewScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,r", "dismiss", say("review.key.close", "en"))]

    def __init__(self, board: Board) -> None:
        super().__init__()
        self.board = board

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="review"):
            yield Static(self.render_review(), markup=False)

    def render_review(self) -> Text:
        b, lang = self.board, self.board.lang
        text = Text()
        text.append(say("review.title", lang) + "\n", style="bold underline")
        if b.over:
            side = side_name(b.over.winner, lang)
            winner = say("review.winner", lang, side=side, reason=b.over.reason)
            text.append(winner + "\n\n", style="bold yellow")
        for n in sorted(b.seats):
            s = b.seats[n]
            role = role_name(s.role, lang) if s.role else "?"
            text.append(
                say("review.seat", lang, n=n, name=s.name, role=role) + "\n",
                style="bold magenta" if s.role == "werewolf" else "bold green",
            )
            for thought in [*s.thoughts, *([s.thought] if s.thought else [])]:
                text.append(f"  · {thought}\n", style="italic dim")
            text.append("\n")
        return text
