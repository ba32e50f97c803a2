"""LLM bots play whole games with the models people actually run, as those models answer.

Each test scripts the OpenAI-compatible server (devtools/scripted_llm.py, on loopback) to
answer one way for a whole 9-player game: reasoning streamed in ``reasoning_content``,
``<think>`` blocks (with a draft answer in them), JSON objects, bold labels, seats written
as "Seat 3" / "3号" / "#3" / a name, 4,000-character speeches, marker lines inside speeches,
and llama-cpp-python's habit of cutting a running stream when the next request arrives.
For each, at least 90% of the decisions come from the model's own answer, and nothing
from a draft, a think block or a field marker is ever heard. Nothing of ours is mocked.
"""

from __future__ import annotations

import pytest

from devtools.scripted_llm import DRAFT, ScriptedLLM
from server.bots import close_bots
from server.game import GameConfig
from server.graph import Table
from server.headless import run_game
from server.llm.calls import MemoryCallLog
from shared.calls import summarize
from shared.events import SpeechEnd, ThoughtToken, Token


@pytest.fixture(scope="module")
def llm():
    with ScriptedLLM() as server:
        yield server


@pytest.fixture
def model_env(llm, monkeypatch, tmp_path):
    for k in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "WEREWOLF_LLM_API_KEY"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("WEREWOLF_LLM_BASE_URL", llm.base_url)
    monkeypatch.setenv("WEREWOLF_LLM_MODEL", "scripted")
    monkeypatch.setenv("WEREWOLF_LLM_ENDPOINTS", str(tmp_path / "endpoints.toml"))
    llm.reset()
    llm.interrupt = False
    yield tmp_path / "endpoints.toml"
    llm.reset()
    llm.interrupt = False


async def whole_game(seed: int = 7, bot: str = "llm"):
    log, events = MemoryCallLog(), []
    try:
        state = await run_game(
            GameConfig(players=9, seed=seed),
            Table(bots={s: bot for s in range(1, 10)}),
            call_log=log,
            on_event=events.append,
        )
    finally:
        await close_bots()
    assert state.over
    return log.records, events


def heard(events) -> str:
    """Everything any player heard: the speeches' tokens and their recorded texts."""
    return "\n".join(
        e.content if isinstance(e, Token) else e.text
        for e in events
        if isinstance(e, Token | SpeechEnd)
    )


def own_share(records) -> float:
    """The share of decisions taken from the model's own answer (not the built-in bot's)."""
    decisions = [r for r in records if r.attempt == 1]
    fallbacks = [r for r in records if r.fallback]
    assert decisions
    return 1 - len(fallbacks) / len(decisions)


STYLES = {
    "reasoning_content": {"kind": "reasoning", "words": 800},
    "reasoning field": {"kind": "reasoning", "words": 300, "field": "reasoning"},
    "think": {"kind": "think", "words": 800},
    "think with a draft": {"kind": "think", "words": 200, "draft": True},
    "json": {"kind": "json"},
    "bold labels": {"kind": "bold"},
    "Seat 3": {"kind": "names", "style": "seat"},
    "3号": {"kind": "names", "style": "hao"},
    "#3": {"kind": "names", "style": "hash"},
    "a player's name": {"kind": "names", "style": "name"},
    "4,000-character speeches": {"kind": "long", "chars": 4000},
    "marker lines in speeches": {"kind": "marker"},
}


@pytest.mark.parametrize("style", list(STYLES))
async def test_a_whole_game_plays_on_the_models_own_answers(llm, model_env, style):
    llm.script({**STYLES[style], "times": None})
    records, events = await whole_game()
    share = own_share(records)
    assert share >= 0.9, (style, share, [r.error for r in records if r.error][:5])
    said = heard(events)
    for never in (DRAFT, "[[", "]]", "<think>", "</think>", "Let me draft"):
        assert never not in said, (style, never)
    if style.startswith(("reasoning", "think")):  # the thinking reached the thought pane
        thought = "".join(e.content for e in events if isinstance(e, ThoughtToken))
        assert len(thought) > 1000
        assert all(r.raw or r.thinking for r in records if r.attempt)
    if style.startswith("4,000"):  # capped, and the stream stopped there
        assert any(r.finish == "cap" for r in records)
        assert max(len(e.text) for e in events if isinstance(e, SpeechEnd)) <= 500


async def test_a_server_that_cuts_a_running_stream_plays_with_one_request_in_flight(
    llm, model_env
):
    # llama-cpp-python's default: the next request ends the running stream, no finish
    # reason. A named endpoint with max_in_flight = 1 (what doctor recommends) plays whole.
    llm.interrupt = True
    model_env.write_text(
        f'[endpoints.local]\nbase_url = "{llm.base_url}"\nmodel = "scripted"\nmax_in_flight = 1\n'
    )
    records, _ = await whole_game(seed=3, bot="llm:local")
    assert own_share(records) >= 0.9
    assert llm.max_streaming == 1
    assert {r.endpoint for r in records if r.attempt} == {"local"}
    assert {r.model for r in records if r.attempt} == {"scripted"}


async def test_failed_attempts_keep_their_raw_text_and_tokens(llm, model_env):
    llm.script({"kind": "illegal", "times": None})
    records, _ = await whole_game(seed=4)
    failed = [r for r in records if r.attempt and r.error]
    assert failed and all(r.raw and r.tokens_in and r.tokens_out for r in failed)
    s = summarize(records)
    assert s["fallbacks"] == len([r for r in records if r.fallback])
    assert s["requests"] == s["calls"] and s["retries"] > 0  # fallback rows are no requests
