"""At night a seat may know how many jobs the table waits on, never whose they are."""

from __future__ import annotations

from server.game import GameConfig, apply, new_game, pending
from server.game.visibility import Viewer, night_open, redact, table_snapshot, viewer_of


def to_night_actions(seed: int = 7):
    """A 9-player game at its first night's actions (the wolves' talk passed)."""
    state = new_game(GameConfig(seed=seed)).state
    while state.step is not None and state.step.kind != "night_actions":
        state = apply(state, pending(state)[0].pass_action()).state
    return state


def views(state, humans: list[int]) -> dict[int, tuple[int, list]]:
    """Each seat's snapshot: the count it reads, and the decisions it is told of."""
    snap = table_snapshot(state, humans, pending(state), ["human"], False, True)
    out = {}
    for seat in state.seats():
        mine = redact(snap, viewer_of(state, seat))
        out[seat] = (mine.night_open, [(d.seat, d.action) for d in mine.waiting_for])
    return out


def test_every_seat_reads_the_same_count_and_no_other_seats_night_decision():
    state = to_night_actions()
    seer = state.seat_of("seer")
    assert seer is not None
    humans = list(state.seats())  # every seat a human: every decision is a human one
    seen = views(state, humans)
    assert {count for count, _ in seen.values()} == {2}  # the wolves' kill, the check
    for seat, (_, told) in seen.items():
        wolf = state.role(seat) == "werewolf"
        for who, action in told:
            assert who == seat or (wolf and action == "wolf_kill"), (seat, told)
    # the seer checks: one job left, and still nobody learns it was the seer's
    check = next(d for d in pending(state) if d.seat == seer).choices()[0]
    assert check.kind == "check"
    state = apply(state, check).state
    seen = views(state, humans)
    assert {count for count, _ in seen.values()} == {1}
    assert all((seer, "check") not in told for s, (_, told) in seen.items() if s != seer)


def test_a_dead_gods_job_counts_as_open_the_same_as_a_living_ones():
    state = to_night_actions()
    seer = state.seat_of("seer")
    alive = night_open(state)
    assert seer is not None
    dead = state.model_copy(update={"alive": [s != seer for s in state.seats()]})
    assert night_open(dead) == alive == 2
    # the pack's kill is one job however many wolves still live
    wolf = state.living_wolves()[0]
    one_less = state.model_copy(update={"alive": [s != wolf for s in state.seats()]})
    assert night_open(one_less) == alive


def test_no_count_by_day_or_for_a_spectator_before_the_start():
    state = new_game(GameConfig(players=6, seed=3)).state
    snap = table_snapshot(state, [], [], [], False, False)
    assert redact(snap, Viewer(seat=None)).night_open == 0
