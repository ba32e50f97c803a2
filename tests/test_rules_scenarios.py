"""One scripted scenario per rule, driven through the pure rules engine.

The one scenario suite for the rules (the properties over random play are in
test_rules_properties.py). Every scenario uses a fixed seed and reads from
``state.roles`` which seat holds which role, so none of them depends on a particular deal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from server.game import (
    BOARDS,
    Action,
    GameConfig,
    IllegalAction,
    apply,
    decision_for,
    new_game,
    pending,
    view_events,
)
from server.game.state import Decision, GameState
from server.game.visibility import Viewer, can_see
from shared.events import (
    GOD,
    PUBLIC,
    WOLVES,
    Badge,
    CheckResult,
    Death,
    Decided,
    Event,
    GameOver,
    GuardResult,
    IdiotRevealed,
    NightAction,
    NightDeathCause,
    Phase,
    RoleAssigned,
    SelfDestruct,
    SheriffCandidates,
    Shot,
    SpeakingOrder,
    SpeechEnd,
    VoteCast,
    VoteResult,
    WitchInfo,
    only,
)

SEED = 7

Answer = tuple[str, int | None]
Script = dict[Any, Any]


class Game:
    """Drives one game with scripted answers.

    A script maps a decision's action name (``"wolf_kill"``, ``"witch"``, ``"vote"``, ...)
    or an ``(action, day)`` pair to an answer: a ``(kind, target)`` pair, a dict
    ``{seat: (kind, target)}`` or a function ``(decision, game) -> (kind, target) | None``.
    Decisions the script does not answer get the default: speak "..." or skip.
    """

    def __init__(self, players: int = 9, seed: int = SEED, **options: Any) -> None:
        t = new_game(GameConfig(players=players, seed=seed, **options))
        self.state: GameState = t.state
        self.events: list[Event] = list(t.events)
        self.answered: list[Decision] = []

    # -- who is who ------------------------------------------------------------------------
    def seats(self, role: str) -> list[int]:
        return [i + 1 for i, r in enumerate(self.state.roles) if r == role]

    def seat(self, role: str) -> int:
        return self.seats(role)[0]

    @property
    def wolves(self) -> list[int]:
        return self.seats("werewolf")

    def good(self) -> list[int]:
        return [s for s in self.state.seats() if self.state.role(s) != "werewolf"]

    # -- playing ---------------------------------------------------------------------------
    def act(
        self, seat: int, kind: str, target: int | None = None, text: str | None = None
    ) -> list[Event]:
        if kind == "speak" and text is None:
            text = "..."
        d = decision_for(self.state, seat)
        t = apply(self.state, Action(seat=seat, kind=kind, target=target, text=text))
        if d is not None:
            self.answered.append(d)
        self.state = t.state
        self.events.extend(t.events)
        return t.events

    def answer(self, d: Decision, script: Script) -> Answer:
        rule = script.get((d.action, self.state.day), script.get(d.action))
        if callable(rule):
            rule = rule(d, self)
        elif isinstance(rule, dict):
            rule = rule.get(d.seat)
        if rule is None:
            return ("speak", None) if "speak" in d.kinds else (d.pass_action().kind, None)
        return rule

    def run(
        self,
        script: Script | None = None,
        until: Callable[[Game], bool] = lambda g: False,
        limit: int = 2000,
    ) -> Game:
        script = script or {}
        for _ in range(limit):
            if self.state.over or until(self):
                return self
            d = pending(self.state)[0]
            kind, target = self.answer(d, script)
            self.act(d.seat, kind, target)
        raise AssertionError("the script ran too long")

    # -- reading ---------------------------------------------------------------------------
    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    def waiting(self) -> list[tuple[str, int]]:
        return [(d.action, d.seat) for d in pending(self.state)]


def waits_for(action: str, day: int | None = None, seat: int | None = None):
    def until(g: Game) -> bool:
        return (day is None or g.state.day == day) and any(
            d.action == action and (seat is None or d.seat == seat) for d in pending(g.state)
        )

    return until


def everyone(kind: str, target_of: Callable[[Game], int | None]):
    """Every seat answers ``kind`` at ``target_of(game)`` (if that is legal for it)."""

    def rule(d: Decision, g: Game) -> Answer:
        target = target_of(g)
        if target in d.options:
            return (kind, target)
        return ("skip", None)

    return rule


def sees(g: Game, seat: int | None, e: Event) -> bool:
    is_wolf = seat is not None and g.state.role(seat) == "werewolf"
    return can_see(Viewer(seat=seat, is_wolf=is_wolf), e.vis)


def assert_refused(
    g: Game,
    seat: int,
    kind: str,
    target: int | None = None,
    text: str | None = None,
    code: str | set[str] | None = None,
) -> IllegalAction:
    before = g.state.model_dump()
    with pytest.raises(IllegalAction) as e:
        apply(g.state, Action(seat=seat, kind=kind, target=target, text=text))
    if code is not None:
        codes = {code} if isinstance(code, str) else code
        assert e.value.code in codes, (e.value.code, e.value.message)
    assert g.state.model_dump() == before
    return e.value


# =========================================================================================
# The deal


@pytest.mark.parametrize(
    "players,board",
    [
        (9, {"werewolf": 3, "villager": 3, "seer": 1, "witch": 1, "hunter": 1}),
        (6, {"werewolf": 2, "villager": 2, "seer": 1, "witch": 1}),
    ],
)
def test_roles_are_dealt_per_board_and_each_seat_learns_only_its_own(players, board):
    g = Game(players)
    assert Counter(g.state.roles) == Counter(BOARDS[players]) == board
    assert len(g.state.roles) == players and all(g.state.alive)
    assigned = g.of(RoleAssigned)
    assert [e.seat for e in assigned] == list(range(1, players + 1))
    for e in assigned:
        assert e.role == g.state.role(e.seat)
        assert e.vis == only(e.seat)
        assert e.teammates == (g.wolves if e.role == "werewolf" else [])
    # the game starts at night, with the wolves' chat
    assert g.state.phase == "night" and g.state.day == 1
    assert g.waiting() == [("wolf_chat", g.wolves[0])]


@pytest.mark.parametrize("players", [9, 6])
def test_the_same_seed_deals_the_same_game_and_other_seeds_deal_others(players):
    a, b = Game(players, seed=123), Game(players, seed=123)
    assert a.state.model_dump() == b.state.model_dump()
    deals = {tuple(Game(players, seed=s).state.roles) for s in range(20)}
    assert len(deals) > 5


def lively_script() -> Script:
    """Wolves kill the lowest good seat, everyone votes the lowest other seat: ties and RNG."""

    def kill(d: Decision, g: Game) -> Answer:
        targets = [s for s in d.options if g.state.role(s) != "werewolf"]
        return ("kill", targets[d.seat % len(targets)]) if targets else ("skip", None)

    def vote(d: Decision, g: Game) -> Answer:
        return ("vote", d.options[d.seat % 2]) if d.options else ("skip", None)

    return {
        "wolf_kill": kill,
        "vote": vote,
        "pk_vote": vote,
        "check": lambda d, g: ("check", d.options[0]),
        "shoot": lambda d, g: ("shoot", d.options[-1]),
    }


@pytest.mark.parametrize("players", [9, 6])
def test_the_same_seed_and_decisions_replay_the_same_game(players):
    one = Game(players, seed=99).run(lively_script())
    two = Game(players, seed=99).run(lively_script())
    assert one.state.over
    assert one.state.model_dump() == two.state.model_dump()
    other = Game(players, seed=100).run(lively_script())
    assert other.state.model_dump()["history"] != one.state.model_dump()["history"]


@pytest.mark.parametrize(
    "field,value",
    [
        ("players", 7),
        ("players", 12.5),
        ("special", "bear"),
        ("win_condition", "everyone"),
        ("witch_self_save", "sometimes"),
        ("win_condition", "majority"),
        ("max_days", 0),
        ("max_days", 101),
        ("seed", -1),
        ("lang", "fr"),
        ("wolves", 4),
    ],
)
def test_an_invalid_config_is_refused_naming_the_field(field, value):
    with pytest.raises(ValidationError) as e:
        GameConfig(**{field: value})
    assert field in str(e.value)
    assert any(field in err["loc"] for err in e.value.errors())


def test_the_default_config():
    c = GameConfig()
    assert (c.players, c.witch_self_save, c.win_condition, c.max_days) == (
        9,
        "first_night",
        "sides",
        20,
    )


# =========================================================================================
# Night: the wolves


def test_wolves_chat_once_each_in_seat_order_privately():
    g = Game()
    wolves = g.wolves
    order = []
    while pending(g.state)[0].action == "wolf_chat":
        (d,) = pending(g.state)
        assert d.channel == WOLVES and d.kinds == ("speak", "skip")
        order.append(d.seat)
        g.act(d.seat, "speak", text=f"wolf {d.seat} here")
    assert order == sorted(wolves)
    chat = [e for e in g.of(SpeechEnd) if e.kind == "wolf_chat"]
    assert [e.seat for e in chat] == sorted(wolves)
    assert all(e.vis == WOLVES and e.text == f"wolf {e.seat} here" for e in chat)
    for seat in g.state.seats():
        seen = [e for e in view_events(g.state, seat) if isinstance(e, SpeechEnd)]
        assert seen == (chat if seat in wolves else [])
        assert all(sees(g, seat, e) == (seat in wolves) for e in chat)
    # then the wolves' vote and the seer's check, at the same time
    seer = g.seat("seer")
    assert sorted(g.waiting()) == sorted([("wolf_kill", w) for w in wolves] + [("check", seer)])


def test_only_living_wolves_chat_on_later_nights():
    g = Game()
    exiled = g.wolves[0]
    g.run({"vote": everyone("vote", lambda g: exiled)}, until=waits_for("wolf_chat", day=2))
    assert not g.state.is_alive(exiled)
    order = []
    while pending(g.state)[0].action == "wolf_chat":
        order.append(pending(g.state)[0].seat)
        g.act(order[-1], "skip")
    assert order == g.wolves[1:]
    assert sorted(s for a, s in g.waiting() if a == "wolf_kill") == g.wolves[1:]


def test_the_wolves_kill_by_majority():
    g = Game()
    w1, w2, w3 = g.wolves
    a, b = g.seats("villager")[:2]
    g.run(until=waits_for("wolf_kill"))
    g.act(g.seat("seer"), "skip")
    g.act(w1, "kill", a)
    g.act(w3, "kill", b)
    assert not any(isinstance(e, VoteCast) for e in g.events)  # nothing before all decided
    assert [(e.seat, e.vis) for e in g.of(Decided)] == [
        (g.seat("seer"), only(g.seat("seer"))),
        (w1, WOLVES),
        (w3, WOLVES),
    ]
    g.act(w2, "kill", a)
    (result,) = g.of(VoteResult)
    assert result.kind == "wolf" and result.chosen == a
    assert result.votes == {w1: a, w2: a, w3: b} and result.tally == {a: 2, b: 1}
    assert result.vis == WOLVES
    assert all(e.vis == WOLVES and e.kind == "wolf" for e in g.of(VoteCast))
    g.run(until=waits_for("witch"))
    assert decision_for(g.state, g.seat("witch")).victim == a
    g.run(until=lambda g: g.state.phase == "day")
    assert g.of(Death)[-1].seats == [a] and not g.state.is_alive(a)


def test_a_no_kill_vote_in_the_minority_does_not_save_the_victim():
    g = Game()
    w1, w2, w3 = g.wolves
    v = g.seat("villager")
    g.run(
        {"wolf_kill": {w1: ("kill", None), w2: ("kill", v), w3: ("kill", v)}},
        until=lambda g: g.state.phase == "day",
    )
    (result,) = g.of(VoteResult)
    assert result.votes == {w1: None, w2: v, w3: v} and result.chosen == v
    assert g.of(Death)[0].seats == [v]


def wolf_tie_victim(seed: int) -> tuple[int, int, int | None]:
    g = Game(6, seed=seed)
    w1, w2 = g.wolves
    a, b = g.good()[:2]
    g.run({"wolf_kill": {w1: ("kill", a), w2: ("kill", b)}}, until=waits_for("witch"))
    (result,) = g.of(VoteResult)
    assert result.tally == {a: 1, b: 1} and result.tie == sorted([a, b])  # the wolves see it
    return a, b, result.chosen


def test_a_tied_wolf_vote_is_broken_by_the_seeded_rng():
    outcomes = []
    for seed in range(30):
        a, b, chosen = wolf_tie_victim(seed)
        assert chosen in (a, b)
        assert wolf_tie_victim(seed)[2] == chosen  # same seed, same decisions: same victim
        outcomes.append(chosen == a)
    assert any(outcomes) and not all(outcomes)  # really random: not always the lower seat


def three_way_tie_victim(seed: int) -> tuple[int, int, int | None]:
    g = Game(seed=seed)
    w1, w2, w3 = g.wolves
    a, b = g.good()[:2]
    g.run(
        {"wolf_kill": {w1: ("kill", a), w2: ("kill", b), w3: ("kill", None)}},
        until=lambda g: bool(g.of(VoteResult)),
    )
    (result,) = g.of(VoteResult)
    return a, b, result.chosen


def test_no_kill_can_win_a_tied_wolf_vote():
    outcomes = set()
    for seed in range(12):
        a, b, chosen = three_way_tie_victim(seed)
        assert chosen in (a, b, None)
        assert three_way_tie_victim(seed)[2] == chosen  # the tie-break replays with the seed
        outcomes.add(chosen is None)
    assert outcomes == {True, False}, "over a dozen seeds, 'no kill' wins some ties"


@pytest.mark.parametrize("players", [9, 6])
def test_no_kill_is_legal_and_gives_a_peaceful_night(players):
    g = Game(players)
    g.run(until=waits_for("wolf_kill"))
    g.act(g.seat("seer"), "check", g.wolves[0])
    for w in g.wolves:
        g.act(w, "kill", None) if w % 2 else g.act(w, "skip")
    (result,) = g.of(VoteResult)
    assert result.chosen is None and result.tally == {}
    g.run(until=waits_for("witch"))
    d = decision_for(g.state, g.seat("witch"))
    assert d.victim is None and not d.can_save and "save" not in d.kinds
    g.act(d.seat, "skip")
    dawn = g.of(Death)
    assert len(dawn) == 1 and dawn[0].seats == [] and dawn[0].cause == "night"
    assert all(g.state.alive)


def test_a_majority_for_no_kill_kills_nobody():
    g = Game()
    w1, w2, w3 = g.wolves
    v = g.seat("villager")
    g.run(
        {"wolf_kill": {w1: ("skip", None), w2: ("kill", v), w3: ("kill", None)}},
        until=lambda g: g.state.phase == "day",
    )
    assert g.of(VoteResult)[0].chosen is None
    assert g.of(Death)[0].seats == [] and all(g.state.alive)


def test_wolves_may_only_kill_a_living_player():
    g = Game()
    v = g.seat("villager")
    g.run({("wolf_kill", 1): everyone("kill", lambda g: v)}, until=waits_for("wolf_kill", day=2))
    assert not g.state.is_alive(v)
    assert v not in decision_for(g.state, g.wolves[0]).options
    assert_refused(g, g.wolves[0], "kill", v, code="illegal_target")


# =========================================================================================
# Night: the seer


def test_the_seer_learns_wolf_or_good_and_only_the_seer_sees_it():
    g = Game()
    seer, wolf = g.seat("seer"), g.wolves[1]
    villager = g.seat("villager")
    g.run(
        {("check", 1): ("check", wolf), ("check", 2): ("check", villager)},
        until=waits_for("wolf_chat", day=3),
    )
    r1, r2 = g.of(CheckResult)
    assert (r1.seat, r1.target, r1.is_wolf, r1.day) == (seer, wolf, True, 1)
    assert (r2.seat, r2.target, r2.is_wolf, r2.day) == (seer, villager, False, 2)
    for e in (r1, r2):
        assert e.vis == only(seer)
        for seat in g.state.seats():
            assert sees(g, seat, e) == (seat == seer)
            assert (e in view_events(g.state, seat)) == (seat == seer)
        assert not sees(g, None, e)


def test_the_seer_checks_another_living_player():
    g = Game()
    seer = g.seat("seer")
    g.run(until=waits_for("check"))
    d = decision_for(g.state, seer)
    assert seer not in d.options and d.options == [s for s in g.state.seats() if s != seer]
    assert_refused(g, seer, "check", seer, code="illegal_target")
    assert_refused(g, seer, "kill", g.wolves[0], code="wrong_action")


# =========================================================================================
# Night: the witch


def to_witch(g: Game, victim: int, day: int = 1, script: Script | None = None) -> Decision:
    script = dict(script or {})
    script[("wolf_kill", day)] = everyone("kill", lambda g: victim)
    g.run(script, until=waits_for("witch", day=day))
    return decision_for(g.state, g.seat("witch"))


def test_the_witch_is_told_the_victim_privately():
    g = Game()
    witch, v = g.seat("witch"), g.seat("villager")
    d = to_witch(g, v)
    assert d.victim == v and d.can_save and d.can_poison
    assert set(d.kinds) == {"skip", "save", "poison"}
    (info,) = g.of(WitchInfo)
    assert (info.seat, info.victim, info.can_save, info.can_poison) == (witch, v, True, True)
    assert info.vis == only(witch)
    for seat in g.state.seats():
        assert sees(g, seat, info) == (seat == witch)


def test_the_witch_saves_the_victim():
    g = Game()
    witch, v = g.seat("witch"), g.seat("villager")
    to_witch(g, v)
    g.act(witch, "save", v)
    (save,) = [e for e in g.of(NightAction) if e.action == "save"]
    assert (save.seat, save.target, save.vis) == (witch, v, only(witch))
    assert not g.state.antidote and g.state.poison
    (dawn,) = g.of(Death)
    assert dawn.seats == [] and all(g.state.alive)


def test_the_witch_poisons():
    g = Game()
    witch, v = g.seat("witch"), g.seat("villager")
    wolf = g.wolves[2]
    to_witch(g, v)
    g.act(witch, "poison", wolf)
    (poison,) = [e for e in g.of(NightAction) if e.action == "poison"]
    assert (poison.seat, poison.target, poison.vis) == (witch, wolf, only(witch))
    assert g.state.antidote and not g.state.poison
    (dawn,) = g.of(Death)
    assert dawn.seats == sorted([v, wolf])
    assert_refused(g, witch, "poison", witch)  # and never herself (she isn't asked now anyway)


def test_the_witch_never_poisons_herself_nor_a_dead_player():
    g = Game()
    witch = g.seat("witch")
    v1, v2 = g.seats("villager")[:2]
    d = to_witch(g, v1)
    assert witch not in d.options
    assert_refused(g, witch, "poison", witch, code="illegal_target")
    assert_refused(g, witch, "poison", None, code="illegal_target")
    assert_refused(g, witch, "save", v2, code="illegal_target")  # only tonight's victim
    g.act(witch, "skip")
    d = to_witch(g, v2, day=2)
    assert v1 not in d.options
    assert_refused(g, witch, "poison", v1, code="illegal_target")


def test_save_and_poison_are_never_both_used_in_one_night():
    g = Game()
    witch, v = g.seat("witch"), g.seat("villager")
    to_witch(g, v)
    g.act(witch, "save", v)
    assert g.state.phase == "day"  # one answer per night: it is spent
    assert not any(d.action == "witch" for d in pending(g.state))
    assert_refused(g, witch, "poison", g.wolves[0], code={"not_your_turn", "wrong_action"})
    g.run(until=lambda g: g.state.phase == "vote")
    assert [e.action for e in g.of(NightAction) if e.seat == witch] == ["save"]
    # and the other way round
    g = Game()
    witch, v = g.seat("witch"), g.seat("villager")
    to_witch(g, v)
    g.act(witch, "poison", g.wolves[0])
    assert_refused(g, witch, "save", v, code={"not_your_turn", "wrong_action"})
    assert not g.state.is_alive(v)


def test_each_potion_is_used_once_per_game():
    g = Game()
    witch = g.seat("witch")
    v1, v2, v3 = g.seats("villager")
    w3 = g.wolves[2]
    to_witch(g, v1)
    g.act(witch, "save", v1)
    # night 2: she no longer holds the antidote, so she is not told the victim
    d = to_witch(g, v2, day=2)
    assert d.victim is None and not d.can_save and "save" not in d.kinds
    info = g.of(WitchInfo)[-1]
    assert info.day == 2 and info.victim is None and not info.can_save and info.can_poison
    assert_refused(g, witch, "save", v2, code="potion_used")
    assert_refused(g, witch, "save", None, code="potion_used")
    g.act(witch, "poison", w3)
    assert g.of(Death)[-1].seats == sorted([v2, w3])
    # night 3: both potions spent: she is not asked at all
    g.run(
        {("wolf_kill", 3): everyone("kill", lambda g: v3)},
        until=lambda g: g.state.day == 3 and g.state.phase == "day",
    )
    assert not any(e.day == 3 for e in g.of(WitchInfo))
    assert not any(d.action == "witch" and d.seat == witch for d in pending(g.state))
    assert sum(e.action == "save" for e in g.of(NightAction)) == 1
    assert sum(e.action == "poison" for e in g.of(NightAction)) == 1
    assert not g.state.is_alive(v3)


def test_a_second_poison_is_refused():
    g = Game()
    witch = g.seat("witch")
    v1, v2 = g.seats("villager")[:2]
    w1, w2, _w3 = g.wolves
    to_witch(g, v1)
    g.act(witch, "poison", w1)
    d = to_witch(g, v2, day=2)
    assert not d.can_poison and "poison" not in d.kinds and d.options == []
    assert d.victim == v2 and d.can_save and d.kinds == ("skip", "save")
    assert_refused(g, witch, "poison", w2, code="potion_used")


@pytest.mark.parametrize(
    "rule,night,may_save",
    [
        ("first_night", 1, True),
        ("first_night", 2, False),
        ("never", 1, False),
        ("never", 2, False),
        ("always", 1, True),
        ("always", 2, True),
    ],
)
def test_witch_self_save_options(rule, night, may_save):
    g = Game(witch_self_save=rule)
    witch = g.seat("witch")
    v = g.seat("villager")
    if night == 2:  # night 1: a villager dies, the antidote is kept
        to_witch(g, v)
        g.act(witch, "skip")
    d = to_witch(g, witch, day=night)
    assert d.victim == witch
    assert d.can_save is may_save
    assert ("save" in d.kinds) is may_save
    assert g.of(WitchInfo)[-1].can_save is may_save
    if may_save:
        g.act(witch, "save", witch)
        g.run(until=lambda g: g.state.phase == "day")
        assert g.state.is_alive(witch) and g.of(Death)[-1].seats == []
    else:
        assert_refused(g, witch, "save", witch)
        g.act(witch, "skip")
        g.run(until=lambda g: g.state.phase == "day")
        assert not g.state.is_alive(witch)


@pytest.mark.parametrize("rule", ["first_night", "never", "always"])
def test_the_witch_may_always_save_someone_else(rule):
    g = Game(witch_self_save=rule)
    witch = g.seat("witch")
    v1, v2 = g.seats("villager")[:2]
    to_witch(g, v1)
    g.act(witch, "skip")
    d = to_witch(g, v2, day=2)
    assert d.can_save and "save" in d.kinds


# =========================================================================================
# Dawn and last words


def test_dawn_announces_the_nights_deaths_together_without_public_cause():
    g = Game()
    witch, v = g.seat("witch"), g.seat("villager")
    poisoned = g.seat("seer")
    to_witch(g, v)
    g.act(witch, "poison", poisoned)
    deaths = g.of(Death)
    assert len(deaths) == 1
    dawn = deaths[0]
    assert dawn.seats == sorted([v, poisoned]) and dawn.cause == "night" and dawn.day == 1
    assert dawn.vis == PUBLIC
    causes = {e.seat: e.cause for e in g.of(NightDeathCause)}
    assert causes == {v: "wolves", poisoned: "poison"}
    assert all(e.vis == GOD for e in g.of(NightDeathCause))
    for seat in [None, *g.state.seats()]:
        assert not any(sees(g, seat, e) for e in g.of(NightDeathCause))
    for seat in g.state.seats():
        assert not any(isinstance(e, NightDeathCause) for e in view_events(g.state, seat))
    assert any(isinstance(e, NightDeathCause) for e in view_events(g.state, None, god=True))
    assert g.state.phase == "day"


def test_night_one_deaths_have_last_words_later_nights_dont_exiles_always():
    g = Game()
    witch = g.seat("witch")
    v1, v2, v3 = g.seats("villager")
    seer = g.seat("seer")
    to_witch(g, v1)
    g.act(witch, "poison", seer)
    first = sorted([v1, seer])
    assert g.waiting() == [("last_words", first[0])]
    assert decision_for(g.state, first[0]).channel == PUBLIC
    g.act(first[0], "speak", text="I was good")
    assert g.waiting() == [("last_words", first[1])]
    g.act(first[1], "skip")
    assert pending(g.state)[0].action == "speak"
    words = [e for e in g.of(SpeechEnd) if e.kind == "last_words"]
    assert [(e.seat, e.text) for e in words] == [(first[0], "I was good"), (first[1], "")]
    assert all(e.vis == PUBLIC for e in words)
    # day 1: nobody exiled; night 2: a death without last words
    g.run(
        until=lambda g: g.state.day == 2 and g.state.phase == "day",
        script={("wolf_kill", 2): everyone("kill", lambda g: v2)},
    )
    assert g.of(Death)[-1].seats == [v2]
    assert pending(g.state)[0].action == "speak"
    # day 2: the exiled speaks last words (not the last villager: that would end the game)
    exiled = g.wolves[0]
    g.run({("vote", 2): everyone("vote", lambda g: exiled)}, until=waits_for("last_words", day=2))
    assert g.waiting() == [("last_words", exiled)]
    assert not g.state.is_alive(exiled)
    g.act(exiled, "speak", text="bye")
    assert [e.seat for e in g.of(SpeechEnd) if e.kind == "last_words"] == [*first, exiled]
    assert not any(d.action == "last_words" and d.seat == v2 for d in g.answered)


# =========================================================================================
# The hunter


def test_the_hunter_shoots_when_killed_by_the_wolves():
    g = Game()
    hunter, target = g.seat("hunter"), g.wolves[0]
    to_witch(g, hunter)
    g.act(g.seat("witch"), "skip")
    assert g.waiting() == [("last_words", hunter)]
    g.act(hunter, "skip")
    (d,) = pending(g.state)
    assert (d.action, d.seat) == ("shoot", hunter)
    assert d.options == g.state.living() and d.can_skip
    assert_refused(g, hunter, "shoot", hunter, code="illegal_target")
    g.act(hunter, "shoot", target)
    (shot,) = g.of(Shot)
    assert (shot.seat, shot.target, shot.vis) == (hunter, target, PUBLIC)
    death = g.of(Death)[-1]
    assert (death.seats, death.cause, death.day) == ([target], "shot", 1)
    assert not g.state.is_alive(target)
    # shot at dawn of day 1: last words
    assert g.waiting() == [("last_words", target)]


def test_a_shot_at_a_later_dawn_gets_no_last_words():
    g = Game()
    hunter, v, target = g.seat("hunter"), g.seat("villager"), g.wolves[0]
    to_witch(g, v)
    g.act(g.seat("witch"), "skip")
    d = to_witch(g, hunter, day=2)
    g.act(d.seat, "skip")
    assert g.waiting() == [("shoot", hunter)]
    g.act(hunter, "shoot", target)
    assert not g.state.is_alive(target) and g.of(Death)[-1].cause == "shot"
    assert pending(g.state)[0].action == "speak"


def test_the_hunter_shoots_when_exiled_and_the_shot_player_dies_at_once():
    g = Game()
    hunter, target = g.seat("hunter"), g.seat("seer")
    g.run({"vote": everyone("vote", lambda g: hunter)}, until=waits_for("last_words"))
    assert g.of(VoteResult)[-1].chosen == hunter
    assert g.of(Death)[-1].cause == "exile"
    g.act(hunter, "speak", text="I am the hunter")
    assert g.waiting() == [("shoot", hunter)]
    g.act(hunter, "shoot", target)
    assert g.of(Death)[-1].seats == [target] and g.of(Death)[-1].cause == "shot"
    assert not g.state.is_alive(target)
    assert g.waiting() == [("last_words", target)]
    g.act(target, "skip")
    assert g.state.day == 2 and g.state.phase == "night"


def test_a_player_shot_after_a_later_exile_gets_last_words():
    g = Game()
    hunter, target = g.seat("hunter"), g.wolves[0]
    g.run({("vote", 2): everyone("vote", lambda g: hunter)}, until=waits_for("shoot", day=2))
    g.act(hunter, "shoot", target)
    assert g.of(Death)[-1].seats == [target] and g.of(Death)[-1].day == 2
    assert g.waiting() == [("last_words", target)]
    g.act(target, "speak", text="well shot")
    assert g.state.day == 3 and g.state.phase == "night"


def test_the_hunter_may_decline():
    g = Game()
    hunter = g.seat("hunter")
    g.run({"vote": everyone("vote", lambda g: hunter)}, until=waits_for("shoot"))
    alive = list(g.state.alive)
    g.act(hunter, "skip")
    (shot,) = g.of(Shot)
    assert shot.target is None
    assert g.state.alive == alive and g.of(Death)[-1].seats == [hunter]


def test_a_poisoned_hunter_cannot_shoot():
    g = Game()
    hunter, v = g.seat("hunter"), g.seat("villager")
    to_witch(g, v)
    g.act(g.seat("witch"), "poison", hunter)
    assert not g.state.is_alive(hunter)
    g.run(until=lambda g: g.state.phase == "vote")
    assert not any(d.action == "shoot" for d in g.answered)
    assert g.of(Shot) == []
    assert_refused(g, hunter, "shoot", g.wolves[0], code="dead_seat")


def test_a_hunter_bitten_and_poisoned_the_same_night_cannot_shoot():
    g = Game()
    hunter = g.seat("hunter")
    to_witch(g, hunter)
    g.act(g.seat("witch"), "poison", hunter)
    assert g.of(Death)[-1].seats == [hunter]
    assert [e.cause for e in g.of(NightDeathCause)] == ["poison"]
    g.run(until=lambda g: g.state.phase == "vote")
    assert g.of(Shot) == []


# =========================================================================================
# Day


def speech_order(g: Game) -> list[int]:
    order = []
    while pending(g.state) and pending(g.state)[0].action == "speak":
        (d,) = pending(g.state)
        assert d.channel == PUBLIC
        order.append(d.seat)
        g.act(d.seat, "speak", text=f"seat {d.seat} speaking")
    return order


def test_day_speeches_start_after_the_lowest_seat_that_died_in_the_night():
    g = Game()
    witch = g.seat("witch")
    v1, v2 = g.seats("villager")[:2]
    to_witch(g, v2)
    g.act(witch, "poison", v1)
    g.run(until=waits_for("speak"))
    lowest = min(v1, v2)
    living = g.state.living()
    (order_event,) = g.of(SpeakingOrder)
    up = [s for s in living if s > lowest] + [s for s in living if s < lowest]
    # 死左 / 死右: from either neighbour of the lowest seat that died, as the rules drew
    expected = up if order_event.direction == "right" else list(reversed(up))
    assert order_event.seats == expected and order_event.sheriff is None
    assert speech_order(g) == expected
    spoken = [e for e in g.of(SpeechEnd) if e.kind == "day"]
    assert [e.seat for e in spoken] == expected
    assert all(e.vis == PUBLIC and e.day == 1 for e in spoken)
    assert g.state.phase == "vote"


def peaceful_start(seed: int) -> list[int]:
    g = Game(seed=seed)
    g.run(until=waits_for("speak"))
    return speech_order(g)


def test_after_a_peaceful_night_speeches_start_at_a_seeded_random_seat():
    starts, directions = set(), set()
    for seed in range(12):
        order = peaceful_start(seed)
        assert sorted(order) == list(range(1, 10))
        up = list(range(order[0], 10)) + list(range(1, order[0]))
        down = [order[0]] + list(reversed(up[1:]))
        assert order in (up, down)
        assert peaceful_start(seed) == order
        starts.add(order[0])
        directions.add(order == up)
    assert len(starts) > 2 and directions == {True, False}


def test_votes_are_revealed_together_and_the_most_voted_is_exiled():
    g = Game()
    v, other = g.seat("villager"), g.seat("seer")
    g.run(until=waits_for("vote"))
    voters = g.state.living()
    assert sorted(s for a, s in g.waiting()) == voters
    for i, seat in enumerate(voters):
        target = other if i < 2 else (v if seat != v else None)
        if seat == other:
            target = v
        g.act(seat, "vote" if target else "skip", target)
        if i < len(voters) - 1:
            # nobody's vote is shown before everyone voted
            assert [e for e in g.of(VoteCast) if e.kind == "day"] == []
            assert g.of(Decided)[-1].seat == seat and g.of(Decided)[-1].vis == PUBLIC
    result = g.of(VoteResult)[-1]
    assert result.kind == "day" and result.chosen == v
    cast = [e for e in g.of(VoteCast) if e.kind == "day"]
    assert len(cast) == len(voters) and all(e.vis == PUBLIC for e in cast)
    assert g.of(Death)[-1].seats == [v] and g.of(Death)[-1].cause == "exile"
    assert g.waiting() == [("last_words", v)]


def test_everyone_abstaining_exiles_nobody():
    g = Game()
    g.run(until=waits_for("vote"))
    g.run(until=lambda g: g.state.day == 2)
    result = g.of(VoteResult)[-1]
    assert result.chosen is None and result.tally == {} and result.tie == []
    assert all(g.state.alive) and g.state.phase == "night"


def split_vote(a: int, b: int, pk: bool = False):
    """Half the voters for ``a``, half for ``b``: a tie."""

    def rule(d: Decision, g: Game) -> Answer:
        others = [s for s in g.state.living() if s not in (a, b)]
        if d.seat == a:
            return ("vote", b)
        if d.seat == b:
            return ("vote", a)
        i = others.index(d.seat)
        if i == len(others) - 1 and len(others) % 2:
            return ("skip", None)
        return ("vote", a if i % 2 == 0 else b)

    return rule


def test_a_tie_goes_to_pk_and_a_second_tie_exiles_nobody():
    g = Game()
    a, b = sorted([g.seat("seer"), g.seat("villager")])
    g.run({"vote": split_vote(a, b)}, until=lambda g: g.state.phase == "pk")
    result = g.of(VoteResult)[-1]
    assert result.kind == "day" and result.chosen is None and result.tie == [a, b]
    assert result.tally[a] == result.tally[b]
    assert all(g.state.alive)
    # the tied players speak again
    assert g.waiting() == [("pk_speak", a)]
    g.act(a, "speak", text="not me")
    assert g.waiting() == [("pk_speak", b)]
    g.act(b, "speak", text="nor me")
    assert [(e.seat, e.kind) for e in g.of(SpeechEnd)][-2:] == [(a, "pk"), (b, "pk")]
    # everyone else votes between them only
    voters = [s for s in g.state.living() if s not in (a, b)]
    assert g.waiting() == [("pk_vote", s) for s in voters]
    assert all(d.options == [a, b] for d in pending(g.state))
    assert decision_for(g.state, a) is None
    assert_refused(g, a, "vote", b, code="not_your_turn")
    c = next(s for s in voters if s != voters[0])
    assert_refused(g, voters[0], "vote", c, code="illegal_target")
    for i, seat in enumerate(voters):
        g.act(seat, "vote", a if i % 2 == 0 else b) if i < 6 else g.act(seat, "skip")
    pk = g.of(VoteResult)[-1]
    assert pk.kind == "pk" and pk.chosen is None and pk.tie == [a, b]
    assert a not in pk.votes and b not in pk.votes
    assert all(g.state.alive)
    assert g.state.day == 2 and g.state.phase == "night"


def test_a_pk_that_breaks_the_tie_exiles():
    g = Game()
    a, b = sorted([g.seat("seer"), g.seat("villager")])
    g.run(
        {("vote", 1): split_vote(a, b), ("pk_vote", 1): everyone("vote", lambda g: b)},
        until=waits_for("last_words"),
    )
    pk = g.of(VoteResult)[-1]
    assert pk.kind == "pk" and pk.chosen == b
    assert g.of(Death)[-1].seats == [b] and g.of(Death)[-1].cause == "exile"
    assert g.waiting() == [("last_words", b)]


# =========================================================================================
# Winning


def test_good_wins_when_every_wolf_is_dead():
    g = Game(6)
    w1, w2 = g.wolves
    witch = g.seat("witch")
    g.run({"wolf_kill": ("skip", None), "witch": ("poison", w1)}, until=waits_for("vote"))
    assert not g.state.over and g.state.living_wolves() == [w2]
    g.run({"vote": everyone("vote", lambda g: w2)})
    assert g.state.over and g.state.winner == "villagers"
    (over,) = g.of(GameOver)
    assert over.winner == "villagers" and over.roles == dict(enumerate(g.state.roles, 1))
    assert over.reason == "every werewolf is dead"
    assert g.state.phase == "game_over" and g.of(Phase)[-1].phase == "game_over"
    assert pending(g.state) == []
    assert_refused(g, witch, "skip", code="game_over")
    # after the end, everything is public
    assert view_events(g.state, witch) == g.state.history


def test_sides_wolves_win_when_every_villager_is_dead():
    g = Game()
    v1, v2, v3 = g.seats("villager")
    g.run(
        {"wolf_kill": everyone("kill", lambda g: v1), "witch": ("poison", v2)},
        until=waits_for("vote"),
    )
    assert not g.state.over
    g.run({"vote": everyone("vote", lambda g: v3)})
    assert g.state.winner == "wolves" and "villager" in g.state.reason
    assert g.of(GameOver)[0].day == 1
    assert all(g.state.is_alive(s) for s in ("seer", "witch", "hunter") for s in g.seats(s))


def test_sides_wolves_win_when_every_god_is_dead():
    g = Game()
    seer, witch, hunter = g.seat("seer"), g.seat("witch"), g.seat("hunter")
    g.run(
        {"wolf_kill": everyone("kill", lambda g: seer), "witch": ("poison", hunter)},
        until=waits_for("vote"),
    )
    assert not g.state.over
    g.run({"vote": everyone("vote", lambda g: witch)})
    assert g.state.winner == "wolves" and "god" in g.state.reason
    assert all(g.state.is_alive(v) for v in g.seats("villager"))


@pytest.mark.parametrize("side", ["villager", "god"])
def test_sides_wolves_win_at_dawn_when_night_kills_finish_a_side(side):
    g = Game()
    if side == "villager":
        targets = g.seats("villager")
    else:
        targets = [g.seat(r) for r in ("seer", "witch", "hunter")]
    g.run(
        {
            "wolf_kill": everyone(
                "kill", lambda g: next((s for s in targets if g.state.is_alive(s)), None)
            ),
            "shoot": ("skip", None),
        }
    )
    assert g.state.winner == "wolves" and side in g.state.reason
    assert not any(g.state.is_alive(s) for s in targets)
    # nobody was exiled: the last night's dawn ended the game
    assert [e.cause for e in g.of(Death)] == ["night"] * len(g.of(Death))
    assert g.of(Death)[-1].seats == [targets[-1]]


@pytest.mark.parametrize("rule,over", [("parity", True), ("sides", False)])
def test_parity_wolves_win_when_as_many_as_everyone_else(rule, over):
    g = Game(6, win_condition=rule)
    seer, v = g.seat("seer"), g.seat("villager")
    g.run(
        {"wolf_kill": everyone("kill", lambda g: seer), "witch": ("poison", v)},
        until=lambda g: g.state.phase != "night",
    )
    # two wolves against the witch and one villager
    assert len(g.state.living_wolves()) == 2 and len(g.state.living()) == 4
    assert g.state.over is over
    if over:
        assert g.state.winner == "wolves" and "many" in g.state.reason
        assert len(g.of(GameOver)) == 1


def test_parity_good_still_wins_when_every_wolf_is_dead():
    g = Game(6, win_condition="parity")
    w1, w2 = g.wolves
    g.run(
        {
            "wolf_kill": ("skip", None),
            "witch": ("poison", w1),
            "vote": everyone("vote", lambda g: w2),
        }
    )
    assert g.state.winner == "villagers"


def test_a_shot_that_kills_the_last_wolf_ends_the_game():
    g = Game()
    hunter = g.seat("hunter")
    w1, w2, w3 = g.wolves
    to_witch(g, g.seat("villager"))
    g.act(g.seat("witch"), "poison", w1)
    g.run({"vote": everyone("vote", lambda g: w2)}, until=waits_for("wolf_kill", day=2))
    assert g.state.living_wolves() == [w3]
    g.run({("vote", 2): everyone("vote", lambda g: hunter)}, until=waits_for("shoot"))
    g.act(hunter, "shoot", w3)
    assert g.state.over and g.state.winner == "villagers"
    assert pending(g.state) == []


def test_the_wolves_win_when_max_days_ends():
    g = Game(max_days=3).run()
    assert g.state.winner == "wolves" and g.state.day == 3
    assert "3" in g.state.reason
    assert all(g.state.alive)
    assert [e.day for e in g.of(Phase) if e.phase == "night"] == [1, 2, 3]


# =========================================================================================
# Illegal actions


@pytest.fixture
def at_vote() -> Game:
    """Day 1's vote: a villager died in the night."""
    g = Game()
    to_witch(g, g.seat("villager"))
    g.run(until=waits_for("vote"))
    return g


