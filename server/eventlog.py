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
from typing import Any

from shared.events import Event, parse_event

# Readers are woken at most this often (seconds): under a burst, one wake-up (and one write
# per stream) carries every event that became durable in between, so a crowd of readers
# costs the game a few wake-ups per tick, not one per event. An event after a quiet spell
# wakes them at once.
WAKE_EVERY = 0.025
KEEPALIVE = object()  # what a reader's keep-alive timer wakes it with


@dataclass(slots=True)
class Entry:
    seq: int
    event: Event
    data: str  # the event as JSON, serialised once for every reader
    graph: bool  # written by the graph's stream (counted in the checkpoint's ``emitted``)
    # The event as the stream sends it, encoded once by the first reader that needs it
    # (the log doesn't know the wire format; the HTTP layer fills this).
    wire: bytes | None = field(default=None, compare=False)


class EventLog:
    def __init__(self, on_publish: Callable[[EventLog], None] | None = None) -> None:
        """``on_publish``: the journal, told that this log has events to write. Without
        one (a server that keeps nothing), every event is readable at once."""
        self.entries: list[Entry] = []
        self.durable = 0  # how many entries are written (and so readable)
        self._waiters: list[asyncio.Future] = []  # readers waiting for more
        self._last_wake = 0.0
        self._wake_later: asyncio.TimerHandle | None = None
        # What the streams made of the latest batch, shared by the readers that read the same
        # one ((first id, last id), {key: result}); the log doesn't know what's in it.
        self.shared: tuple[tuple[int, int], dict[Any, Any]] = ((0, 0), {})
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
        self.shared = ((0, 0), {})
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
        event = event.model_copy(update={"ts": time.time()})
        entry = Entry(self.head + 1, event, event.model_dump_json(), graph)
        self.entries.append(entry)
        if self._on_publish is None:
            self.made_durable(len(self.entries))
        else:
            self._on_publish(self)
        return entry

    def unwritten(self) -> list[Entry]:
        """Entries published but not yet written (the journal's work)."""
        return self.entries[self.durable :]

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
        if not self._waiters:
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
        waiters, self._waiters = self._waiters, []
        for f in waiters:
            if not f.done():
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
        self, after: int = 0, timeout: float | None = None
    ) -> AsyncIterator[list[Entry]]:
        """Every readable entry after id ``after``, then live ones as they become readable,
        until the game is over and everything is read.

        Yields batches: whatever has accumulated since the reader last looked, so a
        reader that falls behind catches up in large steps instead of small ones.
        An empty batch means ``timeout`` seconds passed with nothing new.
        """
        if self._reload is not None:  # finished and out of memory: it is all in the store
            entries = await self.all_entries()
            pos = bisect.bisect_right(entries, after, key=lambda e: e.seq)
            if pos < len(entries):
                yield entries[pos:]
            return
        loop = asyncio.get_running_loop()
        pos = self.index_after(after)
        entries = self.entries  # eviction swaps the list, leaving this one whole
        # One keep-alive timer per reader, moved on only when it rings (not per wake-up).
        deadline = loop.time() + (timeout or 0)
        waiting: list[asyncio.Future] = []  # the future this reader waits on, if any
        timer: asyncio.TimerHandle | None = None

        def ring() -> None:
            nonlocal timer
            left = deadline - loop.time()
            if left > 0:
                timer = loop.call_later(left, ring)
            else:
                timer = None
                if waiting and not waiting[0].done():
                    waiting[0].set_result(KEEPALIVE)

        try:
            while True:
                if self.entries is not entries:  # evicted meanwhile: ours is whole and written
                    if pos < len(entries):
                        yield entries[pos:]
                    return
                if pos < self.durable:
                    batch = self.entries[pos : self.durable]
                    pos += len(batch)
                    deadline = loop.time() + (timeout or 0)
                    yield batch
                    continue
                if self.closed and pos >= len(self.entries):  # over, all written and read
                    return
                fut = loop.create_future()
                waiting[:] = [fut]
                self._waiters.append(fut)
                if timeout is not None and timer is None:
                    timer = loop.call_at(deadline, ring)
                try:
                    woke = await fut
                finally:
                    waiting.clear()
                    if not fut.done() or fut.cancelled():  # the reader left while waiting
                        fut.cancel()
                        if fut in self._waiters:
                            self._waiters.remove(fut)
                if woke is KEEPALIVE:
                    deadline = loop.time() + timeout  # type: ignore[operator]
                    yield []
        finally:
            if timer is not None:
                timer.cancel()


__all__ = ["Entry", "EventLog"]
