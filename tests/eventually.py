"""Waiting for a condition instead of sleeping and hoping: the suite runs on loaded machines.

A test waits until what it means has happened, and gives up only after a deadline far
beyond any honest delay (the pytest timeout is the last resort). Nothing here measures time.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

GIVE_UP = 60.0  # seconds; generous on purpose: reaching it means the thing never happens


async def _wait(
    condition: Callable[[], Any], what: str, seconds: float, pause: Callable[[], Awaitable[Any]]
) -> None:
    """The one wait loop: check, and if not yet, ``pause`` (which lets the world move)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        held = condition()
        if inspect.isawaitable(held):
            held = await held
        if held:
            return
        if loop.time() > deadline:
            raise AssertionError(f"gave up after {seconds:g} s waiting for {what}")
        await pause()


async def until(
    condition: Callable[[], Any], what: str, seconds: float = GIVE_UP, step: float = 0.02
) -> None:
    """Return once ``condition()`` is true (it may be a coroutine function: a request to
    the server); fail naming ``what`` after ``seconds``."""
    await _wait(condition, what, seconds, lambda: asyncio.sleep(step))


async def pilot_until(
    pilot: Any,
    condition: Callable[[], Any],
    what: str,
    seconds: float = GIVE_UP,
    step: float = 0.05,
) -> None:
    """``until`` for a Textual app under Pilot: the app runs its messages between checks."""
    await _wait(condition, what, seconds, lambda: pilot.pause(step))
