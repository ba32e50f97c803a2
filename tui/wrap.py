"""Wrapping that Chinese readers accept: a closing mark (，。、！？) never starts a line.

Rich folds text without spaces character by character, so a full-width comma can land at
the start of a line. Here the text is wrapped two cells short of the width and a closing
mark that would start a line hangs at the end of the line before (the usual "hanging
punctuation" of CJK typesetting). Rich has no such option; this is the small piece we add.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text

CLOSING = frozenset("，。、；：！？）》」』”’…,.;:!?)")


_CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")


def needs_care(text: str) -> bool:
    return _CJK.search(text) is not None  # (a regex: this runs on every pane, 25 times a second)


def wrap(text: Text, width: int, care: bool | None = None) -> Text:
    """``text`` with line breaks where it wraps at ``width`` cells, no line starting with a
    closing mark. Text with no CJK in it is returned as it is (Rich wraps it well).
    ``care``: whether to wrap it so all the same (a piece of a text that has CJK in it is
    wrapped as the whole text is); None: as its own characters say."""
    if care is None:
        care = needs_care(text.plain)
    if width <= 4 or not care:
        return text
    # Folded cell by cell (Chinese has no spaces to break at), at existing line breaks
    # too; a closing mark that would start a line stays at the end of the one before.
    plain = text.plain
    cuts: list[int] = []
    used = 0
    start = 0  # where the current line starts
    last = -1  # the last character of the line that is not a closing mark
    for i, char in enumerate(plain):
        if char == "\n":
            used, start, last = 0, i + 1, -1
            continue
        cells = cell_len(char)
        if char not in CLOSING:
            if used + cells > width - 2 and used > 0:
                cuts.append(i)
                used, start = 0, i
            last = i
        elif used + cells > width and last > start:
            # Marks in a row overflow even the hanging room: the character before
            # them goes down with them, so the line still starts with a character.
            cuts.append(last)
            used, start = cell_len(plain[last:i]), last
        used += cells
    if not cuts:
        return text
    joined = Text("\n").join(text.divide(cuts))
    joined.end = text.end
    return joined
