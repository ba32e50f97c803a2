"""The transcript: phases, every speech in full, votes with the tally, deaths, and the
night results this viewer may know. Scrollable; t shows it over the whole screen."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import RichLog

from tui.board import Line
from tui.wrap import wrap

STYLES = {
    "phase": "bold reverse",
    "speech": "",
    "last_words": "italic",
    "wolf_chat": "magenta",
    "end": "bold yellow",
    "line": "bold",
}


class Timeline(RichLog):
    def __init__(self, source: list[Line] | None = None) -> None:
        super().__init__(id="timeline", wrap=True, markup=False, auto_scroll=True, min_width=20)
        self.can_focus = True
        self.source = source if source is not None else []  # every line so far
        self.count = 0  # how many of them are written
        self._width = 0

    def lines_text(self) -> list[str]:
        return [strip.text for strip in self.lines]

    @property
    def behind(self) -> bool:
        return self.count < len(self.source)

    def catch_up(self) -> None:
        """Write the lines of the transcript not written yet."""
        if self.behind:
            lines = self.source[self.count :]
            self.count = len(self.source)
            self.add(lines)

    reader_scrolled = False  # the reader moved the view since the last lines came

    def add(self, lines: list[Line]) -> None:
        # Follow new lines only while the reader is at the bottom: measured only once the
        # reader has scrolled. While lines pour in, the scroll to the end lags behind the
        # writes (it happens after a refresh), and measuring then would stop following.
        if self.reader_scrolled:
            self.reader_scrolled = False
            self.auto_scroll = self.scroll_y >= self.max_scroll_y - 1
        for line in lines:
            text = Text(line.text, style=STYLES.get(line.kind, ""))
            if line.head:
                text.stylize("bold cyan", 0, line.head)
            width = self.scrollable_content_region.width
            self.write(wrap(text, width), width=width or None)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.reader_scrolled = True

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self.reader_scrolled = True

    def on_key(self, event: events.Key) -> None:
        if event.key in ("up", "down", "pageup", "pagedown", "home", "end"):
            self.reader_scrolled = True

    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            # Lines are wrapped as they are written: wrap them all again for the new width.
            self._width = width
            following = self.auto_scroll
            self.clear()
            self.count = 0
            self.catch_up()
            self.auto_scroll = following
        # Shrunk (the action area opened): keep the latest lines in view if following.
        if self.auto_scroll:
            self.scroll_end(animate=False, immediate=True)
