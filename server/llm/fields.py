"""Splits a streamed ChatAdapter answer into its fields as the tokens arrive.

DSPy's ChatAdapter asks the model for ``[[ ## reasoning ## ]]`` … ``[[ ## speech ## ]]``
… ``[[ ## completed ## ]]``, and reads a marker only at the start of a line, keeping
the first section of each field. The splitter follows the same rules, so what streams
as a field is what DSPy will parse as that field: a marker inside a sentence ("in my
[[ ## speech ## ]] I will…") stays part of the text it is in, and a field written twice
streams once. A line that may still become a marker is held until it can't; other text
goes out as it arrives. The blank lines around a value (the format's, not the model's
words) never reach the screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_MARKER = re.compile(r"\[\[ ## (\w+) ## \]\]")
_OPEN = "[[ ## "
_PARTIAL = re.compile(r"\[\[ ## \w*(?: (?:#(?:#(?: (?:\](?:\])?)?)?)?)?)?")


def _may_become_marker(text: str) -> bool:
    return _OPEN.startswith(text) or bool(_PARTIAL.fullmatch(text))


class FieldSplitter:
    """Feed raw chunks; ``emit(field, text)`` is called with each field's text in order."""

    def __init__(self, emit: Callable[[str, str], None]) -> None:
        self.emit = emit
        self.field: str | None = None
        self.seen: set[str] = set()
        self.pending = ""  # the start of the current line, while it may be a marker
        self.in_line = False  # the current line is known to be text, not a marker
        self.held_ws = ""  # whitespace held until more text follows it in the same field
        self.started = False  # the current field has emitted non-space text

    def feed(self, chunk: str) -> None:
        self.pending += chunk
        while self.pending:
            if self.in_line:
                nl = self.pending.find("\n")
                if nl == -1:
                    self._text(self.pending)
                    self.pending = ""
                    return
                self._text(self.pending[: nl + 1])
                self.pending = self.pending[nl + 1 :]
                self.in_line = False
                continue
            stripped = self.pending.lstrip(" \t")
            m = _MARKER.match(stripped)
            if m:
                self._switch(m.group(1))
                self.pending = stripped[m.end() :]
                self.in_line = True  # the rest of a marker's line is its field's text
                continue
            if _may_become_marker(stripped):
                return  # wait for the rest of the line's start
            self.in_line = True

    def close(self) -> None:
        self._text(self.pending)
        self.pending = ""
        self._switch(None)

    def _switch(self, field: str | None) -> None:
        # DSPy keeps the first section of a field: a repeat goes nowhere.
        self.field = None if field in self.seen else field
        if field is not None:
            self.seen.add(field)
        self.held_ws = ""
        self.started = False

    def _text(self, text: str) -> None:
        if not text or self.field is None:
            return
        if not self.started:
            text = text.lstrip()
            if not text:
                return
            self.started = True
        stripped = text.rstrip()
        trailing = text[len(stripped) :]
        if stripped:
            self.emit(self.field, self.held_ws + stripped)
            self.held_ws = trailing
        else:
            self.held_ws += trailing
