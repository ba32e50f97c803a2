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

    # The vote first (a speech cut at its cap still carries it): cast when the votes
    # are called, without another call, as 归票 — a vote said with the speech.
    vote: str = dspy.OutputField(desc="the seat number you will vote to exile today, or 'abstain'")
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


def decision(
    name: str,
    instruction: str,
    labels: tuple[str, str],
    choice: str | None = "target",
    desc: str = "the seat number",
    speech: str | None = None,
) -> Program:
    """A new decision's program in one entry: its instruction, its caption, and what the
    model writes (a choice, typed per call with the legal options; and/or a speech)."""
    fields: dict = {}
    annotations: dict = {}
    if choice is not None:
        fields[choice] = dspy.OutputField(desc=desc)
        annotations[choice] = str
    if speech is not None:
        fields["speech"] = dspy.OutputField(desc=speech)
        annotations["speech"] = str
    signature = type(
        name.title().replace("_", ""),
        (Decide,),
        {"__doc__": instruction, "__annotations__": annotations, **fields},
    )
    return Program(signature, labels, choice)


# The sheriff (警长), the guard (守卫), the speaking direction: one entry each.
PROGRAMS.update(
    {
        "stand": decision(
            "stand",
            """Today the table elects a sheriff (警长), whose vote counts 1.5 and who sets the
            speaking order. Decide whether to stand for sheriff (上警).""",
            ("deciding whether to stand", "考虑上警"),
            "choice",
            "'stand' or 'pass'",
        ),
        "withdraw": decision(
            "withdraw",
            """You stood for sheriff and have heard the candidates. Decide whether to withdraw
            (退水) or stay in the race.""",
            ("deciding whether to withdraw", "考虑退水"),
            "choice",
            "'withdraw' or 'pass'",
        ),
        "sheriff_speak": decision(
            "sheriff_speak",
            """You are a candidate for sheriff. Speak to the table: why they should give you
            the badge, what you know, and your badge plan (警徽流).""",
            ("preparing a campaign speech", "准备竞选发言"),
            None,
            speech="your campaign speech, 2-5 sentences",
        ),
        "sheriff_pk_speak": decision(
            "sheriff_pk_speak",
            """The sheriff vote tied and you are in the run-off. Speak once more for the badge.""",
            ("preparing a run-off campaign speech", "准备警上PK发言"),
            None,
            speech="your run-off speech, 1-3 sentences",
        ),
        "sheriff_vote": decision(
            "sheriff_vote",
            """Vote for the sheriff among the candidates (or abstain).""",
            ("voting for sheriff", "警长投票"),
            desc="the seat number to vote for, or 'abstain'",
        ),
        "sheriff_pk_vote": decision(
            "sheriff_pk_vote",
            """Run-off vote for sheriff: one of the tied candidates, or abstain.""",
            ("voting in the sheriff run-off", "警长PK投票"),
            desc="the seat number to vote for, or 'abstain'",
        ),
        "badge": decision(
            "badge",
            """You are the sheriff and you are dying: pass the badge to a living player you
            trust, or tear it (撕警徽) so nobody gets it.""",
            ("passing the badge", "移交警徽"),
            desc="the seat number to pass the badge to, or 'tear'",
        ),
        "direction": decision(
            "direction",
            """You are the sheriff: choose whether today's speeches go to your left (警左,
            lower seats first) or your right (警右).""",
            ("choosing the speaking order", "选择发言顺序"),
            "choice",
            "'left' or 'right'",
        ),
        "protect": decision(
            "protect",
            """You are the guard (守卫). Choose one player to protect tonight from the wolves
            (not the same player two nights running), or protect nobody.""",
            ("choosing whom to guard", "选择守护"),
            desc="the seat number to protect, or 'none'",
        ),
    }
)

# How the model says "pass" where passing is one of its choices; the wolves' kill and the
# seer's check must choose. Elsewhere the pass is written "pass".
NO_TARGET = {
    "vote": "abstain",
    "pk_vote": "abstain",
    "sheriff_vote": "abstain",
    "sheriff_pk_vote": "abstain",
    "shoot": "none",
    "protect": "none",
    "witch": "pass",
}
MUST_CHOOSE = frozenset({"wolf_kill", "check"})


def _word(d: Decision, action: Action) -> str:
    """How the model writes ``action``: a seat number, "save", "poison N", a word
    ("stand", "left", "tear"), or the pass."""
    if action.kind == "skip":
        return NO_TARGET.get(d.action, "pass")
    if action.kind == "save" or action.target is None:
        return str(action.kind)
    named = [k for k in d.kinds if k not in ("speak", "skip", "save") and d.targets(k)]
    if len(named) > 1 or action.kind == "poison":  # several ways to name a seat: say which
        return f"{action.kind} {action.target}"
    return str(action.target)


def answers(d: Decision) -> dict[str, Action]:
    """Every answer the model may write now, with the legal action it stands for: the
    decision's own choices (the rules'), the pass except where it must choose.
    A wolf's talk chooses the kill it proposes with its speech (see :func:`to_action`)."""
    if d.action == "wolf_chat":
        return {str(s): Action(seat=d.seat, kind="speak", target=s) for s in d.targets("speak")}
    return {_word(d, a): a for a in d.choices() if a.kind != "skip" or d.action not in MUST_CHOOSE}


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