def test_a_dead_seat_cannot_act(at_vote):
    dead = at_vote.seat("villager")
    assert not at_vote.state.is_alive(dead)
    assert_refused(at_vote, dead, "vote", at_vote.wolves[0], code="dead_seat")
    assert_refused(at_vote, dead, "skip", code="dead_seat")


def test_no_vote_for_a_dead_player(at_vote):
    dead = at_vote.seat("villager")
    voter = at_vote.wolves[0]
    assert dead not in decision_for(at_vote.state, voter).options
    assert_refused(at_vote, voter, "vote", dead, code="illegal_target")


def test_no_vote_for_an_unknown_seat(at_vote):
    assert_refused(at_vote, at_vote.wolves[0], "vote", 10, code="illegal_target")
    assert_refused(at_vote, at_vote.wolves[0], "vote", 0, code="illegal_target")


@pytest.mark.parametrize("seat", [0, 10, -1, 100])
def test_an_unknown_seat_cannot_act(at_vote, seat):
    assert_refused(at_vote, seat, "vote", 1, code="unknown_seat")


def test_a_seat_cannot_decide_twice(at_vote):
    voter = at_vote.wolves[0]
    at_vote.act(voter, "vote", at_vote.seat("seer"))
    assert decision_for(at_vote.state, voter) is None
    assert_refused(at_vote, voter, "vote", at_vote.seat("witch"), code="already_decided")
    assert_refused(at_vote, voter, "skip", code="already_decided")


