"""The server's fixed cost per game, cut without changing what a game says: the game travels
between nodes as JSON encoded an event at a time, a phase of built-in bots alone is no
checkpoint (a model's phase still is), and a segment's snapshot comes from the run's own
values. Each is checked against the way it replaced."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from eventually import until
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver

from server.bots import builtin, kinds
from server.bots.kinds import BotKind, register
from server.game import GameConfig, GameState, new_game
from server.graph import build_graph, checkpoint_serde, initial_state, load_game, run_config
from server.graph_state import Table, dump_game
from server.headless import run_game
from server.moderator import Moderator
from server.registry import NewGame
from server.store import ROWS_PER_INSERT, Store


async def test_the_game_as_json_is_pydantics_json_and_reads_back_the_same():
    boards: list[tuple[Any, Any, Any]] = [
        (9, "en", "guard"),
        (12, "zh", "idiot"),
        (6, "en", "guard"),
    ]
    for players, lang, special in boards:
        for seed in (1, 2):
            final = await run_game(
                GameConfig(players=players, seed=seed, lang=lang, special=special)
            )
            like: object = None
            n = len(final.history)
            for k in (0, 1, 7, n // 3, n // 3, n - 1, n):  # each from the one before (a node's)
                state = final.model_copy(update={"history": final.history[:k]})
                encoded = dump_game(state, like)
                assert isinstance(encoded, str)
                assert json.loads(encoded) == json.loads(state.model_dump_json())
                assert load_game({"game": str(encoded)}) == state  # as a checkpoint reads it
                assert load_game({"game": encoded}) is state  # as the next node gets it
                like = encoded
            # a history that is not the one encoded before is encoded afresh
            other = final.model_copy(update={"history": list(reversed(final.history))})
            again = dump_game(other, like)
            assert GameState.model_validate_json(str(again)) == other


async def test_an_old_checkpoint_holding_the_dumped_dict_still_reads():
    state = new_game(GameConfig(players=9, seed=3)).state
    assert load_game({"game": state.model_dump()}) == state


@contextmanager
def _slow_builtin_kind() -> Iterator[str]:
    """The built-in bot's rules under another kind's name (in its worker thread, like any
    other kind): to the graph, a decision that is not the built-in bot's. Registered for the
    test only (the kinds' listing must not show it elsewhere)."""
    name = "builtin-as-other"
    register(BotKind(name, builtin.decide))
    try:
        yield name
    finally:
        kinds._KINDS.pop(name, None)  # noqa: SLF001 - the registry has no unregister


async def _checkpoints(table: Table, seed: int) -> tuple[int, list[Any], GameState]:
    graph = build_graph(InMemorySaver(serde=checkpoint_serde()))
    t = new_game(GameConfig(players=9, seed=seed))
    cfg = cast(RunnableConfig, run_config(f"ckpt-{seed}-{len(table.bots)}"))
    events: list[Any] = []
    cfg["configurable"]["write"] = events.append  # type: ignore[index]
    await graph.ainvoke(initial_state(t.state, table), cfg, durability="sync")
    history = [s async for s in graph.aget_state_history(cfg)]
    return len(history), events, load_game(history[0].values)


async def test_a_phase_of_built_in_bots_is_no_checkpoint_and_a_models_phase_is():
    seats = range(1, 10)
    builtin_only, said, final = await _checkpoints(Table(bots=dict.fromkeys(seats, "builtin")), 5)
    assert final.over and final.day >= 2
    assert builtin_only <= 3  # the input, the start, the end: no phase's end in between
    headless: list[Any] = []
    await run_game(GameConfig(players=9, seed=5), on_event=headless.append)
    words = [e.model_dump_json(exclude={"ts"}) for e in said]
    assert words == [
        e.model_dump_json(exclude={"ts"}) for e in headless[len(headless) - len(said) :]
    ]

    with _slow_builtin_kind() as other:
        mixed, _, final = await _checkpoints(
            Table(bots={1: other, **dict.fromkeys(seats[1:], "builtin")}), 5
        )
    assert final.over
    assert mixed > builtin_only + 2  # the phases seat 1 decided in end in a checkpoint each


async def _segment_ended(g: Any) -> bool:
    entries = g.log.entries
    return not g.lock.locked() and bool(entries) and entries[-1].event.type == "snapshot"


async def test_a_segments_snapshot_is_the_checkpoints(tmp_path):
    """The snapshot closing a segment, made from the run's values, says what the checkpoint
    says when read back (a human's turn, mid-game)."""
    mod = Moderator(tmp_path)
    await mod.open()
    try:
        for seed in (4, 6):
            created = await mod.registry.create(NewGame(humans=[1], pace=0, seed=seed))
            g = created.game
            await mod.runner.start(g, g.viewer(created.answer()["tokens"][1]))
            await until(lambda g=g: _segment_ended(g), "the first segment to end")
            published = g.log.entries[-1].event.model_dump(exclude={"ts"})
            assert published["next"] == ["human"]
            read_back = (await mod.runner.snapshot(g)).model_dump(exclude={"ts"})  # checkpoint
            assert published == read_back
    finally:
        await mod.close()


async def test_a_running_games_snapshot_shows_its_last_phases_end(tmp_path):
    """An all-bot game is one segment and checkpoints only its start until it ends: while
    it runs, its snapshot shows the game at its last phase's end, as a checkpoint there
    used to."""
    mod = Moderator(tmp_path)
    await mod.open()
    try:
        created = await mod.registry.create(NewGame(humans=[], pace=1000, seed=7))
        g = created.game
        await mod.runner.start(g, g.viewer(created.answer()["spectator_token"]))
        graph = await mod.runner.graph()
        seen: list[Any] = []

        async def a_later_day() -> bool:
            snap = await mod.runner.snapshot(g)
            seen.append(snap)
            return snap.state.day >= 2 and not snap.state.over

        await until(a_later_day, "the snapshot of a running game to reach day 2")
        snap = seen[-1]
        assert snap.next == ["play"] and not snap.paused
        ckpt = load_game((await graph.aget_state(run_config(g.id))).values)
        if not g.finished:  # (the checkpoint is still the segment's start)
            assert ckpt.day == 1 and ckpt.phase == "night"
        await until(lambda: g.finished, "the game to end")
        assert g.live is None
        final = await mod.runner.snapshot(g)
        assert final.state.over and final.next == []
    finally:
        await mod.close()


async def test_bots_deciding_at_once_still_say_what_they_said(tmp_path):
    """Built-in bots plan in the loop's thread now (no worker thread): a served game says
    what a headless one says, simultaneous decisions (votes, the night) included."""
    mod = Moderator(tmp_path)
    await mod.open()
    try:
        created = await mod.registry.create(NewGame(humans=[], pace=0, seed=11, names_seed=11))
        g = created.game
        await mod.runner.start(g, g.viewer(created.answer()["spectator_token"]))
        await until(lambda: g.finished, "the game to end")
        served = [
            e.event.model_dump_json(exclude={"ts"}) for e in await g.log.all_entries() if e.graph
        ]
    finally:
        await mod.close()
    headless: list[Any] = []
    await run_game(GameConfig(players=9, seed=11, names_seed=11), on_event=headless.append)
    words = [e.model_dump_json(exclude={"ts"}) for e in headless]
    assert served == words[len(words) - len(served) :]
    assert len(served) > 100


async def test_the_store_writes_many_events_in_statements_and_again_whole(tmp_path):
    """The journal's rows go in as multi-row statements on an autocommit connection (one trip
    each, no private aiosqlite call): past one statement's rows, in sequence, and a batch
    written again replaces its rows."""
    store = Store(tmp_path / "games.sqlite")
    await store.open()
    try:
        n = ROWS_PER_INSERT + 123
        rows = [
            ("g", i, i % 3 == 0, json.dumps({"i": i, "text": '金水 "x"'})) for i in range(1, n + 1)
        ]
        await store.append_events_of(rows)
        await store.append_events_of(rows[:10])
        assert await store.events("g") == [(s, graph, data) for _, s, graph, data in rows]
        await store.append_calls("g", [(1, 2, "a"), (2, 5, "b")])
        assert await store.calls("g") == ["a", "b"]
        await store.add_game("g", 1.0, {"table": 1})
        await store.update_game("g", started=True, finished=True, phase="day", day=3)
    finally:
        await store.close()
    again = Store(tmp_path / "games.sqlite")  # what reached the disk, read by a new connection
    await again.open(read_only=True)
    try:
        stored = await again.game("g")
        assert stored is not None and stored.finished and stored.day == 3
        assert len(await again.events("g")) == n
    finally:
        await again.close()
