"""The stream path's parts: the typewriter's pacing clock and the event log's readers."""

from __future__ import annotations

import asyncio
import json

import pytest
import uvloop
from eventually import until

from server.eventlog import EventLog
from server.pacing import TICK, PacingClock, pacing_clock
from server.typewriter import Text, Typewriter, tokenize
from shared.events import (
    GOD,
    PUBLIC,
    WOLVES,
    Death,
    Error,
    Event,
    SpeechStart,
    ThoughtEnd,
    ThoughtStart,
    ThoughtToken,
    Token,
    VoteCast,
    only,
)

TEXT = "The wolves are among us, 金水 for seat three; I vote for seat five. " * 8


def _typewrite(pace: float, texts: int) -> tuple[list[list[str]], int]:
    """``texts`` typewriters at once on one loop: what each wrote, and how often the pacing
    clock rang."""
    written: list[list[str]] = [[] for _ in range(texts)]

    async def main() -> int:
        async def one(i: int) -> None:
            def write(e: Event) -> None:
                if e.type in ("token", "thought_token"):
                    written[i].append(e.content)  # type: ignore[union-attr]

            tw = Typewriter(write, pace)
            await tw.thought(i, "x", TEXT)
            await tw.speech(i, "day", PUBLIC, TEXT)

        await asyncio.gather(*(one(i) for i in range(texts)))
        return pacing_clock().rings

    rings = uvloop.run(main())
    return written, rings


def test_every_token_arrives_in_order_under_one_clock():
    written, _ = _typewrite(pace=2000, texts=12)
    for events in written:
        assert "".join(events) == TEXT * 2
        # each event holds whole tokens: cut where the text's tokens are cut
        assert [t for e in events for t in tokenize(e)] == tokenize(TEXT) * 2


def test_a_fast_pace_writes_every_token_due_as_one_event_per_wake_up():
    # A token is due every 0.1 ms; the clock rings at most once a tick and writes, from the
    # ring, every token due of every text: many tokens (the slower the machine, the more)
    # as one event per text.
    written, rings = _typewrite(pace=10000, texts=3)
    tokens = sum(len(tokenize(e)) for events in written for e in events)
    events = sum(len(events) for events in written)
    assert tokens == 3 * 2 * len(tokenize(TEXT))
    assert rings * 3 * 5 < tokens
    assert events <= 3 * rings + 2 * 3  # one event per text per ring, plus the first of each


def test_a_slow_pace_still_writes_one_token_per_event():
    # 20 tokens/s: a token is due every 50 ms, more than a tick apart: nothing to coalesce
    # (a reader sees a word at a time, as before).
    async def main() -> list[str]:
        out: list[str] = []
        tw = Typewriter(lambda e: out.append(e.content) if e.type == "token" else None, 20)  # type: ignore[union-attr]
        await tw.speech(1, "day", PUBLIC, "one two three four five six")
        return out

    out = uvloop.run(main())
    assert "".join(out) == "one two three four five six"
    assert len(out) >= 4  # the first may carry two (a text starts a tick early)


def test_a_clock_asked_for_a_time_already_past_still_rings():
    async def main() -> list[str]:
        clock = PacingClock(asyncio.get_running_loop())
        loop, out = clock.loop, []

        def text(due: float, word: str) -> Text:
            return Text(
                [word], due, 0.001, lambda t: Token(seat=1, content=t), out.append, lambda: False
            )

        await asyncio.gather(*(clock.type(text(loop.time() - i, f"{i} ")) for i in range(5)))
        await clock.type(text(loop.time() + 0.001, "soon "))
        await clock.type(text(loop.time() - 1, "late "))  # the timer is armed in the past (uvloop)
        return [e.content for e in out]  # type: ignore[union-attr]

    assert uvloop.run(main()) == ["4 ", "3 ", "2 ", "1 ", "0 ", "soon ", "late "]


async def test_a_cancelled_typewriter_writes_no_more_and_a_failed_write_raises_in_its_task():
    out: list[str] = []

    def write(e: Event) -> None:
        if e.type == "token":
            if "boom" in e.content:  # type: ignore[union-attr]
                raise RuntimeError("the log is gone")
            out.append(e.content)  # type: ignore[union-attr]

    typing = asyncio.ensure_future(Typewriter(write, 200).speech(1, "day", PUBLIC, TEXT))
    await until(lambda: len(out) >= 3, "a few tokens")
    typing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await typing
    written = len(out)
    await asyncio.sleep(0.2)  # the clock rings on: nothing more of that text
    assert len(out) == written and "".join(out) == TEXT[: len("".join(out))]
    with pytest.raises(RuntimeError, match="the log is gone"):
        await Typewriter(write, 200).speech(1, "day", PUBLIC, "a few words then boom and more")


