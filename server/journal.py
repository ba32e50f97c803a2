"""Makes a server's events durable before anyone may read them: one writer for all games.

Every published event waits in its game's log until the journal has written it to the
store; only then do streams send it. One task writes whatever every game has waiting,
in one transaction, as often as the disk allows. A write that fails is retried, never
dropped: while it fails the journal is unhealthy (the server refuses new games and
actions, 503) and the games' events wait in memory; when space comes back they are
written, in order, and readers go on where they were.
"""

from __future__ import annotations

import asyncio
import logging

from server.eventlog import EventLog
from server.store import Store

log = logging.getLogger("werewolf.journal")

RETRY_FIRST = 0.05  # seconds before retrying a failed write, doubling up to RETRY_MOST
RETRY_MOST = 2.0


class Journal:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.healthy = True
        self.error = ""  # why the last write failed, while unhealthy
        self._waiting: dict[int, EventLog] = {}  # logs with events to write, by id()
        self._work = asyncio.Event()
        self._written = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._ids: dict[int, str] = {}  # id(log) -> game id
        self._in_flight = False

    def log_for(self, game_id: str) -> EventLog:
        """A new event log for ``game_id`` whose events this journal writes."""
        log_ = EventLog(on_publish=self._publish)
        self._ids[id(log_)] = game_id
        return log_

    def forget(self, log_: EventLog) -> None:
        """``log_`` will publish nothing more (its game is over and written)."""
        if not log_.unwritten():
            self._ids.pop(id(log_), None)

    def _publish(self, log_: EventLog) -> None:
        self._waiting[id(log_)] = log_
        self._work.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._write_forever())

    def report(self, error: BaseException) -> None:
        """Someone else's write to the store failed (a checkpoint): unhealthy until a write of
        ours goes through again."""
        if self.healthy:
            log.error("the store can't be written: %s", error)
        self.healthy, self.error = False, str(error) or type(error).__name__
        self._work.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._write_forever())

    async def _write_forever(self) -> None:
        delay = RETRY_FIRST
        while True:
            await self._work.wait()
            self._work.clear()
            batch = [(lg, lg.durable, lg.unwritten()) for lg in self._waiting.values()]
            self._waiting.clear()
            self._in_flight = True
            rows = [
                (self._ids[id(lg)], e.seq, e.graph, e.data)
                for lg, _, entries in batch
                for e in entries
            ]
            try:
                if rows:
                    await self.store.append_events_of(rows)
                if not self.healthy:  # healthy again only with room for a checkpoint too
                    await self.store.probe()
            except Exception as e:  # noqa: BLE001 - a full disk, a locked file: retry, never drop
                if self.healthy:
                    log.error("writing events failed, retrying: %s", e)
                self.healthy, self.error = False, str(e) or type(e).__name__
                for lg, _, _ in batch:  # nothing is lost: the same events wait for the next try
                    self._waiting[id(lg)] = lg
                self._work.set()
                await asyncio.sleep(delay)
                delay = min(RETRY_MOST, delay * 2)
                continue
            if not self.healthy:
                log.warning("writing events works again")
            self.healthy, self.error, delay = True, "", RETRY_FIRST
            for lg, start, entries in batch:
                lg.made_durable(start + len(entries))
            self._in_flight = False
            self._written.set()
            self._written = asyncio.Event()

    async def flush(self, log_: EventLog | None = None) -> None:
        """Wait until everything published so far (in ``log_``, or everywhere) is written."""

        def done() -> bool:
            if log_ is not None:
                return not log_.unwritten()
            return not self._waiting and not self._in_flight

        while not done():
            await self._written.wait()

    async def close(self) -> None:
        """Write what is waiting (if the disk allows), then stop."""
        if self.healthy:
            try:
                await asyncio.wait_for(self.flush(), 5)
            except TimeoutError:
                pass
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass


__all__ = ["Journal"]
