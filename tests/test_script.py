"""A paced game of built-in bots works its turns out ahead and plays them back (server/script.py):
nobody may see anything sooner, or in another order, than when each turn waited for the text
before it."""

from __future__ import annotations

import asyncio

import pytest

from server.game import GameConfig
from server.graph import Table, build_graph, initial_state, run_config
from server.headless import run_game
from server.script import Script
from shared.events import Phase

TYPED = frozenset({"token", "thought_token", "thought_start", "thought_end", "speech_start"})


def _told(events: list) -> list[tuple[str, dict[tuple[str, int], str]]]:
    """Every event the rules wrote, with everything each seat had thought and said before it
    (the typewriter's events cut a text anyhow: what counts is how much of it came first)."""
    said: dict[tuple[str, int], str] = {}
    out = []
    for e in events:
        if e.type in ("token", "thought_token"):
            said[(e.type, e.seat)] = said.get((e.type, e.seat), "") + e.content
        elif e.type not in TYPED:
            out.append((e.model_dump_json(exclude={"ts"}), dict(said)))
    return out


def _seats(n: int) -> Table:
    return Table(bots={s: "builtin" for s in range(1, n + 1)})


@pytest.mark.parametrize("players,seed", [(9, 3), (12, 5)])
async def test_a_paced_game_says_and_does_what_it_does_unpaced_in_the_same_order(players, seed):
    config = GameConfig(players=players, seed=seed)
    instant: list = []
    await run_game(config, table=_seats(players), on_event=instant.append)
    paced: list = []
    table = _seats(players).model_copy(update={"pace": 20000})
    await run_game(config, table=table, on_event=paced.append)
    assert _told(paced) == _told(instant)
    assert any(e.type == "token" for e in paced) and any(e.type == "vote_cast" for e in paced)
    # typed: a text in several events, as the clock ticked
    assert sum(e.type == "thought_token" for e in paced) > sum(
        e.type == "thought_token" for e in instant
    )


async def test_the_game_is_heard_at_each_phase_only_once_its_events_are_written():
    """``progress`` (the running game's snapshot) never shows a phase the stream hasn't."""
    written: list = []
    heard: list[tuple[tuple[str, int], tuple[str, int] | None]] = []

    def progress(game) -> None:
        phases = [e for e in written if isinstance(e, Phase)]
        last = (phases[-1].phase, phases[-1].day) if phases else None
        heard.append(((game.phase, game.day), last))

    from server.game import new_game

    config = GameConfig(players=9, seed=11)
    t = new_game(config)
    written.extend(t.events)
    table = _seats(9).model_copy(update={"pace": 20000})
    cfg = run_config("script-progress")
    cfg["configurable"].update(write=written.append, progress=progress)
    await build_graph().ainvoke(initial_state(t.state, table, keep_objects=True), cfg)
    assert len(heard) >= 3
    for game_at, stream_at in heard:
        assert game_at == stream_at


async def test_a_script_plays_its_steps_in_order_and_raises_what_one_raised():
    script, out = Script(), []

    async def slow(tag: str) -> None:
        await asyncio.sleep(0.01)
        out.append(tag)

    script.then(lambda: slow("a"))
    script.then(lambda: out.append("b"))
    script.then(lambda: slow("c"))
    await script.played()
    assert out == ["a", "b", "c"]
    script.then(lambda: out.append("d"))  # a script that played out plays again
    await script.played()
    assert out[-1] == "d"

    def broken() -> None:
        raise RuntimeError("the store is gone")

    script.then(broken)
    script.then(lambda: out.append("never"))
    with pytest.raises(RuntimeError, match="the store is gone"):
        await script.played()
    assert "never" not in out


async def test_a_cancelled_script_plays_nothing_more():
    script, out = Script(), []
    script.then(lambda: asyncio.sleep(0.05))
    script.then(lambda: out.append("late"))
    await asyncio.sleep(0)
    script.cancel()
    await asyncio.sleep(0.1)
    assert out == []
    await script.played()  # nothing left to wait for