def _notice(i: int) -> Event:
    return Error(message=f"event {i}")


async def _publish(log: EventLog, n: int) -> None:
    for i in range(n):
        log.publish(_notice(i))


@pytest.mark.parametrize("lag", [5, 50])
async def test_a_reader_busy_with_its_batch_is_dropped_past_the_lag(lag):
    log = EventLog()
    await _publish(log, 3)
    dropped: list[bool] = []
    reader = log.follow(0, max_lag=lag, on_lag=lambda: dropped.append(True))
    first = await anext(reader)  # taken, and then never asked for more
    assert [e.seq for e in first] == [1, 2, 3]
    await _publish(log, lag)
    await asyncio.sleep(0.1)  # the log's wake-ups run (they are at most 25 ms apart)
    assert not dropped  # exactly at the limit: still fine
    await _publish(log, 1)
    await asyncio.sleep(0.1)
    assert dropped == [True]
    with pytest.raises(StopAsyncIteration):  # it reads no more
        await anext(reader)


async def test_a_waiting_reader_is_never_dropped_for_a_burst():
    log = EventLog()
    dropped: list[bool] = []
    reader = log.follow(0, max_lag=5, on_lag=lambda: dropped.append(True))
    taking = asyncio.ensure_future(anext(reader))
    await asyncio.sleep(0)  # it waits
    await _publish(log, 50)  # far more than its lag, all at once
    batch = await taking
    assert batch[0].seq == 1 and not dropped
    await _publish(log, 1)
    log.close()
    rest = [e.seq for b in [b async for b in reader] for e in b]
    assert [e.seq for e in batch] + rest == list(range(1, 52))
    assert not dropped


async def test_tokens_are_stamped_and_everything_else_is_copied():
    log = EventLog()
    token = Token(seat=1, content="hi ")
    notice = _notice(0)
    a, b = log.publish(token), log.publish(notice)
    assert a.event is token and token.ts is not None
    assert b.event is not notice and notice.ts is None and b.event.ts is not None
    assert '"ts":' in a.data and a.event.model_dump_json() == a.data


async def test_a_stamped_copy_is_what_pydantic_copies():
    log = EventLog()
    for event in (
        _notice(0),
        VoteCast(seat=3, target=5, day=2),
        Death(seats=[1, 4], cause="exile", day=1),
    ):
        entry = log.publish(event)
        assert entry.event is not event and event.ts is None
        expected = event.model_copy(update={"ts": entry.event.ts})
        assert entry.event == expected
        assert entry.event.__pydantic_fields_set__ == expected.__pydantic_fields_set__
        assert entry.data == expected.model_dump_json()


@pytest.mark.parametrize("kept", [True, False], ids=["pieces kept", "no room for more"])
@pytest.mark.parametrize("vis", [PUBLIC, GOD, WOLVES, only(7)], ids=lambda v: v.scope)
async def test_a_typewriters_events_are_sealed_as_pydantic_writes_them(vis, kept, monkeypatch):
    """The log writes a typewriter's events' JSON from pieces made once per seat and
    audience: byte for byte what ``model_dump_json`` writes, whatever the text."""
    import server.eventlog

    if not kept:
        monkeypatch.setattr(server.eventlog, "_AROUND", {})
        monkeypatch.setattr(server.eventlog, "_AROUND_MOST", 0)
    log = EventLog()
    texts = ["hi ", 'q"\\ \\n', "金水，查杀 ", "\u2028é\x7f", "", "tab\tnew\nline"]
    for seat in (1, 12):
        for text in texts:
            for event in (
                Token.model_construct(seat=seat, content=text, vis=vis),
                ThoughtToken.model_construct(seat=seat, content=text, vis=vis),
                ThoughtEnd(seat=seat, vis=vis),
                ThoughtStart(seat=seat, label=text, vis=vis),
                SpeechStart(seat=seat, kind="pk", vis=vis),
                SpeechStart(seat=seat, vis=vis),
            ):
                entry = log.publish(event)
                assert entry.event is event and event.ts is not None
                assert entry.data == event.model_dump_json()


def _said(*pieces: str, seat: int = 1) -> list[Event]:
    return [Token(seat=seat, content=p) for p in pieces]


