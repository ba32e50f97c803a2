"""Bots: who decides for the seats no human holds.

A bot is an async callable ``decide(view, decision, rng, typewriter) -> Plan``. It
may stream its thoughts and speech itself through the typewriter (an LLM does,
token by token as they arrive) and return ``Plan(streamed=True)``; otherwise the
caller streams the plan's thought and speech at the game's pace.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from server.game.state import Decision
from server.game.view import SeatView

from .base import Plan

if TYPE_CHECKING:
    from server.typewriter import Typewriter

BotFn = Callable[[SeatView, Decision, random.Random, "Typewriter"], Awaitable[Plan]]


# One worker thread: the bots' work is pure Python, so more threads would only fight the
# event loop for the GIL (and stall every stream) without computing anything faster.
_BOT_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="builtin-bot")


async def builtin_bot(
    view: SeatView, decision: Decision, rng: random.Random, typewriter: Typewriter | None = None
) -> Plan:
    """The rule-based bot: pure computation, run off the event loop."""
    from . import builtin

    return await asyncio.get_running_loop().run_in_executor(
        _BOT_THREAD, builtin.plan, view, decision, rng
    )


async def llm_bot(
    view: SeatView, decision: Decision, rng: random.Random, typewriter: Typewriter
) -> Plan:
    """A DSPy program over the configured model (``server.llm``), imported on first use."""
    from server.llm.bot import llm_bot as decide

    return await decide(view, decision, rng, typewriter)


BOTS: dict[str, BotFn] = {"builtin": builtin_bot, "llm": llm_bot}


def seat_kinds(mode: str, seats: list[int]) -> dict[int, str]:
    """Seat -> bot kind for ``seats`` (the bot seats, in order): ``builtin``, ``llm``, or
    ``mixed`` — every other bot seat an LLM, the first one included."""
    if mode == "mixed":
        return {s: ("llm" if i % 2 == 0 else "builtin") for i, s in enumerate(seats)}
    get_bot(mode)  # an unknown kind is refused here
    return dict.fromkeys(seats, mode)


async def close_bots() -> None:
    """Close the LLM bots' connections opened on this event loop, if any bot used them:
    whoever owns the loop calls it before the loop ends (after its last game)."""
    import sys

    if "server.llm.bot" in sys.modules:
        await sys.modules["server.llm.bot"].close_models()


def get_bot(kind: str) -> BotFn:
    try:
        return BOTS[kind]
    except KeyError:
        raise ValueError(f"unknown bot kind {kind!r} (known: {sorted(BOTS)})") from None


__all__ = ["BOTS", "BotFn", "Plan", "close_bots", "get_bot", "seat_kinds"]
