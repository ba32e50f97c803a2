"""The moderator's voice: one line of text for an event, in English or Chinese.

Used by the plain-text CLI and the terminal client's timeline. Events that are
not the moderator's (tokens, thoughts) give None. The words are in
:mod:`shared.strings` (the ``narrate.*``, ``role.*``, ``side.*``, ``phase.*`` and
``action.*`` messages).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.events import (
    Badge,
    CheckResult,
    Death,
    Error,
    Event,
    GameCreated,
    GameOver,
    GuardResult,
    IdiotRevealed,
    NightAction,
    NightDeathCause,
    Phase,
    Resumed,
    RoleAssigned,
    SelfDestruct,
    SheriffCandidates,
    Shot,
    SpeakingOrder,
    VoteResult,
    Waiting,
    WitchInfo,
)
from shared.strings import name, say


def seat(n: int | None, lang: str) -> str:
    if n is None:
        return say("seat.nobody", lang)
    return say("seat.name", lang, n=n)


def seats(ns: list[int], lang: str) -> str:
    return say("list.sep", lang).join(say("seat.in_list", lang, n=n) for n in ns)


def role_name(role: str, lang: str) -> str:
    return name("role", role, lang)


def side_name(side: str, lang: str) -> str:
    return say(f"side.{side}", lang)


def phase_name(phase: str, lang: str) -> str:
    return name("phase", phase, lang)


def action_name(action: str, lang: str) -> str:
    return name("action", action, lang)


def _vote_result(e: VoteResult, lang: str) -> str:
    tally = say("narrate.tally_sep", lang).join(
        say("narrate.tally_item", lang, seat=t, votes=n) for t, n in sorted(e.tally.items())
    ) or say("narrate.tally_none", lang)
    none = say("narrate.ballot_none", lang)
    ballots = say("narrate.ballot_sep", lang).join(
        say("narrate.ballot", lang, voter=v, target=t if t is not None else none)
        for v, t in sorted(e.votes.items())
    )
    if e.kind == "wolf":
        return say("narrate.wolves_choose", lang, seat=seat(e.chosen, lang), ballots=ballots)
    head = say(f"narrate.{_VOTE_HEADS[e.kind]}", lang)
    if e.chosen is not None:
        won = "narrate.sheriff_chosen" if e.kind.startswith("sheriff") else "narrate.voted_out"
        outcome = say(won, lang, seat=seat(e.chosen, lang))
    elif e.tie:
        outcome = say("narrate.tie", lang, seats=seats(e.tie, lang))
    else:
        outcome = say("narrate.nobody_exiled", lang)
    return say(
        "narrate.vote_result", lang, head=head, tally=tally, ballots=ballots, outcome=outcome
    )


_VOTE_HEADS = {
    "day": "vote",
    "pk": "pk_vote",
    "sheriff": "sheriff_vote",
    "sheriff_pk": "sheriff_pk_vote",
}


def _witch_info(e: WitchInfo, lang: str) -> str:
    if e.victim is None:
        victim = say("narrate.victim_unknown", lang)
    else:
        victim = say("narrate.victim", lang, seat=e.victim)
    potions = []
    if e.can_save:
        potions.append(say("narrate.antidote", lang))
    if e.can_poison:
        potions.append(say("narrate.poison", lang))
    held = say("narrate.potion_sep", lang).join(potions) or say("narrate.no_potion", lang)
    return say("narrate.witch", lang, victim=victim, potions=held)


def narrate(e: Event, lang: str = "en") -> str | None:
    """The moderator's line for ``e`` (None: the moderator says nothing of it)."""
    line = _LINES.get(type(e))
    return line(e, lang) if line is not None else None


def _game_created(e: GameCreated, lang: str) -> str | None:
    board = say("narrate.board_sep", lang).join(
        say("narrate.board_item", lang, count=n, role=role_name(r, lang))
        for r, n in e.roles.items()
    )
    return say("narrate.new_game", lang, players=e.players, board=board)


def _role_assigned(e: RoleAssigned, lang: str) -> str | None:
    mates = [m for m in e.teammates if m != e.seat]
    text = say("narrate.role", lang, seat=e.seat, role=role_name(e.role, lang))
    if mates:
        text += say("narrate.fellow_wolves", lang, seats=seats(mates, lang))
    return text


def _phase(e: Phase, lang: str) -> str | None:
    if e.phase == "game_over":
        return None
    if e.phase == "night":
        return say("narrate.night_falls", lang, day=e.day)
    if e.phase == "day":
        return say("narrate.day_breaks", lang, day=e.day)
    return say("narrate.phase", lang, day=e.day, phase=say(f"phase.{e.phase}", lang))