async def test_a_restarted_game_saying_the_same_words_in_other_cuts_publishes_nothing_twice():
    from server.runner import Replay

    log = EventLog()
    for e in [_notice(0), *_said("I am ", "the seer. ", "Seat 3 "), _notice(1)]:
        log.publish(e)
    head = log.head
    replay = Replay(log, list(log.entries), 1, "day")
    for e in [_notice(0), *_said("I ", "am the ", "seer. Seat", " 3 "), _notice(1)]:
        assert replay.publish(e) is None
    assert log.head == head and not replay.catching_up()
    new = replay.publish(Token(seat=1, content="votes."))
    assert new is not None and new.seq == head + 1


async def test_a_restarted_game_saying_other_words_publishes_the_rest_after_a_resumed_marker():
    from server.runner import Replay

    log = EventLog()
    for e in _said("I am ", "the seer. ", "Seat 3 ", "is a wolf."):
        log.publish(e)
    replay = Replay(log, list(log.entries), 1, "day")
    assert replay.publish(Token(seat=1, content="I am the ")) is None  # said again
    entry = replay.publish(Token(seat=1, content="witch."))
    assert entry is not None
    resumed = log.entries[-2].event
    assert resumed.type == "resumed" and resumed.after == 1  # type: ignore[union-attr]
    assert entry.event.content == "witch."  # type: ignore[union-attr]
    # a different cut that starts the same: only what differs is new
    log2 = EventLog()
    log2.publish(Token(seat=1, content="a b "))
    replay2 = Replay(log2, list(log2.entries), 1, "day")
    entry2 = replay2.publish(Token(seat=1, content="a b c "))
    assert entry2 is not None and entry2.event.content == "c "  # type: ignore[union-attr]
    assert log2.head == 2  # no marker: nothing said before was superseded


async def test_a_models_tokens_within_a_tick_go_out_as_one_event_per_seat_in_order():
    from shared.events import GOD, ThoughtEnd, ThoughtToken

    out: list[Event] = []
    tw = Typewriter(out.append, 0)
    tw.write(ThoughtToken(seat=2, content="I ", vis=GOD))  # the first: at once
    for word in ("think ", "seat ", "4 "):
        tw.write(ThoughtToken(seat=2, content=word, vis=GOD))
    tw.write(Token(seat=3, content="Hello ", vis=PUBLIC))  # another seat's, held apart
    assert [e.content for e in out] == ["I "]  # type: ignore[union-attr]
    await asyncio.sleep(3 * TICK)  # the next tick, and one more: what was held goes out
    assert [(e.type, e.content) for e in out] == [  # type: ignore[union-attr]
        ("thought_token", "I "),
        ("thought_token", "think seat 4 "),
        ("token", "Hello "),
    ]
    out.clear()
    tw.write(ThoughtToken(seat=2, content="lies.", vis=GOD))  # a tick after: at once
    tw.write(ThoughtToken(seat=2, content=" Vote", vis=GOD))  # held ...
    tw.write(ThoughtEnd(seat=2, vis=GOD))  # ... and written before the end
    tw.write(Token(seat=3, content="all", vis=PUBLIC))
    tw.flush()  # the model's answer is over
    assert [(e.type, getattr(e, "content", None)) for e in out] == [
        ("thought_token", "lies."),
        ("thought_token", " Vote"),
        ("thought_end", None),
        ("token", "all"),
    ]
    await asyncio.sleep(0.05)
    assert len(out) == 4  # nothing held, nothing written twice


@pytest.mark.parametrize("pace", [0, 5000])
def test_a_text_is_cleaned_whole_before_it_is_cut(pace):
    # An escape sequence with spaces in it spans several tokens: cleaned whole, none of it
    # reaches a terminal (a piece of a clean text is clean: the events aren't validated).
    from shared.text import clean

    text = "I am \x1b]0;a new title\x07the seer,\x1b[31m red\tand\r\nsure. "
    out: list[Event] = []

    async def main() -> None:
        tw = Typewriter(out.append, pace)
        await tw.thought(1, "x", text)
        await tw.speech(1, "day", PUBLIC, text)

    uvloop.run(main())
    thought = "".join(e.content for e in out if e.type == "thought_token")  # type: ignore[union-attr]
    speech = "".join(e.content for e in out if e.type == "token")  # type: ignore[union-attr]
    assert thought == clean(text, one_line=False) == "I am the seer, red\tand\nsure. "
    assert speech == clean(text) == "I am the seer, red and sure. "
    for e in out:  # as valid as if each were validated
        assert type(e).model_validate_json(e.model_dump_json()) == e


# -- the journal: spooled on the loop's thread, the store's thread when it must wait --------
async def _journal(tmp_path):
    from server.journal import Journal
    from server.store import Store

    store = Store(tmp_path / "games.sqlite")
    await store.open()
    return store, Journal(store)