def test_a_wrong_kind_of_answer_is_refused(at_vote):
    voter = at_vote.wolves[0]
    for kind in ("kill", "check", "save", "poison", "shoot", "speak"):
        assert_refused(at_vote, voter, kind, at_vote.seat("seer"), text="hi", code="wrong_action")


def test_acting_out_of_turn_is_refused():
    g = Game()
    w1, w2, _ = g.wolves
    assert_refused(g, w2, "speak", text="me first", code="not_your_turn")
    assert_refused(g, g.seat("villager"), "speak", text="hello", code="not_your_turn")
    assert_refused(g, g.seat("seer"), "check", w1, code="not_your_turn")
    assert_refused(g, g.seat("witch"), "poison", w1, code="not_your_turn")
    g.run(until=waits_for("speak"))
    speaker = pending(g.state)[0].seat
    other = next(s for s in g.state.living() if s != speaker)
    assert_refused(g, other, "speak", text="interrupting", code="not_your_turn")
    assert_refused(g, speaker, "vote", other, code="wrong_action")


def test_a_speech_needs_text_of_bounded_length():
    g = Game()
    w1 = g.wolves[0]
    assert_refused(g, w1, "speak", text=None, code="bad_text")
    assert_refused(g, w1, "speak", text="x" * 501, code="bad_text")
    g.act(w1, "speak", text="x" * 500)


