"""The rules of Werewolf as a pure library: state in, action in, state and events out."""

from .config import BOARDS, GameConfig
from .engine import Transition, apply, decision_for, new_game, pending, validate, view_events
from .state import Action, Decision, GameError, GameState, IllegalAction

__all__ = [
    "BOARDS",
    "Action",
    "Decision",
    "GameConfig",
    "GameError",
    "GameState",
    "IllegalAction",
    "Transition",
    "apply",
    "decision_for",
    "new_game",
    "pending",
    "validate",
    "view_events",
]
