"""Invariants of the rules over random seeds and random legal play (hypothesis)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from server.game import Action, GameConfig, IllegalAction, apply, new_game, pending, view_events
from server.game.state import GameState
from shared.events import (
    CheckResult,
    GameOver,
    NightAction,
    NightDeathCause,
    RoleAssigned,
    ThoughtToken,
    WitchInfo,
)


def random_action(state: GameState, rng: random.Random) -> Action:
    d = rng.choice(pending(state))
    kind = rng.choice(d.kinds)
    target = None
    if kind in ("vote", "kill", "shoot", "check", "poison"):
        options = list(d.options) + ([None] if d.can_skip and kind != "poison" else [])
        if not options:
            return Action(seat=d.seat, kind="skip")
        target = rng.choice(options)
    if kind == "save":
        target = d.victim
    return Action(
        seat=d.seat,
        kind=kind,
        target=target,
        text=rng.choice(["", "I am the seer, 3 is a wolf", "我是村民"])
        if kind == "speak"
        else None,
    )


def play(config: GameConfig, rng: random.Random):
    t = new_game(config)
    state, events = t.state, list(t.events)
    acted: list[tuple[Action, str, bool]] = []  # (action, decision, seat alive when it acted)
    snapshots = [state]
    while not state.over:
        action = random_action(state, rng)
        decision = next(d for d in pending(state) if d.seat == action.seat)
        acted.append((action, decision.action, state.is_alive(action.seat)))
        t = apply(state, action)
        state = t.state
        events.extend(t.events)
        snapshots.append(state)
    return state, events, acted, snapshots


configs = st.builds(
    GameConfig,
    players=st.sampled_from([6, 9]),
    seed=st.integers(0, 10**9),
    witch_self_save=st.sampled_from(["first_night", "never", "always"]),
    win_condition=st.sampled_from(["sides", "parity"]),
)


@settings(max_examples=120, deadline=None)
@given(config=configs, play_seed=st.integers(0, 10**9))
def test_every_game_ends_with_one_winner_and_the_dead_never_act(config, play_seed):
    state, events, acted, _ = play(config, random.Random(play_seed))
    assert state.winner in ("wolves", "villagers")
    assert sum(isinstance(e, GameOver) for e in events) == 1
    assert state.day <= config.max_days
    for action, decision, alive in acted:
        # Only last words and the hunter's shot come from the just-dead.
        assert alive or decision in ("last_words", "shoot"), (action, decision)


@settings(max_examples=120, deadline=None)
@given(config=configs, play_seed=st.integers(0, 10**9))
def test_each_potion_is_used_at_most_once(config, play_seed):
    _, events, _, _ = play(config, random.Random(play_seed))
    used = [
        e.action for e in events if isinstance(e, NightAction) and e.action in ("save", "poison")
    ]
    assert used.count("save") <= 1 and used.count("poison") <= 1


@settings(max_examples=60, deadline=None)
@given(config=configs, play_seed=st.integers(0, 10**9))
def test_what_a_seat_sees_never_reveals_another_seats_role_before_the_end(config, play_seed):
    _, _, _, snapshots = play(config, random.Random(play_seed))
    for state in snapshots[:-1]:
        if state.over:
            continue
        for seat in state.seats():
            role = state.role(seat)
            for e in view_events(state, seat):
                assert not isinstance(e, (NightDeathCause, GameOver, ThoughtToken))
                if isinstance(e, RoleAssigned):
                    assert e.seat == seat
                if isinstance(e, CheckResult):
                    assert role == "seer" and e.seat == seat
                if isinstance(e, (WitchInfo, NightAction)):
                    assert e.seat == seat
                if e.vis.scope == "wolves":
                    assert role == "werewolf"


@settings(max_examples=60, deadline=None)
@given(config=configs, play_seed=st.integers(0, 10**9), junk=st.integers(-3, 12))
def test_an_illegal_action_changes_nothing(config, play_seed, junk):
    rng = random.Random(play_seed)
    state = new_game(config).state
    for _ in range(rng.randrange(0, 40)):
        if state.over:
            return
        state = apply(state, random_action(state, rng)).state
    if state.over:
        return
    before = state.model_dump()
    waiting = {d.seat for d in pending(state)}
    for action in (
        Action(seat=junk, kind="vote", target=junk),
        Action(seat=next(iter(waiting)), kind="shoot", target=junk),
        Action(seat=next(iter(waiting)), kind="poison", target=99),
    ):
        try:
            apply(state, action)
        except IllegalAction as e:
            assert e.code and e.message
        assert state.model_dump() == before


def test_the_same_seed_and_decisions_replay_the_same_game():
    a = play(GameConfig(seed=77), random.Random(5))
    b = play(GameConfig(seed=77), random.Random(5))
    assert [e.model_dump() for e in a[1]] == [e.model_dump() for e in b[1]]
