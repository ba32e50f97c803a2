"""The record of every LLM call: what a developer reads to see why a bot did what it did.

One :class:`CallRecord` per attempt: the seat and decision, the prompt as sent, the
raw answer, what was parsed from it, whether the built-in bot decided instead, the
tokens in and out, time to the first token and in all. The server keeps them with
the game (SQLite); ``werewolf inspect`` and the spectator view read them back.

A run passes its log in its config (``configurable["call_log"]``, anything with
``add``); the graph hands each bot decision ``log.add`` as ``Turn.record``.
"""

from __future__ import annotations

from typing import Protocol

from shared.calls import CallRecord, summarize


class CallLog(Protocol):
    def add(self, record: CallRecord) -> None: ...


class MemoryCallLog:
    """Calls kept in a list: for ``simulate``, benchmarks and tests."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []

    def add(self, record: CallRecord) -> None:
        self.records.append(record)


__all__ = ["CallLog", "CallRecord", "MemoryCallLog", "summarize"]
