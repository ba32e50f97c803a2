"""The LLM bot kind, registered with the game's bot registry when this module is imported.

``server.bots.load_kind("llm")`` imports it (DSPy with it: seconds, so a server does it
off its event loop before the first game that seats an LLM).
"""

from __future__ import annotations

from server.bots.kinds import BotKind, register

from .bot import close_models, llm_bot
from .doctor import preflight

KIND = BotKind("llm", decide=llm_bot, preflight=preflight, close=close_models)
register(KIND)

__all__ = ["KIND"]
