"""LLM wolves learn the pack's kill proposals from their own view (the wolves' channel).

A wolf's talk is ``speak`` with the kill it proposes (``Action.target``); the rules
record it in the talk's ``SpeechEnd.target``, seen by the wolves only. Its kill vote
reuses its own proposal, without a second call, when the pack's proposals agree with
it. Against the scripted OpenAI-compatible server on loopback; nothing of ours mocked.
"""

from __future__ import annotations

import random

import pytest

from devtools.scripted_llm import ScriptedLLM
from server.bots import Turn, close_bots
from server.game import Action, GameConfig, GameState, apply, new_game, pending
from server.game.view import seat_view
from server.llm.bot import llm_bot
from server.llm.calls import MemoryCallLog
from server.llm.settings import LLMSettings
from server.typewriter import Typewriter
from shared.events import SpeechEnd, VoteCast


@pytest.fixture(scope="module")
def llm():
    with ScriptedLLM(chunk_delay=0.0005) as server:
        yield server


def talk(state: GameState, proposals: dict[int, int | None]) -> GameState:
    """Play the wolves' talk: each wolf says something and proposes ``proposals[wolf]``."""
    while (d := pending(state)[0]).action == "wolf_chat":
        target = proposals[d.seat]
        text = f"kill seat {target}" if target else "no idea"
        state = apply(state, Action(seat=d.seat, kind="speak", text=text, target=target)).state
    return state


async def kill_vote(state: GameState, wolf: int, settings: LLMSettings, log: MemoryCallLog):
    d = next(x for x in pending(state) if x.seat == wolf)
    assert d.action == "wolf_kill"
    turn = Turn(random.Random(0), Typewriter(lambda _e: None, 0), record=log.add)
    try:
        return await llm_bot(seat_view(state, wolf), d, turn, settings=settings)
    finally:
        await close_bots()


async def test_a_wolf_the_pack_agrees_with_votes_its_proposal_without_a_call(llm):
    state = new_game(GameConfig(players=9, seed=1)).state
    a, b, c = state.wolves()
    state = talk(state, {a: 2, b: 2, c: 4})
    # The proposals are in every wolf's view, and in nobody else's.
    seen = [e for e in seat_view(state, c).events if isinstance(e, SpeechEnd) and e.target]
    assert {(e.seat, e.target) for e in seen} == {(a, 2), (b, 2), (c, 4)}
    assert not [e for e in seat_view(state, 1).events if isinstance(e, SpeechEnd)]

    settings = LLMSettings(base_url=llm.base_url, model="scripted")
    llm.reset()
    log = MemoryCallLog()
    plan = await kill_vote(state, a, settings, log)
    assert plan.action == Action(seat=a, kind="kill", target=2)
    assert not llm.calls() and not log.records  # no second call
    # The pack went against c's proposal: c decides again, having heard it, with a call.
    plan = await kill_vote(state, c, settings, log)
    assert len(llm.calls()) == 1 and [r.decision for r in log.records] == ["wolf_kill"]
    assert plan.action.kind == "kill" and not plan.fallback


async def test_a_wolf_that_proposed_nothing_asks_the_model(llm):
    state = new_game(GameConfig(players=9, seed=1)).state
    a, b, c = state.wolves()
    state = talk(state, {a: None, b: 3, c: 3})
    settings = LLMSettings(base_url=llm.base_url, model="scripted")
    llm.reset()
    log = MemoryCallLog()
    plan = await kill_vote(state, a, settings, log)
    assert len(llm.calls()) == 1 and plan.action.kind == "kill"
    plan = await kill_vote(state, b, settings, log)
    assert plan.action == Action(seat=b, kind="kill", target=3) and len(llm.calls()) == 1


async def test_in_a_whole_game_llm_wolves_propose_in_their_talk_and_vote_as_they_said(
    llm, monkeypatch
):
    from server.graph import Table
    from server.headless import run_game

    for k, v in {
        "WEREWOLF_LLM_BASE_URL": llm.base_url,
        "WEREWOLF_LLM_MODEL": "scripted",
        "WEREWOLF_LLM_API_KEY": "",
    }.items():
        monkeypatch.setenv(k, v)
    events: list = []
    log = MemoryCallLog()
    try:
        state = await run_game(
            GameConfig(players=9, seed=11),
            Table(bots={s: "llm" for s in range(1, 10)}),
            on_event=events.append,
            call_log=log,
        )
    finally:
        await close_bots()
    assert state.over
    talks = [e for e in events if isinstance(e, SpeechEnd) and e.kind == "wolf_chat"]
    assert talks and all(e.target is not None for e in talks)
    recorded = {
        (r.seat, r.day): r.parsed["target"]
        for r in log.records
        if r.decision == "wolf_chat" and r.parsed
    }
    assert recorded == {(e.seat, e.day): e.target for e in talks}
    asked = {(r.seat, r.day) for r in log.records if r.decision == "wolf_kill"}
    votes = [e for e in events if isinstance(e, VoteCast) and e.kind == "wolf"]
    from_talk = [v for v in votes if (v.seat, v.day) not in asked]
    assert from_talk, "some kill votes came from the wolves' talk, without a call"
    assert all(recorded[(v.seat, v.day)] == v.target for v in from_talk)