def test_an_illegal_action_leaves_the_state_usable(at_vote):
    before = at_vote.state.model_dump()
    for seat, kind, target in [
        (0, "vote", 1),
        (at_vote.seat("villager"), "vote", 1),
        (at_vote.wolves[0], "kill", 2),
    ]:
        with pytest.raises(IllegalAction):
            apply(at_vote.state, Action(seat=seat, kind=kind, target=target))
    assert at_vote.state.model_dump() == before
    at_vote.run()
    assert at_vote.state.over


@pytest.mark.parametrize("seat", [None, 0, -1, 10])
def test_a_spectator_or_unknown_seat_sees_only_public_events(seat):
    # a deal where list indexing would hand seat -1 (or 0) a wolf's role
    seed = next(
        s
        for s in range(100)
        if "werewolf"
        == new_game(GameConfig(seed=s)).state.roles[-2]
        == new_game(GameConfig(seed=s)).state.roles[-1]
    )
    g = Game(seed=seed)
    g.run({"wolf_chat": lambda d, g: ("speak", None)}, until=waits_for("witch"))
    seen = view_events(g.state, seat)
    assert any(e.vis == WOLVES for e in g.events)
    assert seen == [e for e in g.events if e.vis == PUBLIC]


# =========================================================================================
# The sheriff (警长), self-destruct (自爆), 屠城, the 12-player boards (issue 15)


