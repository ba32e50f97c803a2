"""Text from players and models, made safe to show in anybody's terminal.

A speech, a thought, a name or an error message goes to other people's terminals.
Terminals obey control characters: an escape sequence in a speech could write to the
reader's clipboard (OSC 52), set the window title, leave the alternate screen or
recolour everything after it; a bidi control reorders what is shown around it (the
"Trojan Source" trick). So none of these ever pass:

- C0 controls (U+0000–U+001F) and DEL (U+007F), ESC among them;
- C1 controls (U+0080–U+009F), which some terminals read as ESC sequences;
- the bidi embeddings, overrides and isolates: U+202A–U+202E, U+2066–U+2069;
- lone surrogates (U+D800–U+DFFF), which no UTF-8 encoder accepts.

:func:`clean` removes an escape sequence whole — introducer, parameters, payload and
terminator — so ``hi \\x1b]0;PWNED\\x1b\\\\ there`` shows as ``hi  there``, not as
``hi ]0;PWNED\\ there``; then it drops any control that is left. Line breaks and tabs
are text, not commands: a speech (``one_line``) turns each into a space, a thought or a
message (``one_line=False``) keeps ``\\n`` and ``\\t``. :func:`refusal` says why a
player's text is refused (the server refuses a human's speech with a control in it; a
model's is cleaned). :class:`Cleaner` does the same as :func:`clean` for text that
arrives in pieces (a model's streamed tokens), where a sequence may be cut in two.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator

# Introducers: ESC, and the C1 forms of CSI (U+009B) and of the string commands
# DCS, SOS, OSC, PM, APC (U+0090, U+0098, U+009D, U+009E, U+009F). A string command's
# payload longer than 512 characters is not taken for one: only its introducer goes (so a
# stream never holds back more than that); nor are more than 64 parameter bytes.
_SEQUENCE_PATTERN = r"""
      \x1b\[ [0-?]{0,64} [ -/]{0,16} [@-~]          # CSI ... final byte
    | \x9b   [0-?]{0,64} [ -/]{0,16} [@-~]
    | (?:\x1b[\]PX^_] | [\x90\x98\x9d\x9e\x9f])       # OSC, DCS, SOS, PM, APC ...
      [^\x07\x1b\x9c]{0,512} (?:\x07|\x1b\\|\x9c END)  # ... to BEL or ST (or the end)
    | \x1b [ -/]{0,16} [0-~]                        # any other escape sequence
    """
_SEQUENCE = re.compile(_SEQUENCE_PATTERN.replace(" END", r"|\Z"), re.VERBOSE)
# The same in a text that goes on (a stream's piece): a string command ends only at BEL or ST.
_SEQUENCE_GOING_ON = re.compile(_SEQUENCE_PATTERN.replace(" END", ""), re.VERBOSE)
# What may be an escape sequence not yet finished at the end of a piece of a stream.
_UNFINISHED = re.compile(
    r"""
    (?: \x1b (?: \[ [0-?]{0,64} [ -/]{0,16} | [ -/]{0,16} )
      | \x9b [0-?]{0,64} [ -/]{0,16}
      | (?:\x1b[\]PX^_] | [\x90\x98\x9d\x9e\x9f]) [^\x07\x1b\x9c]{0,512} \x1b?
    ) \Z
    """,
    re.VERBOSE,
)
_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x85\u2028\u2029]")
# Every control that never passes (line breaks are turned into text first).
_CONTROLS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_DROP = re.compile(f"[{_CONTROLS}]")
# Anything that needs work: the usual text, with none of these, passes untouched.
_ANY = re.compile(f"[{_CONTROLS}\t\n\u2028\u2029]")
# The same for a text that keeps its lines (``one_line=False``): a line feed or a tab is
# left as it is there, so a thought of many lines with no control passes untouched too
# (each other line break is a control, or U+2028/U+2029; every escape sequence starts
# with one). Without it, every thought was read four times over.
_ANY_LINES = re.compile(f"[{_CONTROLS}\u2028\u2029]")
# What a player may not write: tab, line feed and carriage return become spaces instead.
_REFUSED = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _breaks(text: str, one_line: bool) -> str:
    """Line breaks as text: one space each on one line (tabs too), else ``\\n``."""
    if one_line:
        return _BREAKS.sub(" ", text).replace("\t", " ")
    return _BREAKS.sub("\n", text)


def clean(text: str, one_line: bool = True, *, _ends: bool = True) -> str:
    """``text`` with every escape sequence and control character removed.

    ``one_line`` (speeches, names, labels): each line break or tab becomes one space.
    Otherwise (thoughts, messages, prompts): a line break becomes ``\\n``, tabs stay.
    """
    if not (_ANY if one_line else _ANY_LINES).search(text):
        return text
    sequences = _SEQUENCE if _ends else _SEQUENCE_GOING_ON
    return _DROP.sub("", sequences.sub("", _breaks(text, one_line)))


def refusal(text: str) -> str | None:
    """Why a player's ``text`` is refused, or None: a control character, DEL, a C1 control,
    a bidi control or a lone surrogate, named by its code point and position."""
    m = _REFUSED.search(text)
    if m is None:
        return None
    return (
        f"U+{ord(m.group()):04X} at position {m.start()} is not allowed: no control "
        "characters, escape sequences, bidi controls or lone surrogates (line breaks and "
        "tabs are allowed: they become spaces)"
    )


class Cleaner:
    """:func:`clean` for text that arrives in pieces: an escape sequence cut between two
    pieces is held back until it ends (or the text does), so it goes whole."""

    def __init__(self, one_line: bool = True) -> None:
        self.one_line = one_line
        self.pending = ""

    def feed(self, piece: str) -> str:
        """The clean text this piece completes (possibly empty)."""
        text = self.pending + piece
        cr = "\r" if text.endswith("\r") else ""  # may be half of a "\r\n"
        text = _breaks(text[: len(text) - len(cr)], self.one_line)
        m = _UNFINISHED.search(text)
        cut = m.start() if m else len(text)
        self.pending = text[cut:] + cr
        return clean(text[:cut], self.one_line, _ends=False)

    def flush(self) -> str:
        """What was held back, cleaned as the end of the text."""
        text, self.pending = self.pending, ""
        return clean(text, self.one_line)


def clean_json(value: Any) -> Any:
    """A decoded JSON value with every string in it cleaned (keys too), line breaks kept:
    what a client does to everything it reads from the wire before showing any of it."""
    if isinstance(value, str):
        return clean(value, one_line=False)
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    if isinstance(value, dict):
        return {clean(k, one_line=False): clean_json(v) for k, v in value.items()}
    return value


def _lines(text: str) -> str:
    return clean(text, one_line=False)


# A model field of text that reaches terminals: one line (speeches, names), or lines.
OneLine = Annotated[str, AfterValidator(clean)]
Lines = Annotated[str, AfterValidator(_lines)]

__all__ = ["Cleaner", "Lines", "OneLine", "clean", "clean_json", "refusal"]
