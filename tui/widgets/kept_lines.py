"""Widgets whose drawn lines are kept, and handed to the compositor again as they are,
until something changes how they draw."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from textual.geometry import Region
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    # A mixin, and first among a widget's bases: Textual takes a widget's CSS type and
    # default styles from the chain of first bases that are DOM nodes (a Grid stays a Grid).
    _Base = object


class KeptLines(_Base):
    """A widget (a container, as a rule) whose lines, once drawn, are kept until it is
    refreshed, restyled or resized.

    Why: at every frame, Textual's compositor draws each widget whose clip meets the
    region to update (a widget's clip is its parent's region: for a pane's text, the pane;
    for the panes, the board), all of it, before it picks the lines it shows. So the
    containers around nine streaming panes were drawn again at every frame, every line,
    to the same strips: a sixth of the client's CPU while a game streams
    (docs/benchmarks.md, "Issue 12 in session 18").

    What changes how a widget draws goes through its ``refresh`` (its content, its border's
    title, any style set on it or on an ancestor, which refreshes the widgets below), its
    ``notify_style_update`` (the stylesheet applied again: a class or a pseudo-class
    changed here or above, a theme) or a new size; the line filters are the app's, and
    may be turned on or off. The key is all of these; tests/test_tui_panes.py holds the
    kept lines equal to Textual's drawing through each. The size is the region's, which
    Textual draws at: a widget's own (``outer_size``) is set apart from it, and a frame
    drawn in between, at a resize on a busy machine, was kept for the new size.
    """

    _kept: tuple[tuple, list[Strip]] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        key = (crop, self.region.size, *self.get_line_filters())
        kept = self._kept
        if kept is not None and kept[0] == key:
            return kept[1]
        strips = super().render_lines(crop)
        self._kept = (key, strips)
        return strips

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        self._kept = None
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def notify_style_update(self) -> None:
        self._kept = None
        super().notify_style_update()


__all__ = ["KeptLines"]