def twelve(special: str = "guard", **options: Any) -> Game:
    return Game(players=12, special=special, **options)


def stand(seats: list[int]):
    """Exactly ``seats`` stand for sheriff."""
    return lambda d, g: ("stand", None) if d.seat in seats else ("skip", None)


def vote_for(choice: Callable[[int], int | None]):
    """Each voter votes ``choice(voter)`` (None: abstains)."""

    def rule(d: Decision, g: Game) -> Answer:
        t = choice(d.seat)
        return ("vote", t) if t is not None else ("skip", None)

    return rule


def quiet_night(g: Game) -> Script:
    """Night 1: the wolves kill nobody, so all are alive through the election."""
    return {("wolf_kill", 1): ("skip", None)}


@pytest.mark.parametrize(
    "special,board",
    [
        ("guard", {"werewolf": 4, "villager": 4, "seer": 1, "witch": 1, "hunter": 1, "guard": 1}),
        ("idiot", {"werewolf": 4, "villager": 4, "seer": 1, "witch": 1, "hunter": 1, "idiot": 1}),
    ],
)
def test_the_12_player_boards_deal_four_wolves_and_the_guard_or_the_idiot(special, board):
    g = twelve(special)
    assert Counter(g.state.roles) == board
    assert g.state.config.has_sheriff and g.state.config.board_name == f"12-{special}"


