"""One seat's pane: who it is, what this viewer knows of it, and its live typewriter."""

from __future__ import annotations

from typing import NamedTuple, cast

from rich._wrap import divide_line
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Span, Text
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions
from textual.widget import Widget
from textual.widgets import Static

from shared.strings import has, say
from tui.board import Board, Seat
from tui.widgets.kept_lines import KeptLines
from tui.wrap import needs_care, wrap

PANE_SPEECHES = 4  # the pane shows the latest few; a maximized pane shows them all
PANE_THOUGHT_CHARS = 480  # the tail of the live thought: what fits a pane; the review has it all
THOUGHT_STEP = PANE_THOUGHT_CHARS // 2  # the shown tail's start moves by this much at a time

Paragraph = tuple[Text, Text | None]  # a paragraph, and its cursor while it grows


def joined(paragraphs: list[Paragraph]) -> Text:
    """The paragraphs as one Text, each with its cursor."""
    text = Text("\n").join(t + c if c is not None else t for t, c in paragraphs)
    text.rstrip()
    return text


def tail(text: Text, width: int, height: int) -> Text:
    """The end of ``text`` that fits ``height`` lines of ``width`` cells once wrapped: the
    typewriter's latest words, always in view. Counted from the end, paragraph by
    paragraph, with room left for the ragged right edge of word wrapping — exact
    wrapping of every pane at every repaint would cost more than the rest of the repaint."""
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


def piece_key(
    plain: str, spans: list[Span], style: str | RichStyle, start: int, end: int, strip: bool
) -> tuple[str, tuple[tuple[int, int, str | RichStyle], ...], str | RichStyle]:
    """What a piece of a paragraph is (its text, spans and style) as Rich's ``divide`` and
    then ``rstrip`` (``strip``) would make it, without making the Texts: a frame looks up
    every piece of every growing pane's paragraphs, and wraps few of them."""
    text = plain[start:end]
    if strip:
        text = text.rstrip()
    length = len(text)
    cut = []
    for span_start, span_end, span_style in spans:
        new_start, new_end = max(0, span_start - start), min(span_end, end) - start
        if new_end > new_start and new_start < length:
            cut.append((new_start, min(new_end, length), span_style))
    return text, tuple(cut), style


class Texts:
    """A pane's paragraphs' text, kept from frame to frame: the board's strings made into
    Rich Texts once — a finished speech once, a growing speech or thought by what it grew —
    instead of every frame (Rich filters every character of a new Text for control codes,
    slowly beyond ASCII; the board's strings are clean already, shared/text.py)."""

    def __init__(self) -> None:
        self._done: dict[str, Text] = {}  # a finished speech's words -> their Text
        self._growing: dict[str, tuple[str, Text]] = {}  # slot -> (its words, their Text)

    def done(self, words: str, kept: dict[str, Text]) -> Text:
        """The Text of ``words`` that do not change (kept in ``kept`` for the next frame)."""
        text = kept.get(words) or self._done.get(words) or Text(words)
        kept[words] = text
        return text

    def keep(self, kept: dict[str, Text]) -> None:
        self._done = kept  # only what this frame showed: the cache never grows

    def growing(self, slot: str, words: str, style: str) -> Text:
        """The Text of ``words`` in ``style``, which grow at their end from frame to frame."""
        was = self._growing.get(slot)
        if was is not None and was[1].style == style and words.startswith(was[0]):
            text = was[1]
            if len(words) > len(was[0]):
                text.append(words[len(was[0]) :])
        else:
            text = Text(words, style=style)
        self._growing[slot] = (words, text)
        return text


