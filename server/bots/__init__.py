"""Bots: who decides for the seats no human holds.

A bot is an async callable ``decide(view, decision, rng, stream) -> Plan``. It may
stream its thoughts and speech itself (an LLM does, token by token as they arrive);
a bot that returns a Plan with ``streamed=False`` gets it streamed by the caller.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

from server.game.state import Decision
from server.game.view import SeatView

from .base import Plan

BotFn = Callable[[SeatView, Decision, random.Random], Awaitable[Plan]]


async def builtin_bot(view: SeatView, decision: Decision, rng: random.Random) -> Plan:
    """The rule-based bot: pure computation, run off the event loop."""
    from . import builtin

    return await asyncio.to_thread(builtin.plan, view, decision, rng)


BOTS: dict[str, BotFn] = {"builtin": builtin_bot}


def get_bot(kind: str) -> BotFn:
    try:
        return BOTS[kind]
    except KeyError:
        raise ValueError(f"unknown bot kind {kind!r} (known: {sorted(BOTS)})") from None


__all__ = ["BOTS", "BotFn", "Plan", "get_bot"]
