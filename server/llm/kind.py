"""The LLM bot kind, registered with the game's bot registry when this module is imported.

``llm`` plays on the server's own model (``WEREWOLF_LLM_*``); ``llm:NAME`` on the named
endpoint NAME of the endpoints file (server/llm/endpoints.py), so one table can seat
several models. Registering is cheap: DSPy (seconds to import) loads with
``server.llm.bot`` on the first decision, or ahead of it through ``warm`` (a server does
that off its event loop).
"""

from __future__ import annotations

import importlib

from server.bots.base import Plan, Turn
from server.bots.kinds import BotKind, register
from server.game import Decision
from server.game.view import SeatView

from .endpoints import DEFAULT, endpoint_settings
from .settings import SettingsError

_loaded = False  # has any bot decided (or warmed) on this process?


def _bot():
    global _loaded
    _loaded = True
    return importlib.import_module("server.llm.bot")


def _warm() -> None:
    _bot()


async def close() -> None:
    """Close the model connections this event loop opened (if any bot ever decided)."""
    if _loaded:
        await _bot().close_models()


def _kind(endpoint: str) -> BotKind:
    """The LLM bot on one named endpoint (``default``: the server's own model)."""

    async def decide(view: SeatView, decision: Decision, turn: Turn) -> Plan:
        return await _bot().llm_bot(view, decision, turn, endpoint=endpoint)

    async def preflight() -> str | None:
        from .doctor import preflight as check

        return await check(endpoint=endpoint)

    def unavailable() -> str | None:
        try:
            endpoint_settings(endpoint)
        except SettingsError as e:
            return f"LLM bots need a model on the server: {e} (`werewolf doctor` checks the setup)"
        return None

    name = "llm" if endpoint == DEFAULT else f"llm:{endpoint}"
    return BotKind(
        name,
        decide=decide,
        preflight=preflight,
        close=close,
        unavailable=unavailable,
        warm=_warm,
        variant=_kind if endpoint == DEFAULT else None,
    )


KIND = _kind(DEFAULT)
register(KIND)

__all__ = ["KIND"]
