"""SQLite persistence for the games' records and their event logs.

The LangGraph checkpoints live in their own file (``checkpoints.sqlite``, owned by
``AsyncSqliteSaver``); this module owns ``games.sqlite``: one row per game and
one row per event, in sequence order; and ``games.events.spool`` beside it (:class:`Spool`):
the events the journal has made durable and not yet moved into the database, which
:meth:`Store.open` moves in after a crash.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS games (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    record TEXT NOT NULL,
    started INTEGER NOT NULL DEFAULT 0,
    finished INTEGER NOT NULL DEFAULT 0,
    phase TEXT NOT NULL DEFAULT 'night',
    day INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS events (
    game_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    graph INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (game_id, seq)
);
CREATE TABLE IF NOT EXISTS llm_calls (
    game_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    seat INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (game_id, n)
);
"""


@dataclass
class StoredGame:
    id: str
    created: float
    record: dict[str, Any]
    started: bool
    finished: bool
    phase: str
    day: int


# Rows per INSERT: 4 parameters a row, under SQLite's 32,766 parameters per statement.
ROWS_PER_INSERT = 8000


def _many_rows(table: str, columns: str, rows: list[tuple[Any, ...]]) -> list[tuple[str, list]]:
    """``INSERT OR REPLACE`` statements carrying ``rows``, each with its flat parameters: one
    statement is one transaction on an autocommit connection, and one trip to its thread
    (``executemany`` then ``commit`` would be two, and a transaction per row without the
    ``commit``)."""
    out = []
    width = len(rows[0]) if rows else 0
    one = "(" + ",".join("?" * width) + ")"
    for i in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[i : i + ROWS_PER_INSERT]
        sql = f"INSERT OR REPLACE INTO {table} ({columns}) VALUES {','.join([one] * len(chunk))}"
        out.append((sql, [value for row in chunk for value in row]))
    return out


log = logging.getLogger("werewolf.store")

WAL_MOVE_EVERY = 256  # writes between two moves of a WAL into its database


def _move_wal(path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        db.close()


class WalMover:
    """Moves a database's WAL into it every :data:`WAL_MOVE_EVERY` writes, for a writer on the
    loop's thread that never does it itself: a move syncs the disk (not on the loop), so it
    runs in a thread with a connection of its own (the writer's may be in the middle of a
    read, which locks it out), one at a time, without waiting on anyone (PASSIVE); a failure
    is logged and the next one tries again."""

    def __init__(self, path: Path, what: str) -> None:
        self.path, self.what = path, what
        self.writes = 0
        self.task: asyncio.Task | None = None

    def wrote(self, writes: int = 1) -> None:
        """The writer wrote (``writes``: as much as so many of its usual writes)."""
        before, self.writes = self.writes, self.writes + writes
        if before // WAL_MOVE_EVERY == self.writes // WAL_MOVE_EVERY or (
            self.task is not None and not self.task.done()
        ):
            return
        self.task = asyncio.get_running_loop().create_task(self._move())

    async def _move(self) -> None:
        try:
            await asyncio.to_thread(_move_wal, self.path)
        except Exception as e:  # noqa: BLE001 - the next one tries again
            log.warning("moving the %s WAL into its database failed: %s", self.what, e)

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            try:
                await self.task
            except (asyncio.CancelledError, Exception):
                pass


def append_events(db: sqlite3.Connection, params: list[tuple[str, int, bool, str]]) -> None:
    """(On the caller's thread, on a plain ``sqlite3`` connection in autocommit mode: the
    journal's own.) One statement, so one transaction (``executemany`` and ``commit`` were
    three statements a write, each run cold at a pacing tick); more than
    ``ROWS_PER_INSERT`` rows take a statement per so many, and the journal writes them all
    again (``OR REPLACE``) if one fails."""
    for sql, values in _event_inserts(params):
        db.execute(sql, values)


def _event_inserts(rows: list[tuple[str, int, bool, str]]) -> list[tuple[str, list]]:
    """The statements that write events (game id, seq, graph, JSON): see :func:`_many_rows`."""
    return _many_rows("events", "game_id, seq, graph, data", rows)


