"""The record of every LLM call: what a developer reads to see why a bot did what it did.

One :class:`CallRecord` per attempt: the seat and decision, the prompt as sent, the
raw answer, what was parsed from it, whether the built-in bot decided instead, the
tokens in and out, time to the first token and in all. The server keeps them with
the game (SQLite); ``werewolf inspect`` and the spectator view read them back.
"""

from __future__ import annotations

import contextvars
import time
from typing import Any, Protocol

from pydantic import BaseModel, Field


class CallRecord(BaseModel):
    seat: int
    decision: str  # the decision's action name: "vote", "witch", "wolf_chat"…
    day: int
    phase: str
    attempt: int = 1  # 2 for the retry after an illegal or unparseable answer
    prompt: list[dict[str, str]] = []
    raw: str = ""
    parsed: dict[str, Any] | None = None  # the action taken from the answer, if any
    fallback: bool = False  # the built-in bot decided instead
    error: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    ttft: float | None = None
    total: float = 0.0
    retries: int = 0
    ts: float = Field(default_factory=time.time)


class CallLog(Protocol):
    def add(self, record: CallRecord) -> None: ...


class MemoryCallLog:
    """Calls kept in a list: for ``simulate``, benchmarks and tests."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []

    def add(self, record: CallRecord) -> None:
        self.records.append(record)


# Set by the graph for the game whose bots are deciding (from the run's config).
CALL_LOG: contextvars.ContextVar[CallLog | None] = contextvars.ContextVar("call_log", default=None)


def summarize(records: list[CallRecord]) -> dict[str, Any]:
    """Calls, tokens, fallbacks and times over a set of records (``simulate``, ``inspect``)."""
    ttfts = [r.ttft for r in records if r.ttft is not None]
    return {
        "calls": len(records),
        "tokens_in": sum(r.tokens_in for r in records),
        "tokens_out": sum(r.tokens_out for r in records),
        "fallbacks": sum(1 for r in records if r.fallback),
        "errors": sum(1 for r in records if r.error),
        "call_seconds": round(sum(r.total for r in records), 3),
        "mean_ttft": round(sum(ttfts) / len(ttfts), 3) if ttfts else None,
    }
