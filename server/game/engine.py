"""The rules of the game as a pure state machine: no I/O, no LangGraph, no LLM.

``new_game(config)`` deals the roles; ``pending(state)`` lists the decisions the
game waits on; ``apply(state, action)`` returns the new state and the events it
produced, or raises :class:`IllegalAction` and leaves the state untouched.

The game runs an *agenda* of steps. Steps that need nobody (dawn, the start of
a day) run by themselves; the others wait on one seat at a time (speeches, the
hunter's shot) or on several seats at once (votes, the night's actions).
"""

from __future__ import annotations

import random
import weakref
from collections import Counter
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from shared.actions import ActionKind, DecisionKind
from shared.audience import Visibility
from shared.events import (
    GOD,
    PUBLIC,
    WOLVES,
    Badge,
    BadgeHow,
    CheckResult,
    Death,
    Decided,
    Direction,
    Event,
    GameCreated,
    GameOver,
    GuardResult,
    IdiotRevealed,
    NightAction,
    NightDeathCause,
    Phase,
    Role,
    RoleAssigned,
    SeatInfo,
    SelfDestruct,
    SheriffCandidates,
    Shot,
    SpeakingOrder,
    SpeechEnd,
    SpeechKind,
    VoteCast,
    VoteResult,
    WitchInfo,
    only,
)

from .config import GODS, GameConfig
from .names import seat_names
from .state import (
    SEQUENTIAL,
    SPEECH_STEPS,
    Action,
    Decision,
    GameState,
    IllegalAction,
    Night,
    Step,
)

# The gods who work in the night's simultaneous step, beside the pack's kill: the seer
# checks and the guard protects (the witch acts after, knowing the wolves' victim).
NIGHT_GODS: tuple[Role, ...] = ("seer", "guard")


@dataclass(frozen=True)
class Transition:
    state: GameState
    events: list[Event]


# ---------------------------------------------------------------------------
# Public API


def new_game(config: GameConfig) -> Transition:
    """Deal the roles from the seeded RNG and run up to the first decision."""
    roles: list[Role] = [r for r, n in config.board().items() for _ in range(n)]
    random.Random(config.seed).shuffle(roles)
    names = seat_names(
        config.lang, config.players, config.seed if config.names_seed is None else config.names_seed
    )
    state = GameState(
        config=config,
        names=names,
        roles=roles,
        alive=[True] * len(roles),
        agenda=[Step(kind="night_start")],
    )
    g = _Game(state)
    g.emit(
        GameCreated(
            players=config.players,
            lang=config.lang,
            seats=[SeatInfo(seat=s, name=names[s - 1]) for s in state.seats()],
            roles={r: n for r, n in config.board().items()},
            options=config.model_dump(exclude={"seed", "names_seed", "lang", "players"}),
        )
    )
    wolves = state.wolves()
    for s in state.seats():
        role = state.role(s)
        g.emit(
            RoleAssigned(
                seat=s, role=role, teammates=wolves if role == "werewolf" else [], vis=only(s)
            )
        )
    g.advance()
    return Transition(g.s, g.events)


def pending(state: GameState) -> list[Decision]:
    """The decisions the game waits on now, in seat order (empty once it is over)."""
    # Asked several times of one state (the run, the check of each action, the next node):
    # computed once. A state handed out is never mutated (``apply`` works on a copy).
    last = _pending_memo[0]
    if last is not None and last[0]() is state:
        return list(last[1])
    decisions = _pending(state)
    _pending_memo[0] = (weakref.ref(state), decisions)
    return list(decisions)


_pending_memo: list[tuple[weakref.ref[GameState], list[Decision]] | None] = [None]


def _waited_on(state: GameState) -> list[int]:
    """The seats the game waits on now, in seat order (none once it is over)."""
    step = state.step
    if state.over or step is None:
        return []
    if step.kind in SEQUENTIAL:
        return [step.seats[step.index]]
    return [seat for seat in step.seats if seat not in state.answers]


def _pending(state: GameState) -> list[Decision]:
    step = state.step
    return [_decision(state, step.kind, seat) for seat in _waited_on(state)] if step else []


def decision_for(state: GameState, seat: int) -> Decision | None:
    """What ``seat`` must decide now, or None if the game is not waiting on it."""
    last = _pending_memo[0]
    if last is not None and last[0]() is state:
        return next((d for d in last[1] if d.seat == seat), None)
    # Only this seat's decision: every action of a simultaneous step is checked against the
    # state the one before it left, and making every seat's decision again for each (a
    # vote's nine, then eight...) was ~2% of an all-bot game.
    step = state.step
    if step is not None and seat in _waited_on(state):
        return _decision(state, step.kind, seat)
    return None


