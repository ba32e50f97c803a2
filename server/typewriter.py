"""Turns a bot's thought and speech into paced token events on the graph's stream."""

from __future__ import annotations

import asyncio
import re
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

# A word with its trailing space, or a single CJK character, or punctuation.
_TOKEN = re.compile(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+")


def tokenize(text: str) -> list[str]:
    """Split text into typewriter tokens; joining them gives the text back."""
    return _TOKEN.findall(text)


class Typewriter:
    """Writes events to the graph's stream, tokens at ``pace`` tokens per second.

    At pace 0 a whole thought or speech goes out as a single token: instant.
    """

    def __init__(
        self,
        write: Callable[[Event], None],
        pace: float,
        hurry: Callable[[], bool] | None = None,
    ) -> None:
        """``hurry``: while it says so, tokens go out without waiting (a game catching up
        after a restart on what it already said)."""
        self.write = write
        self.pace = pace
        self.hurry = hurry or (lambda: False)

    async def _tokens(self, text: str, make: Callable[[str], Event]) -> None:
        if self.pace <= 0:
            if text:
                self.write(make(text))
            return
        # Each token is due at a time on the game's own clock: a busy server that wakes
        # late sends what is due at once, so the game keeps its pace however many watch.
        loop = asyncio.get_running_loop()
        delay = 1.0 / self.pace
        due = loop.time()
        for tok in tokenize(text):
            self.write(make(tok))
            if self.hurry():
                due = loop.time()
                continue
            due += delay
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            elif wait < -1.0:  # far behind (the process was stopped): don't burst forever
                due = loop.time()

    async def thought(self, seat: int, label: str, text: str) -> None:
        if not text:
            return
        self.write(ThoughtStart(seat=seat, label=label, vis=GOD))
        await self._tokens(text, lambda t: ThoughtToken(seat=seat, content=t, vis=GOD))
        self.write(ThoughtEnd(seat=seat, vis=GOD))

    async def speech(self, seat: int, kind: SpeechKind, channel: Visibility, text: str) -> None:
        self.write(SpeechStart(seat=seat, kind=kind, vis=channel))
        await self._tokens(text, lambda t: Token(seat=seat, content=t, vis=channel))
