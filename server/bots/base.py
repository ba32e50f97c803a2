"""What every bot is given and what it returns.

A bot is an async callable ``decide(view, decision, turn) -> Plan``: the seat's
:class:`SeatView` (all it may know), the :class:`Decision` to answer, and the
:class:`Turn` the run hands it for this one decision (its random source, where it may
stream, where it records what it did). Nothing a bot reads or writes is global.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from server.game.state import Action, Decision
from server.game.view import SeatView
from server.typewriter import Typewriter
from shared.calls import CallRecord
from shared.events import SpeechKind

# The decisions answered by speaking, and the kind of speech each is.
SPEECH_KINDS: dict[str, SpeechKind] = {
    "wolf_chat": "wolf_chat",
    "speak": "day",
    "pk_speak": "pk",
    "last_words": "last_words",
    "sheriff_speak": "sheriff",
    "sheriff_pk_speak": "sheriff_pk",
}


@dataclass(frozen=True)
class Plan:
    action: Action
    thought: str = ""  # honest narration of what the bot computed (god-only while the game runs)
    label: str = ""  # a short caption for the thought, e.g. "choosing whom to check"
    speech: str | None = None  # for speaking decisions: the text, streamed as speech tokens
    streamed: bool = False  # the bot already streamed its thought and speech itself
    fallback: bool = False  # the bot could not decide and took the built-in bot's choice


@dataclass(frozen=True)
class Turn:
    """What the run hands a bot with one decision, built from the run's own config.

    ``rng`` is seeded from the game and the decision (a replay decides alike);
    ``typewriter`` is the game's stream, for a bot that streams its own thought and
    speech (an LLM, token by token as they arrive); ``record`` keeps what the decision
    records (each LLM call, each fallback) with this run, or None when nobody keeps them;
    ``game`` names the game (its run's thread): what a bot remembers from one decision to
    another is kept per game, so that two games never hear each other.
    """

    rng: random.Random
    typewriter: Typewriter
    record: Callable[[CallRecord], None] | None = None
    game: str = ""


BotFn = Callable[[SeatView, Decision, Turn], Awaitable[Plan]]


__all__ = ["SPEECH_KINDS", "BotFn", "Plan", "Turn"]
