"""Splits a streamed ChatAdapter answer into its fields as the tokens arrive.

DSPy's ChatAdapter asks the model for ``[[ ## reasoning ## ]]`` … ``[[ ## speech ## ]]``
… ``[[ ## completed ## ]]``. A marker may arrive cut across chunks, so the splitter holds
back any tail that could still become one, and the blank lines around a field's value
(which the format puts there, not the model's thought) never reach the screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_MARKER = re.compile(r"\[\[ ## (\w+) ## \]\]")
_OPEN = "[[ ## "


_PARTIAL = re.compile(r"\[\[ ## \w*(?: (?:#(?:#(?: (?:\](?:\])?)?)?)?)?)?")


def _held_tail(text: str) -> int:
    """Where a possibly unfinished marker starts at the end of ``text`` (len(text): none)."""
    p = text.find("[", max(0, len(text) - 64))
    while p != -1:
        tail = text[p:]
        if _OPEN.startswith(tail) or _PARTIAL.fullmatch(tail):
            return p
        p = text.find("[", p + 1)
    return len(text)


class FieldSplitter:
    """Feed raw chunks; ``emit(field, text)`` is called with each field's text in order."""

    def __init__(self, emit: Callable[[str, str], None]) -> None:
        self.emit = emit
        self.field: str | None = None
        self.buffer = ""
        self.pending_ws = ""  # whitespace held until more text follows it in the same field
        self.started = False  # the current field has emitted non-space text

    def feed(self, chunk: str) -> None:
        self.buffer += chunk
        while True:
            m = _MARKER.search(self.buffer)
            if not m:
                break
            self._text(self.buffer[: m.start()])
            self._switch(m.group(1))
            self.buffer = self.buffer[m.end():]
        cut = _held_tail(self.buffer)
        self._text(self.buffer[:cut])
        self.buffer = self.buffer[cut:]

    def close(self) -> None:
        self._text(self.buffer)
        self.buffer = ""
        self._switch(None)

    def _switch(self, field: str | None) -> None:
        self.field = field
        self.pending_ws = ""
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
        trailing = text[len(stripped):]
        if stripped:
            self.emit(self.field, self.pending_ws + stripped)
            self.pending_ws = trailing
        else:
            self.pending_ws += trailing