def _spooled(store) -> list[tuple[str, int]]:
    from server.store import read_spool

    return [(g, seq) for g, seq, _, _ in read_spool(store.spool_path)]


async def test_the_events_of_one_turn_are_made_durable_at_once_before_anyone_reads_them(
    tmp_path,
):
    store, journal = await _journal(tmp_path)
    try:
        logs = [journal.log_for(f"g{i}") for i in range(3)]
        for i, log in enumerate(logs):  # one turn of the loop: three games publish
            log.publish(_notice(i))
            log.publish(_notice(10 + i))
        assert all(log.durable == 0 for log in logs)  # not yet written: nobody may read it
        await asyncio.sleep(0)  # the turn ends: the journal spools them, in one append
        assert [log.durable for log in logs] == [2, 2, 2]
        assert _spooled(store) == [(f"g{i}", seq) for i in range(3) for seq in (1, 2)]
        assert await store.events("g1") == []  # in the database within a second, not yet
        await journal.flush()  # in the database now: one transaction for all three
        assert journal._wal.writes == 1  # noqa: SLF001
        assert [seq for seq, _, _ in await store.events("g1")] == [1, 2]
        assert _spooled(store) == []
    finally:
        await journal.close()
        await store.close()


async def test_a_database_busy_elsewhere_delays_no_event_and_loses_none(tmp_path):
    import sqlite3

    store, journal = await _journal(tmp_path)
    other = sqlite3.connect(tmp_path / "games.sqlite", isolation_level=None)
    try:
        log = journal.log_for("g1")
        other.execute("BEGIN IMMEDIATE")  # another connection holds the write lock
        log.publish(_notice(0))
        await asyncio.sleep(0)
        assert log.durable == 1  # spooled: readable at once
        log.publish(_notice(1))
        await asyncio.sleep(0)
        assert log.durable == 2
        assert not journal._store()  # noqa: SLF001 - the database is busy: the loop doesn't wait
        assert _spooled(store) == [("g1", 1), ("g1", 2)]  # they wait in the spool
        other.execute("COMMIT")
        await journal.flush()
        log.publish(_notice(2))
        await journal.flush()
        assert journal.healthy
        rows = await store.events("g1")
        assert [(seq, json.loads(data)["message"]) for seq, _, data in rows] == [
            (1, "event 0"),
            (2, "event 1"),
            (3, "event 2"),
        ]
    finally:
        other.close()
        await journal.close()
        await store.close()


