"""Splits a streamed answer into its fields as the tokens arrive, the same way it is parsed.

DSPy's ChatAdapter asks the model for ``[[ ## reasoning ## ]]`` … ``[[ ## speech ## ]]``
… ``[[ ## completed ## ]]``. A marker counts only at the start of a line (spaces before
it allowed), and only for a field of the program not written yet: so a marker inside a
speech — a repeat of a field already written (the vote comes before the speech, so a
human's "[[ ## target ## ]] 1" echoed by the model is one), or a field the program does
not have — never ends the speech nor overrides a field; it stays text of the field it is in, and :class:`MarkerScrub`
keeps it out of what anyone hears. The same splitter parses the finished answer
(:func:`split_fields`), so what streamed as a field is what the game takes as that field.

``<think>…</think>`` in the content (Qwen3, DeepSeek-R1 distills served by Ollama or
vLLM without a reasoning parser) is thought: it goes to the ``reasoning`` stream and is
never searched for fields, so a draft answer inside it is neither heard nor parsed.

A line that may still become a marker is held until it can't; other text goes out as it
arrives. The blank lines around a value (the format's, not the model's words) never reach
the screen. Ours rather than DSPy's ChatAdapter.parse: that one keeps the first section of
a field wherever it appears and misreads markers after leading spaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_MARKER = re.compile(r"\[\[ ## (\w+) ## \]\]")
_OPEN = "[[ ## "
_PARTIAL = re.compile(r"\[\[ ## \w*(?: (?:#(?:#(?: (?:\](?:\])?)?)?)?)?)?")
THINK_OPEN, THINK_CLOSE = "<think>", "</think>"


def _may_become_marker(text: str) -> bool:
    return _OPEN.startswith(text) or bool(_PARTIAL.fullmatch(text))


def _held_prefix(text: str, tag: str) -> int:
    """Where a tail of ``text`` that may still become ``tag`` starts (len(text): none)."""
    for i in range(max(0, len(text) - len(tag) + 1), len(text)):
        if tag.startswith(text[i:]):
            return i
    return len(text)


class ThinkFilter:
    """Routes ``<think>…</think>`` in streamed content to ``thought``, the rest to ``content``."""

    def __init__(self, content: Callable[[str], None], thought: Callable[[str], None]) -> None:
        self.content, self.thought = content, thought
        self.inside = False
        self.pending = ""
        self.answer: list[str] = []  # the content outside think blocks, as received

    def feed(self, chunk: str) -> None:
        self.pending += chunk
        while self.pending:
            tag = THINK_CLOSE if self.inside else THINK_OPEN
            at = self.pending.find(tag)
            if at == -1:
                cut = _held_prefix(self.pending, tag)
                self._out(self.pending[:cut])
                self.pending = self.pending[cut:]
                return
            self._out(self.pending[:at])
            self.pending = self.pending[at + len(tag) :]
            self.inside = not self.inside

    def close(self) -> None:
        self._out(self.pending)
        self.pending = ""

    def _out(self, text: str) -> None:
        if not text:
            return
        if self.inside:
            self.thought(text)
        else:
            self.answer.append(text)
            self.content(text)


def strip_think(text: str) -> str:
    """The answer without its thinking: every ``<think>`` block (an unclosed one runs to
    the end), and everything before a ``</think>`` whose opening tag the server's chat
    template wrote itself (DeepSeek-R1's)."""
    text = re.sub(r"<think>.*?(?:</think>|\Z)", "", text, flags=re.S)
    if THINK_CLOSE in text:
        text = text.rsplit(THINK_CLOSE, 1)[1]
    return text


class FieldSplitter:
    """Feed raw chunks; ``emit(field, text)`` is called with each field's text in order.

    ``fields`` is the signature's output fields; a marker switches only to one of them not
    written yet (``completed`` ends them all). Without ``fields`` any
    marker not seen before switches (the old rule, for callers that know no signature).
    """

    def __init__(self, emit: Callable[[str, str], None], fields: Sequence[str] = ()) -> None:
        self.emit = emit
        self.order = [*fields, "completed"] if fields else []
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
                if self._switches(m.group(1)):
                    self._switch(m.group(1))
                    self.pending = stripped[m.end() :]
                else:  # text of the current field (MarkerScrub keeps it unheard)
                    self._text(stripped[: m.end()])
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

    def _switches(self, field: str) -> bool:
        if not self.order:  # DSPy's rule: any marker switches; a repeat goes nowhere
            return True
        # A field of the answer not written yet (in any order: some models reorder them);
        # a repeat, or a field the program does not have, is text of the current field.
        return field in self.order and field not in self.seen

    def _switch(self, field: str | None) -> None:
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


def split_fields(text: str, fields: Sequence[str]) -> dict[str, str]:
    """The finished answer's fields, exactly as :class:`FieldSplitter` streamed them."""
    out: dict[str, str] = {}
    splitter = FieldSplitter(lambda f, t: out.__setitem__(f, out.get(f, "") + t), fields)
    splitter.feed(text)
    splitter.close()
    return {k: v for k, v in out.items() if k != "completed"}


_ANY_MARKER = re.compile(r"\s*\[\[ ## \w+ ## \]\]\s*")


def scrub_markers(text: str) -> str:
    """The text without any field marker in it (what a speech may say aloud)."""
    return _ANY_MARKER.sub(" ", text).strip() if "[[" in text else text


class MarkerScrub:
    """Streamed text with field markers taken out, even one split across chunks."""

    def __init__(self) -> None:
        self.pending = ""

    def feed(self, text: str) -> str:
        self.pending += text
        at = self.pending.rfind("[")
        if at != -1:
            tail = self.pending[at - 1 if at and self.pending[at - 1] == "[" else at :]
            if _may_become_marker(tail) and not _MARKER.fullmatch(tail):
                start = len(self.pending) - len(tail)
                out, self.pending = self.pending[:start], self.pending[start:]
                return _ANY_MARKER.sub(" ", out)
        out, self.pending = self.pending, ""
        return _ANY_MARKER.sub(" ", out)

    def flush(self) -> str:
        out, self.pending = _ANY_MARKER.sub(" ", self.pending), ""
        return out
