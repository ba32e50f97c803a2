"""The LLM bot kind, registered with the game's bot registry when this module is imported.

Registering is cheap: DSPy (seconds to import) loads with ``server.llm.bot`` on the first
decision, or ahead of it through ``warm`` (a server does that off its event loop).
"""

from __future__ import annotations

import importlib

from server.bots.base import Plan, Turn
from server.bots.kinds import BotKind, register
from server.game import Decision
from server.game.view import SeatView

from .settings import LLMSettings, SettingsError

_loaded = False  # has any bot decided (or warmed) on this process?


def _bot():
    global _loaded
    _loaded = True
    return importlib.import_module("server.llm.bot")


def _warm() -> None:
    _bot()


async def decide(view: SeatView, decision: Decision, turn: Turn) -> Plan:
    return await _bot().llm_bot(view, decision, turn)


async def preflight() -> str | None:
    from .doctor import preflight as check

    return await check()


async def close() -> None:
    """Close the model connections this event loop opened (if any bot ever decided)."""
    if _loaded:
        await _bot().close_models()


def unavailable() -> str | None:
    try:
        LLMSettings.from_env()
    except SettingsError as e:
        return f"LLM bots need a model on the server: {e} (`werewolf doctor` checks the setup)"
    return None


KIND = BotKind(
    "llm", decide=decide, preflight=preflight, close=close, unavailable=unavailable, warm=_warm
)
register(KIND)

__all__ = ["KIND"]
