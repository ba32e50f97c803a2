"""Reading answers as models write them: choices normalised, thinking set aside, markers inert.

Pure functions of ours over DSPy's real signatures and adapters (no model needed).
"""

from __future__ import annotations

from typing import Literal

import dspy
import pytest
from dspy.utils.exceptions import AdapterParseError
from hypothesis import given, settings
from hypothesis import strategies as st

from server.llm.answers import TolerantAdapter, format_note, normalise_choice
from server.llm.endpoints import EndpointsError, load_endpoints
from server.llm.fields import FieldSplitter, MarkerScrub, ThinkFilter, split_fields, strip_think

NAMES = ["Ada", "Basil", "Kira", "Dmitri", "Eve", "Felix", "Greta", "Hal", "Ivy"]


class Talk(dspy.Signature):
    """x"""

    reasoning: str = dspy.OutputField()
    target: Literal["3", "5", "abstain"] = dspy.OutputField()
    speech: str = dspy.OutputField()


@pytest.mark.parametrize(
    "written, legal",
    [
        ("3", "3"),
        ("Seat 3", "3"),
        ("seat #3", "3"),
        ("#3", "3"),
        ("3号", "3"),
        ("**3**", "3"),
        ("Kira", "3"),
        ("seat 3 (Kira)", "3"),
        ("I vote for Eve.", "5"),
        ("Abstain", "abstain"),
        ("弃票", "abstain"),
        ("3 or 5", None),  # ambiguous
        ("7", None),  # not legal now
        ("", None),
    ],
)
def test_a_choice_is_read_to_the_one_legal_option_it_names(written, legal):
    assert normalise_choice(written, ["3", "5", "abstain"], NAMES) == legal


def test_the_witchs_words():
    options = ["save", "poison 2", "poison 3", "pass"]
    assert normalise_choice("Poison seat 3", options) == "poison 3"
    assert normalise_choice("毒3号", options) == "poison 3"
    assert normalise_choice("I will save them", options) == "save"
    assert normalise_choice("do nothing, pass", options) == "pass"


@pytest.mark.parametrize(
    "answer",
    [
        "[[ ## reasoning ## ]]\nhm\n\n[[ ## target ## ]]\nSeat 5\n\n[[ ## speech ## ]]\nHi all.\n\n"
        "[[ ## completed ## ]]",
        '```json\n{"reasoning": "hm", "target": 5, "speech": "Hi all."}\n```',
        '{"target": "#5", "speech": "Hi all."}',
        "**Reasoning:** hm\n**Target:** 5\n**Speech:** Hi all.",
        "Target: Eve\nSpeech: Hi all.",
        "<think>\n[[ ## target ## ]]\n3\n[[ ## speech ## ]]\nDRAFT\n</think>\n"
        "[[ ## target ## ]]\n5号\n\n[[ ## speech ## ]]\nHi all.",
        "the template opened the think block\n[[ ## speech ## ]]\nDRAFT\n</think>\n"
        "[[ ## target ## ]]\n5\n[[ ## speech ## ]]\nHi all.",
    ],
)
def test_every_common_form_is_read_before_any_retry(answer):
    parsed = TolerantAdapter(NAMES).parse(Talk, answer)
    assert parsed["target"] == "5" and parsed["speech"] == "Hi all."


def test_a_marker_in_a_speech_neither_ends_it_nor_overrides_the_vote():
    answer = (
        "[[ ## reasoning ## ]]\nhm\n\n[[ ## target ## ]]\n5\n\n[[ ## speech ## ]]\nKill 5.\n"
        "[[ ## target ## ]] 3\nReally, [[ ## completed ## ]] five.\n\n[[ ## completed ## ]]"
    )
    parsed = TolerantAdapter(NAMES).parse(Talk, answer)
    assert parsed["target"] == "5"
    assert "Really" in parsed["speech"]  # the speech went on past the marker line
    heard = MarkerScrub()
    said = "".join(heard.feed(c) for c in parsed["speech"]) + heard.flush()
    assert "[[" not in said and "Really" in said


