"""Turns a bot's thought and speech into paced token events on the graph's stream."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import re
import weakref
from collections.abc import Callable

from shared.events import (
    GOD,
    Event,
    SpeechKind,
    SpeechStart,
    ThoughtEnd,
    ThoughtStart,
    ThoughtToken,
    Token,
    Visibility,
)
from shared.text import clean

# A word with its trailing space, or a single CJK character, or punctuation.
_TOKEN = re.compile(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+")


def tokenize(text: str) -> list[str]:
    """Split text into typewriter tokens; joining them gives the text back."""
    return _TOKEN.findall(text)


# The pacing clock rings at most this often (seconds). A typewriter writes every token that
# is due when it rings, as one event, so a game at 1000 tokens/s costs the server 25
# wake-ups a second, not 1000, and 50 games at 30 tokens/s share one timer. A wake-up of
# the server costs more than everything it writes (20 ms cost half as much again per
# token). The terminal client repaints at 20 Hz (every 50 ms): a token a tick late is
# never seen late.
TICK = 0.04


class PacingClock:
    """One clock for every typewriter of an event loop: each sleeper wakes on the first ring
    at or after its time; rings are at least :data:`TICK` apart, one timer for all."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()  # ties wake in the order they slept
        self._timer: asyncio.Handle | None = None
        self._timer_at = 0.0  # when it rings (uvloop's handle for a time past has no when())
        self._last = -TICK

    async def until(self, when: float) -> None:
        """Sleep until ``when`` (the loop's clock), give or take a tick."""
        fut = self.loop.create_future()
        heapq.heappush(self._sleepers, (when, next(self._order), fut))
        self._arm()
        await fut

    def _arm(self) -> None:
        at = max(self._sleepers[0][0], self._last + TICK)
        if self._timer is not None:
            if self._timer_at <= at:
                return
            self._timer.cancel()
        self._timer, self._timer_at = self.loop.call_at(at, self._ring), at

    def _ring(self) -> None:
        self._timer = None
        now = self._last = self.loop.time()
        sleepers = self._sleepers
        while sleepers and sleepers[0][0] <= now:
            fut = heapq.heappop(sleepers)[2]
            if not fut.done():  # a typewriter whose game was cancelled meanwhile
                fut.set_result(None)
        if sleepers:
            self._arm()


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


_TOKENS = frozenset({"token", "thought_token"})


class Typewriter:
    """Writes events to the graph's stream, tokens at ``pace`` tokens per second.

    At pace 0 a whole thought or speech goes out as a single token: instant.

    Tokens written as a model makes them (:meth:`write`: an LLM's stream) are coalesced
    the same way as paced ones: one that comes a tick or more after the last goes out at
    once; the ones that come quicker are held, and go out as one event per seat at the
    next tick, or before any other event (:meth:`flush` when the model's answer ends).
    """

    def __init__(
        self,
        write: Callable[[Event], None],
        pace: float,
        hurry: Callable[[], bool] | None = None,
    ) -> None:
        """``hurry``: while it says so, tokens go out without waiting (a game catching up
        after a restart on what it already said)."""
        self._write = write
        self.pace = pace
        self.hurry = hurry or (lambda: False)
        # When the next token is due: a text goes on at the pace of the one before it, making
        # up for up to a tick of lateness (a text is often a tick long: were each to start
        # afresh, each would end up to a tick late, and a game of a hundred texts would
        # lose seconds to the clock).
        self._due = 0.0
        # A model's tokens held for the next tick, by (type, seat, audience): their texts.
        self._held: dict[tuple[str, int, object], tuple[Event, list[str]]] = {}
        self._sent = -TICK  # when a model's token last went out (the loop's clock)
        self._timer: asyncio.TimerHandle | None = None

    def write(self, event: Event) -> None:
        """Write ``event`` to the stream: a token as it comes (held for the next tick when
        the last went out less than a tick ago), anything else at once, after the tokens
        held before it."""
        if event.type not in _TOKENS:
            if self._held:
                self.flush()
            self._write(event)
            return
        key: tuple[str, int, object] = (event.type, event.seat, event.vis)  # type: ignore[union-attr]
        held = self._held.get(key)
        if held is not None:
            held[1].append(event.content)  # type: ignore[union-attr]
            return
        loop = asyncio.get_running_loop()
        if not self._held and loop.time() >= self._sent + TICK:
            self._sent = loop.time()
            self._write(event)
            return
        self._held[key] = (event, [event.content])  # type: ignore[union-attr]
        if self._timer is None:
            self._timer = loop.call_at(self._sent + TICK, self.flush)

    def flush(self) -> None:
        """Write the tokens held, one event per seat and audience."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._held:
            return
        held, self._held = self._held, {}
        self._sent = asyncio.get_running_loop().time()
        for event, texts in held.values():
            if len(texts) > 1:
                event = event.model_copy(update={"content": "".join(texts)})
            self._write(event)

    async def _tokens(self, text: str, make: Callable[[str], Event]) -> None:
        if self._held:
            self.flush()
        if self.pace <= 0:
            if text:
                self._write(make(text))
            return
        # Each token is due at a time on the game's own clock; when the pacing clock rings,
        # every token due goes out at once: a busy server that wakes late sends what is due,
        # so the game keeps its pace however many watch.
        clock = pacing_clock()
        loop, write, hurry = clock.loop, self._write, self.hurry
        delay = 1.0 / self.pace
        tokens = tokenize(text)
        due = max(loop.time() - TICK, self._due)
        i, n = 0, len(tokens)
        while i < n:
            now = loop.time()
            if now - due > 1.0:  # far behind (the process was stopped): don't burst forever
                due = now
            j = i
            while j < n and due <= now:
                j += 1
                due += delay
            if j > i:  # every token due, as one event: one write, one frame, one wake-up
                write(make(tokens[i] if j == i + 1 else "".join(tokens[i:j])))
                i = j
            while i < n and hurry():  # catching up on what it already said: no waiting
                write(make(tokens[i]))
                i += 1
                due = now
            if i < n:
                await clock.until(due)
        self._due = due

    # The text is cleaned once, whole (as the event's field would clean it: shared/text.py);
    # a piece of a clean text is clean, so its events are built without validating each.
    async def thought(self, seat: int, label: str, text: str) -> None:
        if not text:
            return
        self.write(ThoughtStart(seat=seat, label=label, vis=GOD))
        await self._tokens(
            clean(text, one_line=False),
            lambda t: ThoughtToken.model_construct(seat=seat, content=t, vis=GOD),
        )
        self.write(ThoughtEnd(seat=seat, vis=GOD))

    async def speech(self, seat: int, kind: SpeechKind, channel: Visibility, text: str) -> None:
        self.write(SpeechStart(seat=seat, kind=kind, vis=channel))
        await self._tokens(
            clean(text), lambda t: Token.model_construct(seat=seat, content=t, vis=channel)
        )