def apply(state: GameState, action: Action) -> Transition:
    """Apply one seat's action. Raises :class:`IllegalAction`; ``state`` is never mutated."""
    decision = validate(state, action)
    g = _Game(_clone(state))
    g.accept(action, decision.action)
    g.advance()
    return Transition(g.s, g.events)


def validate(state: GameState, action: Action) -> Decision:
    """Check an action against the pending decision; return that decision."""
    seat = action.seat
    if state.over:
        raise IllegalAction("game_over", "the game is over")
    if seat not in state.seats():
        raise IllegalAction("unknown_seat", f"there is no seat {seat}")
    decision = decision_for(state, seat)
    if decision is None:
        if not state.is_alive(seat) and not _may_act_dead(state, seat):
            raise IllegalAction("dead_seat", f"seat {seat} is dead")
        if state.step is not None and seat in state.answers:
            raise IllegalAction("already_decided", f"seat {seat} has already decided")
        raise IllegalAction("not_your_turn", f"the game is not waiting on seat {seat}")
    if decision.action == "witch" and action.kind in ("save", "poison"):
        # A spent potion is not among the witch's options: say so, rather than "wrong action".
        if action.kind == "save" and not state.antidote:
            raise IllegalAction("potion_used", "the antidote has been used")
        if action.kind == "poison" and not state.poison:
            raise IllegalAction("potion_used", "the poison has been used")
    decision.check(action)
    return decision


# ---------------------------------------------------------------------------
# Decisions


def _may_act_dead(state: GameState, seat: int) -> bool:
    step = state.step
    return step is not None and step.kind in ("last_words", "shoot", "badge") and seat in step.seats


def _others(state: GameState, seat: int) -> list[int]:
    return [s for s in state.living() if s != seat]


def _decision(state: GameState, kind: str, seat: int) -> Decision:
    """What the step ``kind`` asks of ``seat`` now."""
    if kind in _SPEECHES:
        action, channel = _SPEECHES[kind]
        # In the wolves' talk a wolf may name the kill it proposes (``Action.target``).
        options = state.living() if kind == "wolf_chat" else []
        kinds: tuple[ActionKind, ...] = ("speak", "skip")
        if kind in _DESTRUCT_TURNS and state.role(seat) == "werewolf" and state.is_alive(seat):
            kinds = ("speak", "skip", "destruct")  # 自爆: on his turn, instead of speaking
        return Decision(seat=seat, action=action, kinds=kinds, options=options, channel=channel)
    if kind == "night_actions" and state.role(seat) == "werewolf":
        return Decision(
            seat=seat, action="wolf_kill", kinds=("kill", "skip"), options=state.living()
        )
    if kind == "night_actions" and state.role(seat) == "guard":
        # himself allowed; never the seat he protected last night
        options = [s for s in state.living() if s != state.last_protected]
        return Decision(seat=seat, action="protect", kinds=("guard", "skip"), options=options)
    if kind == "witch":
        return _witch_decision(state, seat)
    if kind == "pk_vote":
        candidates = [s for s in state.pk_candidates if state.is_alive(s)]
        return Decision(seat=seat, action="pk_vote", kinds=("vote", "skip"), options=candidates)
    if kind == "sheriff_stand":
        return Decision(seat=seat, action="stand", kinds=("stand", "skip"))
    if kind == "sheriff_withdraw":
        return Decision(seat=seat, action="withdraw", kinds=("withdraw", "skip"))
    if kind in ("sheriff_vote", "sheriff_pk_vote"):
        action = "sheriff_vote" if kind == "sheriff_vote" else "sheriff_pk_vote"
        return Decision(
            seat=seat, action=action, kinds=("vote", "skip"), options=list(state.candidates)
        )
    if kind == "badge":
        return Decision(
            seat=seat, action="badge", kinds=("badge", "tear"), options=_others(state, seat)
        )
    if kind == "direction":
        return Decision(seat=seat, action="direction", kinds=("left", "right"))
    if kind in _TARGETED:  # the hunter's shot, the seer's check, the day's vote: anyone else
        action, answer = _TARGETED[kind]
        return Decision(
            seat=seat, action=action, kinds=(answer, "skip"), options=_others(state, seat)
        )
    raise AssertionError(f"step {kind} takes no decision")