def _death(e: Death, lang: str) -> str | None:
    if not e.seats:
        return say("narrate.peaceful_night", lang)
    who = seats(e.seats, lang)
    if e.cause == "night":
        return say("narrate.died_in_night", lang, seats=who)
    if e.cause == "exile":
        return say("narrate.exiled", lang, seats=who)
    if e.cause == "destruct":
        return say("narrate.destructed", lang, seats=who)
    return say("narrate.shot", lang, seats=who)


def _night_death_cause(e: NightDeathCause, lang: str) -> str | None:
    key = {"wolves": "narrate.killed_by_wolves", "poison": "narrate.poisoned"}[e.cause]
    return say(key, lang, seat=e.seat)


def _check_result(e: CheckResult, lang: str) -> str | None:
    verdict = say("narrate.is_wolf" if e.is_wolf else "narrate.is_good", lang)
    return say("narrate.check", lang, target=e.target, verdict=verdict)


def _night_action(e: NightAction, lang: str) -> str | None:
    if e.action == "save":
        return say("narrate.saved", lang, seat=e.target)
    if e.action == "poison":
        return say("narrate.poisoned_by_you", lang, seat=e.target)
    if e.action == "guard":
        return say("narrate.guarded", lang, seat=e.target)
    return None


def _candidates(e: SheriffCandidates, lang: str) -> str | None:
    if e.withdrawn:
        left = seats(e.seats, lang) if e.seats else say("narrate.nobody_left", lang)
        return say("narrate.withdrawn", lang, withdrawn=seats(e.withdrawn, lang), seats=left)
    if not e.seats:
        return say("narrate.no_candidates", lang)
    return say("narrate.candidates", lang, seats=seats(e.seats, lang))


def _badge(e: Badge, lang: str) -> str | None:
    return say(f"narrate.badge_{e.how}", lang, seat=e.seat, previous=e.previous)


def _self_destruct(e: SelfDestruct, lang: str) -> str | None:
    return say("narrate.self_destruct", lang, seat=e.seat)


def _idiot_revealed(e: IdiotRevealed, lang: str) -> str | None:
    return say("narrate.idiot_revealed", lang, seat=e.seat)


def _speaking_order(e: SpeakingOrder, lang: str) -> str | None:
    direction = say(f"direction.{e.direction}", lang)
    order = seats(e.seats, lang)
    if e.sheriff is not None:
        return say(
            "narrate.order_sheriff", lang, sheriff=e.sheriff, direction=direction, seats=order
        )
    return say("narrate.order", lang, direction=direction, seats=order)


def _guard_result(e: GuardResult, lang: str) -> str | None:
    key = "narrate.guard_double" if e.double else "narrate.guard_blocked"
    return say(key, lang, seat=e.seat, target=e.target)


def _shot(e: Shot, lang: str) -> str | None:
    if e.target is None:
        return say("narrate.hunter_holds", lang, seat=e.seat)
    return say("narrate.hunter_shoots", lang, seat=e.seat, target=e.target)


def _game_over(e: GameOver, lang: str) -> str | None:
    return say("narrate.game_over", lang, side=side_name(e.winner, lang), reason=e.reason)


def _waiting(e: Waiting, lang: str) -> str | None:
    if not e.seats:
        return say("narrate.paused", lang)
    return say(
        "narrate.waiting",
        lang,
        seats=seats(e.seats, lang),
        action=action_name(e.action, lang),
    )


def _error(e: Error, lang: str) -> str | None:
    return say("narrate.error", lang, message=e.message)


def _resumed(e: Resumed, lang: str) -> str | None:
    phase = say(f"phase.{e.phase}", lang).lower()
    return say("narrate.resumed", lang, day=e.day, phase=phase)


_LINES: dict[type, Callable[[Any, str], str | None]] = {
    GameCreated: _game_created,
    RoleAssigned: _role_assigned,
    Phase: _phase,
    Death: _death,
    NightDeathCause: _night_death_cause,
    VoteResult: _vote_result,
    CheckResult: _check_result,
    WitchInfo: _witch_info,
    NightAction: _night_action,
    Shot: _shot,
    SheriffCandidates: _candidates,
    Badge: _badge,
    SelfDestruct: _self_destruct,
    IdiotRevealed: _idiot_revealed,
    SpeakingOrder: _speaking_order,
    GuardResult: _guard_result,
    GameOver: _game_over,
    Waiting: _waiting,
    Error: _error,
    Resumed: _resumed,
}
