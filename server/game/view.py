"""What one seat knows: the only thing a bot (built-in or LLM) is given to decide with."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.events import Event, Role

from .state import Decision, GameState
from .visibility import view_events


@dataclass(frozen=True)
class SeatView:
    seat: int
    role: Role
    teammates: list[int]  # fellow wolves (empty for everyone else)
    names: list[str]  # index = seat - 1
    alive: list[bool]  # index = seat - 1 (public knowledge)
    day: int
    phase: str
    lang: str
    events: list[Event] = field(default_factory=list)  # the history this seat may see
    antidote: bool = False  # the witch's own potions (False for everyone else)
    poison: bool = False
    # The table's rules, public to all (never the seed: it tells the deal).
    board: dict[Role, int] = field(default_factory=dict)
    win_condition: str = "sides"
    witch_self_save: str = "first_night"
    max_days: int = 20
    # The badge and the cards shown, public to all; the guard's own last night.
    has_sheriff: bool = False  # the table elects a sheriff (警长) on day 1
    sheriff: int | None = None  # who holds the badge now
    candidates: list[int] = field(default_factory=list)  # on the stage during the election
    revealed_idiot: int | None = None  # the idiot who showed his card (no vote)
    protected: int | None = None  # the guard's protection last night (the guard only)

    @property
    def players(self) -> int:
        return len(self.alive)

    def living(self) -> list[int]:
        return [s for s, alive in enumerate(self.alive, 1) if alive]

    def is_alive(self, seat: int) -> bool:
        return self.alive[seat - 1]


def seat_view(state: GameState, seat: int) -> SeatView:
    role = state.role(seat)
    is_witch = role == "witch"
    return SeatView(
        seat=seat,
        role=role,
        teammates=[s for s in state.wolves() if s != seat] if role == "werewolf" else [],
        names=list(state.names),
        alive=list(state.alive),
        day=state.day,
        phase=state.phase,
        lang=state.config.lang,
        events=view_events(state, seat),
        antidote=state.antidote if is_witch else False,
        poison=state.poison if is_witch else False,
        board=state.config.board(),
        win_condition=state.config.win_condition,
        witch_self_save=state.config.witch_self_save,
        max_days=state.config.max_days,
        has_sheriff=state.config.has_sheriff,
        sheriff=state.sheriff,
        candidates=list(state.candidates),
        revealed_idiot=state.revealed_idiot,
        protected=state.last_protected if role == "guard" else None,
    )


__all__ = ["Decision", "SeatView", "seat_view"]
