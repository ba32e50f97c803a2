"""What every bot returns: the action it chose, the reasoning behind it, and its speech."""

from __future__ import annotations

from dataclasses import dataclass

from server.game.state import Action
from shared.events import SpeechKind

# The decisions answered by speaking, and the kind of speech each is.
SPEECH_KINDS: dict[str, SpeechKind] = {
    "wolf_chat": "wolf_chat",
    "speak": "day",
    "pk_speak": "pk",
    "last_words": "last_words",
}


@dataclass(frozen=True)
class Plan:
    action: Action
    thought: str = ""  # honest narration of what the bot computed (god-only while the game runs)
    label: str = ""  # a short caption for the thought, e.g. "choosing whom to check"
    speech: str | None = None  # for speaking decisions: the text, streamed as speech tokens
    streamed: bool = False  # the bot already streamed its thought and speech itself
    fallback: bool = False  # the bot could not decide and took the built-in bot's choice
