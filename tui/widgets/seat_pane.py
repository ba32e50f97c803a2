"""One seat's pane: who it is, what this viewer knows of it, and its live typewriter."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from shared.strings import has, say
from tui.board import Board, Seat
from tui.wrap import wrap

PANE_SPEECHES = 4  # the pane shows the latest few; a maximized pane shows them all
PANE_THOUGHT_CHARS = 480  # the tail of the live thought: what fits a pane; the review has it all


def tail(text: Text, width: int, height: int) -> Text:
    """The end of ``text`` that fits ``height`` lines of ``width`` cells once wrapped: the
    typewriter's latest words, always in view. Counted from the end, paragraph by
    paragraph, with room left for the ragged right edge of word wrapping — exact
    wrapping of every pane at 20 Hz would cost more than the rest of the repaint."""
    if width <= 0 or height <= 0:
        return text
    usable = max(1, width - 6)  # a line of words rarely fills its last few cells
    plain = text.plain
    lines_left, end = height, len(plain)
    while end > 0 and lines_left > 0:
        start = plain.rfind("\n", 0, end) + 1
        cells = cell_len(plain[start:end])
        need = max(1, -(-cells // usable))
        if need <= lines_left:
            lines_left -= need
            end = start - 1
            continue
        # Only the end of this paragraph fits: keep its last lines' worth of cells.
        keep, cut = lines_left * usable, end
        while cut > start and keep > 0:
            cut -= 1
            keep -= cell_len(plain[cut])
        return Text("…", style="dim") + text[cut + 1 :]
    return text if end <= 0 else text[end + 1 :]


class SeatPane(Vertical):
    """A seat's pane. Normally a fixed-size view of the latest text — so a repaint never
    changes the layout, which is what keeps nine streaming panes cheap. Maximized, it
    becomes a scrollable history that follows the text unless the reader scrolled up.
    Focusable, so it can be maximized. Repainted by the app's clock, never per token."""

    can_focus = True
    ALLOW_MAXIMIZE = False  # the app maximizes its own way: the prompt stays in view

    def __init__(self, seat: int) -> None:
        super().__init__(id=f"seat-{seat}", classes="seat-pane")
        self.seat_no = seat
        self.header = Static("", classes="seat-header", markup=False)
        self.body = Static("", classes="seat-body", markup=False)
        self.history = Static("", classes="seat-history", markup=False)
        self.scroller = VerticalScroll(self.history, classes="seat-scroll")
        self._last_header: Text | None = None
        self._last_title: Text | None = None
        self._painted_with: tuple[Board, bool] | None = None

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.body
        yield self.scroller

    @property
    def maximized(self) -> bool:
        return self.has_class("maximized")

    def on_resize(self) -> None:
        # The tail was cut for the old size: cut it again (rare: layout changes only).
        if self._painted_with is not None and self.is_attached:
            self.paint(*self._painted_with)

    def paint(self, board: Board, show_thoughts: bool) -> None:
        self._painted_with = (board, show_thoughts)
        s = board.seat(self.seat_no)
        self.set_class(not s.alive, "dead")
        self.set_class(s.seat == board.you, "you")
        self.set_class(s.thinking or s.speaking, "active")
        self.set_class(
            s.role == "werewolf"
            and board.you is not None
            and board.seat(board.you).role == "werewolf",
            "wolf",
        )
        title = self.title_text(board, s)
        if title != self._last_title:
            self._last_title = title
            self.border_title = title
        header = self.header_text(board, s)
        if header != self._last_header:  # unchanged text: no refresh at all
            self._last_header = header
            self.header.update(header, layout=False)  # fixed size: no new layout
        full = self.maximized
        self.set_class(full, "scrolling")
        if full:
            at_bottom = self.scroller.scroll_y >= self.scroller.max_scroll_y - 1
            self.history.update(self.body_text(board, s, show_thoughts, full=True))
            if at_bottom:  # follow the text, unless the reader scrolled up
                self.scroller.scroll_end(animate=False, immediate=True)
        else:
            size = self.body.size
            body = tail(self.body_text(board, s, show_thoughts), size.width, size.height)
            self.body.update(wrap(body, size.width), layout=False)

    @staticmethod
    def title_text(board: Board, s: Seat) -> Text:
        """The border's title: number, name, whether it is you, and a mark while it acts."""
        lang = board.lang
        num = say("pane.number", lang, n=s.seat)
        text = Text(" ")
        text.append(f"{num} {s.name}", style="bold")
        if s.seat == board.you:
            text.append(f" ({say('pane.you', lang)})", style="bold cyan")
        if s.speaking:
            text.append(" ●", style="bold yellow")
        elif s.thinking:
            text.append(" …", style="bold cyan")
        elif s.decided:
            text.append(" ✓", style="bold green")
        text.append(" ")
        return text

    @staticmethod
    def header_text(board: Board, s: Seat) -> Text:
        """Role as far as the viewer knows, alive or dead, and what the seat is doing."""
        lang = board.lang
        text = Text()
        text.append(board.role_text(s), style="magenta" if s.role == "werewolf" else "green")
        text.append(" · ", style="dim")
        alive = say("pane.alive" if s.alive else "pane.dead", lang)
        text.append(alive, style="dim" if s.alive else "red")
        if s.speaking:
            text.append(f" · {say('pane.speaking', lang)}", style="bold yellow")
        elif s.thinking:
            text.append(f" · {say('pane.thinking', lang)}", style="italic cyan")
        elif s.decided:
            text.append(f" · {say('pane.decided', lang)}", style="bold green")
        return text

    @staticmethod
    def body_text(board: Board, s: Seat, show_thoughts: bool, full: bool = False) -> Text:
        lang = board.lang
        text = Text()
        for said in s.said if full else s.said[-PANE_SPEECHES:]:
            tag = f"pane.tag.{said.kind}"
            if has(tag):
                text.append(f"[{say(tag, lang)}] ", style="dim")
            text.append(said.text + "\n")
        if show_thoughts and s.thought:
            label = f"({s.thought_label}) " if s.thought_label else ""
            thought = (
                s.thought
                if full or len(s.thought) <= PANE_THOUGHT_CHARS
                else "…" + s.thought[-PANE_THOUGHT_CHARS:]
            )
            text.append(label + thought, style="italic dim cyan")
            if s.thinking:
                text.append("▌", style="cyan")
            text.append("\n")
        if s.speaking:  # last, so the pane's tail is always the words being spoken
            text.append(s.speech, style="bold")
            text.append("▌", style="bold yellow")
        text.rstrip()
        return text
