"""One DSPy program per decision a bot makes, each target typed with that moment's options.

A signature's docstring is its instruction; its output fields are what the model
writes. ``reasoning`` is private (it streams to spectators as the bot's thought) and
``speech`` is public (it streams to whoever hears that speech). Every choice is a
``Literal`` of the options legal at that moment, set per call with
``with_updated_fields``, so DSPy's parser refuses anything else before the rules
engine checks it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

import dspy

from server.game.state import Action, Decision
from shared.text import clean

from .fields import scrub_markers


class Decide(dspy.Signature):
    """Play your seat in a game of Werewolf."""

    briefing: str = dspy.InputField(desc="the game as your seat knows it, from the game master")
    language: str = dspy.InputField(
        desc="'en' or 'zh': write your reasoning and speech in this language"
    )
    reasoning: str = dspy.OutputField(
        desc="your private reasoning, 2-4 short sentences; nobody else ever sees it"
    )


class WolfTalk(Decide):
    """You are a werewolf. It is night, and only your fellow wolves hear you: propose
    tonight's victim (say "kill seat N") and how the pack should play tomorrow, then cast
    your own kill vote. Killing a player the village trusts, or a likely seer or witch,
    is usually best; agree with the pack unless its choice is bad."""

    # The vote first: a talk cut at its cap (or by the token limit) still carries it.
    target: str = dspy.OutputField(desc="the seat number you vote to kill tonight")
    speech: str = dspy.OutputField(desc="what you say to your fellow wolves, 1-3 sentences")


class WolfKill(Decide):
    """You are a werewolf. Vote for tonight's victim. Killing a player the village trusts,
    or a likely seer or witch, is usually best; follow your pack's plan unless it is bad."""

    target: str = dspy.OutputField(desc="the seat number to kill")


class SeerCheck(Decide):
    """You are the seer. Choose one player to check tonight: you will learn whether they
    are a werewolf. Check whoever would settle the most if you knew."""

    target: str = dspy.OutputField(desc="the seat number to check")


class WitchNight(Decide):
    """You are the witch. You hold at most one antidote and one poison for the whole game.
    Decide tonight: save the wolves' victim, poison a player you are sure is a wolf, or
    pass (do nothing) and keep your potions."""

    choice: str = dspy.OutputField(desc="'save', 'poison N' or 'pass'")


class DaySpeech(Decide):
    """It is day and your turn to speak to the whole table. Say what you believe and why,
    whom you suspect, and (if it helps your side) what you know. Wolves lie to survive;
    the village must find them."""

    speech: str = dspy.OutputField(desc="your speech to the table, 2-5 sentences")


class RunoffSpeech(Decide):
    """The exile vote tied and you are in the run-off. Speak to the table once more to
    persuade them to exile the other candidate instead of you."""

    speech: str = dspy.OutputField(desc="your run-off speech, 1-3 sentences")


class LastWords(Decide):
    """You have died. Speak your last words to the table: what you knew, whom you
    suspect, what the living should do."""

    speech: str = dspy.OutputField(desc="your last words, 1-3 sentences")


class Vote(Decide):
    """Vote to exile one living player (or abstain). Your side wins by exiling the other
    side; weigh claims, votes and who died."""

    target: str = dspy.OutputField(desc="the seat number to exile, or 'abstain'")


class RunoffVote(Decide):
    """Run-off vote: exile one of the tied candidates, or abstain."""

    target: str = dspy.OutputField(desc="the seat number to exile, or 'abstain'")


class HunterShot(Decide):
    """You are the hunter and you have died. You may shoot one living player, who dies
    with you, or hold your fire. Shoot only someone you believe is a wolf."""

    target: str = dspy.OutputField(desc="the seat number to shoot, or 'none'")


@dataclass(frozen=True)
class Program:
    signature: type[dspy.Signature]
    labels: tuple[str, str]  # the caption of the bot's thought while it decides (en, zh)
    choice: str | None = None  # the output field holding the choice (None: a speech)

    def label(self, lang: str) -> str:
        return self.labels[1] if lang == "zh" else self.labels[0]


PROGRAMS: dict[str, Program] = {
    "wolf_chat": Program(WolfTalk, ("plotting with the pack", "与狼队密谋"), "target"),
    "wolf_kill": Program(WolfKill, ("choosing tonight's victim", "选择刀口"), "target"),
    "check": Program(SeerCheck, ("choosing whom to check", "选择查验"), "target"),
    "witch": Program(WitchNight, ("weighing the potions", "女巫用药"), "choice"),
    "speak": Program(DaySpeech, ("preparing a speech", "准备发言")),
    "pk_speak": Program(RunoffSpeech, ("preparing a run-off speech", "准备PK发言")),
    "last_words": Program(LastWords, ("last words", "遗言")),
    "vote": Program(Vote, ("deciding the vote", "考虑投票"), "target"),
    "pk_vote": Program(RunoffVote, ("deciding the run-off vote", "考虑PK投票"), "target"),
    "shoot": Program(HunterShot, ("taking aim", "瞄准"), "target"),
}

# How the model says "pass" where passing is one of its choices (elsewhere it must choose).
NO_TARGET = {"vote": "abstain", "pk_vote": "abstain", "shoot": "none", "witch": "pass"}


def _word(d: Decision, action: Action) -> str:
    """How the model writes ``action``: a seat number, "save", "poison N", or the pass."""
    if action.kind == "skip":
        return NO_TARGET[d.action]
    if action.kind == "save":
        return "save"
    if action.kind == "poison":
        return f"poison {action.target}"
    return str(action.target)


def answers(d: Decision) -> dict[str, Action]:
    """Every answer the model may write now, with the legal action it stands for: the
    decision's own choices (the rules'), the pass only where :data:`NO_TARGET` names it.
    A wolf's talk chooses the kill it proposes with its speech (see :func:`to_action`)."""
    if d.action == "wolf_chat":
        return {str(s): Action(seat=d.seat, kind="speak", target=s) for s in d.targets("speak")}
    return {_word(d, a): a for a in d.choices() if a.kind != "skip" or d.action in NO_TARGET}


def options(d: Decision) -> list[str]:
    """The answers legal now, as the model writes them."""
    return list(answers(d))


def typed(program: Program, d: Decision) -> type[dspy.Signature]:
    """The program's signature with its choice typed as this moment's legal options."""
    if program.choice is None:
        return program.signature
    legal = tuple(options(d))
    return program.signature.with_updated_fields(program.choice, type_=cast(type, Literal[legal]))


class IllegalAnswer(ValueError):
    """The model answered something that is not a legal choice now."""


def _choice(d: Decision, program: Program, prediction: dspy.Prediction) -> Action:
    assert program.choice is not None
    answer = str(prediction.get(program.choice) or "").strip().strip("'\"").lower()
    legal = answers(d)
    if answer not in legal:
        raise IllegalAnswer(f"{answer!r} is not one of {list(legal)}")
    return legal[answer]


def to_action(d: Decision, program: Program, prediction: dspy.Prediction) -> Action:
    """The model's answer as a game action; :class:`IllegalAnswer` if it is not legal now.

    A speech is ``speak`` with its text; a wolf's talk also carries the kill it proposes
    (``target``: the rules record it for the pack, and its own kill vote follows it)."""
    if d.speaks:
        # No escape reaches a terminal, no field marker is spoken.
        text = scrub_markers(clean(prediction.get("speech") or "")).strip()
        target = _choice(d, program, prediction).target if program.choice else None
        return Action(seat=d.seat, kind="speak", text=text, target=target)
    return _choice(d, program, prediction)
