"""The rules of Werewolf as a pure library: state in, action in, state and events out."""

from .config import BOARDS, GameConfig
from .engine import Transition, apply, decision_for, new_game, pending, validate
from .state import Action, Decision, GameError, GameState, IllegalAction
from .visibility import (
    Viewer,
    can_see,
    can_see_event,
    redact,
    table_snapshot,
    view_events,
    viewer_of,
)

__all__ = [
    "BOARDS",
    "Action",
    "Decision",
    "GameConfig",
    "GameError",
    "GameState",
    "IllegalAction",
    "Transition",
    "Viewer",
    "apply",
    "can_see",
    "can_see_event",
    "decision_for",
    "new_game",
    "pending",
    "redact",
    "table_snapshot",
    "validate",
    "view_events",
    "viewer_of",
]
