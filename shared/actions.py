"""What a seat may do: the decision the game asks of it, and the action that answers it.

The rules (``server/game``) decide which decisions are pending; a :class:`Decision`
knows its own legal actions, the way to pass, and whether a given action is allowed,
as python-chess's board knows its legal moves. The terminal client builds its choices
from the same object, and the server checks every answer with :meth:`Decision.check`
whatever the client thought: one action, one legality, from the key press to ``apply``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from shared.audience import Visibility
from shared.text import clean, refusal

ActionKind = Literal[
    "speak",
    "vote",
    "kill",
    "check",
    "save",
    "poison",
    "skip",
    "shoot",
    # the sheriff's election and badge, the speaking direction
    "stand",
    "withdraw",
    "badge",
    "tear",
    "left",
    "right",
    # the guard's protection, a wolf's self-destruct
    "guard",
    "destruct",
]

# What the game asks (the decision's kind); ``advance`` is step mode's pause, not a seat's.
DecisionKind = Literal[
    "speak",
    "wolf_chat",
    "wolf_kill",
    "check",
    "witch",
    "vote",
    "pk_speak",
    "pk_vote",
    "last_words",
    "shoot",
    # the sheriff (警长): stand (上警), speak on the stage, withdraw (退水), vote, PK
    "stand",
    "sheriff_speak",
    "withdraw",
    "sheriff_vote",
    "sheriff_pk_speak",
    "sheriff_pk_vote",
    "badge",  # a dying sheriff passes the badge or tears it (撕警徽)
    "direction",  # the sheriff picks who speaks first: 警左 / 警右
    "protect",  # the guard (守卫) at night
]

# The decisions answered by speaking.
SPEECH_DECISIONS: frozenset[str] = frozenset(
    {"speak", "wolf_chat", "pk_speak", "last_words", "sheriff_speak", "sheriff_pk_speak"}
)
TARGETED: frozenset[str] = frozenset({"vote", "kill", "check", "shoot", "poison", "badge", "guard"})

# Answers that may name nobody: the save (tonight's victim is implied) and the passes.
NAMELESS_OK: frozenset[str] = frozenset({"save", "vote", "kill", "check", "shoot", "guard"})

# Answers that never name anyone: one action each (stand, withdraw, tear the badge, a
# direction, a wolf's self-destruct).
NAMELESS: tuple[ActionKind, ...] = ("stand", "withdraw", "tear", "left", "right", "destruct")

MAX_SPEECH_CHARS = 500


class GameError(Exception):
    """Base of every error the rules raise."""


class IllegalAction(GameError):
    """The action is not legal now. The state is unchanged.

    ``code`` is one of: ``game_over``, ``unknown_seat``, ``dead_seat``,
    ``not_your_turn``, ``already_decided``, ``wrong_action``, ``illegal_target``,
    ``potion_used``, ``bad_text``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Action(BaseModel):
    """One seat's answer to the decision it is asked for: the body of ``POST /actions``.

    ``kind`` is how it answers (``skip`` passes: abstain, no kill, no shot, silence; a
    vote, kill, check or shot that names nobody passes too); ``target`` the seat it
    names (for a wolf's speech at night: the kill it proposes);
    ``text`` the words of a speech: one paragraph of plain text (line breaks and tabs
    become spaces; a control character, escape sequence, bidi control or lone surrogate
    is refused, as it would act on the terminals of everyone who hears the speech).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    seat: int
    kind: ActionKind
    target: int | None = None
    text: str | None = None

    @field_validator("text")
    @classmethod
    def _plain_text(cls, text: str | None) -> str | None:
        if text is None:
            return None
        if why := refusal(text):
            raise ValueError(why)
        return clean(text)


class Decision(BaseModel):
    """What one seat must decide now, and everything that makes an answer legal.

    ``kinds`` are the ways to answer; ``options`` the seats a targeted answer may name
    (for the witch: whom she may poison; for the wolves' talk: whom a wolf may propose);
    ``victim`` the seat the witch may save; ``channel`` who hears a speech.
    """

    model_config = ConfigDict(frozen=True)

    seat: int
    action: DecisionKind
    kinds: tuple[ActionKind, ...] = ()
    options: list[int] = []
    victim: int | None = None
    channel: Visibility | None = None

    # -- what is legal ------------------------------------------------------------
    @property
    def speaks(self) -> bool:
        return self.action in SPEECH_DECISIONS

    @property
    def can_skip(self) -> bool:
        return "skip" in self.kinds

    @property
    def can_save(self) -> bool:
        return "save" in self.kinds

    @property
    def can_poison(self) -> bool:
        return "poison" in self.kinds

    def targets(self, kind: ActionKind) -> list[int]:
        """The seats an action of ``kind`` may name (empty: it names none)."""
        if kind not in self.kinds:
            return []
        if kind == "save":
            return [self.victim] if self.victim is not None else []
        if kind == "speak":
            return list(self.options) if self.action == "wolf_chat" else []
        return list(self.options) if kind in TARGETED else []

    @property
    def can_destruct(self) -> bool:
        """A living wolf's speaking turn by day: he may self-destruct (自爆) instead."""
        return "destruct" in self.kinds

    def pass_action(self) -> Action:
        """How this seat passes: silence, abstain, no kill, no shot, no potion; where
        nothing is skipped, the first answer that names nobody (tear the badge, 警左)."""
        if self.can_skip:
            return Action(seat=self.seat, kind="skip")
        if "speak" in self.kinds:
            return Action(seat=self.seat, kind="speak", text="")
        for kind in self.kinds:
            if kind in NAMELESS:
                return Action(seat=self.seat, kind=kind)
        raise AssertionError(f"decision '{self.action}' has no way to pass")

    def choices(self) -> list[Action]:
        """Every legal answer that is not a speech, the pass last."""
        out = [
            Action(seat=self.seat, kind=kind, target=target)
            for kind in self.kinds
            if kind not in ("speak", "skip")
            for target in ([None] if kind in NAMELESS else self.targets(kind))
        ]
        return [*out, self.pass_action()] if self.can_skip else out

    def refusal(self, action: Action) -> IllegalAction | None:
        """Why ``action`` does not answer this decision, or None when it is legal."""
        if action.seat != self.seat:
            return IllegalAction("not_your_turn", f"this decision is seat {self.seat}'s")
        kind, target = action.kind, action.target
        if kind not in self.kinds:
            return IllegalAction(
                "wrong_action",
                f"seat {self.seat} must answer '{self.action}' with one of "
                f"{list(self.kinds)}, not '{kind}'",
            )
        if kind == "skip":
            if target is not None or action.text:
                return IllegalAction("wrong_action", "a pass names nobody and says nothing")
            return None
        if kind == "speak":
            if action.text is None:
                return IllegalAction("bad_text", "a speech needs text")
            if len(action.text) > MAX_SPEECH_CHARS:
                return IllegalAction(
                    "bad_text", f"a speech is at most {MAX_SPEECH_CHARS} characters"
                )
            if target is not None and target not in self.targets("speak"):
                return IllegalAction(
                    "illegal_target", f"seat {target} can't be named in '{self.action}'"
                )
            return None
        if action.text is not None:
            return IllegalAction("bad_text", f"'{kind}' carries no text")
        if kind in NAMELESS:
            if target is not None:
                return IllegalAction("illegal_target", f"'{kind}' names nobody")
            return None
        legal = self.targets(kind)
        if target is None and kind in NAMELESS_OK:
            # save: tonight's victim, named or not; a vote, kill, check or shot naming nobody
            # passes, as 'skip' does
            return None
        if target is None:
            return IllegalAction("illegal_target", f"'{kind}' needs a target (legal: {legal})")
        if target not in legal:
            return IllegalAction(
                "illegal_target",
                f"seat {target} is not a legal target for '{kind}' (legal: {legal})",
            )
        return None

    def allows(self, action: Action) -> bool:
        return self.refusal(action) is None

    def check(self, action: Action) -> None:
        """Raise :class:`IllegalAction` unless ``action`` answers this decision legally."""
        error = self.refusal(action)
        if error is not None:
            raise error


__all__ = [
    "MAX_SPEECH_CHARS",
    "NAMELESS",
    "SPEECH_DECISIONS",
    "Action",
    "ActionKind",
    "Decision",
    "DecisionKind",
    "GameError",
    "IllegalAction",
]
