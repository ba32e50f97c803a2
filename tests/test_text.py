"""shared/text.py: what never passes from a player's or a model's words to a terminal."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.actions import Action
from shared.events import SpeechEnd, ThoughtToken, parse_event
from shared.text import Cleaner, clean, clean_json, refusal

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
PIECES = [
    "\x1b]52;c;cHduZWQ=\x1b\\",
    "\x1b]0;PWNED\x07",
    "\x1b[?1049l",
    "\x1b[31m",
    "\x1bP1$r\x1b\\",
    "\x9b2J",
    "\x9d0;t\x9c",
    "\x1b",
    "\x1b[",
    "\x1b]",
    "\u202e",
    "\u2066",
    "\ud800",
    "\x7f",
    "\x00",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\u2028",
    "hi",
    " ",
    "seat 3",
    "狼人",
    "😀",
]
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=30).map("".join)


def test_sequences_go_whole_and_the_words_stay():
    text = "hi \x1b]52;c;cHduZWQ=\x1b\\ \x1b]0;PWNED\x1b\\ \x1b[?1049l\x1b[31mRED \u202eevil\u202c"
    assert clean(text) == "hi   RED evil"
    assert clean("a\r\nb\tc\nd") == "a b c d"  # a speech is one line
    assert clean("a\r\nb\tc\nd", one_line=False) == "a\nb\tc\nd"  # a thought keeps its lines
    assert clean("plain words, 狼人杀 😀") == "plain words, 狼人杀 😀"
    # An OSC that never ends swallows the rest, as a terminal would; past 512 it is text.
    assert clean("ok \x1b]0;never ends") == "ok "
    assert clean("ok \x1b]" + "x" * 600) == "ok " + "x" * 600


@settings(max_examples=300, deadline=None)
@given(texts, st.booleans())
def test_nothing_a_terminal_obeys_survives(text, one_line):
    out = clean(text, one_line)
    assert not FORBIDDEN.search(out)
    assert "\x1b" not in out
    if one_line:
        assert "\n" not in out and "\t" not in out
    assert clean(out, one_line) == out  # cleaning twice changes nothing
    out.encode("utf-8")  # always encodable (no lone surrogate)


@settings(max_examples=300, deadline=None)
@given(texts, st.lists(st.integers(min_value=0, max_value=200), max_size=8), st.booleans())
def test_streamed_pieces_clean_as_the_whole(text, cuts, one_line):
    """A model's tokens may cut a sequence anywhere: cleaned piece by piece, the text comes
    out as it would whole."""
    points = sorted({c % (len(text) + 1) for c in cuts})
    pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    cleaner = Cleaner(one_line)
    streamed = "".join(cleaner.feed(p) for p in pieces) + cleaner.flush()
    assert streamed == clean(text, one_line)


def test_a_players_text_is_refused_naming_the_character():
    assert refusal("fine\ttext\r\nwith lines") is None
    why = refusal("hi \x1b[31mRED")
    assert why and "U+001B at position 3" in why
    for bad in ("\u202e", "\x9b", "\x7f", "\ud800", "\x00"):
        assert refusal(f"x{bad}") is not None, repr(bad)


def test_an_action_refuses_controls_and_flattens_lines():
    assert Action(seat=1, kind="speak", text="one\r\ntwo\tthree").text == "one two three"
    for bad in ("\x1b]0;x\x07", "\u2066", "\x85"):
        try:
            Action(seat=1, kind="speak", text=f"hi {bad}")
        except ValueError as e:
            assert "text" in str(e)
        else:
            raise AssertionError(f"{bad!r} passed")


def test_events_never_carry_controls_whoever_builds_them():
    assert SpeechEnd(seat=1, text="a\x1b[31mb\nc").text == "ab c"
    assert ThoughtToken(seat=1, content="x\x1b]0;t\x07\ny").content == "x\ny"
    e = parse_event('{"type": "speech_end", "seat": 2, "text": "\\u001b]52;c;eA==\\u0007ok"}')
    assert isinstance(e, SpeechEnd) and e.text == "ok"


def test_clean_json_cleans_every_string_keys_too():
    value = {"a\x1b[1m": ["x\u202ey", {"k": "\x9b2Jz"}], "n": 3, "f": 1.5, "b": None}
    assert clean_json(value) == {"a": ["xy", {"k": "z"}], "n": 3, "f": 1.5, "b": None}


def test_call_records_print_clean_whatever_the_model_said():
    """``werewolf inspect`` and the TUI's call view print raw answers and prompts: the
    record keeps them as they came, the printout never carries a control."""
    from cli.llm import _terminal_json
    from shared.calls import CallRecord, render

    x = "\x1b]52;c;cHduZWQ=\x07 \x1b[31mRED\u202e\x9b2J"
    r = CallRecord(
        seat=1,
        decision="speak",
        day=1,
        phase="day",
        raw=x,
        error=x,
        prompt=[{"role": "user", "content": x}],
        parsed={"kind": "speak", "text": x},
    )
    assert r.raw == x  # kept as the model sent it
    for prompts in (False, True):
        out = render([r], prompts=prompts)
        assert not FORBIDDEN.search(out) and "RED" in out
    printed = _terminal_json(r.model_dump())
    assert not FORBIDDEN.search(printed) and "\\u001b" in printed
