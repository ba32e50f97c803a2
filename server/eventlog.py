"""A game's event log: numbered events, readable once they are durable.

The runner publishes; every stream is a reader that follows the log from its own
position. An event gets its sequence number when it is published, but readers see it
only once the journal (:mod:`server.journal`) has written it: an id a viewer has seen
is on disk, so it means the same event after any crash. A slow reader only falls
behind in the list: it never holds back the game or the other readers.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any

from shared.events import Event, parse_event

# Readers are woken at most this often (seconds): under a burst, one wake-up (and one write
# per stream) carries every event that became durable in between, so a crowd of readers
# costs the game a few wake-ups per tick, not one per event. An event after a quiet spell
# wakes them at once.
WAKE_EVERY = 0.015
KEEPALIVE = object()  # what a reader's keep-alive timer wakes it with
# Events made for one write and kept nowhere else (a typewriter's tokens, and the starts and
# ends it writes around its texts): the log stamps them in place instead of copying them.
STAMPED_IN_PLACE = frozenset(
    {"token", "thought_token", "thought_start", "thought_end", "speech_start"}
)


class Reader:
    """One reader's place in the log, the future it waits on (if any), and since when its
    client has been holding it up."""

    __slots__ = (
        "check",
        "checked",
        "dropped",
        "future",
        "max_lag",
        "on_lag",
        "pos",
        "push",
        "since",
    )

    def __init__(
        self,
        pos: int,
        max_lag: int,
        on_lag: Callable[[], None] | None,
        stalled: Callable[[], bool] | None,
        push: Callable[[list[Entry]], bool | None] | None = None,
    ) -> None:
        self.pos = pos  # the index of the next entry it takes
        self.push = push
        self.future: asyncio.Future | None = None
        self.max_lag = max_lag
        self.on_lag = on_lag
        self.check = stalled
        self.checked = 0  # how many entries were readable when it was last asked
        self.since: int | None = None  # its position when it was first seen held up
        self.dropped = False  # it reads no more (too far behind, or its stream has ended)

    def stalled(self) -> bool:
        """Is its client behind? Asked of its connection if it can be; else, is it still
        writing what it took?"""
        return self.check() if self.check is not None else self.future is None

    def lagging(self, durable: int) -> bool:
        """Has its client held it up while more than ``max_lag`` entries became readable?
        (Asked every quarter of that: the connection's answer may cost a system call.)"""
        if self.since is None:
            if durable - self.checked <= self.max_lag // 4:
                return False
            self.checked = durable
            if self.stalled():
                self.since = self.pos
            return False
        if durable - self.since <= self.max_lag:
            return False
        if self.stalled():
            return True
        self.since, self.checked = None, durable  # it caught up meanwhile
        return False


@dataclass(slots=True)
class Entry:
    seq: int
    event: Event
    data: str  # the event as JSON, serialised once for every reader ("" until released)
    graph: bool  # written by the graph's stream (counted in the checkpoint's ``emitted``)
    # The event as the stream sends it, encoded once by the first reader that needs it
    # (the log doesn't know the wire format; the HTTP layer fills this).
    wire: bytes | None = field(default=None, compare=False)


# A typewriter's events as JSON around their ``ts`` (and ``content``), by (type, seat,
# audience, kind or label): pydantic's own output for one of them, cut where those go. A few
# per seat (a model's thought labels are its own: past _AROUND_MOST, pydantic writes them).
_AROUND: dict[tuple[Any, ...], tuple[str, str, bool]] = {}
_AROUND_MOST = 4096
_TYPED = frozenset({"token", "thought_token", "thought_start", "thought_end", "speech_start"})
# A str as pydantic writes it: what ``json.JSONEncoder(ensure_ascii=False).encode`` calls
# for one (the C function, without the method's own checks).
_json_str = encode_basestring


def _typed_json(event: Event, now: float) -> str | None:
    """``event`` (a typewriter's: :data:`_TYPED`) stamped ``now``, as JSON: what its
    ``model_dump_json`` writes, byte for byte (tests/test_stream_path.py holds them equal),
    from its fields' JSON made once. At a pacing tick a game seals an event or two, after
    the process slept, and pydantic's serialiser run so cost about 10 µs an event here.
    None: not made yet, and no room to keep it."""
    d = event.__dict__
    vis = d["vis"].__dict__  # (its fields: a frozen model's own hash is worked out each time)
    key = (event.type, d["seat"], vis["scope"], vis["seat"], d.get("kind"), d.get("label"))
    around = _AROUND.get(key)
    if around is None:
        if len(_AROUND) >= _AROUND_MOST:
            return None
        has_content = "content" in d
        probe = event.model_copy(update={"ts": 0.5, **({"content": ""} if has_content else {})})
        head, tail = probe.model_dump_json().split('"ts":0.5', 1)
        if has_content:
            tail = tail[: -len('""}')]
        around = _AROUND[key] = (head + '"ts":', tail, has_content)
    head, tail, has_content = around
    if has_content:
        return f"{head}{now!r}{tail}{_json_str(d['content'])}}}"
    return f"{head}{now!r}{tail}"


_new, _set = object.__new__, object.__setattr__


def _stamped(event: Event, now: float) -> Event:
    """A copy of ``event`` stamped ``now``: ``model_copy(update={"ts": now})``, field for
    field, without its generality (half its cost, and every event a game publishes is
    stamped so, most of them after the process slept through a pacing tick)."""
    copy = _new(type(event))
    _set(copy, "__dict__", {**event.__dict__, "ts": now})
    _set(copy, "__pydantic_fields_set__", event.__pydantic_fields_set__ | {"ts"})
    _set(copy, "__pydantic_extra__", event.__pydantic_extra__)
    _set(copy, "__pydantic_private__", event.__pydantic_private__)
    return copy


def _seal(entry: Entry, now: float) -> None:
    event = entry.event
    if event.type in STAMPED_IN_PLACE:
        event.__dict__["ts"] = now  # type: ignore[index]  # (pydantic's ``event.ts = now``, less its checks)
        event.__pydantic_fields_set__.add("ts")
        if event.type in _TYPED:
            data = _typed_json(event, now)
            if data is not None:
                entry.data = data
                return
    else:  # it may be kept elsewhere too (the game's history): stamp a copy
        event = entry.event = _stamped(event, now)
    entry.data = event.model_dump_json()


class EventLog:
    def __init__(self, on_publish: Callable[[EventLog], None] | None = None) -> None:
        """``on_publish``: the journal, told that this log has events to write. Without
        one (a server that keeps nothing), every event is readable at once."""
        self.entries: list[Entry] = []
        self.durable = 0  # how many entries are written (and so readable)
        self._readers: set[Reader] = set()  # every reader following the live log
        self._last_wake = 0.0
        self._wake_later: asyncio.TimerHandle | None = None
        # What the streams made of the latest batch, shared by the readers that read the same
        # one ((first id, last id), {key: result}); the log doesn't know what's in it. And the
        # list that batch came in, when readers woken together were handed one (``_wake_all``).
        self.shared: tuple[tuple[int, int], dict[Any, Any]] = ((0, 0), {})
        self.handed: list[Entry] | None = None
        self._on_publish = on_publish
        self.closed = False  # the game is over and its last snapshot published
        # A finished game's log, once written, may leave memory: then the store has it
        # (``_reload``), and the log keeps only its head and its last entry (the final snapshot).
        self._reload: Callable[[], Awaitable[list[tuple[int, bool, str]]]] | None = None
        self.last: Entry | None = None
        self._evicted_head = 0  # the head of a log that left memory without its last entry

    @property
    def head(self) -> int:
        """The sequence number of the last event (0 when empty)."""
        if self.entries:
            return self.entries[-1].seq
        return self.last.seq if self.last is not None else self._evicted_head

    @property
    def durable_head(self) -> int:
        """The sequence number of the last readable event (0 when none)."""
        if self.evicted:
            return self.head
        return self.entries[self.durable - 1].seq if self.durable else 0

    @property
    def evicted(self) -> bool:
        return self._reload is not None

    def evict(
        self, reload: Callable[[], Awaitable[list[tuple[int, bool, str]]]], keep_last: bool = True
    ) -> bool:
        """Drop a finished, fully written log from memory; ``reload`` reads it back from the
        store when a reader asks for it. Keeps the head and (``keep_last``) the last entry."""
        if not self.closed or self.durable < len(self.entries) or not self.entries:
            return False
        self._evicted_head = self.entries[-1].seq
        self.last = self.entries[-1] if keep_last else None
        self._reload = reload
        self.entries, self.durable = [], 0
        self.shared, self.handed = ((0, 0), {}), None
        return True

    async def all_entries(self) -> list[Entry]:
        """Every entry, read back from the store if the log has left memory."""
        if self._reload is None:
            return self.entries[: self.durable]
        return [Entry(seq, parse_event(d), d, graph) for seq, graph, d in await self._reload()]

    def load(self, rows: list[tuple[int, bool, str]]) -> None:
        """The log as the store kept it (after a restart): all of it durable."""
        for seq, graph, data in rows:
            self.entries.append(Entry(seq, parse_event(data), data, graph))
        self.durable = len(self.entries)

    def publish(self, event: Event, graph: bool = False) -> Entry:
        """Add ``event`` to the log. It is stamped (``ts``) and serialised when it is
        released (:meth:`to_write`): at once without a journal; else when the journal
        writes it, which in a paced game is at the pacing clock's next ring."""
        entries = self.entries
        entry = Entry((entries[-1].seq if entries else self.head) + 1, event, "", graph)
        entries.append(entry)
        if self._on_publish is None:
            _seal(entry, time.time())
            self.made_durable(len(self.entries))
        else:
            self._on_publish(self)
        return entry

    def unwritten(self) -> list[Entry]:
        """Entries published but not yet written (the journal's work)."""
        return self.entries[self.durable :]

    def to_write(self) -> list[Entry]:
        """:meth:`unwritten`, each stamped with the time it is released (``ts``: now) and
        serialised once, for the store and every reader."""
        out = self.entries[self.durable :]
        now = time.time()
        for entry in out:
            if not entry.data:
                _seal(entry, now)
        return out

    def made_durable(self, count: int) -> None:
        """The first ``count`` entries are written: readers may have them."""
        if count > self.durable:
            self.durable = count
            self._wake()

    def close(self) -> None:
        """The game is over and its last event published: readers stop at the end."""
        self.closed = True
        self._wake(now=True)

    def _wake(self, now: bool = False) -> None:
        """Wake the waiting readers: at once after a quiet spell, else on the next tick."""
        if not self._readers:
            return
        loop = asyncio.get_running_loop()
        delay = self._last_wake + WAKE_EVERY - loop.time()
        if now or delay <= 0:
            self._wake_all()
        elif self._wake_later is None:
            self._wake_later = loop.call_later(delay, self._wake_all)

    def _wake_all(self) -> None:
        if self._wake_later is not None:
            self._wake_later.cancel()
            self._wake_later = None
        self._last_wake = asyncio.get_running_loop().time()
        durable, entries, closed = self.durable, self.entries, self.closed
        at, batch = -1, entries[:0]  # readers at one place are handed one list (see made())
        for r in self._readers:
            if r.max_lag and not r.dropped and r.lagging(durable):
                # Its client doesn't read while the log runs away from it: drop it (it
                # resumes by id) rather than keep what it hasn't read.
                r.dropped = True
                if r.on_lag is not None:
                    r.on_lag()
            f = r.future
            if f is None or f.done():
                continue
            push = r.push
            if push is not None and not r.dropped and not closed:
                # A reader waiting (it has written all it took) that can be written to from
                # here: no wake-up, no task switch, one write.
                if r.pos != at:
                    at = r.pos
                    batch = entries[at:durable]
                if not batch:
                    continue
                try:
                    pushed = push(batch)
                except Exception:  # noqa: BLE001 - its connection broke: it ends
                    pushed = False
                if pushed is not None:
                    r.pos = durable
                    if pushed:
                        continue
                    r.dropped = True  # its stream has ended: it stops
            f.set_result(None)

    # -- recovery ----------------------------------------------------------------------
    def graph_entries(self) -> list[Entry]:
        """The graph's events that still stand: those a ``resumed`` marker replaced (written
        after the checkpoint a restarted game went back to) do not count."""
        out: list[Entry] = []
        for e in self.entries:
            if e.event.type == "resumed":
                after = e.event.after  # type: ignore[union-attr]
                while out and out[-1].seq > after:
                    out.pop()
            elif e.graph:
                out.append(e)
        return out

    # -- reading ----------------------------------------------------------------------------
    def index_after(self, seq: int) -> int:
        """The position of the first entry whose id is above ``seq`` (resume by id)."""
        return bisect.bisect_right(self.entries, seq, key=lambda e: e.seq)

    async def follow(
        self,
        after: int = 0,
        timeout: float | None = None,
        max_lag: int = 0,
        on_lag: Callable[[], None] | None = None,
        stalled: Callable[[], bool] | None = None,
        push: Callable[[list[Entry]], bool | None] | None = None,
    ) -> AsyncIterator[list[Entry]]:
        """Every readable entry after id ``after``, then live ones as they become readable,
        until the game is over and everything is read.

        Yields batches: whatever has accumulated since the reader last looked, so a
        reader that falls behind catches up in large steps instead of small ones.
        An empty batch means ``timeout`` seconds passed with nothing new.

        A reader whose client holds it up (``stalled``: its connection has bytes unsent;
        by default, it is still busy with its last batch) while it falls more than
        ``max_lag`` entries behind is dropped: ``on_lag`` is called (to close its
        connection) and it reads no more.

        ``push``: while the reader waits, the log hands it new entries itself, when they
        become readable, instead of waking it (the reader is a task, and a wake-up costs
        more than the write). ``push`` returns True once it has written them, None if it
        can't (the reader is woken and takes them itself), False if its stream is gone
        (the reader ends, yielding nothing more).
        """
        if self._reload is not None:  # finished and out of memory: it is all in the store
            entries = await self.all_entries()
            pos = bisect.bisect_right(entries, after, key=lambda e: e.seq)
            if pos < len(entries):
                yield entries[pos:]
            return
        loop = asyncio.get_running_loop()
        reader = Reader(self.index_after(after), max_lag, on_lag, stalled, push)
        entries = self.entries  # eviction swaps the list, leaving this one whole
        # One keep-alive timer per reader, moved on only when it rings (not per wake-up).
        deadline = loop.time() + (timeout or 0)
        timer: asyncio.TimerHandle | None = None

        def ring() -> None:
            nonlocal timer
            left = deadline - loop.time()
            if left > 0:
                timer = loop.call_later(left, ring)
            else:
                timer = None
                fut = reader.future
                if fut is not None and not fut.done():
                    fut.set_result(KEEPALIVE)

        self._readers.add(reader)
        try:
            while not reader.dropped:
                pos = reader.pos
                if self.entries is not entries:  # evicted meanwhile: ours is whole and written
                    if pos < len(entries):
                        yield entries[pos:]
                    return
                if pos < self.durable:
                    batch = entries[pos : self.durable]
                    reader.pos = pos + len(batch)
                    deadline = loop.time() + (timeout or 0)
                    yield batch
                    continue
                if self.closed and pos >= len(entries):  # over, all written and read
                    return
                fut = reader.future = loop.create_future()
                if timeout is not None and timer is None:
                    timer = loop.call_at(deadline, ring)
                try:
                    woke = await fut
                finally:
                    reader.future = None
                if woke is KEEPALIVE:
                    deadline = loop.time() + timeout  # type: ignore[operator]
                    yield []
        finally:
            self._readers.discard(reader)
            if timer is not None:
                timer.cancel()


__all__ = ["Entry", "EventLog", "Reader"]