def _witch_decision(state: GameState, seat: int) -> Decision:
    victim = state.night.victim if state.antidote else None
    self_save = state.config.witch_self_save
    can_save = victim is not None and (
        victim != seat or self_save == "always" or (self_save == "first_night" and state.day == 1)
    )
    kinds: list[ActionKind] = ["skip"]
    if can_save:
        kinds.append("save")
    if state.poison:
        kinds.append("poison")
    options = _others(state, seat) if state.poison else []
    return Decision(seat=seat, action="witch", kinds=tuple(kinds), options=options, victim=victim)


_SPEECHES: dict[str, tuple[DecisionKind, Visibility]] = {
    "wolf_chat": ("wolf_chat", WOLVES),
    "day_speech": ("speak", PUBLIC),
    "pk_speech": ("pk_speak", PUBLIC),
    "last_words": ("last_words", PUBLIC),
    "sheriff_speech": ("sheriff_speak", PUBLIC),
    "sheriff_pk_speech": ("sheriff_pk_speak", PUBLIC),
}
# The speaking turns on which a living wolf may self-destruct instead.
_DESTRUCT_TURNS = frozenset({"day_speech", "pk_speech", "sheriff_speech", "sheriff_pk_speech"})
_TARGETED: dict[str, tuple[DecisionKind, ActionKind]] = {
    "shoot": ("shoot", "shoot"),
    "night_actions": ("check", "check"),
    "vote": ("vote", "vote"),
}


# ---------------------------------------------------------------------------
# The machine


def _clone(state: GameState) -> GameState:
    """A copy safe to mutate. History entries are immutable and shared; so are the steps
    waiting on the agenda, copied when one is taken from it (``advance``: the one way a step
    becomes the current one, the only step that changes)."""
    return _copy(
        state,
        {
            "alive": list(state.alive),
            "agenda": list(state.agenda),
            "step": _copy(state.step) if state.step else None,
            "answers": dict(state.answers),
            "night": _copy(state.night),
            "pk_candidates": list(state.pk_candidates),
            "night_deaths": list(state.night_deaths),
            "candidates": list(state.candidates),
            "sheriff_voters": list(state.sheriff_voters),
            "history": list(state.history),
        },
    )


_M = TypeVar("_M", bound=BaseModel)
_set = object.__setattr__


def _copy(model: _M, update: dict[str, Any] | None = None) -> _M:
    """``model.model_copy(update=update)``, what pydantic's ``__copy__`` does without its
    generic ``copy.copy`` of each part: every action copies the state and its steps, and
    that copy was a tenth of a game's CPU. A model with private attributes or extra fields
    (none of the rules' have any) takes pydantic's own way."""
    if model.__pydantic_private__ is not None or model.__pydantic_extra__ is not None:
        return model.model_copy(update=update)
    new = object.__new__(type(model))
    values = model.__dict__.copy()
    fields_set = set(model.__pydantic_fields_set__)
    if update:
        values.update(update)
        fields_set.update(update)
    _set(new, "__dict__", values)
    _set(new, "__pydantic_fields_set__", fields_set)
    _set(new, "__pydantic_extra__", None)
    _set(new, "__pydantic_private__", None)
    return new


