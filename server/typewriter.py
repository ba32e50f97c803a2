"""Turns a bot's thought and speech into paced token events on the graph's stream."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from server.pacing import TICK, pacing_clock
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


class Text:
    """A text being typed: its tokens, how far it is, and when its next token is due. The
    clock writes every token due at each ring, from the ring itself: a typewriter's task
    sleeps through its whole text and wakes once, at the end (``done``)."""

    __slots__ = ("delay", "done", "due", "hurry", "i", "make", "tokens", "write")

    def __init__(
        self,
        tokens: list[str],
        due: float,
        delay: float,
        make: Callable[[str], Event],
        write: Callable[[Event], None],
        hurry: Callable[[], bool],
    ) -> None:
        self.tokens, self.i, self.due, self.delay = tokens, 0, due, delay
        self.make, self.write, self.hurry = make, write, hurry
        self.done: asyncio.Future[float] | None = None  # its end, with when the next is due

    def type_due(self, now: float) -> bool:
        """Write every token due at ``now`` as one event (and, while ``hurry`` says so, the
        rest without waiting); is the text over?"""
        tokens, i, n, due = self.tokens, self.i, len(self.tokens), self.due
        if now - due > 1.0:  # far behind (the process was stopped): don't burst forever
            due = now
        j = i
        while j < n and due <= now:
            j += 1
            due += self.delay
        if j > i:  # every token due, as one event: one write, one frame, one wake-up
            self.write(self.make(tokens[i] if j == i + 1 else "".join(tokens[i:j])))
            i = j
        while i < n and self.hurry():  # catching up on what it already said: no waiting
            self.write(self.make(tokens[i]))
            i += 1
            due = now
        self.i, self.due = i, due
        return i >= n


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
        # so the game keeps its pace however many watch. What is due now goes out now.
        clock = pacing_clock()
        now = clock.loop.time()
        typing = Text(
            tokenize(text),
            max(now - TICK, self._due),
            1.0 / self.pace,
            make,
            self._write,
            self.hurry,
        )
        if typing.type_due(now):
            self._due = typing.due
        else:
            self._due = await clock.type(typing)

    # The text is cleaned once, whole (as the event's field would clean it: shared/text.py);
    # a piece of a clean text is clean, so its events are built without validating each.
    async def thought(self, seat: int, label: str, text: str) -> None:
        if not text:
            return
        self.write(ThoughtStart(seat=seat, label=label, vis=GOD))
        await self._tokens(clean(text, one_line=False), _token_maker(ThoughtToken, seat, GOD))
        self.write(ThoughtEnd(seat=seat, vis=GOD))

    async def speech(self, seat: int, kind: SpeechKind, channel: Visibility, text: str) -> None:
        self.write(SpeechStart(seat=seat, kind=kind, vis=channel))
        await self._tokens(clean(text), _token_maker(Token, seat, channel))


# The token makers by (type, seat, audience): a handful, each made once for good. A
# template is only ever copied, never sent; built for each text, pydantic's construction
# was ~2% of an all-bot game's CPU. (An audience is frozen and compared by value: a
# token copies the first equal one seen.)
_TOKEN_MAKERS: dict[tuple[type, int, Visibility], Callable[[str], Event]] = {}


def _token_maker(
    cls: type[Token | ThoughtToken], seat: int, vis: Visibility
) -> Callable[[str], Event]:
    key = (cls, seat, vis)
    make = _TOKEN_MAKERS.get(key)
    if make is None:
        make = _TOKEN_MAKERS[key] = _maker(cls.model_construct(seat=seat, content="", vis=vis))
    return make


def _maker(template: Event) -> Callable[[str], Event]:
    """Token events like ``template`` with another ``content``: its fields copied as they are
    (what ``model_copy(update=...)`` does, less its generality). A token is built at every
    pacing tick, after the process slept: pydantic's construction, run cold, cost about 40 µs
    more a token here (bench/perf_stream.py's figures are per tick)."""
    cls, fields, fields_set = type(template), template.__dict__, template.__pydantic_fields_set__
    new, setattr_ = object.__new__, object.__setattr__

    def make(content: str) -> Event:
        event = new(cls)
        setattr_(event, "__dict__", {**fields, "content": content})
        setattr_(event, "__pydantic_fields_set__", set(fields_set))
        setattr_(event, "__pydantic_extra__", None)
        setattr_(event, "__pydantic_private__", None)
        return event

    return make
