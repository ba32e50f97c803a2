"""The game graph's state and the table it runs on: what a thread's values hold, how the
game is read from them and written into them. Apart from :mod:`server.graph` so that it
needs no LangGraph: the server takes games (and reads finished ones) before LangGraph is
loaded."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from server.game import GameState

RECURSION_LIMIT = 10_000


class Table(BaseModel):
    """Who sits where and how the game is shown: everything but the rules."""

    model_config = ConfigDict(extra="forbid")

    humans: list[int] = []
    bots: dict[int, str] = {}  # seat -> bot kind for every non-human seat
    pace: float = Field(default=0.0, ge=0)  # tokens per second; 0 = instant
    step: bool = False  # pause after every phase
    turn_timeout: float | None = None  # seconds a human has per decision (None: no limit)


class GameGraphState(TypedDict):
    # GameState.model_dump() (a checkpointed run), or the GameState itself (a run without a
    # checkpointer: ``initial_state(..., keep_objects=True)``, nothing to serialise)
    game: dict[str, Any] | GameState
    table: dict[str, Any]  # Table.model_dump()
    paused: bool
    route: str  # the node to run next, decided by the node that just ran
    emitted: int  # events this graph has written so far (to trim a log after a crash)


class _Dumped(dict):
    """A dumped GameState that remembers the state it was dumped from: the next node gets
    this very dict back from LangGraph's channel and reads the state without validating it
    again. A checkpointer serialises it as the plain dict it is (and a checkpoint read back
    is a plain dict, validated as before)."""

    __slots__ = ("state",)

    def __init__(self, state: GameState) -> None:
        super().__init__(state.model_dump())
        self.state = state


def load_game(values: Mapping[str, Any]) -> GameState:
    game = values["game"]
    if isinstance(game, GameState):
        return game
    if isinstance(game, _Dumped):  # never mutated: ``apply`` returns new states
        return game.state
    return GameState.model_validate(game)


def dump_game(state: GameState, like: object = None) -> dict[str, Any] | GameState:
    """The state as the graph keeps it: as it came (``like``: the object in a run without
    a checkpointer, a dump in one with)."""
    if isinstance(like, GameState):
        return state
    return _Dumped(state)


def initial_state(game: GameState, table: Table, keep_objects: bool = False) -> GameGraphState:
    """The graph's first state. ``keep_objects``: for a run without a checkpointer, the
    GameState goes from node to node as it is, never dumped."""
    return {
        "game": game if keep_objects else dump_game(game),
        "table": table.model_dump(),
        "paused": False,
        "route": "play",
        "emitted": 0,
    }


def run_config(thread_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id}, "recursion_limit": RECURSION_LIMIT}


__all__ = [
    "RECURSION_LIMIT",
    "GameGraphState",
    "Table",
    "dump_game",
    "initial_state",
    "load_game",
    "run_config",
]