class _Game:
    """Mutates one private copy of the state and collects the events."""

    def __init__(self, state: GameState) -> None:
        self.s = state
        self.events: list[Event] = []

    # -- helpers ---------------------------------------------------------------
    def emit(self, event: Event) -> None:
        self.events.append(event)
        self.s.history.append(event)

    def rng(self) -> random.Random:
        self.s.rng_counter += 1
        return random.Random(self.s.config.seed * 1_000_003 + self.s.rng_counter)

    def phase(self, name) -> None:
        self.s.phase = name
        self.emit(Phase(phase=name, day=self.s.day))

    def push_front(self, *steps: Step) -> None:
        self.s.agenda[0:0] = list(steps)

    # -- answering -----------------------------------------------------------
    def accept(self, action: Action, decided: DecisionKind) -> None:
        """``decided``: the decision ``action`` answers (``validate``'s, on this state)."""
        s, step = self.s, self.s.step
        assert step is not None
        if step.kind in SEQUENTIAL:
            if action.kind == "destruct":
                self.self_destruct(step, action.seat)
                return
            self.answer_sequential(step, action)
            if s.step is not step:  # the answer started another step (the direction)
                return
            step.index += 1
            if step.index >= len(step.seats) or s.over:
                s.step = None
            else:
                self.skip_dead_speakers()
            return
        s.answers[action.seat] = action
        channel = {
            "night_actions": WOLVES if s.role(action.seat) == "werewolf" else only(action.seat),
            "witch": only(action.seat),
        }.get(step.kind, PUBLIC)
        self.emit(Decided(seat=action.seat, action=decided, vis=channel))
        if all(seat in s.answers for seat in step.seats):
            answers = dict(s.answers)
            s.answers = {}
            s.step = None
            self.resolve(step, answers)

    def skip_dead_speakers(self) -> None:
        step = self.s.step
        while step is not None and step.kind in SPEECH_STEPS:
            if step.index >= len(step.seats):
                self.s.step = None
                return
            if self.s.is_alive(step.seats[step.index]):
                return
            step.index += 1

    def answer_sequential(self, step: Step, action: Action) -> None:
        s = self.s
        if step.kind == "shoot":
            target = action.target if action.kind == "shoot" else None
            self.emit(Shot(seat=action.seat, target=target, day=s.day))
            if target is not None:
                was_sheriff = s.sheriff == target
                self.kill([target], "shot")
                if not s.over:
                    steps = []
                    if step.by_day or s.day == 1:
                        steps.append(Step(kind="last_words", seats=[target]))
                    if was_sheriff:
                        steps.append(Step(kind="badge", seats=[target]))
                    self.push_front(*steps)
            return
        if step.kind == "badge":
            if action.kind == "badge" and action.target is not None:
                self.badge(action.target, "passed", previous=action.seat)
            else:
                self.badge(None, "torn", previous=action.seat)
            return
        if step.kind == "direction":
            direction = "left" if action.kind == "left" else "right"
            order = _round(s.living(), action.seat, direction, s.players)
            order = [x for x in order if x != action.seat] + [action.seat]  # he speaks last
            self.emit(
                SpeakingOrder(seats=order, direction=direction, sheriff=action.seat, day=s.day)
            )
            s.step = None
            self.push_front(Step(kind="day_speech", seats=order))
            return
        kind: SpeechKind = {
            "wolf_chat": "wolf_chat",
            "day_speech": "day",
            "pk_speech": "pk",
            "last_words": "last_words",
            "sheriff_speech": "sheriff",
            "sheriff_pk_speech": "sheriff_pk",
        }[step.kind]  # type: ignore[assignment]
        text = (action.text or "").strip() if action.kind == "speak" else ""
        vis = WOLVES if kind == "wolf_chat" else PUBLIC
        proposal = action.target if kind == "wolf_chat" and action.kind == "speak" else None
        self.emit(
            SpeechEnd(seat=action.seat, text=text, kind=kind, day=s.day, vis=vis, target=proposal)
        )

    # -- resolving simultaneous steps ----------------------------------------
    def resolve(self, step: Step, answers: dict[int, Action]) -> None:
        if step.kind == "night_actions":
            self.resolve_night(answers)
        elif step.kind == "witch":
            self.resolve_witch(answers)
        elif step.kind in ("vote", "pk_vote"):
            self.resolve_vote(step, answers)
        elif step.kind == "sheriff_stand":
            self.resolve_stand(answers)
        elif step.kind == "sheriff_withdraw":
            self.resolve_withdraw(answers)
        elif step.kind in ("sheriff_vote", "sheriff_pk_vote"):
            self.resolve_sheriff_vote(step, answers)
        else:
            raise AssertionError(step.kind)

    def resolve_night(self, answers: dict[int, Action]) -> None:
        """The wolves' kill votes and the seer's check, all in at once."""
        s = self.s
        wolf_votes: dict[int, int | None] = {}
        for seat, a in sorted(answers.items()):
            if s.role(seat) == "werewolf":
                wolf_votes[seat] = a.target if a.kind == "kill" else None
            elif s.role(seat) == "guard":
                target = a.target if a.kind == "guard" else None
                s.night.guarded = target
                s.last_protected = target  # an empty night (空守) frees every seat tomorrow
                if target is not None:
                    self.emit(
                        NightAction(
                            seat=seat, action="guard", target=target, day=s.day, vis=only(seat)
                        )
                    )
            elif a.kind == "check" and a.target is not None:
                self.emit(
                    NightAction(
                        seat=seat, action="check", target=a.target, day=s.day, vis=only(seat)
                    )
                )
                self.emit(
                    CheckResult(
                        seat=seat,
                        target=a.target,
                        day=s.day,
                        is_wolf=s.role(a.target) == "werewolf",
                        vis=only(seat),
                    )
                )
        if wolf_votes:
            victim, tally = self.plurality(wolf_votes, count_none=True, break_ties=True)
            for seat, target in wolf_votes.items():
                self.emit(VoteCast(seat=seat, target=target, kind="wolf", day=s.day, vis=WOLVES))
            top = max(tally.values(), default=0)
            tied = [t for t, n in tally.items() if n == top]
            self.emit(
                VoteResult(
                    kind="wolf",
                    day=s.day,
                    votes=wolf_votes,
                    tally=tally,
                    chosen=victim,
                    tie=tied if len(tied) > 1 else [],
                    vis=WOLVES,
                )
            )
            s.night.victim = victim

    def resolve_witch(self, answers: dict[int, Action]) -> None:
        s = self.s
        ((seat, a),) = answers.items()
        if a.kind == "save":
            s.antidote = False
            s.night.saved = True
            self.emit(
                NightAction(
                    seat=seat, action="save", target=s.night.victim, day=s.day, vis=only(seat)
                )
            )
        elif a.kind == "poison":
            s.poison = False
            s.night.poisoned = a.target
            self.emit(
                NightAction(seat=seat, action="poison", target=a.target, day=s.day, vis=only(seat))
            )

    def resolve_vote(self, step: Step, answers: dict[int, Action]) -> None:
        """The day's exile vote or the PK's: the plurality goes, a first tie goes to a PK."""
        s = self.s
        kind = "day" if step.kind == "vote" else "pk"
        votes = {
            seat: (a.target if a.kind == "vote" else None) for seat, a in sorted(answers.items())
        }
        weights = {s.sheriff: 1.5} if s.sheriff is not None else {}  # the sheriff's 1.5 votes
        chosen, tally = self.plurality(votes, count_none=False, break_ties=False, weights=weights)
        top = max(tally.values(), default=0)
        tie = sorted(t for t, n in tally.items() if n == top) if top and chosen is None else []
        for seat, target in votes.items():
            self.emit(VoteCast(seat=seat, target=target, kind=kind, day=s.day))
        self.emit(
            VoteResult(kind=kind, day=s.day, votes=votes, tally=tally, chosen=chosen, tie=tie)
        )
        if chosen is not None:
            self.exile(chosen)
        elif tie and kind == "day":
            s.pk_candidates = tie
            voters = [x for x in self.voters() if x not in tie]
            self.push_front(
                Step(kind="pk_speech", seats=tie),
                Step(kind="pk_vote", seats=voters),
            )
        else:
            self.push_front(Step(kind="night_end"))

    def voters(self) -> list[int]:
        """Who votes by day: the living, but not the idiot who showed his card."""
        return [x for x in self.s.living() if x != self.s.revealed_idiot]

    def plurality(
        self,
        votes: dict[int, int | None],
        count_none: bool,
        break_ties: bool,
        weights: dict[int, float] | None = None,
    ) -> tuple[int | None, dict[int, int | float]]:
        counted: Counter[int | None] = Counter()
        for voter, t in votes.items():
            if t is not None or count_none:
                counted[t] += (weights or {}).get(voter, 1)  # type: ignore[assignment]
        tally: dict[int, int | float] = {
            t: int(n) if n == int(n) else n
            for t, n in sorted(counted.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
            if t is not None
        }
        if not counted:
            return None, tally
        top = max(counted.values())
        leaders = sorted(counted, key=lambda t: (t is None, t or 0))
        leaders = [t for t in leaders if counted[t] == top]
        if len(leaders) == 1:
            return leaders[0], tally
        if break_ties:
            return self.rng().choice(leaders), tally
        return None, tally

    # -- deaths and the end --------------------------------------------------
    def kill(self, seats: list[int], cause) -> None:
        s = self.s
        for seat in seats:
            s.alive[seat - 1] = False
        if s.sheriff in seats:
            # the badge leaves a dead seat at once; his badge step passes or tears it
            s.sheriff = None
        self.emit(Death(seats=sorted(seats), cause=cause, day=s.day))
        self.check_winner()

    def exile(self, seat: int) -> None:
        s = self.s
        if s.role(seat) == "idiot" and s.revealed_idiot is None:
            # 白痴翻牌: he lives on without a vote; the day ends. His badge, if any, is lost.
            s.revealed_idiot = seat
            self.emit(IdiotRevealed(seat=seat, day=s.day))
            if s.sheriff == seat:
                self.badge(None, "lost", previous=seat)
            self.push_front(Step(kind="night_end"))
            return
        was_sheriff = s.sheriff == seat
        self.kill([seat], "exile")
        if s.over:
            return
        steps = [Step(kind="last_words", seats=[seat])]
        if was_sheriff:
            steps.append(Step(kind="badge", seats=[seat]))
        if s.role(seat) == "hunter":
            steps.append(Step(kind="shoot", seats=[seat], by_day=True))
        steps.append(Step(kind="night_end"))
        self.push_front(*steps)

    def badge(self, seat: int | None, how: BadgeHow, previous: int | None = None) -> None:
        s = self.s
        s.sheriff = seat
        self.emit(Badge(seat=seat, previous=previous, how=how, day=s.day))

    def self_destruct(self, step: Step, seat: int) -> None:
        """自爆: the wolf dies now without last words; today has no more speeches and no
        vote. In the election the badge is lost for the game (吞警徽), the night's deaths
        are still announced, and then night falls."""
        s = self.s
        was_sheriff = s.sheriff == seat
        s.step = None
        self.emit(SelfDestruct(seat=seat, day=s.day))
        self.kill([seat], "destruct")
        if s.over:
            return
        if step.kind.startswith("sheriff_"):
            s.agenda = [x for x in s.agenda if not x.kind.startswith("sheriff_")]
            s.candidates, s.sheriff_voters = [], []
            self.badge(None, "lost")
            s.day_cut = True
            return
        s.pk_candidates = []
        steps = [Step(kind="badge", seats=[seat])] if was_sheriff else []
        s.agenda = [*steps, Step(kind="night_end")]

    def check_winner(self) -> None:
        s = self.s
        if s.over:
            return
        living = s.living()
        wolves = [x for x in living if s.role(x) == "werewolf"]
        others = [x for x in living if s.role(x) != "werewolf"]
        if not wolves:
            self.finish("villagers", "every werewolf is dead")
            return
        if s.config.win_condition == "parity":
            if len(wolves) >= len(others):
                self.finish("wolves", "the werewolves are as many as everyone else")
            return
        if s.config.win_condition == "city":  # 屠城
            if not others:
                self.finish("wolves", "every good player is dead")
            return
        board = s.config.board()
        if "villager" in board and not any(s.role(x) == "villager" for x in living):
            self.finish("wolves", "every villager is dead")
            return
        gods = [r for r in board if r in GODS]
        if gods and not any(s.role(x) in GODS for x in living):
            self.finish("wolves", "every god is dead")

    def finish(self, winner, reason: str) -> None:
        s = self.s
        s.winner = winner
        s.reason = reason
        s.step = None
        s.agenda = []
        s.phase = "game_over"
        self.emit(Phase(phase="game_over", day=s.day))
        self.emit(
            GameOver(
                winner=winner, reason=reason, day=s.day, roles={x: s.role(x) for x in s.seats()}
            )
        )

    # -- running the agenda ---------------------------------------------------
    def advance(self) -> None:
        """Run steps until one waits on a seat, or the game ends."""
        s = self.s
        while not s.over:
            if s.step is not None:
                if self.step_has_work(s.step):
                    return
                s.step = None
            if not s.agenda:
                raise AssertionError("the agenda ran dry before the game ended")
            step = _copy(s.agenda.pop(0))  # (shared with the states before: see _clone)
            self.start(step)

    def step_has_work(self, step: Step) -> bool:
        if step.kind in SEQUENTIAL:
            if step.kind in SPEECH_STEPS:
                self.skip_dead_speakers()
                return self.s.step is not None
            return step.index < len(step.seats)
        return any(seat not in self.s.answers for seat in step.seats)

    def start(self, step: Step) -> None:
        """Begin a step: those that need nobody run now; the others wait on seats."""
        starter = _STARTERS.get(step.kind)
        if starter is None:  # wolf_chat, last_words, shoot: the seats are known already
            self.s.step = step
        else:
            starter(self, step)

    def start_night(self, step: Step) -> None:
        s = self.s
        s.night = Night()
        s.night_deaths = []
        s.day_cut = False
        self.phase("night")
        election = [Step(kind="sheriff_start")] if s.day == 1 and s.config.has_sheriff else []
        s.agenda[0:0] = [
            Step(kind="wolf_chat", seats=s.living_wolves()),
            Step(kind="night_actions"),
            Step(kind="witch"),
            *election,
            Step(kind="dawn"),
        ]

    def start_night_actions(self, step: Step) -> None:
        s = self.s
        seats = s.living_wolves()
        for role in NIGHT_GODS:
            seat = s.seat_of(role)
            if seat is not None and s.is_alive(seat):
                seats.append(seat)
        s.step = Step(kind="night_actions", seats=sorted(seats))

    # -- the sheriff's election (day 1, before the night's deaths are announced) ------
    def start_sheriff(self, step: Step) -> None:
        s = self.s
        self.phase("sheriff")
        s.step = Step(kind="sheriff_stand", seats=s.living())

    def resolve_stand(self, answers: dict[int, Action]) -> None:
        s = self.s
        s.candidates = sorted(x for x, a in answers.items() if a.kind == "stand")
        s.sheriff_voters = [x for x in s.living() if x not in s.candidates]
        self.emit(SheriffCandidates(seats=list(s.candidates), day=s.day))
        if len(s.candidates) < 2:
            self.elect_or_lose()
            return
        direction: Direction = "left" if self.rng().random() < 0.5 else "right"
        first = self.rng().choice(s.candidates)
        order = _round(s.candidates, first, direction, s.players, include_start=True)
        self.emit(SpeakingOrder(seats=order, direction=direction, day=s.day))
        self.push_front(
            Step(kind="sheriff_speech", seats=order),
            Step(kind="sheriff_withdraw", seats=list(s.candidates)),
        )

    def resolve_withdraw(self, answers: dict[int, Action]) -> None:
        s = self.s
        gone = sorted(x for x, a in answers.items() if a.kind == "withdraw")
        s.candidates = [x for x in s.candidates if x not in gone]
        self.emit(SheriffCandidates(seats=list(s.candidates), withdrawn=gone, day=s.day))
        if len(s.candidates) < 2 or not s.sheriff_voters:
            self.elect_or_lose()
            return
        self.push_front(Step(kind="sheriff_vote", seats=list(s.sheriff_voters)))

    def resolve_sheriff_vote(self, step: Step, answers: dict[int, Action]) -> None:
        s = self.s
        kind = "sheriff" if step.kind == "sheriff_vote" else "sheriff_pk"
        votes = {x: (a.target if a.kind == "vote" else None) for x, a in sorted(answers.items())}
        chosen, tally = self.plurality(votes, count_none=False, break_ties=False)
        top = max(tally.values(), default=0)
        tie = sorted(t for t, n in tally.items() if n == top) if top and chosen is None else []
        for seat, target in votes.items():
            self.emit(VoteCast(seat=seat, target=target, kind=kind, day=s.day))
        self.emit(
            VoteResult(kind=kind, day=s.day, votes=votes, tally=tally, chosen=chosen, tie=tie)
        )
        if chosen is not None:
            s.candidates = [chosen]
        elif tie and kind == "sheriff":
            s.candidates = tie
            self.push_front(
                Step(kind="sheriff_pk_speech", seats=tie),
                Step(kind="sheriff_pk_vote", seats=list(s.sheriff_voters)),
            )
            return
        else:
            s.candidates = []  # everyone abstained, or a second tie: 警徽流失
        self.elect_or_lose()

    def elect_or_lose(self) -> None:
        """The election ends: a lone candidate takes the badge; none, it is lost."""
        s = self.s
        if len(s.candidates) == 1:
            self.badge(s.candidates[0], "elected")
        else:
            self.badge(None, "lost")
        s.candidates, s.sheriff_voters = [], []

    def start_witch(self, step: Step) -> None:
        s = self.s
        witch = s.seat_of("witch")
        if witch is None or not s.is_alive(witch) or not (s.antidote or s.poison):
            return
        d = _decision(s, "witch", witch)
        self.emit(
            WitchInfo(
                seat=witch,
                victim=d.victim,
                can_save=d.can_save,
                can_poison=d.can_poison,
                day=s.day,
                vis=only(witch),
            )
        )
        s.step = Step(kind="witch", seats=[witch])

    def start_day(self, step: Step) -> None:
        s = self.s
        if s.day_cut:  # a wolf self-destructed in the election: night falls at once
            s.day_cut = False
            self.push_front(Step(kind="night_end"))
            return
        s.agenda.insert(0, Step(kind="vote"))
        if s.sheriff is not None:  # the sheriff picks 警左 or 警右 and speaks last
            s.step = Step(kind="direction", seats=[s.sheriff])
            return
        living = s.living()
        direction: Direction = "left" if self.rng().random() < 0.5 else "right"
        if s.night_deaths:  # 死左 / 死右: from a neighbour of the lowest seat that died
            order = _round(living, min(s.night_deaths), direction, s.players)
        else:  # 平安夜: a random seat starts
            start = self.rng().choice(living)
            order = _round(living, start, direction, s.players, include_start=True)
        self.emit(SpeakingOrder(seats=order, direction=direction, day=s.day))
        s.step = Step(kind="day_speech", seats=order)

    def start_vote(self, step: Step) -> None:
        s = self.s
        self.phase("vote")
        s.pk_candidates = []
        s.step = Step(kind="vote", seats=self.voters())

    def start_pk_speech(self, step: Step) -> None:
        s = self.s
        self.phase("pk")
        s.step = step

    def start_pk_vote(self, step: Step) -> None:
        s = self.s
        if not step.seats:  # nobody left to vote between the tied players
            self.emit(
                VoteResult(
                    kind="pk",
                    day=s.day,
                    votes={},
                    tally={},
                    chosen=None,
                    tie=list(s.pk_candidates),
                )
            )
            self.push_front(Step(kind="night_end"))
            return
        s.step = step

    def start_night_end(self, step: Step) -> None:
        s = self.s
        if s.day >= s.config.max_days:
            self.finish("wolves", f"the werewolves survived {s.config.max_days} days")
            return
        s.day += 1
        s.agenda = [Step(kind="night_start")]

    def start_dawn(self, step: Step) -> None:
        self.dawn()

    def dawn(self) -> None:
        s = self.s
        n = s.night
        deaths: dict[int, str] = {}
        guard = s.seat_of("guard")
        guarded = n.victim is not None and n.guarded == n.victim
        if guarded and guard is not None and n.victim is not None:
            # 同守同救: guarded and saved, the victim dies all the same
            self.emit(GuardResult(seat=guard, target=n.victim, double=n.saved, day=s.day, vis=GOD))
        if n.victim is not None and n.saved == guarded:
            deaths[n.victim] = "wolves"
        if n.poisoned is not None:
            deaths[n.poisoned] = "poison"
        s.night_deaths = sorted(deaths)
        s.agenda.insert(0, Step(kind="day_start"))
        self.phase("day")
        for seat in sorted(deaths):
            self.emit(NightDeathCause(seat=seat, cause=deaths[seat], day=s.day, vis=GOD))  # type: ignore[arg-type]
        if not deaths:
            self.emit(Death(seats=[], cause="night", day=s.day))  # a peaceful night
            return
        sheriff = s.sheriff
        self.kill(sorted(deaths), "night")
        if s.over:
            return
        steps: list[Step] = []
        for seat in sorted(deaths):
            if s.day == 1:
                steps.append(Step(kind="last_words", seats=[seat]))
            if seat == sheriff:
                steps.append(Step(kind="badge", seats=[seat]))
            if s.role(seat) == "hunter" and deaths[seat] == "wolves":
                steps.append(Step(kind="shoot", seats=[seat], by_day=False))
        self.push_front(*steps)


def _round(
    seats: list[int], start: int, direction: str, players: int, include_start: bool = False
) -> list[int]:
    """``seats`` in table order from ``start``'s neighbour (or ``start``): ``right`` goes up
    the seat numbers (5, 6, ... 1, 2), ``left`` down (3, 2, 1, 9, ...)."""
    step = 1 if direction == "right" else -1
    first = start if include_start else start + step
    ring = [(first - 1 + step * i) % players + 1 for i in range(players)]
    return [x for x in ring if x in seats]


_STARTERS = {
    "night_start": _Game.start_night,
    "sheriff_start": _Game.start_sheriff,
    "night_actions": _Game.start_night_actions,
    "witch": _Game.start_witch,
    "dawn": _Game.start_dawn,
    "day_start": _Game.start_day,
    "vote": _Game.start_vote,
    "pk_speech": _Game.start_pk_speech,
    "pk_vote": _Game.start_pk_vote,
    "night_end": _Game.start_night_end,
}
