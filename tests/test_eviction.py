"""A finished game's log leaves memory once written, and is still served whole."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from test_server_persistence import _create, _feed, _start, _summary

from server.eventlog import EventLog
from server.journal import Journal
from server.store import Store
from shared.events import Token


async def _a_written_log(tmp_path) -> tuple[Store, Journal, EventLog]:
    store = Store(tmp_path / "games.sqlite")
    await store.open()
    await store.add_game("g1", 0.0, {})
    journal = Journal(store)
    log = journal.log_for("g1")
    for i in range(50):
        log.publish(Token(seat=1, content=f"t{i}"))
    log.close()
    await journal.flush(log)
    return store, journal, log


def test_an_evicted_log_is_read_back_from_the_store(tmp_path):
    async def main() -> None:
        store, journal, log = await _a_written_log(tmp_path)
        before = [(e.seq, e.data) for e in log.entries]
        # A reader halfway through when the log leaves memory still gets the rest.
        reader = log.follow(0)
        first = await anext(reader)
        assert log.evict(lambda: store.events("g1"))
        assert log.entries == [] and log.head == 50 and log.last is not None
        rest = [e for batch in [b async for b in reader] for e in batch]
        assert [(e.seq, e.data) for e in first + rest] == before
        whole = [e for batch in [b async for b in log.follow(0)] for e in batch]
        assert [(e.seq, e.data) for e in whole] == before
        tail = [e for batch in [b async for b in log.follow(45)] for e in batch]
        assert [e.seq for e in tail] == [46, 47, 48, 49, 50]
        assert [b async for b in log.follow(50)] == []
        await journal.close()
        await store.close()

    asyncio.run(main())


def test_a_finished_game_is_served_whole_after_leaving_memory(fresh_server):
    """A finished game leaves memory (once written, and at once after a restart): its
    events from 0 and its snapshot are the same as while it was in memory."""
    url = fresh_server.start().url
    g = _create(url, humans=[], pace=0, seed=5)
    spectator = g["spectator_token"]
    _start(url, g["game_id"], spectator)
    whole = _feed(url, g["game_id"], spectator)  # the stream ends with the game
    assert _summary(url, g["game_id"], spectator)["finished"]
    assert whole[-1][1] == "snapshot" and whole[-1][2]["state"]["over"]
    snap = _snapshot(url, g["game_id"], spectator)
    fresh_server.stop()
    url = fresh_server.start().url  # the restarted server loads the finished game evicted
    again = _feed(url, g["game_id"], spectator)
    assert [(i, t, d) for i, t, d in again] == [(i, t, d) for i, t, d in whole]
    assert _snapshot(url, g["game_id"], spectator) == snap
    resumed = _feed(url, g["game_id"], spectator, last_event_id=whole[-10][0])
    assert [i for i, _, _ in resumed] == [i for i, _, _ in whole[-9:]]


def _snapshot(url: str, game_id: str, token: str) -> dict:
    r = httpx.get(
        f"{url}/games/{game_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert r.status_code == 200, r.text
    out = r.json()
    out.pop("ts", None)
    return out


def test_a_stream_over_an_evicted_log_keeps_nothing_on_it(tmp_path):
    # Streams share what they make of a batch on its log; a log out of memory is read back
    # whole for each reader, and a batch kept on it stayed as long as the game was listed.
    from types import SimpleNamespace

    from server.api.streams import feed
    from server.game.visibility import GOD_VIEWER

    async def main() -> None:
        store, journal, log = await _a_written_log(tmp_path)
        assert log.evict(lambda: store.events("g1"))
        g: Any = SimpleNamespace(log=log, finished=True)  # what feed reads of a game
        chunks = [c async for c in feed(g, GOD_VIEWER, 0, "game_over")]
        assert b"".join(chunks).count(b"event: token") == 50
        assert log.shared == ((0, 0), {})
        await journal.close()
        await store.close()

    asyncio.run(main())