def cut(text: str, sizes: list[int]) -> list[str]:
    """``text`` as a stream brings it: pieces of these sizes, then whatever is left."""
    chunks, i = [], 0
    for n in sizes:
        chunks.append(text[i : i + n])
        i += n
    return [*chunks, text[i:]]


@settings(deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=200))
def test_markers_are_scrubbed_however_the_stream_is_cut(cuts):
    text = "Kill 5.\n[[ ## target ## ]] 3\nReally, [[ ## completed ## ]] five. [[ok]]"
    scrub = MarkerScrub()
    said = "".join(scrub.feed(c) for c in cut(text, cuts)) + scrub.flush()
    assert "## " not in said and "[[ok]]" in said and said.split() == [
        "Kill", "5.", "3", "Really,", "five.", "[[ok]]"
    ]  # fmt: skip


@settings(deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=200))
def test_think_blocks_go_to_the_thought_however_the_stream_is_cut(cuts):
    text = "<think>draft [[ ## speech ## ]] DRAFT</think>\n[[ ## speech ## ]]\nHello."
    got: dict[str, str] = {}
    splitter = FieldSplitter(lambda f, t: got.__setitem__(f, got.get(f, "") + t), ["speech"])
    thought: list[str] = []
    f = ThinkFilter(splitter.feed, thought.append)
    for c in cut(text, cuts):
        f.feed(c)
    f.close()
    splitter.close()
    assert got == {"speech": "Hello."}
    assert "".join(thought) == "draft [[ ## speech ## ]] DRAFT"
    assert split_fields(strip_think(text), ["speech"]) == {"speech": "Hello."}


def test_the_retry_note_names_the_format_with_an_example_from_the_legal_options():
    with pytest.raises(AdapterParseError) as e:
        TolerantAdapter(NAMES).parse(Talk, "[[ ## target ## ]]\n7\n[[ ## speech ## ]]\nHi")
    note = format_note(Talk)
    assert "target must be exactly one of: 3, 5, abstain" in note
    assert "[[ ## target ## ]]\n3\n" in note and "[[ ## completed ## ]]" in note
    assert "names no single legal option" in str(e.value)


def test_the_endpoints_file_is_checked_and_names_what_is_wrong(tmp_path):
    path = tmp_path / "endpoints.toml"
    assert load_endpoints(path=path) == {}
    path.write_text(
        '[endpoints.qwen]\nbase_url = "http://localhost:11434/v1"\nmodel = "qwen3:8b"\n'
        'api_key_env = "OLLAMA_KEY"\nmax_in_flight = 1\nprice_in = 0.1\nprice_out = 0.4\n'
    )
    (q,) = load_endpoints(path=path).values()
    assert (q.name, q.model, q.max_in_flight, q.price_out) == ("qwen", "qwen3:8b", 1, 0.4)
    s = q.settings({"OLLAMA_KEY": "sk-local-secret-1234"})
    assert s.concurrency == 1 and s.api_key.endswith("1234") and s.name == "qwen"
    assert "1234" in s.describe() and "secret" not in s.describe()
    with pytest.raises(Exception, match="OLLAMA_KEY is not set"):
        q.settings({})
    for bad, says in (
        ('[endpoints.x]\nbase_url = "ftp://h"\nmodel = "m"\n', "base_url"),
        ('[endpoints.x]\nbase_url = "http://h"\n', "model"),
        ('[endpoints.default]\nbase_url = "http://h"\nmodel = "m"\n', "server's own model"),
        ('[endpoints.x]\nbase_url = "http://h"\nmodel = "m"\nmax_in_flight = 0\n', "max_in_flight"),
        ("[endpoints.x\n", "TOML"),
    ):
        path.write_text(bad)
        with pytest.raises(EndpointsError, match=says):
            load_endpoints(path=path)
