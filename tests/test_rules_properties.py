"""Properties of the rules engine over random seeds and random legal play (hypothesis).

The one property suite for the rules; the scenarios, one per rule, are in
test_rules_scenarios.py.

Each example deals a game from a random seed and answers every pending decision
with a uniformly random legal choice (a random pending decision, a random kind among
its legal kinds, a random legal target), then checks invariants along the way.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.game import Action, GameConfig, IllegalAction, apply, new_game, pending, view_events
from server.game.state import Decision, GameState
from server.game.visibility import Viewer, can_see
from shared.actions import NAMELESS
from shared.events import (
    Badge,
    CheckResult,
    Death,
    Event,
    GameOver,
    NightAction,
    NightDeathCause,
    Phase,
    RoleAssigned,
    SelfDestruct,
    Shot,
    SpeakingOrder,
    ThoughtToken,
    VoteCast,
    WitchInfo,
)

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BOARD_CHOICES = [
    {"players": 6},
    {"players": 9},
    {"players": 12, "special": "guard"},
    {"players": 12, "special": "idiot"},
]
configs = st.builds(
    lambda board, **kw: GameConfig(**board, **kw),
    board=st.sampled_from(BOARD_CHOICES),
    seed=st.integers(min_value=0, max_value=2**32),
    witch_self_save=st.sampled_from(["first_night", "never", "always"]),
    win_condition=st.sampled_from(["sides", "city", "parity"]),
    sheriff=st.sampled_from([None, True, False]),
    max_days=st.integers(min_value=3, max_value=20),
)
# boards where the new roles and the sheriff always play
twelve = st.builds(
    lambda board, **kw: GameConfig(**board, **kw),
    board=st.sampled_from(BOARD_CHOICES[2:]),
    seed=st.integers(min_value=0, max_value=2**32),
    win_condition=st.sampled_from(["sides", "city"]),
    max_days=st.integers(min_value=3, max_value=20),
)

TEXTS = ["...", "I am a villager.", "", "  seat 3 is a wolf  ", "我是村民", "x" * 500]


def random_action(d: Decision, rnd: random.Random) -> Action:
    """A uniformly random legal answer to decision ``d``."""
    kind = rnd.choice(d.kinds)
    if kind == "destruct" and rnd.random() < 0.7:  # not every wolf blows up at once
        kind = "speak"
    if kind == "speak":
        return Action(seat=d.seat, kind="speak", text=rnd.choice(TEXTS))
    if kind in NAMELESS or kind == "skip":
        return Action(seat=d.seat, kind=kind)
    if kind == "save":
        return Action(seat=d.seat, kind="save", target=d.victim)
    if kind == "poison":
        return Action(seat=d.seat, kind="poison", target=rnd.choice(d.options))
    targets: list[int | None] = list(d.options)
    if d.can_skip or not targets:
        targets.append(None)
    return Action(seat=d.seat, kind=kind, target=rnd.choice(targets))


class Played:
    def __init__(
        self,
        state: GameState,
        actions: list[tuple[Action, Decision, GameState]],
        transitions: list[list[Event]],
    ) -> None:
        self.state = state
        self.actions = actions  # (action, the decision it answered, the state before it)
        self.transitions = transitions


def play(config: GameConfig, rnd: random.Random, limit: int = 5000) -> Played:
    t = new_game(config)
    state = t.state
    actions: list[tuple[Action, Decision, GameState]] = []
    transitions = [list(t.events)]
    for _ in range(limit):
        if state.over:
            return Played(state, actions, transitions)
        decisions = pending(state)
        assert decisions, "a running game always waits on someone"
        d = rnd.choice(decisions)
        a = random_action(d, rnd)
        t = apply(state, a)
        actions.append((a, d, state))
        transitions.append(list(t.events))
        state = t.state
    raise AssertionError("the game did not end")


# ---------------------------------------------------------------------------


@SETTINGS
@given(config=configs, rnd=st.randoms(use_true_random=False))
def test_every_game_ends_with_exactly_one_winner_within_max_days(config, rnd):
    p = play(config, rnd)
    s = p.state
    assert s.over and s.winner in ("wolves", "villagers")
    assert s.phase == "game_over"
    assert 1 <= s.day <= config.max_days
    overs = [e for e in s.history if isinstance(e, GameOver)]
    assert len(overs) == 1 and overs[0].winner == s.winner
    assert overs[0] is s.history[-1]
    assert overs[0].roles == {seat: s.role(seat) for seat in s.seats()}
    assert pending(s) == []
    # the winner matches the board
    living_wolves = s.living_wolves()
    if s.winner == "villagers":
        assert not living_wolves
    else:
        assert living_wolves
    # nothing can be played any more
    try:
        apply(s, Action(seat=1, kind="skip"))
    except IllegalAction as e:
        assert e.code == "game_over"
    else:
        raise AssertionError("an action was accepted after game over")


@SETTINGS
@given(config=configs, rnd=st.randoms(use_true_random=False))
def test_the_dead_never_act(config, rnd):
    p = play(config, rnd)
    for a, d, before in p.actions:
        assert d.seat == a.seat
        if before.is_alive(a.seat):
            continue
        # only the just-killed: last words, the hunter's shot or the sheriff's badge, on the
        # day of the death
        assert d.action in ("last_words", "shoot", "badge"), (a, d)
        deaths_today = [e for e in before.history if isinstance(e, Death) and e.day == before.day]
        assert any(a.seat in e.seats for e in deaths_today), (a, d)
        if d.action == "shoot":
            assert before.role(a.seat) == "hunter"
            causes = [
                e for e in before.history if isinstance(e, NightDeathCause) and e.seat == a.seat
            ]
            assert all(c.cause == "wolves" for c in causes), "a poisoned hunter shot"
    # and the living vote / speak / act only while alive
    for a, _d, before in p.actions:
        if a.kind in ("vote", "kill", "check", "save", "poison", "guard", "stand", "withdraw"):
            assert before.is_alive(a.seat)
            if a.target is not None:
                assert before.is_alive(a.target)
        if a.kind == "badge":  # the dying sheriff hands the badge to a living seat
            assert not before.is_alive(a.seat) and before.is_alive(a.target or 0)


@SETTINGS
@given(config=configs, rnd=st.randoms(use_true_random=False))
def test_each_potion_is_used_at_most_once_and_never_both_in_one_night(config, rnd):
    p = play(config, rnd)
    potions = [
        e for e in p.state.history if isinstance(e, NightAction) and e.action in ("save", "poison")
    ]
    assert sum(e.action == "save" for e in potions) <= 1
    assert sum(e.action == "poison" for e in potions) <= 1
    days = [e.day for e in potions]
    assert len(days) == len(set(days)), "both potions in one night"
    witch = p.state.seat_of("witch")
    assert all(e.seat == witch for e in potions)
    for e in potions:
        if e.action == "save":
            info = [w for w in p.state.history if isinstance(w, WitchInfo) and w.day == e.day]
            assert info and info[-1].can_save and info[-1].victim == e.target


def check_seat_may_see(state: GameState, seat: int | None, e: Event) -> None:
    """``e`` is visible to ``seat`` during the game: it must not reveal a secret."""
    role = state.role(seat) if seat is not None else None
    if isinstance(e, RoleAssigned):
        assert e.seat == seat, f"seat {seat} sees seat {e.seat}'s role"
    assert not isinstance(e, NightDeathCause), "a night death's cause leaked"
    assert not isinstance(e, GameOver), "game over before the end"
    assert not isinstance(e, ThoughtToken), "a bot's thoughts are not part of the rules' record"
    if isinstance(e, CheckResult):
        assert role == "seer" and e.seat == seat
    if isinstance(e, WitchInfo):
        assert role == "witch" and e.seat == seat
    if isinstance(e, NightAction):
        assert e.seat == seat
    if e.vis.scope == "wolves":
        assert role == "werewolf"
    if e.vis.scope == "seat":
        assert e.vis.seat == seat
    assert e.vis.scope != "god"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs, rnd=st.randoms(use_true_random=False))
def test_what_a_seat_sees_never_reveals_another_seats_role_before_the_end(config, rnd):
    p = play(config, rnd)
    final = p.state
    viewers: list[int | None] = [None, *final.seats()]
    # every event, as each seat's stream filter (server.game.can_see) lets it through
    for events in p.transitions:
        for e in events:
            if isinstance(e, GameOver):
                continue  # the last transition: everything is public from here
            for seat in viewers:
                is_wolf = seat is not None and final.role(seat) == "werewolf"
                if can_see(Viewer(seat=seat, is_wolf=is_wolf), e.vis):
                    check_seat_may_see(final, seat, e)
    assert sum(isinstance(e, GameOver) for e in p.transitions[-1]) == 1
    assert not any(isinstance(e, GameOver) for events in p.transitions[:-1] for e in events)
    # the engine's view of the history, at a few points of the game and just before the end
    befores = [before for _a, _d, before in p.actions]
    for state in befores[::40] + befores[-1:]:
        assert not state.over
        for seat in final.seats():
            is_wolf = final.role(seat) == "werewolf"
            seen = view_events(state, seat)
            assert seen == [
                e for e in state.history if can_see(Viewer(seat=seat, is_wolf=is_wolf), e.vis)
            ]
            for e in seen:
                check_seat_may_see(state, seat, e)
            own = [e for e in seen if isinstance(e, RoleAssigned)]
            assert len(own) == 1 and own[0].role == final.role(seat)
            if is_wolf:
                assert own[0].teammates == final.wolves()
    # after the end, everything is public
    assert view_events(final, 1) == final.history


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs, rnd=st.randoms(use_true_random=False))
def test_the_same_seed_and_decisions_replay_the_same_game(config, rnd):
    p = play(config, rnd)
    t = new_game(config)
    state = t.state
    for a, _d, before in p.actions:
        assert state.model_dump() == before.model_dump()
        state = apply(state, a).state
    assert state.model_dump() == p.state.model_dump()


JUNK_KINDS = ["speak", "vote", "kill", "check", "save", "poison", "skip", "shoot"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    config=configs, rnd=st.randoms(use_true_random=False), junk=st.randoms(use_true_random=False)
)
def test_an_illegal_action_raises_and_changes_nothing(config, rnd, junk):
    p = play(config, rnd)
    for _a, d, before in p.actions[:: max(1, len(p.actions) // 12)]:
        dump = before.model_dump()
        for i in range(8):
            # half of them from a seat the game is waiting on, the others from anyone
            seat = d.seat if i % 2 else junk.randint(-3, before.players + 3)
            a = Action(
                seat=seat,
                kind=junk.choice(JUNK_KINDS),
                target=junk.choice([None, 99, junk.randint(-3, before.players + 3)]),
                text=junk.choice([None, "hi", "x" * 501]),
            )
            try:
                apply(before, a)
            except IllegalAction as e:
                assert e.message
                assert e.code in {
                    "game_over",
                    "unknown_seat",
                    "dead_seat",
                    "not_your_turn",
                    "already_decided",
                    "wrong_action",
                    "illegal_target",
                    "potion_used",
                    "bad_text",
                }
            assert before.model_dump() == dump


def wolves_have_won(state: GameState) -> bool:
    living = state.living()
    wolves = [s for s in living if state.role(s) == "werewolf"]
    others = [s for s in living if state.role(s) != "werewolf"]
    if state.config.win_condition == "parity":
        return len(wolves) >= len(others)
    if state.config.win_condition == "city":
        return not others
    board = state.config.board()
    villagers_dead = "villager" in board and not any(state.role(s) == "villager" for s in living)
    gods = ("seer", "witch", "hunter", "guard", "idiot")
    gods_dead = not any(state.role(s) in gods for s in living)
    return villagers_dead or gods_dead


@SETTINGS
@given(config=configs, rnd=st.randoms(use_true_random=False))
def test_the_game_ends_exactly_when_a_side_has_won(config, rnd):
    p = play(config, rnd)
    states = [before for _a, _d, before in p.actions] + [p.state]
    for s in states[:-1]:
        assert not s.over
        assert s.living_wolves(), "good had won but the game went on"
        assert not wolves_have_won(s), "the wolves had won but the game went on"
    s = p.state
    if s.winner == "villagers":
        assert not s.living_wolves()
    elif not wolves_have_won(s):
        assert s.day == config.max_days and "survived" in s.reason


@SETTINGS
@given(config=configs, rnd=st.randoms(use_true_random=False))
def test_last_words_and_the_hunters_shot_follow_the_cause_of_death(config, rnd):
    p = play(config, rnd)
    final = p.state
    hunter = final.seat_of("hunter")
    causes = {(e.seat, e.day): e.cause for e in final.history if isinstance(e, NightDeathCause)}
    spoke_last = [d.seat for _a, d, _b in p.actions if d.action == "last_words"]
    shots = [(d.seat, a.target) for a, d, _b in p.actions if d.action == "shoot"]
    expected_words: list[tuple[int, int]] = []  # (seat, day of death)
    expected_shots: list[tuple[int, int]] = []
    exiled_shooter = False
    exiled_today: set[int] = set()
    for events in p.transitions:
        ended = any(isinstance(e, GameOver) for e in events)
        for e in events:
            if isinstance(e, Shot):
                exiled_shooter = e.seat in exiled_today
            if not isinstance(e, Death) or ended:
                continue
            if e.cause == "exile":
                exiled_today = set(e.seats)
            for seat in e.seats:
                if (
                    e.cause == "exile"
                    or (e.cause == "night" and e.day == 1)
                    or (e.cause == "shot" and (e.day == 1 or exiled_shooter))
                ):
                    expected_words.append((seat, e.day))
                if seat == hunter and (
                    e.cause == "exile" or (e.cause == "night" and causes[(seat, e.day)] == "wolves")
                ):
                    expected_shots.append((seat, e.day))
        if any(isinstance(e, Phase) and e.phase == "night" for e in events):
            exiled_today = set()
    # everyone owed last words (or a shot) had them, unless the game ended first that day
    # (e.g. the hunter's shot at dawn ended it before the next night death could speak)
    for expected, done in ((expected_words, spoke_last), (expected_shots, [s for s, _ in shots])):
        assert len(done) == len(set(done)) and {s for s, _ in expected} >= set(done)
        for seat, day in expected:
            assert seat in done or day == final.day, (seat, day)
    assert len(shots) <= 1 and all(seat == hunter for seat, _t in shots)


@SETTINGS
@given(config=configs, rnd=st.randoms(use_true_random=False))
def test_day_speeches_go_round_the_living_in_the_announced_order(config, rnd):
    p = play(config, rnd)
    spoken: dict[int, list[int]] = {}
    for _a, d, before in p.actions:
        if d.action == "speak":
            spoken.setdefault(before.day, []).append(d.seat)
    orders = {e.day: e for e in p.state.history if isinstance(e, SpeakingOrder) and e.day > 0}
    day_orders = {}
    for e in p.state.history:  # the last order announced each day is the day's (not the stage's)
        if isinstance(e, SpeakingOrder):
            day_orders[e.day] = e
    dawn = {e.day: e.seats for e in p.state.history if isinstance(e, Death) and e.cause == "night"}
    n = config.players
    for day, said in spoken.items():
        order = day_orders[day]
        assert orders[day] is order
        # a prefix of the announced order, skipping whoever died before his turn
        assert said == [s for s in order.seats if s in said]
        assert said[: len(said)] == order.seats[: len(said)] or set(said) <= set(order.seats)
        step = 1 if order.direction == "right" else -1
        ring = [(order.seats[0] - 1 + step * i) % n + 1 for i in range(n)]
        assert order.seats == [s for s in ring if s in order.seats]
        if order.sheriff is not None:
            assert order.seats[-1] == order.sheriff
        elif dawn.get(day):
            first = min(dawn[day])
            after = [(first - 1 + step * i) % n + 1 for i in range(1, n)]
            assert order.seats[0] == next(s for s in after if s in order.seats)


@SETTINGS
@given(config=twelve, rnd=st.randoms(use_true_random=False))
def test_the_guard_never_protects_the_same_seat_two_nights_running(config, rnd):
    p = play(config, rnd)
    last: int | None = None
    for a, d, before in p.actions:
        if d.action != "protect":
            continue
        if before.day > 1 and last is not None:
            assert a.target != last or a.target is None
        assert last not in d.options or last is None
        last = a.target if a.kind == "guard" else None
        assert before.last_protected in (None, *[x for x in before.seats() if x not in d.options])


@SETTINGS
@given(config=twelve, rnd=st.randoms(use_true_random=False))
def test_a_revealed_idiot_never_votes_and_the_badge_is_a_living_seats_or_nobodys(config, rnd):
    p = play(config, rnd)
    states = [before for _a, _d, before in p.actions] + [p.state]
    for state in states:
        assert state.sheriff is None or state.is_alive(state.sheriff)
    revealed = p.state.revealed_idiot
    if revealed is not None:
        assert p.state.role(revealed) == "idiot"
        shown = next(i for i, st_ in enumerate(states) if st_.revealed_idiot == revealed)
        for a, d, _before in p.actions[shown:]:
            assert not (a.seat == revealed and d.action in ("vote", "pk_vote")), (a, d)
        votes = [
            e for e in p.state.history[len(states[shown].history) :] if isinstance(e, VoteCast)
        ]
        assert all(e.seat != revealed for e in votes if e.kind in ("day", "pk"))
    # each badge change names a living seat or nobody, and a dead sheriff's passes it on
    for e in p.state.history:
        if isinstance(e, Badge) and e.how == "passed":
            assert e.seat is not None and e.previous is not None and e.seat != e.previous
    # a self-destruct ends the day: no vote follows it that day
    for e in p.state.history:
        if isinstance(e, SelfDestruct):
            after = p.state.history[p.state.history.index(e) :]
            assert not any(
                isinstance(x, VoteCast) and x.day == e.day and x.kind in ("day", "pk")
                for x in after
            )
            assert p.state.role(e.seat) == "werewolf"
