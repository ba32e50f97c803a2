"""The moderator's timeline: phases, deaths, votes with the tally, private results."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import RichLog


class Timeline(RichLog):
    def __init__(self) -> None:
        super().__init__(id="timeline", wrap=True, markup=False, auto_scroll=True, min_width=20)
        self.can_focus = True

    def lines_text(self) -> list[str]:
        return [strip.text for strip in self.lines]

    def add(self, lines: list[str]) -> None:
        # Follow new lines only while the reader is at the bottom.
        self.auto_scroll = self.scroll_y >= self.max_scroll_y - 1
        for line in lines:
            style = "bold" if line[:1].isupper() and ("Night" in line or "Day" in line) else ""
            if "天亮" in line or "天黑" in line:
                style = "bold"
            self.write(Text(line, style=style))

    def on_resize(self, event: events.Resize) -> None:
        # Shrunk (the action area opened): keep the latest lines in view if following.
        if self.auto_scroll:
            self.scroll_end(animate=False, immediate=True)
