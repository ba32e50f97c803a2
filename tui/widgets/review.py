"""The review at game over: every role and the winner, then the game night by night and
day by day (night actions, every speech and vote, every death and its cause) with each
bot's thoughts at that moment. ←/→ (or p/n) go from one phase to the next; a digit shows
one seat's thoughts only, 0 everyone's; h hides the thoughts."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from shared.narrate import role_name, side_name
from shared.strings import say
from tui.board import Board, Line
from tui.wrap import wrap


def sections(lines: list[Line]) -> list[list[Line]]:
    """The transcript cut at every change of phase (each section opens with its phase)."""
    out: list[list[Line]] = [[]]
    for line in lines:
        if line.kind == "phase" and out[-1]:
            out.append([])
        out[-1].append(line)
    return [s for s in out if s]


class ReviewScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,r", "dismiss", say("review.key.close", "en")),
        Binding("right,n", "jump(1)", say("review.key.next", "en")),
        Binding("left,p", "jump(-1)", say("review.key.previous", "en")),
        Binding("h", "toggle_thoughts", say("review.key.thoughts", "en")),
        *[Binding(str(d), f"only({d})", show=False) for d in range(10)],
    ]

    def __init__(self, board: Board) -> None:
        super().__init__()
        self.board = board
        self.parts = sections(board.transcript)
        self.at = -1  # the section in view (-1: the roles at the top)
        self.only: int | None = None  # one seat's thoughts, or everyone's
        self.thoughts = True
        self.head = Static("", id="review-head", markup=False)
        self.statics = [Static("", classes="review-part", markup=False) for _ in self.parts]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="review"):
            yield self.head
            yield from self.statics

    def on_mount(self) -> None:
        self.head.update(self.render_head())
        self._paint()
        self.call_after_refresh(self._paint)  # again at the laid-out width

    def on_resize(self) -> None:
        self._paint()

    def _paint(self) -> None:
        # Wrapped here, not by Rich: a Chinese closing mark never starts a line.
        width = self.head.content_size.width or max(20, self.app.size.width * 9 // 10 - 8)
        for static, part in zip(self.statics, self.parts, strict=True):
            static.update(wrap(self.render_part(part), width))

    def render_head(self) -> Text:
        b, lang = self.board, self.board.lang
        text = Text()
        text.append(say("review.title", lang) + "\n", style="bold underline")
        if b.over:
            side = side_name(b.over.winner, lang)
            winner = say("review.winner", lang, side=side, reason=b.reason_text())
            text.append(winner + "\n", style="bold yellow")
        for n in sorted(b.seats):
            s = b.seats[n]
            role = role_name(s.role, lang) if s.role else "?"
            text.append(
                "  " + say("review.seat", lang, n=n, name=s.name, role=role) + "\n",
                style="bold magenta" if s.role == "werewolf" else "bold green",
            )
        text.append(say("review.keys", lang) + "\n", style="dim")
        return text

    def render_part(self, part: list[Line]) -> Text:
        b, lang = self.board, self.board.lang
        text = Text()
        for line in part:
            if line.kind == "thought":
                if not self.thoughts or (self.only is not None and line.seat != self.only):
                    continue
                s = b.seat(line.seat or 0)
                role = role_name(s.role, lang) if s.role else "?"
                who = say("review.thinks", lang, n=s.seat, name=s.name, role=role)
                said = say("transcript.said", lang, who=who, text="")  # "…想：" in zh
                text.append(f"    {said}", style="cyan")
                text.append(line.text + "\n", style="italic dim")
            elif line.kind == "phase":
                text.append("\n" + line.text + "\n", style="bold reverse")
            elif line.kind in ("speech", "last_words", "wolf_chat"):
                style = "magenta" if line.kind == "wolf_chat" else ""
                text.append("  " + line.text + "\n", style=style)
            else:
                text.append("  " + line.text + "\n", style="bold yellow")
        text.rstrip()
        return text

    def action_jump(self, step: int) -> None:
        if not self.statics:
            return
        self.at = max(0, min(len(self.statics) - 1, self.at + step))
        self.statics[self.at].scroll_visible(top=True, animate=False)

    def action_only(self, digit: int) -> None:
        self.only = None if digit == 0 else digit
        self._paint()

    def action_toggle_thoughts(self) -> None:
        self.thoughts = not self.thoughts
        self._paint()

    # (kept for callers that render the whole review as one text, e.g. tests)
    def render_review(self) -> Text:
        text = self.render_head()
        for part in self.parts:
            text.append("\n")
            text.append_text(self.render_part(part))
        return text
