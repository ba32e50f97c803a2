"""Bots: who decides for the seats no human holds.

A bot is an async callable ``decide(view, decision, turn) -> Plan`` (``base.py``). It
may stream its thoughts and speech itself through ``turn.typewriter`` (an LLM does,
token by token as they arrive) and return ``Plan(streamed=True)``; otherwise the
caller streams the plan's thought and speech at the game's pace.

Bot kinds are found by name in the registry (``kinds.py``): ``builtin`` (the
rule-based bot, ``builtin.py``) and ``llm`` (``server.llm``, which registers itself;
this package never imports it).
"""

from __future__ import annotations

from .base import BotFn, Plan, Turn
from .kinds import (
    BotKind,
    close_bots,
    get_bot,
    kind_names,
    load_kind,
    preflight,
    register,
    seat_kinds,
    unavailable,
    warm,
)

__all__ = [
    "BotFn",
    "BotKind",
    "Plan",
    "Turn",
    "close_bots",
    "get_bot",
    "kind_names",
    "load_kind",
    "preflight",
    "register",
    "seat_kinds",
    "unavailable",
    "warm",
]
