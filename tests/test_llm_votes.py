"""A day speech carries the seat's vote (归票), cast when the votes are called.

The vote is still its own decision under the rules: cast only when the votes are called,
checked against the options legal then, never heard before; the model is asked again
when the vote it said is no longer legal, or when a later speech brought hard news on it
(a role claimed or a check reported on the seat it named, or on itself). Against the
scripted OpenAI-compatible server on loopback; nothing of ours mocked.
"""

from __future__ import annotations

import random

import pytest

from devtools.scripted_llm import ScriptedLLM
from server.bots import Turn, close_bots
from server.game import Action, Decision, GameConfig, GameState, apply, new_game, pending
from server.game.view import seat_view
from server.llm.bot import llm_bot
from server.llm.calls import MemoryCallLog
from server.llm.settings import LLMSettings
from server.typewriter import Typewriter
from shared.events import Token


@pytest.fixture(scope="module")
def llm():
    with ScriptedLLM() as server:
        yield server


def first_day(seed: int = 3) -> GameState:
    """A 9-player table past its first night (a kill, a check, the witch passes)."""
    state = new_game(GameConfig(players=9, seed=seed)).state
    while not any(d.action == "speak" for d in pending(state)):
        d = pending(state)[0]
        kind = {"wolf_chat": "speak", "wolf_kill": "kill", "check": "check"}.get(d.action, "skip")
        target = d.options[0] if kind in ("kill", "check") else None
        text = "" if kind == "speak" else None
        state = apply(state, Action(seat=d.seat, kind=kind, target=target, text=text)).state
    return state


async def decide(
    state: GameState,
    d: Decision,
    llm: ScriptedLLM,
    heard: list | None = None,
    game: str = "the game",
):
    log = MemoryCallLog()
    write = heard.append if heard is not None else (lambda _e: None)
    turn = Turn(random.Random(0), Typewriter(write, 0), record=log.add, game=game)
    settings = LLMSettings(base_url=llm.base_url, model="scripted")
    try:
        return await llm_bot(seat_view(state, d.seat), d, turn, settings=settings), log
    finally:
        await close_bots()


async def speech_then_votes(llm: ScriptedLLM, later: str) -> tuple[GameState, int, int]:
    """The first speaker (a model) says it votes for seat V; the others speak ``later``
    (``{v}`` is V); then the votes are called. (state, the speaker, V)."""
    state = first_day()
    d = pending(state)[0]
    v = next(s for s in state.living() if s not in (d.seat,))
    llm.reset()
    llm.script(
        {
            "kind": "reply",
            "text": f"[[ ## reasoning ## ]]\nSeat {v} dodged.\n\n[[ ## vote ## ]]\n{v}\n\n"
            f"[[ ## speech ## ]]\nI don't trust seat {v}'s story.\n\n[[ ## completed ## ]]",
        }
    )
    heard: list = []
    plan, _log = await decide(state, d, llm, heard)
    said = "".join(e.content for e in heard if isinstance(e, Token))
    assert said == f"I don't trust seat {v}'s story." and str(v) in said  # the vote unheard
    state = apply(state, plan.action).state
    while (nxt := pending(state)[0]).action == "speak":
        state = apply(state, Action(seat=nxt.seat, kind="speak", text=later.format(v=v))).state
    return state, d.seat, v


async def test_the_vote_said_with_the_speech_is_cast_when_the_votes_are_called(llm):
    state, seat, v = await speech_then_votes(llm, "Nothing new from me.")
    d = next(x for x in pending(state) if x.seat == seat)
    assert d.action == "vote"  # the vote is its own decision, called after every speech
    llm.reset()
    plan, log = await decide(state, d, llm)
    assert plan.action == Action(seat=seat, kind="vote", target=v)
    assert not llm.calls() and not log.records  # no second call
    # The same vote, put with options that no longer hold it: the model is asked.
    narrowed = d.model_copy(update={"options": [s for s in d.options if s != v]})
    plan, log = await decide(state, narrowed, llm)
    assert len(llm.calls()) == 1 and plan.action.target in narrowed.options + [None]


async def test_a_vote_said_in_one_game_is_never_cast_in_another(llm):
    """Two games at one server can hear the same words from the same seat on the same day
    (the same seeds and model, or a short "no news"): the vote said with them in one game
    is not cast in the other, whose model is asked."""
    state, seat, _v = await speech_then_votes(llm, "Nothing new from me.")
    d = next(x for x in pending(state) if x.seat == seat)
    llm.reset()
    plan, log = await decide(state, d, llm, game="another game")
    assert len(llm.calls()) == 1 and [r.decision for r in log.records] == ["vote"]
    assert plan.action.kind in ("vote", "skip") and not plan.fallback


@pytest.mark.parametrize(
    "news", ["I am the seer: seat {v} is good.", "I checked seat {v}, a wolf.", "I am the witch."]
)
async def test_a_later_claim_or_check_on_the_voted_seat_asks_the_model_again(llm, news):
    # "I am the witch." said by every later speaker, the voted seat among them.
    state, seat, _v = await speech_then_votes(llm, news)
    d = next(x for x in pending(state) if x.seat == seat)
    llm.reset()
    plan, log = await decide(state, d, llm)
    assert len(llm.calls()) == 1 and [r.decision for r in log.records] == ["vote"]
    assert plan.action.kind in ("vote", "skip") and not plan.fallback
