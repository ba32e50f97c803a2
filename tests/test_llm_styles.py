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

import asyncio
import gc
import json
import os
import socket
import subprocess
import sys
import types
import weakref
from pathlib import Path

import pytest
from conftest import ROOT

from devtools.scripted_llm import DRAFT, ScriptedLLM
from server.bots import close_bots
from server.game import GameConfig
from server.game.config import board_options
from server.graph import Table
from server.headless import run_game
from server.llm.calls import MemoryCallLog
from shared.calls import summarize
from shared.events import SpeechEnd, SpeechStart, ThoughtToken, Token


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


def cli(data_dir: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """``werewolf ARGS`` in a process of its own, with ``model_env``'s model settings (the
    environment) and its own data directory."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "WEREWOLF_DATA_DIR": str(data_dir)},
    )


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


async def test_a_server_that_cuts_a_running_stream_plays_with_one_request_in_flight(llm, model_env):
    # llama-cpp-python's default: the next request ends the running stream, no finish
    # reason. A named endpoint with max_in_flight = 1 (what doctor recommends) plays whole.
    llm.interrupt = True
    model_env.write_text(
        f'[endpoints.local]\nbase_url = "{llm.base_url}"\nmodel = "scripted"\nmax_in_flight = 1\n'
    )
    records, events = await whole_game(seed=3, bot="llm:local")
    assert own_share(records) >= 0.9
    assert not any(never in heard(events) for never in (DRAFT, "[[", "]]", "<think>"))
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


async def test_the_seers_check_runs_while_the_wolves_talk(llm, model_env):
    # The wolves' talk is slow; the seer's check depends on nothing in it, so its call
    # starts before the first wolf has finished talking.
    llm.script(
        {"kind": "delay", "seconds": 0.4, "match": "You are a werewolf. It is night", "times": None}
    )
    records, _ = await whole_game(seed=2)
    talks = [r for r in records if r.decision == "wolf_chat" and r.day == 1 and r.attempt]
    check = next(r for r in records if r.decision == "check" and r.day == 1 and r.attempt)
    assert check.ts < talks[0].ts + talks[0].total


def test_doctor_tells_a_refused_key_from_no_key_and_shows_at_most_its_last_4(model_env):
    from server.llm.doctor import check

    with ScriptedLLM(api_key="sk-right-key-0000") as keyed:
        base = {"WEREWOLF_LLM_BASE_URL": keyed.base_url, "WEREWOLF_LLM_MODEL": "scripted"}
        for key, says in (
            ("", "no key: the server wants one"),
            ("Zq", "key refused (401)"),
            ("sk-wrong-key-9876", "key refused (401)"),
        ):
            lines: list[str] = []
            env = {**base, "WEREWOLF_LLM_API_KEY": key, "WEREWOLF_LLM_ENDPOINTS": str(model_env)}
            assert not asyncio.run(check(lines.append, env))
            text = "\n".join(lines)
            assert says in text, text
            if key:
                assert key not in text and (len(key) < 8 or key[:-4] not in text)
            if len(key) > 8:
                assert "…9876" in text


def test_doctor_tells_a_connection_never_made_from_a_model_slow_to_answer(model_env):
    from server.llm.doctor import check

    # A listening socket whose backlog is full: the kernel takes no new connection, so the
    # client's connect times out (the SDK says "timed out" for that and for a silent model
    # alike; the doctor must say which).
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(0)
        port = listening.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=30):  # the backlog's one
            lines: list[str] = []
            env = {
                "WEREWOLF_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1",
                "WEREWOLF_LLM_MODEL": "scripted",
                "WEREWOLF_LLM_CONNECT_TIMEOUT": "0.5",
                "WEREWOLF_LLM_ENDPOINTS": str(model_env),
            }
            assert not asyncio.run(check(lines.append, env))
    text = "\n".join(lines)
    assert "no connection within 0.5 s (WEREWOLF_LLM_CONNECT_TIMEOUT)" in text, text
    assert "no token" not in text, text


def test_doctor_says_a_server_cuts_streams_and_recommends_one_in_flight(model_env):
    from server.llm.doctor import check

    with ScriptedLLM(latency=0.1, chunk_delay=0.01, interrupt=True) as cutting:
        env = {
            "WEREWOLF_LLM_BASE_URL": cutting.base_url,
            "WEREWOLF_LLM_MODEL": "scripted",
            "WEREWOLF_LLM_ENDPOINTS": str(model_env),
        }
        lines: list[str] = []
        assert not asyncio.run(check(lines.append, env))
        assert "cut the first stream" in "\n".join(lines) and "max_in_flight = 1" in lines[-1]
        # The same server as a named endpoint with one request in flight: all fine.
        model_env.write_text(
            f'[endpoints.llama]\nbase_url = "{cutting.base_url}"\nmodel = "scripted"\n'
            "max_in_flight = 1\n"
        )
        lines = []
        asyncio.run(check(lines.append, {**env, "WEREWOLF_LLM_MODEL": ""}))
        text = "\n".join(lines)
        assert "max_in_flight = 1 keeps them apart" in text and "4 of 4 usable" in text, text


def test_doctor_says_a_model_is_too_weak_for_the_format(llm, model_env):
    from server.llm.doctor import check

    llm.script({"kind": "reply", "text": "I think that is fine, thanks!", "times": None})
    lines: list[str] = []
    env = {
        "WEREWOLF_LLM_BASE_URL": llm.base_url,
        "WEREWOLF_LLM_MODEL": "scripted",
        "WEREWOLF_LLM_ENDPOINTS": str(model_env),
    }
    assert not asyncio.run(check(lines.append, env))
    assert "too weak to follow the answer format" in lines[-1], lines


def test_doctor_names_the_token_timeout_and_sees_a_reasoning_model(llm, model_env):
    from server.llm.doctor import check

    env = {
        "WEREWOLF_LLM_BASE_URL": llm.base_url,
        "WEREWOLF_LLM_MODEL": "scripted",
        "WEREWOLF_LLM_ENDPOINTS": str(model_env),
        "WEREWOLF_LLM_TOKEN_TIMEOUT": "0.5",
    }
    llm.script({"kind": "delay", "seconds": 2})  # /models answers at once, the chat does not
    lines: list[str] = []
    assert not asyncio.run(check(lines.append, env))
    assert "no token within 0.5 s (WEREWOLF_LLM_TOKEN_TIMEOUT)" in lines[-1], lines
    llm.reset()
    llm.script({"kind": "reasoning", "words": 300, "times": None})
    lines = []
    assert asyncio.run(check(lines.append, {**env, "WEREWOLF_LLM_TOKEN_TIMEOUT": "30"}))
    assert any(line.startswith("· reasoning model") for line in lines), lines


def test_a_seat_plays_a_named_model_and_a_narrated_games_calls_are_inspectable(
    llm, model_env, tmp_path
):
    with ScriptedLLM(model="other-model") as other:
        model_env.write_text(
            f'[endpoints.other]\nbase_url = "{other.base_url}"\nmodel = "other-model"\n'
            "price_in = 1.0\nprice_out = 2.0\n"
        )

        out = cli(
            tmp_path / "data", "narrate", "--players", "6", "--seed", "4", "--pace", "0",
            "--seat-model", "2=other", "--seat-model", "5=default", timeout=300,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        game_id = out.stderr.split("werewolf inspect ")[1].split()[0]
        shown = cli(tmp_path / "data", "inspect", game_id, "--json", timeout=300)
        assert shown.returncode == 0, shown.stderr
        calls = json.loads(shown.stdout)["calls"]
        by_seat = {(c["seat"], c["endpoint"], c["model"]) for c in calls if c["attempt"]}
        assert by_seat and {s for s, _, _ in by_seat} <= {2, 5}
        assert all(
            (e, m) == (("other", "other-model") if s == 2 else ("default", "scripted"))
            for s, e, m in by_seat
        )
        assert other.calls() and all(c["model"] == "other-model" for c in other.calls())
        priced = [c for c in calls if c["attempt"] and c["seat"] == 2]
        assert all(
            c["cost"] == (c["tokens_in"] * 1.0 + c["tokens_out"] * 2.0) / 1e6 for c in priced
        )
        assert all(c["cost"] is None for c in calls if c["seat"] == 5)
        bad = cli(tmp_path / "data", "narrate", "--players", "6", "--seat-model", "2=nowhere")
        assert bad.returncode == 2 and "no endpoint 'nowhere'" in bad.stderr


async def test_a_stream_cut_before_its_first_token_is_retried_like_a_refused_connection(llm):
    import random

    from server.bots import Turn
    from server.game import new_game, pending
    from server.game.view import seat_view
    from server.llm.bot import llm_bot
    from server.llm.settings import LLMSettings
    from server.typewriter import Typewriter

    llm.reset()
    llm.script({"kind": "truncate", "after_chunks": 0, "times": 2})
    state = new_game(GameConfig(players=9, seed=1)).state
    d = next(x for x in pending(state) if x.action == "wolf_chat")
    log = MemoryCallLog()
    turn = Turn(random.Random(0), Typewriter(lambda _e: None, 0), record=log.add)
    settings = LLMSettings(base_url=llm.base_url, model="scripted", backoff=0.01)
    try:
        plan = await llm_bot(seat_view(state, d.seat), d, turn, settings=settings)
    finally:
        await close_bots()
    (record,) = log.records
    assert not plan.fallback and not record.error and record.retries == 2
    assert len(llm.calls()) == 3


async def test_model_seats_play_the_twelve_seat_table_with_the_sheriff(model_env):
    """A model at every seat of the 12-player guard board, sheriff on: every new decision
    (standing, the campaign speeches, the badge vote, the direction, the guard) is put to
    the model, the campaign speeches are heard as they stream, and the game ends."""
    log, events = MemoryCallLog(), []
    try:
        state = await run_game(
            GameConfig(**board_options("12-guard"), sheriff=True, seed=3),
            Table(bots={s: "llm" for s in range(1, 13)}),
            call_log=log,
            on_event=events.append,
        )
    finally:
        await close_bots()
    assert state.over
    asked = {r.decision for r in log.records}
    assert {"stand", "protect"} <= asked, asked
    spoken = {e.seat for e in events if isinstance(e, SpeechEnd) and e.kind == "sheriff" and e.text}
    streamed = {e.seat for e in events if isinstance(e, SpeechStart) and e.kind == "sheriff"}
    assert spoken and spoken <= streamed, (spoken, streamed)


def test_simulated_games_keep_their_calls_where_inspect_finds_them(llm, model_env, tmp_path):
    """``simulate`` in two worker processes: each game's call records are kept in the
    data dir (both workers write the one file), ``inspect`` reads them back, and the
    report counts HTTP requests, second tries and fallbacks apart."""
    # The seer's every check names no legal seat, its second try too: a retry and a
    # fallback each night, beside the other seats' usable answers.
    llm.script({"kind": "illegal", "match": "You are the seer.", "times": None})
    data = tmp_path / "data"
    out = cli(data, "simulate", "--games", "2", "--players", "6", "--seed", "5", "--bots", "llm",
              "--workers", "2", "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)["llm"]
    assert "werewolf inspect simulate-5-" in out.stderr, out.stderr
    games = report["per_game"]
    assert len(games) == 2 and len({g["game_id"] for g in games}) == 2
    for game in games:
        assert game["retries"] > 0 and game["fallbacks"] > 0
        assert game["requests"] == game["calls"] > game["fallbacks"]
        shown = cli(data, "inspect", game["game_id"], "--json")
        assert shown.returncode == 0, shown.stderr
        kept = json.loads(shown.stdout)
        assert kept["summary"]["calls"] == game["calls"]
        assert kept["summary"]["fallbacks"] == game["fallbacks"]
        assert any(c["raw"] and c["error"] for c in kept["calls"])  # a refused check, kept whole
    text = cli(data, "simulate", "--games", "1", "--players", "6", "--seed", "8", "--bots", "llm",
               "--workers", "1")  # fmt: skip
    assert text.returncode == 0, text.stderr
    assert "HTTP requests/game:" in text.stdout and "retries/game:" in text.stdout
    assert "fallbacks/game:" in text.stdout
    game_id = text.stderr.split("werewolf inspect ")[1].split()[0]
    assert cli(data, "inspect", game_id).returncode == 0


async def test_a_speech_at_its_cap_cancels_its_request_and_stands_as_the_models(llm):
    """A model that would talk 4,000 characters: the speech is cut at the cap, the request
    is cancelled there (the server sees its stream abandoned, long before its end), and
    the cut speech is the model's own, no fallback."""
    import random

    from eventually import until

    from server.bots import Turn
    from server.game import GameConfig, new_game
    from server.game.view import seat_view
    from server.llm.bot import llm_bot
    from server.llm.doctor import _day_decisions
    from server.llm.settings import LLMSettings
    from server.typewriter import Typewriter

    with ScriptedLLM(chunk_delay=0.005) as talkative:
        talkative.script({"kind": "long", "chars": 4000, "times": None})
        day = new_game(GameConfig(players=9, seed=1)).state.model_copy(update={"phase": "day"})
        d = next(x for x in _day_decisions(day) if x.action == "speak")
        log = MemoryCallLog()
        turn = Turn(random.Random(0), Typewriter(lambda _e: None, 0), record=log.add)
        settings = LLMSettings(base_url=talkative.base_url, model="scripted")
        try:
            plan = await llm_bot(seat_view(day, d.seat), d, turn, settings=settings)
        finally:
            await close_bots()
        (record,) = log.records
        assert not plan.fallback and not record.error and record.finish == "cap"
        assert plan.action.text and 400 <= len(plan.action.text) <= 500
        assert len(record.raw) < 2000  # stopped reading at the cap, not at the end
        await until(lambda: talkative.abandoned == 1, "the server to see the request cancelled")


CLIENT_PACKAGES = {"openai", "httpx", "httpx2", "httpcore", "httpcore2"}


def suspended_client_generators(before: weakref.WeakSet | None = None) -> list:
    """The model client's async generators (the openai SDK's, httpx's, httpcore's) suspended
    now, those in ``before`` left out."""
    return [
        g
        for g in gc.get_objects()
        if isinstance(g, types.AsyncGeneratorType)
        and g.ag_frame is not None
        and g.ag_frame.f_globals.get("__name__", "").partition(".")[0] in CLIENT_PACKAGES
        and (before is None or g not in before)
    ]


async def test_a_stream_left_at_its_cap_leaves_no_generator_for_the_collector(llm):
    """Every async generator of a stream cut at its cap (the openai SDK's, httpx's and
    httpcore's under it) has finished by the time the call returns, here, on the game's
    loop. Closing only the response left them all suspended, in a cycle (the SDK's stream
    holds its generator, which holds the stream) that only the cyclic collector frees:
    whenever it runs, in whichever thread (the scripted server's, mid-test), maybe after
    the loop is gone. It reported ``ValueError: async generator already executing`` on
    Response.aiter_raw, BoundAsyncStream.__aiter__ and AsyncResponseStream.__aiter__ in
    every run of the 4,000-character game."""
    import random

    from server.bots import Turn
    from server.game import GameConfig, new_game
    from server.game.view import seat_view
    from server.llm.bot import llm_bot
    from server.llm.doctor import _day_decisions
    from server.llm.settings import LLMSettings
    from server.typewriter import Typewriter

    llm.reset()
    llm.script({"kind": "long", "chars": 4000, "times": None})
    day = new_game(GameConfig(players=9, seed=1)).state.model_copy(update={"phase": "day"})
    d = next(x for x in _day_decisions(day) if x.action == "speak")
    log = MemoryCallLog()
    turn = Turn(random.Random(0), Typewriter(lambda _e: None, 0), record=log.add)
    settings = LLMSettings(base_url=llm.base_url, model="scripted", retries=0)
    before = weakref.WeakSet(suspended_client_generators())
    try:
        plan = await llm_bot(seat_view(day, d.seat), d, turn, settings=settings)
        left = [g.ag_code.co_qualname for g in suspended_client_generators(before)]
    finally:
        await close_bots()
        llm.reset()
    (record,) = log.records
    assert record.finish == "cap" and not plan.fallback and not record.error
    assert left == [], f"left suspended for the collector: {left}"


async def test_the_pre_game_check_lets_a_reasoning_model_think_within_its_budget(llm, model_env):
    """800 words of thinking before the answer: the default budget lets it answer; with no
    thinking headroom the check refuses, naming the setting to raise (before, the check
    sent 8 tokens and said only that the stream carried no text)."""
    from server.llm.doctor import preflight

    llm.script({"kind": "reasoning", "words": 800, "times": None})
    assert await preflight(dict(os.environ)) is None
    for field in ("reasoning_content", "reasoning"):
        llm.reset()
        llm.script({"kind": "reasoning", "words": 800, "field": field, "times": None})
        problem = await preflight({**os.environ, "WEREWOLF_LLM_REASONING_TOKENS": "0"})
        assert problem and "WEREWOLF_LLM_REASONING_TOKENS" in problem, (field, problem)


async def test_a_night_job_the_model_failed_is_told_to_god_only_the_guards_too(llm, model_env):
    """A failed call at night falls back with an error event only god sees: a public one
    would tell the table which seat is the seer, the witch, a wolf, or the guard."""
    import random

    from server.bots import Turn
    from server.game import apply, new_game, pending
    from server.game.view import seat_view
    from server.llm.bot import llm_bot
    from server.llm.settings import LLMSettings
    from server.typewriter import Typewriter
    from shared.events import Error

    state = new_game(GameConfig(**board_options("12-guard"), seed=3)).state
    while (ds := pending(state)) and ds[0].action == "wolf_chat":  # the wolves' talk passes
        state = apply(state, ds[0].pass_action()).state
    asked = {d.action: d for d in pending(state)}
    assert {"wolf_kill", "check", "protect"} <= set(asked)
    settings = LLMSettings(base_url=llm.base_url, model="scripted", retries=0)
    for action in ("protect", "check", "wolf_kill"):
        d = asked[action]
        llm.reset()
        llm.script({"kind": "fail", "status": 500})
        written: list = []
        turn = Turn(random.Random(0), Typewriter(written.append, 0), record=MemoryCallLog().add)
        try:
            plan = await llm_bot(seat_view(state, d.seat), d, turn, settings=settings)
        finally:
            await close_bots()
        errors = [e for e in written if isinstance(e, Error)]
        assert plan.fallback and len(errors) == 1, (action, written)
        assert errors[0].vis.scope == "god", (action, errors[0])