class PaneLines(Widget):
    """The end of a pane's text, as many lines as fit, drawn line by line (Textual's Line
    API). Each paragraph is wrapped by Textual's own wrapping (so it reads as a ``Static``
    would show it) and the lines are kept: a frame wraps again only the last lines of the
    paragraph that grew — the words being spoken or thought — and repaints only the lines
    that changed. Turning every pane's whole text into lines every frame was half the cost
    of streaming. Its first line is the pane's header (role, alive, what the seat does):
    one widget fewer per pane for Textual's compositor to walk on every frame."""

    def __init__(self, classes: str) -> None:
        super().__init__(classes=classes)
        self._paragraphs: list[Paragraph] = []
        self._header: Text | None = None  # drawn as the first line, cut with "…" to fit
        self._header_line: Strip | None = None
        self._wrapped: dict[tuple, list[Strip]] = {}  # a piece of text's key -> its lines
        # For a paragraph that grows: the start of its text up to its last anchor, the
        # anchors (offsets where a wrapped line starts, and no appended word can move that
        # line), and how many lines each piece between two anchors wraps to.
        self._growth: list[tuple[str, list[int], list[int]]] = []
        self._lines: list[Strip] = []  # what is on screen, top to bottom
        self._built_for: tuple = ()  # (size, style) the lines were made for
        self._mark: Strip | None = None  # "…": more went before the top line
        self._cursors: dict[tuple, Strip] = {}  # "▌" in its colour
        # How the pane's lines are drawn, worked out from its styles and its ancestors' (their
        # colours, opacity): (drawn as they are?, base colour, background, the fill style).
        # Kept until the styles change (notify_style_update): worked out at every frame,
        # Textual's walk up the ancestors cost more than the rest of the frame's drawing.
        self._looks: tuple[bool, Color, Color, RichStyle] | None = None
        self._span_styles: dict[object, Style] = {}  # a span's Rich style -> Textual's
        # The lines as last handed to the compositor: y -> (the line, as drawn), made for
        # (width, colours, filters); and a blank line so drawn.
        self._drawn: dict[int, tuple[Strip, Strip]] = {}
        self._drawn_for: tuple = ()
        self._blank: Strip | None = None

    def show(self, paragraphs: list[Paragraph], header: Text | None = None) -> None:
        """Show ``header`` on the first line and the end of ``paragraphs`` below it (model
        text is data: the Texts carry no markup)."""
        if header != self._header:
            self._header = header
            self._header_line = None
        self._paragraphs = paragraphs
        self._build(refresh=True)

    def render(self) -> Text:
        # Not what draws the pane (render_line is): its whole text, for tests and selection.
        return joined(self._paragraphs)

    def _header_strip(self, width: int) -> Strip:
        if self._header_line is None:
            header = (self._header or Text()).copy()
            header.truncate(width, overflow="ellipsis")  # as the header Static's nowrap
            self._header_line = self._wrap(header, width)[0]
        return self._header_line

    def notify_style_update(self) -> None:
        # (Textual calls it on every widget its stylesheet applies to again: a class or a
        # pseudo-class changed here or above, as when a seat dies or is focused, or the theme)
        super().notify_style_update()
        self._built_for = ()  # new colours (a seat died): every line is made again
        self._looks = None

    def render_lines(self, crop: Region) -> list[Strip]:
        # The lines are already made in the pane's own colours: handed to the compositor
        # as they are, not made again line by line through Textual's styles cache (which
        # would add nothing to a widget with no border, padding, tint or opacity, yet
        # cost as much as the rest of a streaming frame's drawing).
        looks = self._looks
        if looks is None:
            styles = self.styles
            as_they_are = not (
                styles.gutter
                or styles.tint.a
                or styles.text_opacity != 1.0
                or self.opacity != 1.0
                or styles.has_rule("hatch")
            )
            base, background = self.background_colors
            # (what the styles cache pads a line with: its background over its parent's)
            fill = Style(background=base + background).rich_style
            looks = self._looks = (as_they_are, base, background, fill)
        as_they_are, base, background, fill = looks
        if not as_they_are:
            return super().render_lines(crop)
        width = self.size.width
        if not self._built_for or self._built_for[0] != self.size:
            self._build(refresh=False)
        filters = tuple(self.get_line_filters())
        # Each line as the compositor gets it (padded to the width, filtered) is kept beside
        # the line it was made from: a frame makes again only the lines that changed.
        drawn_for = (width, self.visual_style, base, background, filters)
        if drawn_for != self._drawn_for:
            self._drawn_for = drawn_for
            self._drawn = {}
            self._blank = None
        lines = self._lines
        drawn = self._drawn
        strips: list[Strip] = []
        for y in crop.line_range:
            if y < len(lines):
                line = lines[y]
                made = drawn.get(y)
                if made is None or made[0] is not line:
                    strip = line.adjust_cell_length(width, fill)
                    for line_filter in filters:
                        strip = strip.apply_filter(line_filter, background)
                    made = drawn[y] = (line, strip)
                strips.append(made[1])
            else:
                if self._blank is None:
                    strip = Strip.blank(width, drawn_for[1].rich_style)  # as render_line
                    for line_filter in filters:
                        strip = strip.apply_filter(line_filter, background)
                    self._blank = strip
                strips.append(self._blank)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def render_line(self, y: int) -> Strip:
        if not self._built_for or self._built_for[0] != self.size:
            self._build(refresh=False)
        lines = self._lines
        if y < len(lines):
            return lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def _build(self, refresh: bool) -> None:
        size, style = self.size, self.visual_style
        width, height = size
        if (size, style) != self._built_for:
            if self._built_for[1:] != (style,) or self._built_for[0].width != width:
                self._wrapped.clear()  # every line was made for another width or colour
                self._header_line = None
                self._growth = []
                self._mark = None
                self._cursors.clear()
            self._built_for = (size, style)
            if refresh:
                self.refresh()
                refresh = False
        if width <= 0 or height <= 0:
            self._lines = []
            return
        top = self._header_strip(width) if self._header is not None else None
        if top is not None:
            height -= 1  # the header's line
        kept: dict[tuple, list[Strip]] = {}
        growth: list[tuple[str, list[int], list[int]]] = []
        lines: list[Strip] = []
        skipped = False
        for paragraph, cursor in self._paragraphs:
            plain = paragraph.plain
            care = needs_care(plain)  # every piece is wrapped as the whole would be
            anchors: list[int] = []
            counts: list[int] = []
            for head, marks, lengths in self._growth:
                if plain.startswith(head):
                    anchors, counts = list(marks), list(lengths)
                    break
            # Pieces wholly above the pane's top are not wrapped, nor even cut out.
            first, below = 0, 0  # below: the lines of the whole pieces after piece i
            for i in range(len(counts) - 1, -1, -1):
                if below >= height:
                    first = i + 1
                    break
                below += counts[i]
            skipped = skipped or first > 0
            base = anchors[first - 1] if first else 0
            bounds = [base, *anchors[first:], len(plain)]
            spans, style = paragraph.spans, paragraph.style
            wrapped: list[Strip] = []
            for n in range(len(bounds) - 1):
                # A piece as Rich would cut it out (its text, its spans) and, but for the
                # last, less the spaces before the line break that follows, as in a whole
                # wrap; made into a Text only to be wrapped, where it was not before.
                key = piece_key(plain, spans, style, bounds[n], bounds[n + 1], n < len(bounds) - 2)
                piece_lines = kept.get(key) or self._wrapped.get(key)
                if piece_lines is None:
                    piece = Text(key[0], style=style, spans=[Span(*span) for span in key[1]])
                    piece_lines = self._wrap(piece, width, care)
                kept[key] = piece_lines
                wrapped = piece_lines
                lines.extend(piece_lines)
            if cursor is not None:  # after the words, not among them: it moves no word
                mark = self._cursor(cursor, width)
                if lines and lines[-1].cell_length + mark.cell_length <= width:
                    lines[-1] = lines[-1] + mark
                else:
                    lines.append(mark)
            # Appended words never move a line but the last (its first word did not fit
            # on the line before, and only grows): anchor at its start.
            if len(wrapped) >= 2:
                start = bounds[-2]  # the last piece's
                offset = line_start(plain[start:], wrapped, len(wrapped) - 1)
                if offset:
                    anchors.append(start + offset)
                    counts.append(len(wrapped) - 1)
                    # The piece that ends at the new anchor is already wrapped: these
                    # lines (the next frame cuts it out and looks it up).
                    kept[piece_key(plain, spans, style, start, start + offset, True)] = wrapped[:-1]
            if anchors:
                growth.append((plain[: anchors[-1]], anchors, counts))
        self._wrapped = kept  # only what is still shown: the cache never grows
        self._growth = growth
        if height <= 0:  # room for the header only
            lines = []
        elif len(lines) > height or skipped:  # the latest words, a mark that more went before
            lines = lines[-height:]
            lines[0] = self._ellipsis(width) + lines[0].crop(1)
        if top is not None:
            lines.insert(0, top)
        old, self._lines = self._lines, lines
        if refresh:
            changed = [
                y
                for y in range(max(len(old), len(lines)))
                if y >= len(old) or y >= len(lines) or old[y] is not lines[y] and old[y] != lines[y]
            ]
            if changed:
                first_y, last_y = changed[0], changed[-1]
                self.refresh(Region(0, first_y, width, last_y - first_y + 1))

    def _wrap(self, paragraph: Text, width: int, care: bool | None = None) -> list[Strip]:
        # What Static does (Visual.to_strips) less its link and selection styling: model
        # text carries no links, and a streaming pane is not for selecting.
        if care is None:
            care = needs_care(paragraph.plain)
        if not care:
            lines = self._wrap_words(paragraph, width)
            if lines is not None:
                return lines
        return self._wrap_textual(paragraph, width, care)

    def _wrap_textual(self, paragraph: Text, width: int, care: bool | None = None) -> list[Strip]:
        wrapped = wrap(paragraph, width, care)
        content = Content.from_rich_text(wrapped, console=self.app.console)
        # (a widget's styles answer as its rules map: Visual.to_strips passes them so too)
        options = RenderOptions(self._get_style, cast("RulesMap", self.styles))
        return content.render_strips(width, None, self.visual_style, options) or [Strip([])]

    def _wrap_words(self, paragraph: Text, width: int) -> list[Strip] | None:
        """The lines ``_wrap`` makes of a paragraph of one line wrapped by words, made the
        way Textual makes them (Content's wrap_and_format and to_strip: the same lines, the
        same segments, the same styles) without building a Content and its formatted lines
        first, which cost four times as much: this runs for every growing pane, every
        frame. None where Textual would do more (another alignment, overflow, a tab or a
        line break, a line too wide, a style on the whole Text): wrap it Textual's way."""
        plain = paragraph.plain
        rules = self.styles
        if (
            not plain
            or width <= 0
            or paragraph.style
            or "\n" in plain
            or "\t" in plain
            or rules.get("text_align", "left") not in ("left", "start")
            or rules.get("text_overflow", "fold") != "fold"
            or rules.get("text_wrap", "wrap") != "wrap"
            or rules.get("line_pad", 0)
        ):
            return None
        app = self.app
        styles = self._span_styles
        spans: list[tuple[int, int, Style]] = []
        for start, end, span_style in paragraph.spans:
            style = styles.get(span_style)
            if style is None:
                rich = (
                    app.console.get_style(span_style) if isinstance(span_style, str) else span_style
                )
                style = styles[span_style] = Style.from_rich_style(rich, app.ansi_theme)
            spans.append((start, end, style))
        base = self.visual_style
        offsets = divide_line(plain, width, fold=True)
        bounds = [0, *offsets, len(plain)]
        last = len(bounds) - 2
        strips: list[Strip] = []
        for n in range(last + 1):
            line_start, line_end = bounds[n], bounds[n + 1]
            text = plain[line_start:line_end]
            if n < last:
                text = text.rstrip()
            cells = cell_len(text)
            if cells > width or len(text) > width:
                return None
            length = len(text)
            # The spans on this line (Content.divide, then its rstrip's trim), in their order.
            line_spans = []
            for start, end, style in spans:
                new_start = max(0, start - line_start)
                new_end = min(end - line_start, line_end - line_start)
                if new_end > new_start and new_start < length:
                    line_spans.append((new_start, min(new_end, length), style))
            segments: list[Segment] = []
            x = line_start
            if not line_spans:  # Content.render: the whole line in the base style
                segments.append(Segment(text, (base + base).rich_style_with_offset(x, 0)))
            else:
                cuts = sorted(
                    {0, length, *(a for a, _, _ in line_spans), *(b for _, b, _ in line_spans)}
                )
                for a, b in zip(cuts, cuts[1:], strict=False):
                    on = [style for start, end, style in line_spans if start <= a < end]
                    style = Style.combine([base, *on])
                    segments.append(Segment(text[a:b], (base + style).rich_style_with_offset(x, 0)))
                    x += b - a
            strips.append(Strip(segments, cells))
        return strips

    def _cursor(self, cursor: Text, width: int) -> Strip:
        key = (cursor.plain, tuple(cursor.spans), cursor.style)
        mark = self._cursors.get(key)
        if mark is None:
            mark = self._cursors[key] = self._wrap(cursor, width)[0]
        return mark

    def _ellipsis(self, width: int) -> Strip:
        if self._mark is None:
            self._mark = self._wrap(Text("…", style="dim"), width)[0]
        return self._mark


