"""One scenario per rule, driven through the pure engine with scripted choices."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.game import Action, GameConfig, IllegalAction, apply, decision_for, new_game, pending
from server.game.state import GameState
from shared.events import (
    CheckResult,
    Death,
    GameOver,
    NightDeathCause,
    Shot,
    SpeechEnd,
    VoteResult,
    WitchInfo,
)


class Table:
    """Drives a game: ``script(decision, state)`` returns an Action or None (then: pass)."""

    def __init__(self, seed: int = 1, **options) -> None:
        t = new_game(GameConfig(seed=seed, **options))
        self.state: GameState = t.state
        self.events = list(t.events)

    def seats_of(self, role: str) -> list[int]:
        return [s for s in self.state.seats() if self.state.role(s) == role]

    def one(self, role: str) -> int:
        return self.seats_of(role)[0]

    def act(self, action: Action) -> None:
        t = apply(self.state, action)
        self.state = t.state
        self.events.extend(t.events)

    def run(self, script, until=lambda table: False, limit: int = 2000) -> None:
        for _ in range(limit):
            if self.state.over or until(self):
                return
            d = pending(self.state)[0]
            action = script(d, self) or default(d)
            self.act(action)
        raise AssertionError("the script did not finish")

    def of(self, kind):
        return [e for e in self.events if isinstance(e, kind)]


def default(d) -> Action:
    if "speak" in d.kinds:
        return Action(seat=d.seat, kind="speak", text=f"seat {d.seat} speaks")
    return Action(seat=d.seat, kind="skip")


def phase_is(phase: str, day: int):
    return lambda t: t.state.phase == phase and t.state.day == day


# -- the deal -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "players,board",
    [
        (9, {"werewolf": 3, "villager": 3, "seer": 1, "witch": 1, "hunter": 1}),
        (6, {"werewolf": 2, "villager": 2, "seer": 1, "witch": 1}),
    ],
)
def test_boards_and_a_seeded_deal(players, board):
    roles = new_game(GameConfig(players=players, seed=3)).state.roles
    assert {r: roles.count(r) for r in set(roles)} == board
    assert roles == new_game(GameConfig(players=players, seed=3)).state.roles
    assert any(
        new_game(GameConfig(players=players, seed=s)).state.roles != roles for s in range(4, 10)
    )


def test_an_invalid_config_names_the_field():
    for field, value in [
        ("players", 7),
        ("witch_self_save", "sometimes"),
        ("win_condition", "coin"),
        ("max_days", 0),
    ]:
        with pytest.raises(ValidationError) as e:
            GameConfig(**{field: value})
        assert field in str(e.value)


# -- night ----------------------------------------------------------------------------------
def test_wolves_talk_in_seat_order_then_kill_by_majority():
    t = Table(seed=2)
    wolves = t.seats_of("werewolf")
    talk = []
    victim = next(s for s in t.state.seats() if s not in wolves)

    def script(d, table):
        if d.action == "wolf_chat":
            talk.append(d.seat)
        if d.action == "wolf_kill":
            return Action(seat=d.seat, kind="kill", target=victim if d.seat != wolves[0] else None)
        return None

    t.run(script, until=lambda tb: tb.of(VoteResult))
    assert talk == sorted(wolves)
    assert all(e.vis.scope == "wolves" for e in t.of(SpeechEnd))
    result = t.of(VoteResult)[0]
    assert result.kind == "wolf" and result.chosen == victim and result.vis.scope == "wolves"


def test_a_tied_wolf_vote_is_broken_by_the_seeded_rng_and_no_kill_is_legal():
    outcomes = set()
    for seed in range(12):
        t = Table(seed=seed)
        wolves = t.seats_of("werewolf")
        goods = [s for s in t.state.seats() if s not in wolves]
        picks = {wolves[0]: goods[0], wolves[1]: goods[1], wolves[2]: None}

        def script(d, table, picks=picks):
            if d.action == "wolf_kill":
                return Action(seat=d.seat, kind="kill", target=picks[d.seat])
            return None

        t.run(script, until=lambda tb: tb.of(VoteResult))
        chosen = t.of(VoteResult)[0].chosen
        assert chosen in picks.values()
        outcomes.add(chosen is None)
        again = Table(seed=seed)
        again.run(script, until=lambda tb: tb.of(VoteResult))
        assert again.of(VoteResult)[0].chosen == chosen, "the tie-break replays with the seed"
    assert outcomes == {True, False}, "over a dozen seeds, 'no kill' wins some ties"


def test_the_seer_learns_wolf_or_good_and_nobody_else_sees_it():
    t = Table(seed=4)
    seer, wolf = t.one("seer"), t.one("werewolf")

    def script(d, table):
        if d.action == "check":
            return Action(seat=d.seat, kind="check", target=wolf)
        return None

    t.run(script, until=lambda tb: tb.of(CheckResult))
    check = t.of(CheckResult)[0]
    assert (check.seat, check.target, check.is_wolf) == (seer, wolf, True)
    assert check.vis.scope == "seat" and check.vis.seat == seer
    with pytest.raises(IllegalAction):  # the seer can't check himself
        Table(seed=4).run(
            lambda d, tb: (
                Action(seat=seer, kind="check", target=seer) if d.action == "check" else None
            ),
            until=lambda tb: tb.of(CheckResult),
        )


def _kill(victim_fn):
    def script(d, table):
        if d.action == "wolf_kill":
            return Action(seat=d.seat, kind="kill", target=victim_fn(table))
        return None

    return script


def test_the_witch_is_told_the_victim_and_saves():
    t = Table(seed=5)
    villager = t.one("villager")
    witch = t.one("witch")

    def script(d, table):
        if d.action == "witch":
            assert d.victim == villager and d.can_save
            return Action(seat=witch, kind="save", target=villager)
        return _kill(lambda tb: villager)(d, table)

    t.run(script, until=phase_is("day", 1))
    t.run(lambda d, tb: None, until=lambda tb: tb.of(Death))
    assert t.of(WitchInfo)[0].victim == villager
    assert t.of(Death)[0].seats == [], "a saved victim: a peaceful night"
    assert not t.state.antidote


def test_save_and_poison_never_in_one_night_and_each_once_per_game():
    t = Table(seed=6)
    witch, villagers = t.one("witch"), t.seats_of("villager")
    wolf = t.one("werewolf")
    nights = []

    def script(d, table):
        if d.action == "witch":
            nights.append(d)
            if table.state.day == 1:
                return Action(seat=witch, kind="poison", target=wolf)
            return None
        return _kill(
            lambda tb: (
                villagers[0]
                if tb.state.is_alive(villagers[0])
                else next(s for s in tb.state.living() if tb.state.role(s) != "werewolf")
            )
        )(d, table)

    t.run(script, until=phase_is("night", 3))
    assert "save" in nights[0].kinds and "poison" in nights[0].kinds
    deaths_night1 = t.of(Death)[0].seats
    assert sorted(deaths_night1) == sorted([villagers[0], wolf]), "poisoned, so no save that night"
    later = nights[1]
    assert "poison" not in later.kinds, "the poison is spent"
    with pytest.raises(IllegalAction) as e:
        Table(seed=6).state and apply(t.state, Action(seat=witch, kind="poison", target=wolf))
    assert e.value.code in ("potion_used", "not_your_turn", "wrong_action", "dead_seat")


@pytest.mark.parametrize(
    "rule,night1,night2",
    [
        ("first_night", True, False),
        ("never", False, False),
        ("always", True, True),
    ],
)
def test_witch_self_save_options(rule, night1, night2):
    t = Table(seed=7, witch_self_save=rule)
    witch = t.one("witch")
    offers = {}

    def script(d, table):
        if d.action == "wolf_kill":
            return Action(seat=d.seat, kind="kill", target=witch)
        if d.action == "witch":
            offers[table.state.day] = d.can_save
            return Action(seat=witch, kind="skip") if table.state.day == 1 and night2 else None
        return None

    if not night2:
        t.run(script, until=lambda tb: 1 in offers)
        assert offers[1] is night1
    else:  # skip night 1 so the antidote is still there on night 2
        t.state = t.state  # keep the witch alive: the wolves kill someone else on night 1
        other = next(s for s in t.state.seats() if t.state.role(s) == "villager")

        def script2(d, table):
            if d.action == "wolf_kill":
                return Action(
                    seat=d.seat, kind="kill", target=other if table.state.day == 1 else witch
                )
            if d.action == "witch":
                offers[table.state.day] = (
                    d.can_save and d.victim == witch if table.state.day == 2 else d.can_save
                )
                return Action(seat=witch, kind="skip")
            return None

        t.run(script2, until=lambda tb: 2 in offers)
        assert offers[2] is True


# -- dawn, last words, the hunter -----------------------------------------------------------
def test_dawn_announces_deaths_together_without_cause_and_night_one_gets_last_words():
    t = Table(seed=8)
    victim = t.one("villager")
    t.run(_kill(lambda tb: victim), until=phase_is("night", 2))
    death = t.of(Death)[0]
    assert death.seats == [victim] and death.cause == "night" and death.vis.scope == "public"
    assert t.of(NightDeathCause)[0].vis.scope == "god"
    last = [e for e in t.of(SpeechEnd) if e.kind == "last_words"]
    assert last and last[0].seat == victim


def test_no_last_words_for_night_deaths_after_night_one_but_always_for_the_exiled():
    t = Table(seed=9)
    goods = [s for s in t.state.seats() if t.state.role(s) == "villager"]
    wolves = t.seats_of("werewolf")

    def script(d, table):
        if d.action == "wolf_kill":
            alive = [s for s in goods if table.state.is_alive(s)]
            return Action(seat=d.seat, kind="kill", target=alive[0] if alive else None)
        if d.action == "vote" and table.state.is_alive(wolves[0]):
            return Action(
                seat=d.seat, kind="vote", target=wolves[0] if d.seat != wolves[0] else None
            )
        return None

    t.run(script, until=phase_is("day", 2))
    t.run(lambda d, tb: None, until=lambda tb: len(tb.of(Death)) >= 3)
    night2 = [e for e in t.of(Death) if e.day == 2 and e.cause == "night"]
    assert night2
    exiled = [e for e in t.of(Death) if e.cause == "exile"][0].seats[0]
    words = {(e.seat, e.day) for e in t.of(SpeechEnd) if e.kind == "last_words"}
    assert (exiled, 1) in words
    assert all((s, 2) not in words for s in night2[0].seats)


def test_the_hunter_shoots_when_killed_by_wolves():
    t = Table(seed=10)
    hunter, wolf = t.one("hunter"), t.one("werewolf")

    def script(d, table):
        if d.action == "shoot":
            return Action(seat=hunter, kind="shoot", target=wolf)
        return _kill(lambda tb: hunter)(d, table)

    t.run(script, until=lambda tb: tb.of(Shot))
    shot = t.of(Shot)[0]
    assert (shot.seat, shot.target) == (hunter, wolf)
    assert not t.state.is_alive(wolf)
    assert any(e.cause == "shot" and e.seats == [wolf] for e in t.of(Death))


def test_the_hunter_shoots_when_exiled_and_the_shot_player_gets_last_words():
    t = Table(seed=11)
    hunter, wolf = t.one("hunter"), t.one("werewolf")

    def script(d, table):
        if d.action == "vote":
            return Action(seat=d.seat, kind="vote", target=hunter if d.seat != hunter else wolf)
        if d.action == "shoot":
            return Action(seat=hunter, kind="shoot", target=wolf)
        return None

    t.run(
        script,
        until=lambda tb: (
            tb.of(Shot)
            and tb.state.phase != "vote"
            and any(e.kind == "last_words" and e.seat == wolf for e in tb.of(SpeechEnd))
        ),
    )
    assert t.of(Shot)[0].target == wolf


def test_a_poisoned_hunter_cannot_shoot():
    t = Table(seed=12)
    hunter, witch = t.one("hunter"), t.one("witch")
    asked = []

    def script(d, table):
        if d.action == "witch":
            return Action(seat=witch, kind="poison", target=hunter)
        if d.action == "shoot":
            asked.append(d)
        return None

    t.run(script, until=phase_is("vote", 1))
    assert not t.state.is_alive(hunter)
    assert not asked and not t.of(Shot)


# -- day ----------------------------------------------------------------------------------
def test_day_speeches_start_after_the_lowest_dead_seat():
    t = Table(seed=13)
    victim = sorted(s for s in t.state.seats() if t.state.role(s) == "villager")[0]
    order = []

    def script(d, table):
        if d.action == "speak" and table.state.day == 1:
            order.append(d.seat)
        return _kill(lambda tb: victim)(d, table)

    t.run(script, until=phase_is("vote", 1))
    living = t.state.living()
    expected = [s for s in living if s > victim] + [s for s in living if s < victim]
    assert order == expected


def test_a_tie_goes_to_pk_and_a_second_tie_exiles_nobody():
    t = Table(seed=14)  # nobody dies on night 1: the wolves and the witch pass
    a, b = 1, 2
    split = {3: a, 4: a, 5: a, 6: b, 7: b, 8: b, 9: None, a: b, b: a}

    def script(d, table):
        if d.action in ("vote", "pk_vote"):
            return Action(seat=d.seat, kind="vote", target=split[d.seat])
        return None

    t.run(script, until=phase_is("night", 2))
    day_vote, pk_vote = [e for e in t.of(VoteResult) if e.kind in ("day", "pk")][:2]
    assert day_vote.chosen is None and day_vote.tie == [a, b]
    assert [e.seat for e in t.of(SpeechEnd) if e.kind == "pk"] == [a, b]
    assert pk_vote.kind == "pk" and a not in pk_vote.votes and b not in pk_vote.votes
    assert pk_vote.chosen is None and pk_vote.tie == [a, b]
    assert not [e for e in t.of(Death) if e.cause == "exile"], "a second tie exiles nobody"


def test_a_pk_that_breaks_the_tie_exiles():
    t = Table(seed=14)
    a, b = 1, 2
    split = {3: a, 4: a, 5: a, 6: b, 7: b, 8: b, 9: None, a: b, b: a}

    def script(d, table):
        if d.action == "vote":
            return Action(seat=d.seat, kind="vote", target=split[d.seat])
        if d.action == "pk_vote":
            return Action(seat=d.seat, kind="vote", target=a)
        return None

    t.run(script, until=phase_is("night", 2))
    assert [e.seats for e in t.of(Death) if e.cause == "exile"] == [[a]] or t.state.over


# -- winning --------------------------------------------------------------------------------
def test_good_wins_when_every_wolf_is_dead():
    t = Table(seed=15)
    wolves = t.seats_of("werewolf")

    def script(d, table):
        if d.action in ("vote", "pk_vote"):
            alive = [w for w in wolves if table.state.is_alive(w)]
            target = alive[0] if alive and alive[0] != d.seat else None
            if target in d.options:
                return Action(seat=d.seat, kind="vote", target=target)
        return None

    t.run(script)
    assert t.state.winner == "villagers"
    assert t.of(GameOver)[0].reason == "every werewolf is dead"


def test_sides_wolves_win_when_every_villager_dies():
    t = Table(seed=16)
    villagers = t.seats_of("villager")
    t.run(_kill(lambda tb: next((v for v in villagers if tb.state.is_alive(v)), None)))
    assert t.state.winner == "wolves"
    assert "villager" in t.of(GameOver)[0].reason


def test_sides_wolves_win_when_every_god_dies():
    t = Table(seed=17)
    gods = [s for s in t.state.seats() if t.state.role(s) in ("seer", "witch", "hunter")]

    def script(d, table):
        if d.action == "shoot":
            return Action(seat=d.seat, kind="skip")
        return _kill(lambda tb: next((g for g in gods if tb.state.is_alive(g)), None))(d, table)

    t.run(script)
    assert t.state.winner == "wolves"
    assert "god" in t.of(GameOver)[0].reason


def test_parity_wolves_win_when_as_many_as_everyone_else():
    t = Table(seed=18, players=6, win_condition="parity")
    goods = [s for s in t.state.seats() if t.state.role(s) != "werewolf"]
    t.run(_kill(lambda tb: next((g for g in goods if tb.state.is_alive(g)), None)))
    assert t.state.winner == "wolves"
    living = t.state.living()
    wolves = [s for s in living if t.state.role(s) == "werewolf"]
    assert len(wolves) >= len(living) - len(wolves)


# -- illegal actions ------------------------------------------------------------------------
def test_illegal_actions_raise_and_change_nothing():
    t = Table(seed=19)
    t.run(_kill(lambda tb: tb.one("villager")), until=phase_is("vote", 1))
    state = t.state
    before = state.model_dump()
    dead = next(s for s in state.seats() if not state.is_alive(s))
    voter = next(d.seat for d in pending(state))
    cases = {
        "dead_seat": Action(seat=dead, kind="vote", target=voter),
        "illegal_target": Action(seat=voter, kind="vote", target=dead),
        "unknown_seat": Action(seat=42, kind="vote", target=1),
        "wrong_action": Action(seat=voter, kind="check", target=1),
    }
    for code, action in cases.items():
        with pytest.raises(IllegalAction) as e:
            apply(state, action)
        assert e.value.code == code, (code, e.value.code)
        assert state.model_dump() == before
    target = next(s for s in state.living() if s != voter)
    t.act(Action(seat=voter, kind="vote", target=target))
    with pytest.raises(IllegalAction) as e:
        apply(t.state, Action(seat=voter, kind="vote", target=target))
    assert e.value.code == "already_decided"
    assert decision_for(t.state, voter) is None
