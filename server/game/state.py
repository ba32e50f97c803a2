"""The game's state: who sits where, what is known, and the agenda of steps still to run.

Plain data: everything here serialises with ``model_dump`` and comes back with
``model_validate``, so a checkpointer can hold it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shared.actions import (
    MAX_SPEECH_CHARS,
    Action,
    ActionKind,
    Decision,
    GameError,
    IllegalAction,
)
from shared.events import Event, PhaseName, Role, Side

from .config import GameConfig

StepKind = Literal[
    "night_start",
    "wolf_chat",
    "night_actions",
    "witch",
    "dawn",
    "day_start",
    "day_speech",
    "vote",
    "pk_speech",
    "pk_vote",
    "last_words",
    "shoot",
    "night_end",
    # the sheriff's election on day 1, between the witch and the dawn
    "sheriff_start",
    "sheriff_stand",
    "sheriff_speech",
    "sheriff_withdraw",
    "sheriff_vote",
    "sheriff_pk_speech",
    "sheriff_pk_vote",
    # a dying sheriff's badge; the living sheriff's speaking direction
    "badge",
    "direction",
]

SEQUENTIAL: frozenset[str] = frozenset(
    {
        "wolf_chat",
        "day_speech",
        "pk_speech",
        "last_words",
        "shoot",
        "sheriff_speech",
        "sheriff_pk_speech",
        "badge",
        "direction",
    }
)
SIMULTANEOUS: frozenset[str] = frozenset(
    {
        "night_actions",
        "vote",
        "pk_vote",
        "witch",
        "sheriff_stand",
        "sheriff_withdraw",
        "sheriff_vote",
        "sheriff_pk_vote",
    }
)
# Speeches skip a seat that died before its turn (a later speech step never waits on it).
SPEECH_STEPS: frozenset[str] = frozenset(
    {"day_speech", "pk_speech", "wolf_chat", "sheriff_speech", "sheriff_pk_speech"}
)


class Step(BaseModel):
    kind: StepKind
    seats: list[int] = []
    index: int = 0
    # last_words / shoot: the day-time context decides the shot victim's last words
    by_day: bool = False


class Night(BaseModel):
    """What happened during the current night, until dawn resolves it."""

    victim: int | None = None
    saved: bool = False
    poisoned: int | None = None
    guarded: int | None = None


class GameState(BaseModel):
    config: GameConfig
    names: list[str]
    roles: list[Role]  # index = seat - 1
    alive: list[bool]
    day: int = 1
    phase: PhaseName = "night"
    antidote: bool = True
    poison: bool = True
    rng_counter: int = 0
    step: Step | None = None
    agenda: list[Step] = []
    answers: dict[int, Action] = {}
    night: Night = Field(default_factory=Night)
    pk_candidates: list[int] = []
    night_deaths: list[int] = []
    sheriff: int | None = None  # who holds the badge (always a living seat, or nobody)
    candidates: list[int] = []  # the sheriff's election: who is still on the stage
    sheriff_voters: list[int] = []  # ... and who votes (those who never stood)
    last_protected: int | None = None  # the guard's last night: never the same seat twice
    revealed_idiot: int | None = None  # the idiot who showed his card: alive, no vote
    day_cut: bool = False  # a self-destruct in the election: today has no speeches, no vote
    history: list[Event] = []
    winner: Side | None = None
    reason: str = ""

    # -- small queries -------------------------------------------------------
    @property
    def players(self) -> int:
        return len(self.roles)

    def seats(self) -> range:
        return range(1, len(self.roles) + 1)

    def role(self, seat: int) -> Role:
        return self.roles[seat - 1]

    def is_alive(self, seat: int) -> bool:
        return self.alive[seat - 1]

    def living(self) -> list[int]:
        return [s for s, alive in enumerate(self.alive, 1) if alive]

    def living_wolves(self) -> list[int]:
        return [s for s in self.living() if self.role(s) == "werewolf"]

    def seat_of(self, role: Role) -> int | None:
        for s, r in enumerate(self.roles, 1):
            if r == role:
                return s
        return None

    def wolves(self) -> list[int]:
        return [s for s, role in enumerate(self.roles, 1) if role == "werewolf"]

    @property
    def over(self) -> bool:
        return self.winner is not None


__all__ = [
    "MAX_SPEECH_CHARS",
    "Action",
    "ActionKind",
    "Decision",
    "GameError",
    "GameState",
    "IllegalAction",
    "Night",
    "Step",
]
