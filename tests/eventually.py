"""Waiting for a condition instead of sleeping and hoping: the suite runs on loaded machines.

A test waits until what it means has happened, and gives up only after a deadline far
beyond any honest delay (the pytest timeout is the last resort). Nothing here measures time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

GIVE_UP = 60.0  # seconds; generous on purpose: reaching it means the thing never happens


async def until(
    condition: Callable[[], Any], what: str, seconds: float = GIVE_UP, step: float = 0.02
) -> None:
    """Return once ``condition()`` is true; fail naming ``what`` after ``seconds``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"gave up after {seconds:g} s waiting for {what}")
        await asyncio.sleep(step)


async def pilot_until(
    pilot: Any,
    condition: Callable[[], Any],
    what: str,
    seconds: float = GIVE_UP,
    step: float = 0.05,
) -> None:
    """``until`` for a Textual app under Pilot: the app runs its messages between checks."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"gave up after {seconds:g} s waiting for {what}")
        await pilot.pause(step)


async def until_async(
    condition: Callable[[], Awaitable[Any]], what: str, seconds: float = GIVE_UP, step: float = 0.05
) -> None:
    """``until`` for a condition that must be awaited (a request to the server)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"gave up after {seconds:g} s waiting for {what}")
        await asyncio.sleep(step)
