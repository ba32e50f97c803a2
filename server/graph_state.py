"""The game graph's state and the table it runs on: what a thread's values hold, how the
game is read from them and written into them. Apart from :mod:`server.graph` so that it
needs no LangGraph: the server takes games (and reads finished ones) before LangGraph is
loaded."""

from __future__ import annotations

import operator
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
    # The game as JSON (a checkpointed run: ``GameState.model_dump_json()``, with its history
    # last; an older checkpoint may hold ``model_dump()``), or the GameState itself (a run
    # without a checkpointer: ``initial_state(..., keep_objects=True)``, nothing to encode)
    game: str | dict[str, Any] | GameState
    table: dict[str, Any]  # Table.model_dump()
    paused: bool
    route: str  # the node to run next, decided by the node that just ran
    emitted: int  # events this graph has written so far (to trim a log after a crash)


class _Encoded(str):
    """The game as JSON, remembering the state it was encoded from and each history event's
    JSON: the next node gets this very string back from LangGraph's channel and reads the
    state without parsing it, and the next encoding writes only the events added since
    (history events are never changed, only appended: the rules copy the list and add to
    it). A checkpointer writes it as the plain string it is: a string costs msgpack
    nothing, where the dumped dict cost a walk of the whole game per checkpoint. A
    checkpoint read back is a plain string, validated as before.

    Why by hand: pydantic's JSON of the whole game is ~0.7 ms late in a game (~5 µs an
    event, history is most of it) and a served game is encoded at every node; the events
    are encoded once each here, and only the rest of the state again."""

    state: GameState
    events: list[str]


def _encode(state: GameState, like: object) -> _Encoded:
    history = state.history
    events: list[str] = []
    if isinstance(like, _Encoded):
        old = like.state.history
        n = len(old)
        if n <= len(history) and all(map(operator.is_, old, history[:n])):
            events = like.events  # the same events, in the same order: encoded already
    if len(events) < len(history):
        events = events + [e.model_dump_json() for e in history[len(events) :]]
    head = state.model_dump_json(exclude=_HISTORY)  # '{...}': everything but the history
    out = _Encoded(f'{head[:-1]},"history":[{",".join(events)}]}}')
    out.state, out.events = state, events
    return out


_HISTORY = {"history"}


def load_game(values: Mapping[str, Any]) -> GameState:
    game = values["game"]
    if isinstance(game, GameState):
        return game
    if isinstance(game, _Encoded):  # never mutated: ``apply`` returns new states
        return game.state
    if isinstance(game, str):
        return GameState.model_validate_json(game)
    return GameState.model_validate(game)  # a checkpoint from before the game was JSON


def dump_game(state: GameState, like: object = None) -> str | GameState:
    """The state as the graph keeps it: as it came (``like``: the object in a run without
    a checkpointer, JSON in one with, encoded from ``like``'s where they share history)."""
    if isinstance(like, GameState):
        return state
    return _encode(state, like)


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
