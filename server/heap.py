"""The server's heap and Python's garbage collector: full passes kept short, and rare.

A full pass of the collector walks every object it tracks while everything else waits:
every game, every stream. Over a whole warmed-up server (about 350,000 objects) it took up
to 133 ms; over the games of a crowd (50 games: 170,000 objects, most of them their logs'
events) 40-105 ms, several times in the first seconds of the crowd and again as the logs
grew (session 8, bench/server_bench.py): those were the crowd's latency spikes. So:

- once warmed up, what is loaded by then (modules, classes, the compiled graph) is frozen
  (:func:`settle`): no pass walks it again;
- every :data:`FREEZE_EVERY` seconds, what has outlived a young pass is frozen too
  (:meth:`HeapKeeper.tend`). What lives that long here is the games' logs and states, which
  reference counting frees when a game is dropped: a full pass then walks only what is
  newer than the last freeze;
- what was frozen and has since become garbage in a cycle (a few dozen objects a finished
  game, measured) waits for a sweep: everything unfrozen, one full pass, frozen again. It
  runs once nothing has been typed for a while (:data:`SWEEP_IDLE`: nobody sees the pause),
  and at least every :data:`SWEEP_EVERY` seconds however busy the server is.

And while the server loads (:func:`loading` to :func:`loaded`: its imports, LangGraph's
among them) the collector is off: imports make objects by the hundred thousand and almost
no garbage, and a young pass every 700 new objects walked them over and over (about a
tenth of the start's CPU, measured: 1.63 s → 1.43 s for the app and the graph). What they
made is frozen when it is turned on again.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable

FREEZE_EVERY = 5.0  # seconds between two freezes of what has outlived a young pass
SWEEP_IDLE = 60.0  # a sweep once this long has passed since the last, if nothing is typed
SWEEP_EVERY = 1800.0  # a sweep at least this often, busy or not


def loading() -> None:
    """The collector off until :func:`loaded`: the server is importing what it runs."""
    gc.disable()


def loaded() -> None:
    """The collector on again: what the server runs is loaded. What the load made is frozen
    first: made with the collector off, all of it was still in the young generation, and the
    first young pass then walked it all, and the next pass of the middle generation again
    (110-140 ms of CPU, measured, in the first game's first second: ``werewolf play``'s
    first screen). What of it is garbage already waits for the keeper's first sweep."""
    if not gc.isenabled():  # (off since loading: not in a process that never was)
        gc.freeze()
    gc.enable()


def settle(collect: bool) -> None:
    """Leave what is loaded by now out of every later pass. ``collect``: first free what is
    garbage already (a pause of its own, once: not while a game plays)."""
    if collect:
        gc.collect()
    gc.freeze()


class HeapKeeper:
    """Freezes what outlives the young passes, and sweeps what was frozen now and then.
    ``idle``: is the server typing nothing now (its pacing clock at rest)?"""

    def __init__(
        self,
        idle: Callable[[], bool],
        freeze_every: float = FREEZE_EVERY,
        sweep_idle: float = SWEEP_IDLE,
        sweep_every: float = SWEEP_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.idle, self.clock = idle, clock
        self.freeze_every, self.sweep_idle, self.sweep_every = freeze_every, sweep_idle, sweep_every
        self.swept = clock()
        self.sweeps = 0

    def tend(self) -> None:
        """Freeze what outlived a young pass; or sweep, when it is time."""
        since = self.clock() - self.swept
        if since >= self.sweep_every or (since >= self.sweep_idle and self.idle()):
            gc.unfreeze()
            gc.collect()
            self.swept = self.clock()
            self.sweeps += 1
        else:
            gc.collect(1)  # the young garbage first: only what is alive is frozen
        gc.freeze()

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.freeze_every)
            self.tend()


__all__ = ["FREEZE_EVERY", "SWEEP_EVERY", "SWEEP_IDLE", "HeapKeeper", "loaded", "loading", "settle"]