def test_the_sheriff_is_on_by_default_at_12_players_an_option_at_6_and_9():
    assert GameConfig(players=12).has_sheriff
    assert not GameConfig(players=12, sheriff=False).has_sheriff
    assert not GameConfig(players=9).has_sheriff and GameConfig(players=9, sheriff=True).has_sheriff
    assert GameConfig(players=6, sheriff=True).has_sheriff
    with pytest.raises(ValidationError):
        GameConfig(players=9, special="idiot")
    g = Game(players=9)
    g.run(until=waits_for("speak"))
    assert not g.of(SheriffCandidates) and not g.of(Badge)


def test_the_election_comes_on_day_1_after_the_witch_before_the_deaths_are_announced():
    g = twelve()
    v = g.seat("villager")
    script = {("wolf_kill", 1): everyone("kill", lambda g: v)}
    g.run(script, until=waits_for("stand"))
    assert g.state.phase == "sheriff" and g.state.is_alive(v)
    assert not g.of(Death) and g.of(WitchInfo)  # the witch has acted, nobody knows yet
    assert sorted(d.seat for d in pending(g.state)) == list(range(1, 13))  # all at once
    d = decision_for(g.state, v)
    assert d is not None and set(d.kinds) == {"stand", "skip"}
    g.run(script, until=waits_for("speak"))
    (badge,) = g.of(Badge)
    (dawn,) = g.of(Death)
    assert g.events.index(badge) < g.events.index(dawn) and dawn.seats == [v]


def test_candidates_speak_in_turn_and_only_those_who_did_not_stand_vote():
    g = twelve()
    cands = [2, 5, 9]
    script = {**quiet_night(g), "stand": stand(cands)}
    g.run(script, until=waits_for("sheriff_vote"))
    (listed,) = g.of(SheriffCandidates)[:1]
    assert listed.seats == cands and listed.vis == PUBLIC
    spoken = [e for e in g.of(SpeechEnd) if e.kind == "sheriff"]
    assert sorted(e.seat for e in spoken) == cands and len(spoken) == 3
    voters = sorted(d.seat for d in pending(g.state))
    assert voters == [s for s in range(1, 13) if s not in cands]
    assert all(d.options == cands for d in pending(g.state))
    assert_refused(g, cands[0], "vote", cands[1], code="not_your_turn")
    g.run({**script, "sheriff_vote": vote_for(lambda s: 5)}, until=waits_for("speak"))
    (result,) = [e for e in g.of(VoteResult) if e.kind == "sheriff"]
    assert result.chosen == 5 and result.tally == {5: 9}
    elected = g.of(Badge)[-1]
    assert (elected.seat, elected.how) == (5, "elected") and g.state.sheriff == 5


def test_a_candidate_may_withdraw_after_speaking_and_then_neither_runs_nor_votes():
    g = twelve()
    script = {
        **quiet_night(g),
        "stand": stand([2, 5, 9]),
        "withdraw": lambda d, g: ("withdraw", None) if d.seat == 9 else ("skip", None),
    }
    g.run(script, until=waits_for("sheriff_vote"))
    after = g.of(SheriffCandidates)[-1]
    assert after.seats == [2, 5] and after.withdrawn == [9]
    assert 9 not in [d.seat for d in pending(g.state)]
    assert all(d.options == [2, 5] for d in pending(g.state))


