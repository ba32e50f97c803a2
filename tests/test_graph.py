"""The game as a LangGraph graph: bots stream, humans are interrupts, checkpoints persist."""

from __future__ import annotations

import random

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.types import Command

from server.game import Action, GameConfig, decision_for, new_game
from server.graph import Table, build_graph, initial_state, load_game, run_config
from server.headless import run_game
from shared.events import Error, GameOver, ThoughtToken, Token


def _answer(snapshot_values: dict, seat: int, rng: random.Random) -> dict:
    """A legal answer for the human seat, chosen from the engine's own offer."""
    game = load_game(snapshot_values)
    d = decision_for(game, seat)
    assert d is not None, "the graph interrupted for a seat the game is not waiting on"
    if "speak" in d.kinds:
        return {"seat": seat, "kind": "speak", "text": f"I am seat {seat}, trust me."}
    kind = (
        next(k for k in ("vote", "kill", "check", "shoot", "poison") if k in d.kinds)
        if d.options
        else "skip"
    )
    target = rng.choice(d.options) if d.options else None
    return {"seat": seat, "kind": kind, "target": target}


async def _drive(graph, cfg, command, events: list) -> None:
    async for chunk in graph.astream(command, cfg, stream_mode="custom"):
        events.append(chunk)


async def test_one_human_game_resumes_from_a_new_graph_after_the_first_night(tmp_path):
    config = GameConfig(players=9, seed=21)
    t = new_game(config)
    human = 4
    table = Table(humans=[human], bots={s: "builtin" for s in range(1, 10) if s != human})
    cfg = run_config("g-resume")
    db = str(tmp_path / "checkpoints.sqlite")
    rng = random.Random(0)
    events: list = []

    async with AsyncSqliteSaver.from_conn_string(db) as saver:
        graph = build_graph(saver)
        await _drive(graph, cfg, initial_state(t.state, table), events)
        while True:  # answer until the first day has begun
            state = await graph.aget_state(cfg)
            if load_game(state.values).day > 1 or load_game(state.values).phase != "night":
                break
            assert state.next == ("human",)
            await _drive(graph, cfg, Command(resume=_answer(state.values, human, rng)), events)
        day_reached = load_game((await graph.aget_state(cfg)).values).day

    # A new saver and a new graph object over the same file pick the game up.
    async with AsyncSqliteSaver.from_conn_string(db) as saver:
        graph = build_graph(saver)
        state = await graph.aget_state(cfg)
        assert load_game(state.values).day == day_reached
        while state.next:
            if state.next == ("human",):
                command = Command(resume=_answer(state.values, human, rng))
            else:
                command = None
            await _drive(graph, cfg, command, events)
            state = await graph.aget_state(cfg)
        final = load_game(state.values)

    assert final.over and final.winner in ("wolves", "villagers")
    assert sum(isinstance(e, GameOver) for e in events) == 1
    assert not [e for e in events if isinstance(e, Error)]
    assert any(isinstance(e, Token) and e.seat == human for e in events)


async def test_an_illegal_resume_is_refused_and_the_decision_stays_pending():
    from langgraph.checkpoint.memory import InMemorySaver

    config = GameConfig(players=6, seed=5)
    t = new_game(config)
    wolf = t.state.wolves()[0]
    table = Table(humans=[wolf], bots={s: "builtin" for s in range(1, 7) if s != wolf})
    graph = build_graph(InMemorySaver())
    cfg = run_config("g-illegal")
    events: list = []
    await _drive(graph, cfg, initial_state(t.state, table), events)
    before = await graph.aget_state(cfg)
    assert before.next == ("human",)
    pending_before = decision_for(load_game(before.values), wolf)
    heard: list = []
    written = len(events)
    refused = {**cfg, "configurable": {**cfg["configurable"], "verdict": heard.append}}
    illegal = Action(seat=wolf, kind="vote", target=99)
    await _drive(graph, refused, Command(resume=illegal), events)
    after = await graph.aget_state(cfg)
    assert after.next == ("human",)
    assert [e.code for e in heard] == ["wrong_action"]  # the caller hears the rules' reason
    assert len(events) == written  # and nothing is announced
    assert decision_for(load_game(after.values), wolf) == pending_before
    assert load_game(after.values).model_dump() == load_game(before.values).model_dump()


async def test_simultaneous_bot_decisions_run_concurrently():
    """With a pace, the day's nine voters think at once: their thought tokens interleave."""
    from shared.events import Phase, VoteResult

    config = GameConfig(players=9, seed=3)
    paced = Table(bots={s: "builtin" for s in range(1, 10)}, pace=2000)
    seats_in_vote: list[int] = []
    state = {"voting": False, "done": False}

    def on_event(e):
        if state["done"]:
            return
        if isinstance(e, Phase) and e.phase == "vote":
            state["voting"] = True
        elif isinstance(e, VoteResult) and state["voting"]:
            state["done"] = True
        elif isinstance(e, ThoughtToken) and state["voting"]:
            seats_in_vote.append(e.seat)

    await run_game(config, table=paced, on_event=on_event)
    runs = [s for i, s in enumerate(seats_in_vote) if i == 0 or seats_in_vote[i - 1] != s]
    assert len(set(seats_in_vote)) >= 5
    # Sequential voters would give one run of tokens per seat; concurrent ones interleave.
    assert len(runs) > len(set(seats_in_vote))  # (the pacing clock writes what is due per tick)


async def test_all_bot_games_end_with_one_winner_and_no_errors():
    for seed in range(5):
        events: list = []
        state = await run_game(
            GameConfig(players=9 if seed % 2 else 6, seed=seed), on_event=events.append
        )
        assert state.over
        assert [type(e) for e in events].count(GameOver) == 1
        assert not [e for e in events if isinstance(e, Error)], [
            e for e in events if isinstance(e, Error)
        ]


async def test_an_untyped_game_is_the_same_game_without_the_bots_words_typed():
    # simulate's way (typed=False): what it streams is the game's history, nothing else
    config = GameConfig(players=9, seed=7)
    graph = build_graph()
    typed: list = []
    state = await run_game(config, on_event=typed.append, graph=graph)
    untyped: list = []
    same = await run_game(config, on_event=untyped.append, graph=graph, typed=False)
    assert same.model_dump_json() == state.model_dump_json()
    assert untyped == same.history
    assert len(typed) > len(untyped)
