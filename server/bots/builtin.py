"""The built-in bot: a rule-based player for every role, no API key, no network.

:func:`plan` is the whole interface. It reasons honestly: the evidence model
(``evidence.py``) keeps what its seat has seen (claims, seer reports, accusations,
votes, deaths), fed only the new events at each decision, and weighs it into belief and
suspicion; the strategy (``strategy.py``) picks each
role's action from them, and the speeches (``speech.py``) what it says; the thought
it returns narrates exactly those numbers and the rule that picked its choice. It
reads only the :class:`SeatView`, never the game state.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from server.game.state import Decision
from server.game.view import SeatView

from . import duties, speech, strategy
from .base import Plan, Turn
from .evidence import Knowledge, knowledge
from .kinds import BotKind, register

Handler = Callable[[SeatView, Decision, random.Random, Knowledge], Plan]

HANDLERS: dict[str, Handler] = {
    "wolf_chat": speech.wolf_chat,
    "wolf_kill": strategy.wolf_kill,
    "check": strategy.check,
    "witch": strategy.witch,
    "speak": speech.speak,
    "vote": strategy.vote,
    "pk_vote": strategy.vote,
    "pk_speak": speech.pk_speak,
    "last_words": speech.last_words,
    "shoot": strategy.shoot,
}


def choose(view: SeatView, decision: Decision, rng: random.Random) -> Plan:
    """The plan the rules of thumb make for ``decision``, before any legality guard."""
    k = knowledge(view)  # (its memory reads exile votes only, never an election's ballots)
    # the table's duties first (sheriff, badge, direction, guard, a wolf's 自爆): duties.py
    if (duty := duties.plan(view, decision, rng, k)) is not None:
        return duty
    return HANDLERS[decision.action](view, decision, rng, k)


def plan(view: SeatView, decision: Decision, rng: random.Random) -> Plan:
    """Choose a legal action for ``decision`` from what ``view`` knows, and say why."""
    p = choose(view, decision, rng)
    if decision.allows(p.action):
        return p
    # A last guard, asked of the rules: anything they would refuse becomes the pass.
    return Plan(action=decision.pass_action(), thought=p.thought, label=p.label)


# One worker thread: the bots' work is pure Python, so more threads would only fight the
# event loop for the GIL (and stall every stream) without computing anything faster.
_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="builtin-bot")


async def decide(view: SeatView, decision: Decision, turn: Turn) -> Plan:
    """The rule-based bot as a bot kind: pure computation, run off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_THREAD, plan, view, decision, turn.rng)


register(BotKind("builtin", decide))

__all__ = ["HANDLERS", "choose", "decide", "plan"]
