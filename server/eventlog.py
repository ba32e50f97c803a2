"""A game's event log: numbered events, kept in memory, written behind to SQLite.

The runner publishes; every stream is a subscriber that reads from its own
position and waits for more. A slow reader only falls behind in the list: it
never holds back the game or the other readers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from shared.events import Event, parse_event


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
    def __init__(
        self,
        flush: Callable[[list[tuple[int, bool, str]]], Awaitable[None]] | None = None,
        flush_interval: float = 0.05,
    ) -> None:
        self.entries: list[Entry] = []
        self._more = asyncio.Event()
        self._flush = flush
        self._unflushed: list[tuple[int, bool, str]] = []
        self._flush_interval = flush_interval
        self._flusher: asyncio.Task | None = None
        self.closed = False  # the game is over and its last snapshot published

    @property
    def head(self) -> int:
        """The sequence number of the last event (0 when empty)."""
        return self.entries[-1].seq if self.entries else 0

    def load(self, rows: list[tuple[int, bool, str]]) -> None:
        for seq, graph, data in rows:
            self.entries.append(Entry(seq, parse_event(data), data, graph))

    def publish(self, event: Event, graph: bool = False) -> Entry:
        event = event.model_copy(update={"ts": time.time()})
        entry = Entry(self.head + 1, event, event.model_dump_json(), graph)
        self.entries.append(entry)
        if self._flush is not None:
            self._unflushed.append((entry.seq, entry.graph, entry.data))
            if self._flusher is None or self._flusher.done():
                self._flusher = asyncio.get_running_loop().create_task(self._flush_later())
        self._more.set()
        self._more = asyncio.Event()
        return entry

    async def _flush_later(self) -> None:
        await asyncio.sleep(self._flush_interval)
        await self.flush()

    async def flush(self) -> None:
        rows, self._unflushed = self._unflushed, []
        if rows and self._flush is not None:
            await self._flush(rows)

    def graph_count(self) -> int:
        return sum(1 for e in self.entries if e.graph)

    def truncate_to_graph_count(self, emitted: int) -> int:
        """Drop everything after the ``emitted``-th graph event (after the prelude when 0).

        After a crash the checkpoint knows how many graph events its state
        accounts for; what came later is produced again when the game resumes.
        """
        count, keep = 0, 0
        for i, e in enumerate(self.entries):
            if e.graph:
                if count == emitted:
                    break
                count += 1
            keep = i + 1
            if count == emitted and e.graph:
                break
        del self.entries[keep:]
        return self.head

    async def follow(
        self, after: int = 0, timeout: float | None = None
    ) -> AsyncIterator[list[Entry]]:
        """Every entry after ``after``, then live ones as they come, forever.

        Yields batches: whatever has accumulated since the reader last looked, so a
        reader that falls behind catches up in large steps instead of small ones.
        An empty batch means ``timeout`` seconds passed with nothing new.
        """
        pos = self._index_after(after)
        while True:
            if pos < len(self.entries):
                batch = self.entries[pos:]
                pos += len(batch)
                yield batch
                continue
            try:
                await asyncio.wait_for(self._more.wait(), timeout)
            except TimeoutError:
                yield []

    def _index_after(self, seq: int) -> int:
        # Sequence numbers are dense from 1, so the index is seq itself.
        return max(0, min(seq, len(self.entries)))
