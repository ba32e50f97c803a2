"""The quick paths change nothing a game does: a headless run (the state kept as an object,
bots planning inline, one ``play`` across phases) says exactly what the server's
checkpointed run says; a server takes and runs games while LangGraph still loads; a
finished game read back lazily after a restart answers as before."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal, cast

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver

from server.call_records import GameCalls
from server.game import GameConfig, new_game, pending
from server.graph import build_graph, checkpoint_serde, initial_state, load_game, run_config
from server.graph_state import Table
from server.headless import run_game
from server.moderator import Moderator
from server.registry import NewGame
from server.store import Store, last_events_sql
from shared.calls import CallRecord
from shared.events import Event

ROOT = Path(__file__).resolve().parent.parent


def _words(events: list[Event]) -> list[str]:
    return [e.model_dump_json(exclude={"ts"}) for e in events]


async def test_a_headless_game_says_what_the_checkpointed_graph_says():
    games: list[tuple[int, Literal[6, 9]]] = [(3, 9), (8, 6), (11, 9)]
    for seed, players in games:
        config = GameConfig(players=players, seed=seed)
        table = Table(bots=dict.fromkeys(range(1, players + 1), "builtin"))
        headless: list[Event] = []
        state = await run_game(config, table, on_event=headless.append)

        t = new_game(config)
        served: list[Event] = list(t.events)
        graph = build_graph(InMemorySaver(serde=checkpoint_serde()))
        cfg = cast(RunnableConfig, run_config(f"served-{seed}"))
        async for chunk in graph.astream(initial_state(t.state, table), cfg, stream_mode="custom"):
            served.append(cast(Any, chunk))
        final = load_game((await graph.aget_state(cfg)).values)

        assert _words(headless) == _words(served)
        assert state.model_dump() == final.model_dump() and state.over


def test_pending_is_asked_again_of_a_new_state():
    t = new_game(GameConfig(players=9, seed=4))
    first = pending(t.state)
    assert pending(t.state) == first
    first.clear()  # a caller's list is its own
    assert pending(t.state)
    # A state made from another (never mutated in place) gets its own decisions.
    other = t.state.model_copy(update={"winner": "wolves"})
    assert pending(other) == [] and pending(t.state)


async def test_a_game_started_at_once_runs_while_the_graph_loads():
    """The moderator answers before LangGraph is loaded: a game created and started at
    once waits for the graph, then runs to its end."""
    mod = Moderator(None)
    await mod.open()
    try:
        created = await mod.registry.create(NewGame(humans=[], pace=0, seed=9))
        g = created.game
        viewer = g.viewer(created.answer()["spectator_token"])
        await mod.runner.start(g, viewer)
        for _ in range(600):
            if g.finished:
                break
            await asyncio.sleep(0.1)
        assert g.finished
        snap = await mod.runner.snapshot(g)
        assert snap.state.over
    finally:
        await mod.close()


# In a fresh interpreter: the other tests here have LangGraph imported already.
GRAPH_LATER = """
import asyncio, json, sys
import server.moderator
from server.moderator import Moderator
from server.registry import NewGame

server.moderator.LOAD_GRAPH_AFTER = {after}

async def main():
    mod = Moderator(None)
    await mod.open()
    seen = {{}}
    try:
        created = await mod.registry.create(NewGame(humans=[], pace=0, seed=9))
        g = created.game
        await mod.runner.snapshot(g)
        seen["made"] = "langgraph" in sys.modules
        if {start}:
            await mod.runner.start(g, g.viewer(created.answer()["spectator_token"]))
        for _ in range(600):  # (at most a minute)
            if mod._graph is not None and mod._graph.done():
                break
            await asyncio.sleep(0.1)
        seen["loaded"] = mod._graph is not None and mod._graph.done()
        seen["langgraph"] = "langgraph" in sys.modules
    finally:
        await mod.close()
    print(json.dumps(seen))