async def test_an_append_the_disk_refuses_goes_the_slow_way_and_leaves_the_spool_whole(
    tmp_path, monkeypatch
):
    import errno
    import os

    import server.store

    store, journal = await _journal(tmp_path)
    try:
        log = journal.log_for("g1")
        log.publish(_notice(0))
        await asyncio.sleep(0)
        size = journal._spool.size  # noqa: SLF001
        real_write = os.write

        def half_then_full(fd: int, data: bytes) -> int:  # the disk fills mid-append
            if fd != journal._spool._fd:  # noqa: SLF001
                return real_write(fd, data)
            if len(data) > 1:
                return real_write(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(server.store.os, "write", half_then_full)
        log.publish(_notice(1))
        await asyncio.sleep(0)
        assert os.path.getsize(store.spool_path) == size  # the torn half is cut off again
        await until(lambda: log.durable == 2, "the event to be written the slow way")
        monkeypatch.setattr(server.store.os, "write", real_write)
        log.publish(_notice(2))
        await journal.flush()
        rows = await store.events("g1")
        assert [json.loads(data)["message"] for _, _, data in rows] == [
            "event 0",
            "event 1",
            "event 2",
        ]
    finally:
        await journal.close()
        await store.close()


async def test_a_spool_left_by_a_crash_is_in_the_database_at_the_next_start(tmp_path):
    from server.store import Store

    store, journal = await _journal(tmp_path)
    log = journal.log_for("g1")
    for i in range(3):
        log.publish(_notice(i))
    await asyncio.sleep(0)
    assert log.durable == 3 and await store.events("g1") == []
    # The process dies here (nothing closed); its last append was torn mid-line.
    with open(store.spool_path, "ab") as f:
        f.write(b'g1\t4\t0\t{"type":"error","mess')
    again = Store(tmp_path / "games.sqlite")
    await again.open()
    try:
        rows = await again.events("g1")
        assert [(seq, json.loads(data)["message"]) for seq, _, data in rows] == [
            (1, "event 0"),
            (2, "event 1"),
            (3, "event 2"),
        ]
        assert not again.spool_path.exists()
    finally:
        await again.close()
        journal._spool.close()  # noqa: SLF001
        await store.close()


async def test_the_wal_is_checkpointed_off_the_loop(tmp_path, monkeypatch):
    import server.store

    monkeypatch.setattr(server.store, "WAL_MOVE_EVERY", 4)
    store, journal = await _journal(tmp_path)
    try:
        log = journal.log_for("g1")
        for i in range(4):
            assert journal._wal.task is None  # noqa: SLF001
            log.publish(_notice(i))
            await journal.flush()  # in the database: a commit each
        assert journal._wal.task is not None  # noqa: SLF001 - the fourth commit moves it
        await journal._wal.task  # noqa: SLF001
        # The database file itself holds the events: the WAL was moved into it (the loop's
        # connection never does that; nobody else wrote here, nor while it moved).
        assert b"event 3" in (tmp_path / "games.sqlite").read_bytes()
    finally:
        await journal.close()
        await store.close()


async def test_many_rows_stored_at_once_count_toward_moving_the_wal(tmp_path, monkeypatch):
    """A second's rows in one statement grow the WAL as the ticks' commits they replace did:
    they count as that many writes toward its next move into the database."""
    import server.store

    monkeypatch.setattr(server.store, "WAL_MOVE_EVERY", 4)
    store, journal = await _journal(tmp_path)
    try:
        log = journal.log_for("g1")
        for i in range(200):
            log.publish(_notice(i))
        await journal.flush()  # one statement
        assert journal._wal.writes >= 4  # noqa: SLF001
        assert journal._wal.task is not None  # noqa: SLF001
        await journal._wal.task  # noqa: SLF001
    finally:
        await journal.close()
        await store.close()


async def test_a_typewriters_tokens_are_whole_events_of_their_own():
    from shared.events import GOD, ThoughtToken

    out: list[Event] = []
    tw = Typewriter(out.append, 0)
    await tw.speech(2, "day", PUBLIC, "one")
    await tw.thought(2, "x", "two")
    token, thought = out[1], out[-2]
    assert token == Token(seat=2, content="one", vis=PUBLIC)
    assert thought == ThoughtToken(seat=2, content="two", vis=GOD)
    log = EventLog()
    log.publish(token)  # stamped in place: that one only
    assert token.ts is not None and thought.ts is None
    assert token.model_fields_set == {"seat", "content", "vis", "ts"}
    assert thought.model_fields_set == {"seat", "content", "vis"}
    assert Token.model_validate_json(log.entries[0].data) == token


# -- the checkpoints: written on the loop's thread too ----------------------------------------
async def test_checkpoints_are_written_in_place_and_their_wal_moved_off_the_loop(
    tmp_path, monkeypatch
):
    import threading
    from typing import Any, TypedDict

    from langgraph.graph import END, START, StateGraph

    import server.checkpoint_saver as saver_module
    import server.store
    from server.graph import checkpoint_serde
    from server.moderator import _checkpoints_db

    monkeypatch.setattr(server.store, "WAL_MOVE_EVERY", 3)
    path = tmp_path / "checkpoints.sqlite"
    saver = saver_module.InlineSqliteSaver(_checkpoints_db(path), path, serde=checkpoint_serde())
    writers: set[int] = set()
    put = saver.put

    def counted_put(*args, **kwargs):
        writers.add(threading.get_ident())
        return put(*args, **kwargs)

    monkeypatch.setattr(saver, "put", counted_put)

    class State(TypedDict):
        n: int

    def one(s: State) -> dict:
        return {"n": s["n"] + 1}

    def two(s: State) -> dict:
        return {"n": s["n"] * 10}

    g: Any = StateGraph(State)
    g.add_node("one", one)
    g.add_node("two", two)
    g.add_edge(START, "one")
    g.add_edge("one", "two")
    g.add_edge("two", END)
    graph = g.compile(checkpointer=saver)
    config: Any = {"configurable": {"thread_id": "game-1"}}
    size_before = path.stat().st_size
    assert await graph.ainvoke({"n": 4}, config) == {"n": 50}
    assert writers == {threading.get_ident()}  # the loop's own thread
    assert (await graph.aget_state(config)).values == {"n": 50}
    history = []
    async for c in saver.alist(config):  # a write while the history is read doesn't wait
        history.append(c)
        await saver.aput_writes(c.config, [("n", 1)], "reader")
    assert len(history) >= 3
    assert saver.wal.task is not None
    await saver.wal.task
    assert path.stat().st_size > size_before  # the WAL went into the database
    await saver.adelete_thread("game-1")
    assert await saver.aget_tuple(config) is None
    saver.conn.close()