def test_a_lone_candidate_takes_the_badge_without_a_vote():
    g = twelve()
    g.run({**quiet_night(g), "stand": stand([7])}, until=waits_for("speak"))
    assert not [e for e in g.of(VoteResult) if e.kind == "sheriff"]
    assert [(b.seat, b.how) for b in g.of(Badge)] == [(7, "elected")]
    # and one left after the others withdrew takes it too
    g = twelve()
    script = {
        **quiet_night(g),
        "stand": stand([3, 7]),
        "withdraw": lambda d, g: ("withdraw", None) if d.seat == 3 else ("skip", None),
    }
    g.run(script, until=waits_for("speak"))
    assert [(b.seat, b.how) for b in g.of(Badge)] == [(7, "elected")]


def test_nobody_standing_loses_the_badge():
    g = twelve()
    g.run({**quiet_night(g), "stand": stand([])}, until=waits_for("speak"))
    assert [(b.seat, b.how) for b in g.of(Badge)] == [(None, "lost")]
    assert g.state.sheriff is None


def test_a_tied_election_goes_to_a_pk_and_a_second_tie_loses_the_badge():
    g = twelve()
    split = vote_for(lambda s: 2 if s % 2 else 5)
    script = {**quiet_night(g), "stand": stand([2, 5]), "sheriff_vote": split}
    g.run(script, until=waits_for("sheriff_pk_vote"))
    first = [e for e in g.of(VoteResult) if e.kind == "sheriff"][0]
    assert first.chosen is None and first.tie == [2, 5]
    pk = [e for e in g.of(SpeechEnd) if e.kind == "sheriff_pk"]
    assert [e.seat for e in pk] == [2, 5]
    assert sorted(d.seat for d in pending(g.state)) == [s for s in range(1, 13) if s not in (2, 5)]
    g.run({**script, "sheriff_pk_vote": split}, until=waits_for("speak"))
    second = [e for e in g.of(VoteResult) if e.kind == "sheriff_pk"][0]
    assert second.tie == [2, 5]
    assert [(b.seat, b.how) for b in g.of(Badge)] == [(None, "lost")]
    # a PK that breaks the tie elects
    g = twelve()
    g.run(
        {**script, "sheriff_pk_vote": vote_for(lambda s: 5)},
        until=waits_for("speak"),
    )
    assert [(b.seat, b.how) for b in g.of(Badge)] == [(5, "elected")]


def elect(g: Game, sheriff: int, script: Script | None = None) -> Script:
    script = {**quiet_night(g), **(script or {}), "stand": stand([sheriff])}
    g.run(script, until=lambda g: bool(g.of(Badge)))
    assert g.state.sheriff == sheriff
    return script


def test_the_sheriffs_exile_vote_counts_one_and_a_half():
    g = twelve()
    sheriff = g.seat("villager")
    a, b = [s for s in g.good() if s != sheriff][:2]
    script = elect(g, sheriff)
    others = [s for s in range(1, 13) if s not in (sheriff, a, b)]
    # the sheriff and one more vote a; two vote b: 2.5 against 2
    two_for_b = others[:2]
    one_for_a = others[2]

    def vote(d: Decision, g: Game) -> Answer:
        if d.seat in (sheriff, one_for_a):
            return ("vote", a)
        if d.seat in two_for_b:
            return ("vote", b)
        return ("skip", None)

    g.run(
        {**script, "vote": vote},
        until=lambda g: (
            bool(g.of(VoteResult)[-1:]) and any(e.kind == "day" for e in g.of(VoteResult))
        ),
    )
    (result,) = [e for e in g.of(VoteResult) if e.kind == "day"]
    assert result.tally == {a: 2.5, b: 2} and result.chosen == a


def test_the_sheriff_picks_the_direction_and_speaks_last():
    for direction in ("left", "right"):
        g = twelve()
        sheriff = 5
        script = elect(g, sheriff)
        g.run(script, until=waits_for("direction"))
        d = decision_for(g.state, sheriff)
        assert d is not None and set(d.kinds) == {"left", "right"} and d.options == []
        assert d.pass_action().kind == "left"
        assert_refused(g, sheriff, "left", 3, code="illegal_target")
        g.act(sheriff, direction)
        order = speech_order(g)
        expected = (
            [6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4]
            if direction == "right"
            else [4, 3, 2, 1, 12, 11, 10, 9, 8, 7, 6]
        )
        assert order == [*expected, sheriff]
        (announced,) = g.of(SpeakingOrder)
        assert announced.sheriff == sheriff and announced.direction == direction


def test_a_dying_sheriff_passes_the_badge_after_his_last_words():
    g = twelve()
    v = g.seat("villager")
    heir = g.seat("seer")
    script = {
        ("wolf_kill", 1): everyone("kill", lambda g: v),
        "stand": stand([v]),
        "badge": ("badge", heir),
    }
    g.run(script, until=waits_for("badge"))
    assert g.state.sheriff is None and not g.state.is_alive(v)  # never a dead seat's
    assert [d.action for d in g.answered[-1:]] == ["last_words"]
    d = decision_for(g.state, v)
    assert d is not None and heir in d.options and v not in d.options
    assert set(d.kinds) == {"badge", "tear"} and d.pass_action().kind == "tear"
    g.run(script, until=waits_for("direction"))
    passed = g.of(Badge)[-1]
    assert (passed.seat, passed.previous, passed.how) == (heir, v, "passed")
    assert g.state.sheriff == heir and decision_for(g.state, heir).action == "direction"


def test_a_dying_sheriff_may_tear_the_badge_and_then_the_dead_seat_rule_orders_the_day():
    g = twelve()
    v = g.seat("villager")
    script = {("wolf_kill", 1): everyone("kill", lambda g: v), "stand": stand([v])}
    g.run(script, until=waits_for("speak"))  # the badge's pass is to tear it
    torn = g.of(Badge)[-1]
    assert (torn.seat, torn.previous, torn.how) == (None, v, "torn")
    (order,) = g.of(SpeakingOrder)[-1:]
    assert order.sheriff is None


def test_an_exiled_sheriff_speaks_his_last_words_then_passes_the_badge():
    g = twelve()
    sheriff = g.seat("villager")
    heir = g.seat("witch")
    script = elect(g, sheriff)
    script = {**script, "vote": everyone("vote", lambda g: sheriff), "badge": ("badge", heir)}
    g.run(script, until=waits_for("badge"))
    assert g.answered[-1].action == "last_words" and g.answered[-1].seat == sheriff
    g.run(script, until=lambda g: g.state.phase == "night" and g.state.day == 2)
    assert g.state.sheriff == heir


def test_a_wolf_self_destructs_on_his_turn_the_day_ends_without_last_words_or_vote():
    g = Game(players=9)
    wolf = g.wolves[0]
    g.run(until=waits_for("speak", seat=wolf))
    d = decision_for(g.state, wolf)
    assert d is not None and d.can_destruct and "destruct" in d.kinds
    g.act(wolf, "destruct")
    (boom,) = g.of(SelfDestruct)
    assert boom.seat == wolf and boom.vis == PUBLIC
    death = g.of(Death)[-1]
    assert (death.seats, death.cause) == ([wolf], "destruct")
    assert g.state.phase == "night" and g.state.day == 2  # no vote, no last words
    assert not g.of(VoteResult) or all(e.kind == "wolf" for e in g.of(VoteResult))
    assert not [e for e in g.of(SpeechEnd) if e.kind == "last_words" and e.seat == wolf]


def test_only_a_living_wolf_may_self_destruct_and_only_on_his_turn():
    g = Game(players=9)
    good = g.seat("villager")
    g.run(until=waits_for("speak", seat=good))
    d = decision_for(g.state, good)
    assert d is not None and not d.can_destruct
    assert_refused(g, good, "destruct", code="wrong_action")
    for wolf in g.wolves:
        if decision_for(g.state, wolf) is None:
            assert_refused(g, wolf, "destruct", code={"not_your_turn", "dead_seat"})
    # never at night, never to vote
    g2 = Game(players=9)
    assert_refused(g2, g2.wolves[0], "destruct", code="wrong_action")


