"""A paced game's script: what its built-in bots say and do, worked out ahead of the typing.

A built-in bot decides in a fraction of a millisecond, then takes seconds to type what it
decided. Deciding each turn when the text before it ends runs the game's logic in a
process that has just slept through a pacing tick, and on these machines code run so
costs several times what it costs hot (bench/perf_stream.py). So the ``play`` node of a
paced game without models works a phase's turns out in one go, and queues what they say
and do here: the texts to type, the events the rules answer with, the game's progress.
The script plays it back in order, at the game's pace, and ``play`` waits for it before
the next phase (or a human's turn, or the node's end): nobody sees anything sooner, and
nothing in another order. A phase at a time keeps the work where the game is (a whole
game worked out at its start costs a crowd of new games their first seconds at once) and
the script short.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable

Step = Callable[[], Awaitable[object] | None]


class Script:
    """Steps run in the order they were queued, each after the one before is done (a step
    that returns an awaitable is done when that is)."""

    def __init__(self) -> None:
        self._steps: deque[Step] = deque()
        self._task: asyncio.Task[None] | None = None

    def then(self, step: Step) -> None:
        """Queue ``step``: it runs once everything queued before it is done."""
        self._steps.append(step)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._play())

    async def _play(self) -> None:
        steps = self._steps
        while steps:
            out = steps.popleft()()
            if out is not None:
                await out
        self._task = None  # (a step raised: kept, for ``played`` to raise it)

    async def played(self) -> None:
        """Wait until every step queued is done; raise what a step raised."""
        while self._task is not None:
            await self._task

    def cancel(self) -> None:
        """Play nothing more (the run ended without waiting for it)."""
        self._steps.clear()
        if self._task is not None:
            self._task.cancel()
            self._task = None


async def together(steps: list[Callable[[], Awaitable[object]]]) -> None:
    """Several steps at once (bots that decide at the same time think at the same time)."""
    if len(steps) == 1:
        await steps[0]()
    else:
        await asyncio.gather(*(step() for step in steps))


__all__ = ["Script", "together"]
