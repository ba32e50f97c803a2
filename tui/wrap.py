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


def wrap(text: Text, width: int) -> Text:
    """``text`` with line breaks where it wraps at ``width`` cells, no line starting with a
    closing mark. Text with no CJK in it is returned as it is (Rich wraps it well)."""
    if width <= 4 or not needs_care(text.plain):
        return text
    # Folded cell by cell (Chinese has no spaces to break at), at existing line breaks
    # too; a closing mark that would start a line stays at the end of the one before.
    plain = text.plain
    cuts: list[int] = []
    used = 0
    for i, char in enumerate(plain):
        if char == "\n":
            used = 0
            continue
        cells = cell_len(char)
        if used + cells > width - 2 and used > 0 and char not in CLOSING:
            cuts.append(i)
            used = 0
        used += cells
    if not cuts:
        return text
    joined = Text("\n").join(text.divide(cuts))
    joined.end = text.end
    return joined