def test_a_self_destruct_in_the_election_loses_the_badge_and_night_falls_after_the_dawn():
    g = twelve()
    wolf, v = g.wolves[0], g.seat("villager")
    script = {
        ("wolf_kill", 1): everyone("kill", lambda g: v),
        "stand": stand([wolf, g.seat("seer")]),
    }
    g.run(script, until=waits_for("sheriff_speak", seat=wolf))
    g.act(wolf, "destruct")
    assert [(b.seat, b.how) for b in g.of(Badge)] == [(None, "lost")]
    assert not [e for e in g.of(VoteResult) if e.kind == "sheriff"]
    g.run(script, until=lambda g: g.state.day == 2)
    deaths = [(e.seats, e.cause) for e in g.of(Death)]
    assert deaths == [([wolf], "destruct"), ([v], "night")]  # the dawn still announced
    # the night victim's last words, then night: no day speeches, no vote
    spoken = [(e.kind, e.seat) for e in g.of(SpeechEnd) if e.kind != "wolf_chat"]
    assert spoken[-1] == ("last_words", v)
    assert {k for k, _ in spoken} <= {"sheriff", "last_words"}
    assert not [e for e in g.of(VoteResult) if e.kind != "wolf"]
    assert g.state.sheriff is None and g.state.phase == "night"


def test_a_self_destructing_sheriff_still_passes_the_badge():
    g = twelve()
    wolf, mate = g.wolves[:2]
    script = elect(g, wolf, {"badge": ("badge", mate)})
    g.run(script, until=waits_for("speak", seat=wolf))
    g.act(wolf, "destruct")
    assert g.waiting() == [("badge", wolf)]
    g.act(wolf, "badge", mate)
    assert g.state.sheriff == mate and g.state.phase == "night"


@pytest.mark.parametrize("rule", ["sides", "city"])
def test_city_wolves_win_only_when_every_good_player_is_dead(rule):
    g = Game(players=9, win_condition=rule)
    villagers = g.seats("villager")
    gods = [g.seat("seer"), g.seat("witch"), g.seat("hunter")]
    # exile the three villagers one day at a time (the wolves kill nobody)
    script: Script = {"wolf_kill": ("skip", None), "shoot": ("skip", None)}
    for day, v in enumerate(villagers, start=1):
        script[("vote", day)] = everyone("vote", lambda g, v=v: v)
    g.run(script, until=lambda g: g.state.over or g.state.day == 4)
    if rule == "sides":
        assert g.state.winner == "wolves" and g.state.reason == "every villager is dead"
    else:
        assert not g.state.over and all(g.state.is_alive(s) for s in gods)


def guard_night(g: Game, target: int | None, victim: int, save: bool, day: int = 1) -> None:
    guard, witch = g.seat("guard"), g.seat("witch")
    script = {("wolf_kill", day): everyone("kill", lambda g: victim), "stand": stand([])}
    g.run(script, until=waits_for("protect", day=day))
    g.act(guard, "guard" if target else "skip", target)
    g.run(script, until=waits_for("witch", day=day))
    g.act(witch, "save" if save else "skip", victim if save else None)
    g.run(script, until=lambda g: any(e.day == day for e in g.of(Death)))


def test_the_guard_protects_one_player_and_the_kill_fails():
    g = twelve()
    guard, v = g.seat("guard"), g.seat("villager")
    g.run({"stand": stand([])}, until=waits_for("protect"))
    d = decision_for(g.state, guard)
    assert d is not None and set(d.kinds) == {"guard", "skip"} and guard in d.options
    g2 = twelve()
    guard_night(g2, v, v, save=False)
    (dawn,) = g2.of(Death)
    assert dawn.seats == [] and g2.state.is_alive(v)
    (mine,) = [e for e in g2.of(NightAction) if e.action == "guard"]
    assert (mine.seat, mine.target, mine.vis) == (guard, v, only(guard))
    (result,) = g2.of(GuardResult)
    assert (result.target, result.double, result.vis) == (v, False, GOD)
    assert g2.state.last_protected == v


def test_the_guard_may_protect_himself():
    g = twelve()
    guard = g.seat("guard")
    guard_night(g, guard, guard, save=False)
    assert g.state.is_alive(guard) and g.of(Death)[0].seats == []


def test_the_guard_never_protects_the_same_player_two_nights_running():
    g = twelve()
    guard, v = g.seat("guard"), g.seat("villager")
    other = g.seats("villager")[1]
    guard_night(g, v, other, save=False)
    g.run({"stand": stand([])}, until=waits_for("protect", day=2))
    d = decision_for(g.state, guard)
    assert v not in d.options
    assert_refused(g, guard, "guard", v, code="illegal_target")
    g.act(guard, "skip")  # an empty night frees every seat for the next
    g.run({"vote": ("skip", None)}, until=waits_for("protect", day=3))
    assert v in decision_for(g.state, guard).options


def test_guarded_and_saved_the_same_night_dies():
    g = twelve()
    v = g.seat("villager")
    guard_night(g, v, v, save=True)
    (dawn,) = g.of(Death)
    assert dawn.seats == [v]
    (result,) = g.of(GuardResult)
    assert result.double and result.vis == GOD


def test_an_exiled_idiot_reveals_stays_alive_loses_his_vote_and_still_speaks():
    g = twelve("idiot", sheriff=False)
    idiot = g.seat("idiot")
    script = {("wolf_kill", 1): ("skip", None), ("vote", 1): everyone("vote", lambda g: idiot)}
    g.run(script, until=lambda g: g.state.day == 2)
    (shown,) = g.of(IdiotRevealed)
    assert shown.seat == idiot and shown.vis == PUBLIC
    assert g.state.is_alive(idiot) and g.state.revealed_idiot == idiot
    assert not [e for e in g.of(SpeechEnd) if e.kind == "last_words"]  # the day just ends
    g.run({"wolf_kill": ("skip", None)}, until=waits_for("speak", day=2, seat=idiot))
    g.act(idiot, "speak", text="I am the idiot.")
    g.run({"wolf_kill": ("skip", None)}, until=waits_for("vote", day=2))
    assert idiot not in [d.seat for d in pending(g.state)]
    assert_refused(g, idiot, "vote", g.wolves[0], code="not_your_turn")
    # named again, he dies: the card shows once
    g.run({"vote": everyone("vote", lambda g: idiot)}, until=lambda g: g.state.day == 3)
    assert not g.state.is_alive(idiot)


@pytest.mark.parametrize("how", ["wolves", "poison"])
def test_an_idiot_killed_at_night_or_poisoned_dies_normally(how):
    g = twelve("idiot", sheriff=False)
    idiot, witch = g.seat("idiot"), g.seat("witch")
    if how == "wolves":
        to_witch(g, idiot)
        g.act(witch, "skip")
    else:
        to_witch(g, g.seat("villager"))
        g.act(witch, "poison", idiot)
    g.run(until=waits_for("speak"))
    assert not g.state.is_alive(idiot) and not g.of(IdiotRevealed)


def test_a_revealed_idiot_sheriff_loses_the_badge():
    g = twelve("idiot")
    idiot = g.seat("idiot")
    script = elect(g, idiot)
    g.run({**script, "vote": everyone("vote", lambda g: idiot)}, until=lambda g: g.state.day == 2)
    assert g.state.is_alive(idiot) and g.state.sheriff is None
    assert (g.of(Badge)[-1].how, g.of(Badge)[-1].previous) == ("lost", idiot)


def test_the_seat_view_and_snapshot_carry_the_badge_the_card_and_the_guards_last_night():
    from server.game.view import seat_view
    from server.game.visibility import GOD_VIEWER, redact, table_snapshot

    g = twelve()
    guard, v = g.seat("guard"), g.seat("villager")
    sheriff = g.seat("seer")
    script = {"stand": stand([sheriff]), ("wolf_kill", 1): ("skip", None)}
    g.run(script, until=waits_for("protect"))
    g.act(guard, "guard", v)
    g.run(script, until=waits_for("direction"))
    assert seat_view(g.state, guard).protected == v
    assert seat_view(g.state, v).protected is None
    assert seat_view(g.state, v).sheriff == sheriff and seat_view(g.state, v).has_sheriff
    snap = table_snapshot(g.state, [], pending(g.state), [], False, True)
    assert redact(snap, GOD_VIEWER).state.protected == v
    assert redact(snap, Viewer(seat=guard)).state.protected == v
    assert redact(snap, Viewer(seat=v)).state.protected is None
    assert redact(snap, Viewer(seat=v)).state.sheriff == sheriff
    # a human sheriff's direction decision: other seats know it is pending, not its options
    snap = table_snapshot(g.state, [sheriff], pending(g.state), [], False, True)
    (theirs,) = redact(snap, Viewer(seat=v)).waiting_for
    assert (theirs.seat, theirs.action, theirs.kinds) == (sheriff, "direction", ())
    (mine,) = redact(snap, Viewer(seat=sheriff)).waiting_for
    assert set(mine.kinds) == {"left", "right"}
