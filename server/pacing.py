"""The server's pacing clock: one timer that every typewriter, and the journal, keep time by.

A paced game's text is typed at the clock's rings: each ring writes every token due of
every text (:class:`server.typewriter.Text`) at once. Whatever else a paced game publishes
between two rings (a thought's end, the next speech's start, a vote) waits for the next
one too: the journal writes everything at the ring's end (:meth:`PacingClock.next_ring`),
so a tick costs the server one wake-up, one transaction and one write per reader, however
many games type and whatever they do between rings. On these machines a wake-up of a
process that slept costs about ten times the work it does hot (a 20 µs commit costs
180 µs after 40 ms asleep): a tick's cost is its wake-ups, not its events.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import weakref
from collections.abc import Callable
from typing import Protocol

# The clock rings at most this often (seconds). A typewriter writes every token that is due
# when it rings, as one event, so a game at 1000 tokens/s costs the server 20 wake-ups a
# second, not 1000, and 50 games at 30 tokens/s share one timer. The terminal client
# repaints whatever has come in about every 25 ms (tui.app.FLUSH_SECONDS): a batch is on
# screen within a repaint of its arrival.
TICK = 0.05


class Typed(Protocol):
    """What the clock types: something with a time its next piece is due, that writes every
    piece due at a ring (``type_due``: is it over?), and a future done at its end."""

    due: float
    done: asyncio.Future[float] | None

    def type_due(self, now: float) -> bool: ...


class PacingClock:
    """One clock for every typewriter of an event loop. Each ring writes every token due of
    every text itself, so a tick costs one wake-up of the loop for all the games that type,
    not a wake-up of each typewriter's task; rings are at least :data:`TICK` apart, one
    timer for all. What waits for the end of a ring (:meth:`next_ring`) runs after it typed."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._texts: list[tuple[float, int, Typed]] = []
        self._order = itertools.count()  # ties are typed in the order they came
        self._timer: asyncio.Handle | None = None
        self._timer_at = 0.0  # when it rings (uvloop's handle for a time past has no when())
        self._last = -TICK
        self._after: list[Callable[[], None]] = []  # to run at the end of the next ring
        self._ringing = False
        self.rings = 0  # how often it has rung (for the tests and benchmarks)

    def type(self, text: Typed) -> asyncio.Future[float]:
        """Type the rest of ``text`` at its pace; the future is done when it is all written
        (with when its next token would be due), or with what a write raised."""
        text.done = self.loop.create_future()
        heapq.heappush(self._texts, (text.due, next(self._order), text))
        if not self._ringing:
            self._arm(self._texts[0][0])
        return text.done

    def idle(self) -> bool:
        """Is nothing typed now, nor waiting for a ring?"""
        return self._timer is None and not self._ringing and not self._texts

    def next_ring(self, then: Callable[[], None]) -> bool:
        """Run ``then`` at the end of the next ring, if the clock is keeping time (it rang
        less than a tick ago, or is about to ring): True. False when it is idle: nothing
        paces the server now, and the caller doesn't wait for it."""
        if self._timer is None and not self._ringing:
            if self.loop.time() - self._last >= TICK:
                return False
            self._arm(self._last + TICK)
        elif not self._ringing and self._timer_at > self._last + TICK:
            self._arm(self._last + TICK)  # the next text is due later: ring a tick on anyway
        self._after.append(then)
        return True

    def _arm(self, due: float) -> None:
        at = max(due, self._last + TICK)
        if self._timer is not None:
            if self._timer_at <= at:
                return
            self._timer.cancel()
        self._timer, self._timer_at = self.loop.call_at(at, self._ring), at

    def _ring(self) -> None:
        self._timer = None
        self._ringing = True
        self.rings += 1
        now = self._last = self.loop.time()
        texts = self._texts
        try:
            while texts and texts[0][0] <= now:
                text = heapq.heappop(texts)[2]
                done = text.done
                assert done is not None
                if done.done():  # its typewriter was cancelled meanwhile (its game was)
                    continue
                try:
                    over = text.type_due(now)
                except BaseException as e:  # noqa: BLE001 - it is the typewriter's to raise
                    done.set_exception(e)
                    continue
                if over:
                    done.set_result(text.due)
                else:
                    heapq.heappush(texts, (text.due, next(self._order), text))
        finally:
            self._ringing = False
            if texts:
                self._arm(texts[0][0])
            after, self._after = self._after, []
            for then in after:
                then()


_clocks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, PacingClock] = (
    weakref.WeakKeyDictionary()
)


def pacing_clock() -> PacingClock:
    """The running loop's pacing clock."""
    loop = asyncio.get_running_loop()
    clock = _clocks.get(loop)
    if clock is None:
        clock = _clocks[loop] = PacingClock(loop)
    return clock


__all__ = ["TICK", "PacingClock", "Typed", "pacing_clock"]