def line_start(plain: str, lines: list[Strip], n: int) -> int | None:
    """Where in ``plain`` wrapped line ``n`` starts (a word wrap drops the spaces it breaks
    at; the Chinese wrap may cut before a space, which then starts the next line), or None
    if the lines do not read as ``plain`` (then no anchor: wrap it all)."""
    pos = 0
    for i, line in enumerate(lines):
        whole = line.text
        text = whole.rstrip()
        if i:
            end = pos
            while end < len(plain) and plain[end] in " \n":
                end += 1
            pos = max(pos, end - (len(whole) - len(whole.lstrip(" "))))
        if not plain.startswith(text, pos):
            return None
        if i == n:
            return pos
        pos += len(text)
    return None


class FullView(NamedTuple):
    """A maximized pane's widgets: its header, over its history in a scroller."""

    header: Static
    scroller: VerticalScroll
    history: Static


class SeatPane(KeptLines, Vertical):
    """A seat's pane. Normally a fixed-size view of the latest text — so a repaint never
    changes the layout, which is what keeps nine streaming panes cheap. Maximized, it
    becomes a scrollable history that follows the text unless the reader scrolled up.
    Focusable, so it can be maximized. Repainted by the app's clock, never per token; its
    border, drawn again by Textual at every frame of any pane, is kept (KeptLines)."""

    can_focus = True
    ALLOW_MAXIMIZE = False  # the app maximizes its own way: the prompt stays in view

    def __init__(self, seat: int) -> None:
        super().__init__(id=f"seat-{seat}", classes="seat-pane")
        self.seat_no = seat
        self.body = PaneLines(classes="seat-body")
        self._full: FullView | None = None  # made the first time the pane is maximized
        self._last_header: Text | None = None
        self._last_title: Text | None = None
        self._marks: tuple | None = None
        self._painted_with: tuple[Board, bool] | None = None
        self._texts = Texts()

    def compose(self) -> ComposeResult:
        yield self.body

    def _full_view(self) -> FullView:
        """The maximized pane's widgets, made and mounted the first time it is maximized:
        the header over a scrollable history (the body, hidden meanwhile, draws the header
        as its own first line). Made for all nine panes at the start, nobody seeing them
        unless a pane is maximized, they were a third of the board's widgets to style and
        lay out before the first frame."""
        if self._full is None:
            header = Static(self._last_header or "", classes="seat-header", markup=False)
            history = Static("", classes="seat-history", markup=False)
            scroller = VerticalScroll(history, classes="seat-scroll")
            self.mount(header, before=self.body)
            self.mount(scroller, after=self.body)
            self._full = FullView(header, scroller, history)
        return self._full

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
        # Everything the title and the header say: while only the text streams, they
        # are not even rebuilt.
        marks = (
            board.lang,
            s.name,
            s.seat == board.you,
            s.alive,
            s.speaking,
            s.thinking,
            s.decided,
            s.role,
            s.role or board.checks.get(s.seat),
        )
        if marks != self._marks:
            self._marks = marks
            title = self.title_text(board, s)
            if title != self._last_title:
                self._last_title = title
                self.border_title = title
            header = self.header_text(board, s)
            if header != self._last_header:  # unchanged text: no refresh at all
                self._last_header = header
                if self._full is not None:  # fixed size: no new layout
                    self._full.header.update(header, layout=False)
        header = self._last_header
        full = self.maximized
        self.set_class(full, "scrolling")
        if full:
            view = self._full_view()
            at_bottom = view.scroller.scroll_y >= view.scroller.max_scroll_y - 1
            view.history.update(self.body_text(board, s, show_thoughts, full=True))
            if at_bottom:  # follow the text, unless the reader scrolled up
                view.scroller.scroll_end(animate=False, immediate=True)
        else:
            self.body.show(self.paragraphs(board, s, show_thoughts, texts=self._texts), header)

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
        """The pane's text in one piece (the maximized pane's scrollable history)."""
        return joined(SeatPane.paragraphs(board, s, show_thoughts, full))

    @staticmethod
    def paragraphs(
        board: Board, s: Seat, show_thoughts: bool, full: bool = False, texts: Texts | None = None
    ) -> list[Paragraph]:
        """The latest speeches, the live thought and the words being spoken, one Text
        each (with its cursor while it grows): a pane wraps each once and keeps it.
        ``texts``: the pane's Texts of the words, kept from the frame before."""
        lang = board.lang
        texts = texts or Texts()
        kept: dict[str, Text] = {}
        out: list[Paragraph] = []
        for said in s.said if full else s.said[-PANE_SPEECHES:]:
            text = Text()
            tag = f"pane.tag.{said.kind}"
            if has(tag):
                text.append(f"[{say(tag, lang)}] ", style="dim")
            text.append(texts.done(said.text, kept))
            out.append((text, None))
        texts.keep(kept)
        if show_thoughts and s.thought:
            label = f"({s.thought_label}) " if s.thought_label else ""
            thought = s.thought
            if not full and len(thought) > PANE_THOUGHT_CHARS:
                # The start moves a step at a time, not a token at a time, so the
                # lines above the newest one stay as they were (they would re-flow with
                # every token otherwise, and be wrapped again every frame).
                cut = (len(thought) - PANE_THOUGHT_CHARS) // THOUGHT_STEP * THOUGHT_STEP
                thought = "…" + thought[cut:] if cut else thought
            text = Text()
            text.append(texts.growing("thought", label + thought, "italic dim cyan"))
            out.append((text, Text("▌", style="cyan") if s.thinking else None))
        if s.speaking:  # last, so the pane's tail is always the words being spoken
            text = Text()
            text.append(texts.growing("speech", s.speech, "bold"))
            out.append((text, Text("▌", style="bold yellow")))
        if out and out[-1][1] is None:
            out[-1][0].rstrip()
        return out
