"""The built-in bots at the table's new duties (server/bots/duties.py), played through the
pure rules: the sheriff's election and badge, the direction, the guard, a wolf's 自爆."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from server.bots.builtin import plan
from server.game import GameConfig, apply, new_game, pending
from server.game.config import board_options
from server.game.state import Decision, GameState
from server.game.view import seat_view
from shared.actions import Action
from shared.events import Badge, CheckResult, SelfDestruct, SpeechEnd


def play(config: GameConfig) -> tuple[GameState, list[tuple[Decision, Action, GameState]]]:
    """One all-bot game: every decision answered by the built-in bot, which must be legal."""
    state = new_game(config).state
    log: list[tuple[Decision, Action, GameState]] = []
    for _ in range(5000):
        if state.over:
            return state, log
        d = pending(state)[0]
        rng = random.Random(f"{config.seed}:{len(state.history)}:{d.seat}")
        p = plan(seat_view(state, d.seat), d, rng)
        assert d.allows(p.action), (d, p.action)
        log.append((d, p.action, state))
        state = apply(state, p.action).state
    raise AssertionError("the game did not end")


NEW = {"stand", "sheriff_speak", "withdraw", "sheriff_vote", "badge", "direction", "protect"}


@pytest.mark.parametrize("board", ["6", "9", "12-guard", "12-idiot"])
def test_the_bots_answer_every_new_decision_legally_on_every_board(board):
    seen: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for seed in range(6):
        config = GameConfig(**board_options(board), sheriff=True, seed=seed)
        _state, log = play(config)
        for d, a, _before in log:
            seen[d.action] += 1
            kinds[a.kind] += 1
    expected = NEW - ({"protect"} if board != "12-guard" else set())
    assert expected - {"withdraw"} <= set(seen), seen
    assert kinds["stand"] and kinds["vote"] and (kinds["badge"] or kinds["tear"])
    assert kinds["left"] + kinds["right"] == seen["direction"]


def test_the_seer_stands_and_claims_his_check_with_a_badge_flow():
    claims = 0
    for seed in range(8):
        state, log = play(GameConfig(**board_options("12-idiot"), seed=seed))
        seer = state.seat_of("seer")
        (stood,) = [a for d, a, _b in log if d.action == "stand" and d.seat == seer]
        assert stood.kind == "stand"
        speeches = [e for e in state.history if isinstance(e, SpeechEnd) and e.kind == "sheriff"]
        for e in speeches:
            if e.seat == seer:
                assert "I'm the seer" in e.text and "badge flow" in e.text
                claims += 1
    assert claims >= 4  # he speaks on the stage unless he stood alone or a wolf blew it up


def test_the_guard_leaves_the_first_night_empty_and_never_repeats():
    guarded = 0
    for seed in range(8):
        state, log = play(GameConfig(**board_options("12-guard"), seed=seed))
        protects = [(b.day, a) for d, a, b in log if d.action == "protect"]
        assert protects[0][0] == 1 and protects[0][1].kind == "skip"  # 同守同救 is worse
        last = None
        for _day, a in protects:
            assert a.target is None or a.target != last
            last = a.target
            guarded += a.target is not None
    assert guarded > 0


def test_a_good_sheriff_hands_the_badge_to_his_gold_or_whom_he_trusts():
    passes = 0
    for seed in range(12):
        state, log = play(GameConfig(**board_options("12-guard"), seed=seed))
        for d, a, before in log:
            if d.action != "badge" or before.role(d.seat) == "werewolf":
                continue
            if a.kind == "badge":
                passes += 1
                assert before.is_alive(a.target or 0)
                if before.role(d.seat) == "seer":
                    golds = [
                        e.target
                        for e in before.history
                        if isinstance(e, CheckResult)
                        and not e.is_wolf
                        and before.is_alive(e.target)
                    ]
                    if golds:
                        assert a.target in golds
    assert passes > 0


def test_wolves_self_destruct_sometimes_and_only_wolves():
    booms = 0
    for seed in range(30):
        state, _log = play(GameConfig(**board_options("12-guard"), seed=seed))
        for e in state.history:
            if isinstance(e, SelfDestruct):
                booms += 1
                assert state.role(e.seat) == "werewolf"
        badges = [e for e in state.history if isinstance(e, Badge)]
        assert all(e.seat is None or e.how in ("elected", "passed") for e in badges)
    assert booms > 0


def test_the_same_seed_plays_the_same_game():
    config = GameConfig(**board_options("12-idiot"), seed=3)
    one, _ = play(config)
    two, _ = play(config)
    assert one.model_dump() == two.model_dump()