class Spool:
    """Events made durable by one append to a file: a line each, ``game id, seq, graph, JSON``
    separated by tabs (JSON on one line never holds a tab or a line break, nor does a game
    id). The journal appends what a pacing tick published, lets readers have it at once, and
    moves it into the database about once a second (:meth:`clear` once it is there).

    A commit to the database at every tick, after the process slept through it, cost about
    200 µs here (SQLite's locks, its WAL index and the B-tree, all run cold); an append costs
    about a fifth of that, and the same rows go into the database hot, a second's worth in
    one statement. An append survives the process as a commit does (neither syncs: WAL
    mode with ``synchronous=NORMAL``). What a failed append left is cut off again; a line
    torn by a crash was never acknowledged, and :func:`read_spool` drops it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = 0  # the file's length: what is in it, all whole lines
        self._fd: int | None = None

    def append(self, rows: list[tuple[str, int, bool, str]]) -> None:
        """Append ``rows`` in one write (more only if the kernel takes it in pieces); raise
        what the disk raised, the file as it was."""
        data = "".join([f"{g}\t{s}\t{1 if gr else 0}\t{d}\n" for g, s, gr, d in rows]).encode()
        fd = self._fd
        if fd is None:
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC
            fd = self._fd = os.open(self.path, flags, 0o600)
            self.size = os.fstat(fd).st_size
        done = 0
        try:
            done = os.write(fd, data)
            while done < len(data):
                done += os.write(fd, data[done:])
        except OSError:
            if done:
                try:
                    os.ftruncate(fd, self.size)
                except OSError:
                    pass  # (a torn line is dropped when the spool is read)
            raise
        self.size += len(data)

    def clear(self) -> None:
        """Everything appended is in the database now."""
        if self._fd is not None and self.size:
            os.ftruncate(self._fd, 0)
            self.size = 0

    def close(self) -> None:
        """Stop appending; the file goes if it holds nothing (else the next start reads it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if not self.size:
            self.path.unlink(missing_ok=True)


def read_spool(path: Path) -> list[tuple[str, int, bool, str]]:
    """The whole rows a spool holds: (game id, seq, graph, JSON). A line a crash tore (the
    last, without its line break, or one a failed append couldn't cut off) is not a row."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    rows = []
    for line in raw.split(b"\n")[:-1]:
        parts = line.split(b"\t", 3)
        if len(parts) != 4 or parts[2] not in (b"0", b"1"):
            continue
        try:
            data = parts[3].decode()
            json.loads(data)
            rows.append((parts[0].decode(), int(parts[1]), parts[2] == b"1", data))
        except ValueError:  # (UnicodeDecodeError and JSONDecodeError are ValueErrors)
            continue
    return rows


def last_events_sql(finished_only: bool) -> str:
    """Each game's newest event: a look-up in the events' key per game, not a pass over
    every event kept (a ``GROUP BY`` over that key read all of them: 70 ms for 500 games'
    200,000 events, against 3 ms)."""
    return (
        "SELECT g.id, e.seq, e.graph, e.data FROM games g CROSS JOIN events e"
        " ON e.game_id = g.id AND e.seq ="
        " (SELECT seq FROM events WHERE game_id = g.id ORDER BY seq DESC LIMIT 1)"
        + (" WHERE g.finished" if finished_only else "")
    )


def _stored_game(r: Any) -> StoredGame:
    return StoredGame(r[0], r[1], json.loads(r[2]), bool(r[3]), bool(r[4]), r[5], r[6])


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db: aiosqlite.Connection | None = None

    async def open(self, read_only: bool = False) -> None:
        """Connect (creating the tables), or ``read_only``: read what a server kept, change nothing."""
        if read_only:
            self.db = await aiosqlite.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            return
        # Autocommit: every write here is one statement, so one transaction and one trip to
        # the connection's thread, with nothing to commit after it.
        self.db = await aiosqlite.connect(self.path, isolation_level=None)
        await self.db.execute("PRAGMA journal_mode=WAL")
        await self.db.execute("PRAGMA synchronous=NORMAL")
        await self.db.executescript(SCHEMA)
        # Events a server made durable in its spool and didn't move in before it stopped
        # (a crash, a kill): in the database before anyone reads it.
        spooled = await asyncio.to_thread(read_spool, self.spool_path)
        if spooled:
            await self.append_events_of(spooled)
            log.info("moved %d events from the spool into the database", len(spooled))
        self.spool_path.unlink(missing_ok=True)

    @property
    def spool_path(self) -> Path:
        """Where the journal spools events (:class:`Spool`): beside the database."""
        return self.path.with_name(self.path.stem + ".events.spool")

    async def close(self) -> None:
        if self.db is not None:
            await self.db.close()
            self.db = None

    async def add_game(self, game_id: str, created: float, record: dict[str, Any]) -> None:
        assert self.db
        await self.db.execute(
            "INSERT INTO games (id, created, record) VALUES (?, ?, ?)",
            (game_id, created, json.dumps(record)),
        )

    async def update_record(self, game_id: str, record: dict[str, Any]) -> None:
        assert self.db
        await self.db.execute("UPDATE games SET record=? WHERE id=?", (json.dumps(record), game_id))

    async def update_game(
        self, game_id: str, *, started: bool, finished: bool, phase: str, day: int
    ) -> None:
        assert self.db
        await self.db.execute(
            "UPDATE games SET started=?, finished=?, phase=?, day=? WHERE id=?",
            (int(started), int(finished), phase, day, game_id),
        )

    async def games(self) -> list[StoredGame]:
        assert self.db
        rows = await self.db.execute_fetchall(
            "SELECT id, created, record, started, finished, phase, day FROM games ORDER BY created"
        )
        return [_stored_game(r) for r in rows]

    async def game(self, game_id: str) -> StoredGame | None:
        assert self.db
        rows = await self.db.execute_fetchall(
            "SELECT id, created, record, started, finished, phase, day FROM games WHERE id=?",
            (game_id,),
        )
        return next((_stored_game(r) for r in rows), None)

    async def append_events_of(self, rows: list[tuple[str, int, bool, str]]) -> None:
        """Several games' events, (game id, seq, graph, JSON), in one statement: one
        transaction, one trip to the connection's thread (the journal writes about every
        pacing tick, and each trip, a hand-off to the thread and a wake-up of the loop,
        costs more than the write). More than ``ROWS_PER_INSERT`` rows take a statement per
        so many: rows are written again whole (``OR REPLACE``) if a later one fails."""
        assert self.db
        for sql, values in _event_inserts(rows):
            await self.db.execute(sql, values)

    async def probe(self, size: int = 512 * 1024) -> None:
        """Write ``size`` bytes to a file beside the database and take them back: has the disk
        room again, for a checkpoint (tens of KiB) and more? (Not a write into the database:
        SQLite reuses its WAL's pages, which says nothing of the disk.)"""
        path = self.path.with_name("probe.tmp")

        def write() -> None:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    os.write(fd, b"\0" * size)
                    os.fsync(fd)
                finally:
                    os.close(fd)
            finally:
                path.unlink(missing_ok=True)

        await asyncio.to_thread(write)

    async def events(self, game_id: str) -> list[tuple[int, bool, str]]:
        assert self.db
        rows = await self.db.execute_fetchall(
            "SELECT seq, graph, data FROM events WHERE game_id=? ORDER BY seq", (game_id,)
        )
        return [(r[0], bool(r[1]), r[2]) for r in rows]

    async def last_events(self, finished_only: bool = True) -> dict[str, tuple[int, bool, str]]:
        """Each (finished) game's last event, by game id: (seq, graph, JSON). A restart reads
        only these of a finished game; the rest when someone asks."""
        assert self.db
        rows = await self.db.execute_fetchall(last_events_sql(finished_only))
        return {r[0]: (r[1], bool(r[2]), r[3]) for r in rows}

    async def append_calls(self, game_id: str, rows: list[tuple[int, int, str]]) -> None:
        """LLM call records: (n, seat, CallRecord JSON)."""
        assert self.db
        params = [(game_id, n, seat, data) for n, seat, data in rows]
        for sql, values in _many_rows("llm_calls", "game_id, n, seat, data", params):
            await self.db.execute(sql, values)

    async def calls(self, game_id: str) -> list[str]:
        assert self.db
        rows = await self.db.execute_fetchall(
            "SELECT data FROM llm_calls WHERE game_id=? ORDER BY n", (game_id,)
        )
        return [r[0] for r in rows]
