"""Makes a server's events durable before anyone may read them: one writer for all games.

Every published event waits in its game's log until the journal has made it durable;
only then do streams send it. While the pacing clock keeps time (a paced game is typing:
:mod:`server.pacing`), whatever every game published since its last ring is made durable
at the end of its next ring, in one append with the tokens that ring typed; otherwise
whatever every game published in one turn of the event loop, right after that turn. The
append is to the store's spool (:class:`server.store.Spool`), on the loop's own thread:
readers have the events at once, and the journal moves them into the database about once
a second (:data:`STORE_EVERY`), a second's worth in one statement, and before a finished
game's log leaves memory (:meth:`Journal.flush`). A commit at every tick cost several
times the append, run cold; a trip to the store's thread (a hand-off, the thread's
wake-up, the GIL passed back and forth, a wake-up of the loop) costs more still. The
store's thread is kept for what may wait: a write that found the spool failing, and the
retries; the WAL's checkpoints (a sync) run in a thread of their own. A write that fails
is retried, never dropped: while it fails the journal is unhealthy (the server refuses new
games and actions, 503) and the games' events wait in memory; when space comes back they
are written, in order, and readers go on where they were.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from server.eventlog import EventLog
from server.pacing import pacing_clock
from server.store import Spool, Store, WalMover, append_events

log = logging.getLogger("werewolf.journal")

RETRY_FIRST = 0.05  # seconds before retrying a failed write, doubling up to RETRY_MOST
RETRY_MOST = 2.0
# Events wait in the spool at most about this long (seconds) before going into the database.
STORE_EVERY = 1.0
ROWS_PER_TICK = 32  # about what a tick's commit wrote, when every tick committed
Batch = list[tuple[EventLog, int, list]]


class Journal:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.healthy = True
        self.error = ""  # why the last write failed, while unhealthy
        self._waiting: dict[int, EventLog] = {}  # logs with events to write, by id()
        self._work = asyncio.Event()  # work for the store's thread (the slow way)
        self._written = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._ids: dict[int, str] = {}  # id(log) -> game id
        self._in_flight = False  # the slow way holds a batch (or retries one)
        self._due = False  # a write on the loop is scheduled for the end of this turn
        self._db: sqlite3.Connection | None = None  # the loop thread's own connection
        # The loop's own connection never moves the WAL into the database (a sync)
        self._wal = WalMover(store.path, "events'")
        self._spool = Spool(store.spool_path)
        self._unstored: list[tuple[str, int, bool, str]] = []  # spooled, not yet in the database
        self._since = 0.0  # when the oldest of them was spooled (the loop's clock)
        self._store_later: asyncio.TimerHandle | None = None

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
        if not self._due:
            # At the end of the pacing clock's next ring while it keeps time (a tick's tokens,
            # and whatever the games did since the last ring: one transaction, one wake-up);
            # else after every callback ready now (the other games woken by the same event).
            self._due = True
            if not pacing_clock().next_ring(self._write_now):
                asyncio.get_running_loop().call_soon(self._write_now)

    def _slow_way(self) -> None:
        """Hand what waits to the task that writes through the store's thread."""
        self._work.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._write_forever())

    def report(self, error: BaseException) -> None:
        """Someone else's write to the store failed (a checkpoint): unhealthy until a write of
        ours goes through again."""
        if self.healthy:
            log.error("the store can't be written: %s", error)
        self.healthy, self.error = False, str(error) or type(error).__name__
        self._slow_way()

    def _take(self) -> tuple[Batch, list[tuple[str, int, bool, str]]]:
        batch = [(lg, lg.durable, lg.to_write()) for lg in self._waiting.values()]
        self._waiting.clear()
        rows = [
            (self._ids[id(lg)], e.seq, e.graph, e.data) for lg, _, entries in batch for e in entries
        ]
        return batch, rows

    def _done(self, batch: Batch) -> None:
        for lg, start, entries in batch:
            lg.made_durable(start + len(entries))
        self._written.set()
        self._written = asyncio.Event()

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            # timeout=0: a database busy with another connection's write is not waited for
            # here (that would stop the loop): the store's thread waits for it instead.
            db = sqlite3.connect(self.store.path, timeout=0, isolation_level=None)
            db.execute("PRAGMA synchronous=NORMAL")  # as the store's (the WAL mode is the file's)
            db.execute("PRAGMA wal_autocheckpoint=0")
            self._db = db
        return self._db

    def _write_now(self) -> None:
        """Write what every game published this turn, on the loop's thread; whatever can't be
        written so at once (the slow way is busy or failing, the database is busy) goes the
        slow way, so the logs' events are made readable in order."""
        self._due = False
        if not self._waiting:
            return
        if self._in_flight or self._work.is_set() or not self.healthy:
            self._slow_way()
            return
        batch, rows = self._take()
        try:
            if rows:
                self._spool.append(rows)
        except Exception:  # noqa: BLE001 - a full disk: the slow way waits, retries, reports
            for lg, _, _ in batch:
                self._waiting[id(lg)] = lg
            self._slow_way()
            return
        self._done(batch)
        if rows:
            self._spooled(rows)

    def _spooled(self, rows: list[tuple[str, int, bool, str]]) -> None:
        """``rows`` are in the spool: into the database with the rest, once the oldest has
        waited :data:`STORE_EVERY` (now, while the process is awake and the rows are hot, if
        it has; else on a timer, should nothing more be written meanwhile)."""
        loop = asyncio.get_running_loop()
        if not self._unstored:
            self._since = loop.time()
            self._store_later = loop.call_later(STORE_EVERY * 1.5, self._store)
        self._unstored += rows
        if loop.time() - self._since >= STORE_EVERY:
            self._store()

    def _store(self) -> bool:
        """Move the spooled events into the database, on the loop's thread (one statement);
        did they go? Those that didn't (the database is busy, the disk full) stay in the
        spool, durable, and are tried again."""
        if self._store_later is not None:
            self._store_later.cancel()
            self._store_later = None
        if not self._unstored:
            return True
        try:
            append_events(self._connection(), self._unstored)
        except Exception as e:  # noqa: BLE001 - busy, a full disk: they wait in the spool
            log.debug("moving spooled events into the database waits: %s", e)
            self._store_later = asyncio.get_running_loop().call_later(STORE_EVERY, self._store)
            return False
        # A second's worth of rows makes the WAL grow as a few dozen ticks' commits did: it
        # is moved into the database as often per row as it was then.
        self._wal.wrote(1 + len(self._unstored) // ROWS_PER_TICK)
        self._unstored = []
        try:
            self._spool.clear()
        except OSError as e:  # (what it holds is stored: read again at a start, it changes nothing)
            log.warning("emptying the events' spool failed: %s", e)
        return True

    async def _write_forever(self) -> None:
        delay = RETRY_FIRST
        while True:
            await self._work.wait()
            self._work.clear()
            batch, rows = self._take()
            self._in_flight = True
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
            self._in_flight = False
            self._done(batch)

    async def flush(self, log_: EventLog | None = None) -> None:
        """Wait until everything published so far (in ``log_``, or everywhere) is written, and
        in the database."""

        def done() -> bool:
            if log_ is not None:
                return not log_.unwritten()
            return not self._waiting and not self._in_flight

        while not done():
            await self._written.wait()
        while not self._store():  # in the database too (a log that leaves memory is read there)
            await asyncio.sleep(RETRY_FIRST)

    async def close(self) -> None:
        """Write what is waiting (if the disk allows), then stop."""
        if self.healthy:
            try:
                await asyncio.wait_for(self.flush(), 5)
            except TimeoutError:
                pass
        if self._store_later is not None:
            self._store_later.cancel()
            self._store_later = None
        self._spool.close()  # (what is still in it, the next start moves into the database)
        await self._wal.close()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
        if self._db is not None:
            self._db.close()
            self._db = None


__all__ = ["Journal"]
