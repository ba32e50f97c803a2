"""arena.sqlite under the data dir: each run's plan, schedule, finished games, events and calls.

A game's result, its events and its call records are written in one transaction, keyed by
(run, game number): a game is either counted once or not at all, whatever kills the run.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FILE_NAME = "arena.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    plan TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS schedule (
    run TEXT NOT NULL,
    n INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    seats TEXT NOT NULL,
    roles TEXT NOT NULL,
    PRIMARY KEY (run, n)
);
CREATE TABLE IF NOT EXISTS results (
    run TEXT NOT NULL,
    n INTEGER NOT NULL,
    winner TEXT NOT NULL,
    days INTEGER NOT NULL,
    seconds REAL NOT NULL,
    finished REAL NOT NULL,
    PRIMARY KEY (run, n)
);
CREATE TABLE IF NOT EXISTS events (
    run TEXT NOT NULL,
    n INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (run, n)
);
CREATE TABLE IF NOT EXISTS calls (
    run TEXT NOT NULL,
    n INTEGER NOT NULL,
    k INTEGER NOT NULL,
    seat INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (run, n, k)
);
"""


@dataclass(frozen=True)
class Slot:
    """One scheduled game: its number, its deal's seed, and who sits where with which role."""

    n: int
    seed: int
    seats: dict[int, str]  # seat -> model name
    roles: dict[int, str]  # seat -> role (the deal the seed makes)


@dataclass(frozen=True)
class Result:
    n: int
    winner: str
    days: int
    seconds: float
    finished: float


@dataclass
class Run:
    id: str
    created: float
    plan: dict[str, Any]
    schedule: list[Slot] = field(default_factory=list)
    results: dict[int, Result] = field(default_factory=dict)

    def todo(self) -> list[Slot]:
        return [s for s in self.schedule if s.n not in self.results]


class UnknownRun(LookupError):
    """No run by that id in this data dir."""


class ArenaStore:
    """The arena's SQLite file; one connection, used from one thread (the run's event loop)."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = data_dir / FILE_NAME
        self.db = sqlite3.connect(self.path, isolation_level=None)
        os.chmod(self.path, 0o600)  # the plan names endpoints; only their key env vars, never keys
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def create(self, run_id: str, plan: dict[str, Any], schedule: list[Slot]) -> None:
        """The run and its whole schedule, written before the first game."""
        with self._tx():
            self.db.execute(
                "INSERT INTO runs (id, created, plan) VALUES (?, ?, ?)",
                (run_id, time.time(), json.dumps(plan)),
            )
            self.db.executemany(
                "INSERT INTO schedule (run, n, seed, seats, roles) VALUES (?, ?, ?, ?, ?)",
                [(run_id, s.n, s.seed, json.dumps(s.seats), json.dumps(s.roles)) for s in schedule],
            )

    def runs(self) -> list[tuple[str, float, int, int]]:
        """(id, created, games scheduled, games finished), newest first."""
        return [
            tuple(r)
            for r in self.db.execute(
                "SELECT id, created, (SELECT COUNT(*) FROM schedule s WHERE s.run = runs.id), "
                "(SELECT COUNT(*) FROM results r WHERE r.run = runs.id) FROM runs "
                "ORDER BY created DESC"
            )
        ]

    def load(self, run_id: str) -> Run:
        row = self.db.execute("SELECT created, plan FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            known = ", ".join(r[0] for r in self.runs()[:5]) or "none yet"
            raise UnknownRun(f"no arena run {run_id!r} in {self.path.parent} (latest: {known})")
        run = Run(run_id, row[0], json.loads(row[1]))
        for n, seed, seats, roles in self.db.execute(
            "SELECT n, seed, seats, roles FROM schedule WHERE run = ? ORDER BY n", (run_id,)
        ):
            run.schedule.append(Slot(n, seed, _seat_keys(seats), _seat_keys(roles)))
        for r in self.db.execute(
            "SELECT n, winner, days, seconds, finished FROM results WHERE run = ? ORDER BY n",
            (run_id,),
        ):
            run.results[r[0]] = Result(*r)
        return run

    def finish(
        self,
        run_id: str,
        result: Result,
        events: list[dict[str, Any]],
        calls: list[tuple[int, str]],
    ) -> bool:
        """Count a finished game once: its result, events and calls together. False if this
        game was already counted (it is then left as it was)."""
        try:
            with self._tx():
                self.db.execute(
                    "INSERT INTO results (run, n, winner, days, seconds, finished) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (run_id, result.n, result.winner, result.days, result.seconds, result.finished),
                )
                self.db.execute(
                    "INSERT INTO events (run, n, data) VALUES (?, ?, ?)",
                    (run_id, result.n, json.dumps(events, ensure_ascii=False)),
                )
                self.db.executemany(
                    "INSERT INTO calls (run, n, k, seat, data) VALUES (?, ?, ?, ?, ?)",
                    [(run_id, result.n, k, seat, data) for k, (seat, data) in enumerate(calls)],
                )
        except sqlite3.IntegrityError:
            return False
        return True

    def events(self, run_id: str, n: int) -> list[dict[str, Any]] | None:
        row = self.db.execute(
            "SELECT data FROM events WHERE run = ? AND n = ?", (run_id, n)
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def calls(self, run_id: str, n: int | None = None) -> list[tuple[int, str]]:
        """(game number, record JSON) of the run's calls (or one game's), in order."""
        q = "SELECT n, data FROM calls WHERE run = ?"
        args: tuple = (run_id,)
        if n is not None:
            q, args = q + " AND n = ?", (run_id, n)
        return list(self.db.execute(q + " ORDER BY n, k", args))

    def _tx(self):
        return _Transaction(self.db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _seat_keys(text: str) -> dict[int, str]:
    return {int(k): v for k, v in json.loads(text).items()}


__all__ = ["FILE_NAME", "ArenaStore", "Result", "Run", "Slot", "UnknownRun"]