asyncio.run(main())
"""


def _graph_later(after: float, start: bool) -> dict[str, bool]:
    out = subprocess.run(
        [sys.executable, "-c", GRAPH_LATER.format(after=after, start=start)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_the_graph_loads_when_a_game_starts_not_while_the_first_one_is_made():
    """LangGraph's import (a third of a second of CPU, in a thread) does not share the
    interpreter with the requests that make and show a new game: it begins when a game
    first needs the graph."""
    seen = _graph_later(after=3600, start=True)  # (no timer in the way)
    assert seen == {"made": False, "loaded": True, "langgraph": True}


def test_a_server_nobody_asks_loads_the_graph_by_itself():
    """Ready for the first game it is asked for later: the graph loads a moment after the
    server opens, game or no game."""
    seen = _graph_later(after=0.05, start=False)
    assert seen["loaded"] and seen["langgraph"]


async def test_a_finished_game_is_read_back_lazily_after_a_restart(tmp_path):
    """A restart reads a finished game no further than its last event; its calls, its deal
    and its log come back when asked for, the same as before."""
    mod = Moderator(tmp_path)
    await mod.open()
    try:
        created = await mod.registry.create(NewGame(humans=[], pace=0, seed=12))
        g = created.game
        token = created.answer()["spectator_token"]
        await mod.runner.start(g, g.viewer(token))
        for _ in range(600):
            if g.finished:
                break
            await asyncio.sleep(0.1)
        assert g.finished
        assert mod.store is not None
        record = CallRecord(seat=2, decision="vote", day=1, phase="day", raw="r")
        await mod.store.append_calls(g.id, [(1, 2, record.model_dump_json())])
        snap = (await mod.runner.snapshot(g)).model_dump(exclude={"ts"})
        whole = [(e.seq, e.data) for e in await g.log.all_entries()]
        roles = [g.initial.role(s) for s in g.initial.seats()]
    finally:
        await mod.close()

    again = Moderator(tmp_path)
    await again.open()
    try:
        h = again.registry.get(g.id)
        assert h.finished and h.log.evicted and h.log.entries == []
        assert h.deal is None and h.calls is None  # nothing read yet
        assert (await again.runner.snapshot(h)).model_dump(exclude={"ts"}) == snap
        assert [(e.seq, e.data) for e in await h.log.all_entries()] == whole
        assert [h.initial.role(s) for s in h.initial.seats()] == roles
        assert h.viewer(token).god
        calls = await again.registry.calls(h).loaded()
        assert [c.model_dump() for c in calls] == [record.model_dump()]
    finally:
        await again.close()


async def test_call_records_kept_in_the_store_are_read_when_asked(tmp_path):
    store = Store(tmp_path / "games.sqlite")
    await store.open()
    try:
        record = CallRecord(seat=1, decision="speak", day=1, phase="day", raw="r")
        await store.append_calls("g", [(1, 1, record.model_dump_json())])
        calls = GameCalls("g", store, stored=True)
        assert calls.records == []
        assert [c.seat for c in await calls.loaded()] == [1]
        assert [c.seat for c in await GameCalls("g", store).loaded()] == []  # a live game's
    finally:
        await store.close()


async def test_a_restart_reads_each_finished_games_last_event_by_its_key(tmp_path):
    """What a restart reads of finished games grows with the games, not with their events:
    each game's newest event is looked up in the events' key (no pass over every event)."""
    store = Store(tmp_path / "games.sqlite")
    await store.open()
    try:
        for n, finished in enumerate([True, True, False]):
            gid = f"g{n}"
            await store.add_game(gid, float(n), {})
            await store.update_game(gid, started=True, finished=finished, phase="day", day=2)
            rows = [
                (gid, seq, seq % 2 == 0, f'{{"n": {n}, "seq": {seq}}}') for seq in range(1, 8 + n)
            ]
            await store.append_events_of(rows)
        assert await store.last_events(finished_only=True) == {
            "g0": (7, False, '{"n": 0, "seq": 7}'),
            "g1": (8, True, '{"n": 1, "seq": 8}'),
        }
        assert (await store.last_events(finished_only=False))["g2"] == (
            9,
            False,
            '{"n": 2, "seq": 9}',
        )
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / "games.sqlite") as db:
        for finished_only in (True, False):
            plan = [
                r[3] for r in db.execute("EXPLAIN QUERY PLAN " + last_events_sql(finished_only))
            ]
            scans = [step for step in plan if step.startswith("SCAN")]
            assert scans and all(
                "events" not in step and " e " not in step + " " for step in scans
            ), plan
