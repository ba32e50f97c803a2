"""The record of every LLM call: what a developer reads to see why a bot did what it did.

One :class:`CallRecord` per attempt: the seat and decision, the prompt as sent, the
raw answer, what was parsed from it, whether the built-in bot decided instead, the
tokens in and out, time to the first token and in all. The server keeps them with
the game (SQLite); ``werewolf inspect`` and the spectator view read them back.

A run passes its log in its config (``configurable["call_log"]``, anything with
``add``); the graph hands each bot decision ``log.add`` as ``Turn.record``. A game
played without a server (``narrate``, ``simulate``) keeps its records with
:func:`keep_calls`, in the data dir where ``werewolf inspect`` looks.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Protocol

from shared.calls import CallRecord, summarize

HEADLESS = "headless.sqlite"  # the calls of games played without a server, in the data dir


class CallLog(Protocol):
    def add(self, record: CallRecord) -> None: ...


class MemoryCallLog:
    """Calls kept in a list: for ``simulate``, benchmarks and tests."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []

    def add(self, record: CallRecord) -> None:
        self.records.append(record)


def headless_id(command: str, seed: int) -> str:
    """A kept headless game's id: the command and seed that played it, made unique."""
    return f"{command}-{seed}-{secrets.token_hex(3)}"


async def keep_calls(data_dir: Path, game_id: str, records: list[CallRecord]) -> Path:
    """Keep a headless game's call records where ``werewolf inspect`` finds them: beside
    a server's games, in a file of their own (no server ever recovers a game from it).
    Several ``simulate`` workers may write at once: SQLite's lock orders them."""
    from server.store import Store

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / HEADLESS
    store = Store(path)
    await store.open()
    try:
        await store.add_game(game_id, time.time(), {"headless": True})
        await store.append_calls(
            game_id, [(n, r.seat, r.model_dump_json()) for n, r in enumerate(records, 1)]
        )
    finally:
        await store.close()
    return path


__all__ = [
    "HEADLESS",
    "CallLog",
    "CallRecord",
    "MemoryCallLog",
    "headless_id",
    "keep_calls",
    "summarize",
]
