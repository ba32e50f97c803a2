"""The transcript: phases, every speech in full, votes with the tally, deaths, and the
night results this viewer may know. Scrollable; t shows it over the whole screen."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import RichLog

from tui.board import Line

STYLES = {
    "phase": "bold reverse",
    "speech": "",
    "last_words": "italic",
    "wolf_chat": "magenta",
    "end": "bold yellow",
    "line": "bold",
}


class Timeline(RichLog):
    def __init__(self) -> None:
        super().__init__(id="timeline", wrap=True, markup=False, auto_scroll=True, min_width=20)
        self.can_focus = True

    def lines_text(self) -> list[str]:
        return [strip.text for strip in self.lines]

    def add(self, lines: list[Line]) -> None:
        # Follow new lines only while the reader is at the bottom.
        self.auto_scroll = self.scroll_y >= self.max_scroll_y - 1
        for line in lines:
            text = Text(line.text, style=STYLES.get(line.kind, ""))
            if line.kind in ("speech", "last_words", "wolf_chat"):
                who, sep, _ = line.text.partition(": ")
                if sep:
                    text.stylize("bold cyan", 0, len(who))
            self.write(text)

    def on_resize(self, event: events.Resize) -> None:
        # Shrunk (the action area opened): keep the latest lines in view if following.
        if self.auto_scroll:
            self.scroll_end(animate=False, immediate=True)
