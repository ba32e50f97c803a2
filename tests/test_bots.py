"""The built-in bots: the claim parser, legal play over whole games, and each role's habits."""

from __future__ import annotations

import random
import re
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.bots.base import Plan
from server.bots.builtin import choose, plan
from server.bots.claims import (
    Claim,
    parse_accusations,
    parse_badge_flow,
    parse_claims,
    parse_fake_plan,
    parse_kill_proposal,
)
from server.bots.evidence import Knowledge, forget, knowledge, temper_of
from server.bots.lines import LINES
from server.bots.speech import join
from server.game.config import GameConfig
from server.game.engine import apply, new_game, pending
from server.game.state import MAX_SPEECH_CHARS, Action, Decision, GameState
from server.game.view import SeatView, seat_view
from server.metrics import Metrics, game_facts, render, sentences
from shared.events import CheckResult, Death, NightAction, RoleAssigned, SpeechEnd, VoteCast

PUBLIC_SPEECH = ("speak", "pk_speak", "last_words")


# ---------------------------------------------------------------------------
# The claim parser


def role(r: str) -> Claim:
    return Claim("role", role=r)


def wolf(n: int) -> Claim:
    return Claim("wolf", target=n)


def good(n: int) -> Claim:
    return Claim("good", target=n)


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("I'm the seer.", [role("seer")]),
        ("I am the seer", [role("seer")]),
        ("Honestly, I am the real seer!", [role("seer")]),
        ("5 is a wolf", [wolf(5)]),
        ("seat 5 is a werewolf", [wolf(5)]),
        ("Seat 5 is a wolf and seat 3 is good.", [wolf(5), good(3)]),
        ("3 is good", [good(3)]),
        ("I'm the seer. I checked seat 4: good.", [role("seer"), good(4)]),
        ("I am the witch", [role("witch")]),
        ("I'm the hunter, don't vote me", [role("hunter")]),
        ("I'm a villager.", [role("villager")]),
        ("seat 5 is not a wolf", []),
        ("I'm not the seer", []),
        ("Day 2 is over and nobody knows anything", []),
        ("Seat 12 is good", [good(12)]),
    ],
)
def test_parse_claims_english(text: str, claims: list[Claim]) -> None:
    assert parse_claims(text) == claims


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("我是预言家", [role("seer")]),
        ("我才是真预言家", [role("seer")]),
        ("我跳预言家，金水给3号", [role("seer"), good(3)]),
        ("5号是狼", [wolf(5)]),
        ("5号是狼人", [wolf(5)]),
        ("3号金水", [good(3)]),
        ("查杀5号", [wolf(5)]),
        ("5号查杀", [wolf(5)]),
        ("我是预言家，昨晚验了7号，7号是好人", [role("seer"), good(7)]),
        ("我是女巫", [role("witch")]),
        ("我是猎人", [role("hunter")]),
        ("我是村民", [role("villager")]),
        ("我是平民", [role("villager")]),
        ("我是个平民", [role("villager")]),
        ("5号不是狼", []),
        ("我不是狼", []),
        ("还剩2只狼", []),
        ("我们有3个好人", []),
    ],
)
def test_parse_claims_chinese(text: str, claims: list[Claim]) -> None:
    assert parse_claims(text) == claims


def test_parse_accusations_kills_and_plans() -> None:
    assert parse_accusations("I suspect seat 5. Vote out seat 6.") == (5, 6)
    assert parse_accusations("我怀疑3号，今天投4号") == (3, 4)
    assert parse_kill_proposal("Let's kill seat 4 tonight") == 4
    assert parse_kill_proposal("今晚刀7号") == 7
    assert parse_kill_proposal("no idea") is None
    assert parse_fake_plan("Tomorrow I'll claim seer and point at a villager.")
    assert parse_fake_plan("明天我来悍跳预言家")
    assert not parse_fake_plan("Kill seat 3.")


# ---------------------------------------------------------------------------
# Whole games with only bots


Step = tuple[GameState, Decision, SeatView, Plan]


def play(
    seed: int, lang: str = "en", players: int = 9, human_text: str | None = None, **options
) -> tuple[GameState, list[Step]]:
    """Drive one game with the built-in bot at every seat; ``apply`` refuses illegal actions.

    With ``human_text``, seat 1 plays like a bot but says that text in every speech.
    """
    state = new_game(GameConfig(players=players, seed=seed, lang=lang, **options)).state
    steps: list[Step] = []
    while not state.over:
        decisions = pending(state)
        assert decisions
        for d in decisions:
            view = seat_view(state, d.seat)
            p = choose(view, d, random.Random(f"{seed}:{len(state.history)}:{d.seat}"))
            check_legal(d, p)  # before the last guard: the guard never has to step in
            steps.append((state, d, view, p))
            action = p.action
            if human_text is not None and d.seat == 1 and action.kind == "speak":
                action = action.model_copy(update={"text": human_text[:MAX_SPEECH_CHARS]})
            state = apply(state, action).state
            if state.over:
                break
    return state, steps


def check_legal(d: Decision, p: Plan) -> None:
    a = p.action
    assert d.allows(a), d.refusal(a)
    if a.kind == "speak":
        assert a.text is not None and a.text == p.speech
        assert len(a.text) <= MAX_SPEECH_CHARS
    elif a.kind in ("vote", "kill", "check", "shoot", "poison"):
        assert a.target in d.options  # a pass is a skip, never a target of None
    assert p.thought and p.label


@cache
def games(lang: str = "en", n: int = 40) -> tuple[tuple[GameState, list[Step]], ...]:
    return tuple(play(seed, lang) for seed in range(n))


def all_steps(lang: str = "en"):
    for _, steps in games(lang):
        yield from steps


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bots_finish_games_with_legal_actions(lang: str) -> None:
    for state, _ in games(lang):
        assert state.over and state.winner in ("wolves", "villagers")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**40),
    lang=st.sampled_from(["en", "zh"]),
    players=st.sampled_from([6, 9]),
    self_save=st.sampled_from(["first_night", "never", "always"]),
    win=st.sampled_from(["sides", "parity"]),
)
def test_bots_play_legally_under_every_rule(seed, lang, players, self_save, win) -> None:
    state, _ = play(seed, lang, players, witch_self_save=self_save, win_condition=win)
    assert state.over


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=10_000),
    text=st.one_of(
        st.text(max_size=80),
        st.sampled_from(
            [
                "I'm the seer. Seat 1 is a wolf, seat 99 is good.",
                "我是预言家，查杀0号",
                "kill seat 1",
                "刀1号",
                "I'm a wolf",
                "我是狼",
                "seat 5 is a wolf " * 30,
            ]
        ),
    ),
)
def test_bots_cope_with_any_human_speech(seed: int, text: str) -> None:
    state, _ = play(seed, "en", 9, human_text=text)
    assert state.over


def test_plan_is_deterministic_given_the_rng() -> None:
    _, steps = games()[0]
    for _, d, view, _p in steps[:40]:
        a = plan(view, d, random.Random(7))
        b = plan(view, d, random.Random(7))
        assert a == b


def test_speeches_vary_between_games() -> None:
    day_one = set()
    for _, steps in games()[:10]:
        day_one.add(tuple(p.speech for _, d, _, p in steps if d.action == "speak")[:3])
    assert len(day_one) >= 8


# ---------------------------------------------------------------------------
# Role habits


def test_seer_claims_after_finding_a_wolf() -> None:
    seen = 0
    for lang in ("en", "zh"):
        for _, d, view, p in all_steps(lang):
            if view.role != "seer" or d.action not in ("speak", "last_words"):
                continue
            wolves = [
                e.target
                for e in view.events
                if isinstance(e, CheckResult) and e.is_wolf and e.seat == view.seat
            ]
            if not wolves:
                continue
            seen += 1
            claims = parse_claims(p.speech or "")
            assert role("seer") in claims, p.speech
            if d.action == "last_words" or view.is_alive(wolves[-1]):
                assert wolf(wolves[-1]) in claims, p.speech
    assert seen >= 10


def test_witch_mostly_saves_on_the_first_night_but_not_always() -> None:
    seen = saved = 0
    for _, d, view, p in all_steps():
        if d.action == "witch" and view.day == 1 and d.can_save:
            seen += 1
            if p.action.kind == "save":
                saved += 1
                assert p.action.target == d.victim
    assert seen >= 20
    assert 0.5 * seen <= saved < seen  # a bold witch sometimes holds the antidote


def test_witch_only_uses_potions_she_holds() -> None:
    for _, d, _view, p in all_steps("zh"):
        if d.action == "witch":
            assert p.action.kind in d.kinds


def _view(seat: int, role: str, events: list, day: int = 2, alive=None) -> SeatView:
    alive = alive or [True] * 9
    return SeatView(
        seat=seat,
        role=role,
        teammates=[],
        names=[f"P{i}" for i in range(1, 10)],
        alive=alive,
        day=day,
        phase="day",
        lang="en",
        events=[RoleAssigned(seat=seat, role=role), *events],
    )


# Day 1 as a dead hunter (seat 5) hears it: seat 2's seer claim and check on seat 6, seat
# 6's counter-claim, and seat 6's side voting seat 2: what convicts seat 6.
CONVICTING_SIX = [
    SpeechEnd(seat=2, text="I'm the seer. Seat 6 is a wolf.", day=1),
    SpeechEnd(seat=6, text="I'm the seer! Seat 2 is a wolf.", day=1),
    VoteCast(seat=6, target=2, day=1),
    VoteCast(seat=7, target=2, day=1),
]
HUNTER_DEAD = [s != 5 for s in range(1, 10)]
SHOOT = Decision(
    seat=5, action="shoot", kinds=("shoot", "skip"), options=[s for s in range(1, 10) if s != 5]
)


def test_hunter_shoots_the_reported_wolf() -> None:
    p = plan(_view(5, "hunter", CONVICTING_SIX, alive=HUNTER_DEAD), SHOOT, random.Random(0))
    assert p.action.kind == "shoot" and p.action.target == 6
    assert "6" in p.thought


def test_hunter_holds_fire_without_suspicion() -> None:
    p = plan(_view(5, "hunter", [], day=1), SHOOT, random.Random(0))
    assert p.action.kind == "skip"


def test_hunters_shoot_in_bot_games() -> None:
    # (a hunter shoots only when sure: over 80 games, a few shots)
    steps = [*all_steps("en"), *all_steps("zh")]
    shots = [p.action.target for _, d, _, p in steps if d.action == "shoot"]
    assert shots and any(t is not None for t in shots)


def _said(key: str, lang: str, text: str) -> set[int] | None:
    """The seats a line of ``LINES[key]`` names in ``text`` (empty: a line naming none),
    None when no line of it is there. The speech joins lines as it likes (capitals, a
    dash instead of a full stop), so each is matched without its last stop, any case."""
    seat = r"seat (\d+)" if lang == "en" else r"(\d+)号"
    found: set[int] | None = None
    for line in LINES[key][lang == "zh"]:
        rx = re.escape(line.rstrip(".。")).replace(re.escape("{t}"), seat)
        for m in re.finditer(rx, text, re.I):
            found = (found or set()) | {int(g) for g in m.groups()}
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_exiled_hunter_shoots_whom_his_last_words_name(lang: str) -> None:
    # Seeds until an exiled hunter has shot and another has held fire: every one of them
    # says in his last words what his shot then does.
    def seeds():
        yield from games(lang)
        for seed in range(40, 200):
            yield play(seed, lang)

    seen = {"shot": 0, "held": 0}
    for state, steps in seeds():
        hunter = next(s for s in range(1, 10) if state.role(s) == "hunter")
        words = [p.speech for _, d, _, p in steps if d.seat == hunter and d.action == "last_words"]
        shots = [p.action for _, d, _, p in steps if d.seat == hunter and d.action == "shoot"]
        exiled = any(
            isinstance(e, Death) and e.cause == "exile" and hunter in e.seats for e in state.history
        )
        if not (exiled and words and shots):
            continue
        named, holding = (
            _said("hunter_leaving", lang, words[0]),
            _said("hunter_holding", lang, words[0]),
        )
        if shots[0].kind == "shoot":
            seen["shot"] += 1
            assert named == {shots[0].target} and holding is None, words[0]
        else:
            seen["held"] += 1
            assert named is None and holding == set(), words[0]
        if min(seen.values()) >= 1:
            return
    pytest.fail(f"no exiled hunter both shot and held fire in 200 games: {seen}")


def test_a_hunters_shot_is_what_his_last_words_decided() -> None:
    # His last words came with nothing against anyone: he said he holds fire. Whatever
    # his view holds after them (here, what would convict seat 6), the shot is the same.
    last = SpeechEnd(
        seat=5, text="I'm the hunter, but I'm sure of nobody.", kind="last_words", day=1
    )
    later, alive, d = CONVICTING_SIX, HUNTER_DEAD, SHOOT
    assert plan(_view(5, "hunter", later, 1, alive), d, random.Random(0)).action.target == 6
    p = plan(_view(5, "hunter", [last, *later], 1, alive), d, random.Random(0))
    assert p.action.kind == "skip"


def test_villager_follows_the_believed_seer() -> None:
    events = [SpeechEnd(seat=2, text="I am the seer. Seat 4 is a wolf, seat 7 is good.", day=1)]
    d = Decision(seat=1, action="vote", kinds=("vote", "skip"), options=list(range(2, 10)))
    p = plan(_view(1, "villager", events, day=1), d, random.Random(0))
    assert p.action.target == 4


def test_witch_poisons_the_reported_wolf() -> None:
    events = [
        SpeechEnd(seat=2, text="我是预言家，查杀4号", day=1),
        VoteCast(seat=4, target=2, day=1),
    ]
    d = Decision(
        seat=3,
        action="witch",
        kinds=("skip", "poison"),
        options=[1, 2, 4, 5, 6, 7, 8, 9],
        victim=None,
        can_save=False,
        can_poison=True,
    )
    p = plan(_view(3, "witch", events), d, random.Random(0))
    assert p.action.kind == "poison" and p.action.target == 4


def test_wolves_vote_a_teammate_only_as_a_daogou_on_a_reported_one() -> None:
    daogou = 0
    for lang in ("en", "zh"):
        for state, d, view, p in all_steps(lang):
            if view.role == "werewolf" and d.action in ("vote", "pk_vote"):
                if p.action.target in state.wolves():
                    daogou += 1
                    k = Knowledge(view)
                    assert k.believed is not None
                    assert k.seer_claims[k.believed].reports.get(p.action.target), p.thought
    assert daogou > 0


def test_wolves_do_not_always_vote_as_one_block() -> None:
    together = rounds = 0
    for _state, steps in games():
        by_round: dict[tuple[int, str], list[int | None]] = {}
        for _, d, view, p in steps:
            if view.role == "werewolf" and d.action in ("vote", "pk_vote"):
                by_round.setdefault((view.day, d.action), []).append(p.action.target)
        for targets in by_round.values():
            if len(targets) >= 2:
                rounds += 1
                together += len(set(targets)) == 1
    assert rounds >= 30
    assert together <= 0.7 * rounds


def test_wolves_agree_on_the_kill() -> None:
    for state, steps in games():
        nights: dict[int, set] = {}
        for _, d, view, p in steps:
            if d.action == "wolf_kill":
                nights.setdefault(view.day, set()).add(p.action.target)
                assert p.action.target not in state.wolves()
        assert all(len(targets) == 1 for targets in nights.values())


def test_wolves_propose_in_their_talk_the_kill_their_words_name_and_vote_it() -> None:
    for lang in ("en", "zh"):
        for _, steps in games(lang):
            proposed: dict[tuple[int, int], int | None] = {}
            for _, d, view, p in steps:
                if d.action == "wolf_chat":
                    assert p.action.target == parse_kill_proposal(p.action.text or "")
                    proposed[(view.day, view.seat)] = p.action.target
                elif d.action == "wolf_kill":
                    assert p.action.target in {
                        t for (day, _), t in proposed.items() if day == view.day
                    }


def test_a_wolf_follows_a_proposal_its_words_do_not_name() -> None:
    """A proposal is the talk's target (an LLM's or a human's words may not name it)."""
    state = new_game(GameConfig(players=9, seed=1)).state
    first, *pack = state.wolves()
    victim = next(s for s in state.living() if s not in state.wolves())
    state = apply(state, Action(seat=first, kind="speak", text="hmm", target=victim)).state
    while (d := pending(state)[0]).action == "wolf_chat":
        p = plan(seat_view(state, d.seat), d, random.Random(0))
        assert p.action.target == victim, p.thought
        state = apply(state, p.action).state
    for d in pending(state):
        if d.action == "wolf_kill":
            p = plan(seat_view(state, d.seat), d, random.Random(0))
            assert p.action == Action(seat=d.seat, kind="kill", target=victim)


def test_wolves_never_out_themselves_in_public() -> None:
    fakes = 0
    for lang in ("en", "zh"):
        for _, d, view, p in all_steps(lang):
            if view.role != "werewolf" or d.action not in PUBLIC_SPEECH:
                continue
            text = (p.speech or "").lower()
            for tell in (
                "i am a wolf",
                "i'm a wolf",
                "i am a werewolf",
                "i'm a werewolf",
                "我是狼",
            ):
                assert tell not in text, p.speech
            claims = parse_claims(p.speech or "")
            assert role("werewolf") not in claims
            fakes += role("seer") in claims
    assert fakes > 0  # wolves do fake-claim seer sometimes


def test_at_most_one_wolf_claims_seer_per_game() -> None:
    for _state, steps in games():
        claimers = {
            d.seat
            for _, d, view, p in steps
            if view.role == "werewolf"
            and d.action in PUBLIC_SPEECH
            and role("seer") in parse_claims(p.speech or "")
        }
        assert len(claimers) <= 1, claimers


def test_thoughts_and_speech_follow_the_language() -> None:
    for _, _d, _view, p in list(all_steps("zh"))[:300]:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in p.thought + p.label), p.thought
        if p.speech:
            assert "seat " not in p.speech


# ---------------------------------------------------------------------------
# Evidence, not order; nothing a human can predict


def test_kept_memory_believes_what_a_fresh_replay_believes() -> None:
    forget()
    for _, d, view, _p in list(all_steps())[:400]:
        kept, fresh = knowledge(view), Knowledge(view)
        assert kept.believed == fresh.believed
        assert kept.score == fresh.score, d
        assert kept.why == fresh.why


def test_a_seer_claim_is_not_believed_for_speaking_first() -> None:
    """Two bare claims: whom a villager believes is its own coin, not the speaking order."""
    first = 0
    for seat in range(3, 10):
        events = [
            SpeechEnd(seat=1, text="I'm the seer. Seat 4 is good.", day=1),
            SpeechEnd(seat=2, text="I'm the seer. Seat 5 is good.", day=1),
        ]
        view = _view(seat, "villager", events, day=1)
        first += Knowledge(view).believed == 1
    assert 0 < first < 7


def test_a_known_liars_reports_add_nothing() -> None:
    # Seat 2 calls me (a villager, seat 1) a wolf: a liar; its report on seat 6 counts for nothing.
    events = [SpeechEnd(seat=2, text="I'm the seer. Seat 1 is a wolf, seat 6 is a wolf.", day=1)]
    k = Knowledge(_view(1, "villager", events, day=1))
    assert k.believed is None and 2 in k.liars()
    assert k.score[6] == 0.0
    assert k.score[2] > 0


def test_a_poisoned_claimant_is_no_proof_but_a_lone_night_death_is() -> None:
    claim = SpeechEnd(seat=2, text="I'm the seer. Seat 6 is a wolf.", day=1)
    rival = SpeechEnd(seat=6, text="I'm the seer. Seat 2 is a wolf.", day=1)
    alone = Death(seats=[2], cause="night", day=2)
    double = Death(seats=[2, 7], cause="night", day=2)
    c_alone = Knowledge(_view(1, "villager", [claim, rival, alone])).credibility(2)[0]
    c_double = Knowledge(_view(1, "villager", [claim, rival, double])).credibility(2)[0]
    witch = _view(
        3, "witch", [claim, rival, NightAction(seat=3, action="poison", target=2, day=1), alone]
    )
    c_poisoned = Knowledge(witch).credibility(2)[0]
    assert c_alone > c_double > c_poisoned == 0.0


def test_a_claim_made_only_after_being_reported_is_doubted() -> None:
    events = [
        SpeechEnd(seat=2, text="I'm the seer. Seat 6 is a wolf.", day=1),
        SpeechEnd(seat=6, text="I'm the seer. Seat 2 is a wolf.", day=1),
    ]
    for seat in (1, 3, 4, 5, 7, 8, 9):
        assert Knowledge(_view(seat, "villager", events, day=1)).believed == 2


def test_the_night_one_kill_is_not_a_seat_formula() -> None:
    victims: dict[int | None, int] = {}
    for _state, steps in games():
        for _, d, view, p in steps:
            if d.action == "wolf_kill" and view.day == 1:
                victims[p.action.target] = victims.get(p.action.target, 0) + 1
                break
    assert None not in victims
    assert len(victims) >= 6  # 40 games, 9 seats: spread, not one seat
    assert max(victims.values()) <= 12


def test_day_one_exile_is_not_seat_one() -> None:
    exiled = [
        e.seats[0]
        for state, _ in games()
        for e in state.history
        if isinstance(e, Death) and e.cause == "exile" and e.day == 1
    ]
    assert len(set(exiled)) >= 6
    assert exiled.count(1) <= 10


def test_temperament_is_stable_in_a_game_and_varies_between_games() -> None:
    state = new_game(GameConfig(players=9, seed=5)).state
    again = new_game(GameConfig(players=9, seed=5)).state
    assert [temper_of(seat_view(state, s)) for s in range(1, 10)] == [
        temper_of(seat_view(again, s)) for s in range(1, 10)
    ]
    words = {
        temper_of(seat_view(new_game(GameConfig(players=9, seed=n)).state, 1)).words
        for n in range(20)
    }
    assert len(words) >= 3


def test_the_real_seer_counter_claims_a_fake_who_spoke_first() -> None:
    for lang in ("en", "zh"):
        for _, d, view, p in all_steps(lang):
            if view.role != "seer" or d.action != "speak" or not view.events:
                continue
            k = Knowledge(view)
            rivals = [s for s in k.seer_claims if s != view.seat and view.is_alive(s)]
            if rivals and k.my_checks:
                assert role("seer") in parse_claims(p.speech or ""), p.speech


# ---------------------------------------------------------------------------
# Words


def test_no_speech_says_a_sentence_twice() -> None:
    assert join(["Vote seat 5 today.", "I trust seat 2.", "Vote seat 5 today."], "en") == (
        "Vote seat 5 today. I trust seat 2."
    )
    for lang in ("en", "zh"):
        for _, _d, _view, p in all_steps(lang):
            if p.speech:
                said = [x.strip() for x in re.findall(r"[^.!?。！？]+[.!?。！？]*", p.speech)]
                assert len(said) == len(set(said)), p.speech


def test_join_weaves_short_sentences_and_never_leaves_a_generic_one_alone() -> None:
    rng = random.Random(3)
    text = join(
        ["I suspect seat 4.", "For the record, I'm good.", "Vote seat 4 today."],
        "en",
        rng,
        ["speaking first from seat 1"],
        ("Ada", "Basil"),
    )
    said = sentences(text)
    assert said[0].startswith("Speaking first from seat 1, I suspect seat 4")
    assert all(re.search(r"\d|Ada|Basil", x) for x in said), text
    assert "for the record, I'm good" in text
    zh = join(["我踩4号。", "我是好人，可以验我。"], "zh", rng, ["1号首置位"], ("阿明",))
    assert zh == "1号首置位，我踩4号，我是好人，可以验我。"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_early_talk_is_this_games_own(lang: str) -> None:
    """Night-1 wolf talk and day-1 speeches: every sentence names a seat or a player, and
    no two games with neighbouring seeds share a sentence (issue 16)."""
    facts = []
    for state, _ in games(lang):
        f = game_facts(state.history, lang)
        names = state.names
        for x in f["early_sentences"]:
            assert re.search(r"\d", x) or any(n in x for n in names), x
        facts.append(f)
    for a, b in zip(facts, facts[1:], strict=False):
        assert not a["early_sentences"] & b["early_sentences"]


def test_speech_grammar_and_calls() -> None:
    """No "seat 3 and seat 5 is", no call to vote a dead seat, no "exile me" once exiled."""
    for lang in ("en", "zh"):
        for state, _steps in games(lang):
            facts = game_facts(state.history, lang)
            assert facts["and_is"] == 0
            assert facts["dead_calls"] == 0
            assert facts["exile_me"] == 0


def test_speeches_use_the_players_words() -> None:
    zh = " ".join(p.speech or "" for _, _d, _v, p in all_steps("zh"))
    for word in (
        "归票",
        "对跳",
        "踩",
        "划水",
        "金水",
        "查杀",
        "悍跳",
        "警徽流",
        "前置位",
        "后置位",
    ):
        assert word in zh, word


def test_thoughts_read_as_sentences_not_debug_lines() -> None:
    for lang in ("en", "zh"):
        for _, _d, _view, p in list(all_steps(lang))[:400]:
            assert not re.search(r"\d: [+-]\d+\.\d", p.thought), p.thought
            assert "(nothing)" not in p.thought and "（无）" not in p.thought


def test_metrics_read_a_finished_game() -> None:
    state, _ = games()[0]
    facts = game_facts(state.history)
    m = Metrics()
    m.add(facts)
    table = render(m)
    assert "wolves win" in table and "by role" in table and "by day" in table
    assert facts["winner"] == state.winner
    assert facts["n1_kill"] is not None and facts["n1_kill"] not in state.wolves()


def test_memory_continues_over_equal_copies_and_never_across_games() -> None:
    """The graph re-validates its state between steps (new, equal event objects): the
    seat's memory carries on. A game that differs (same seed, other words) starts afresh."""
    forget()
    _, steps = play(3)
    _, other = play(3, human_text="I'm the seer. Seat 2 is a wolf.")
    seat_views = [(v, d) for _, d, v, _ in steps if d.seat == 1][:8]
    for v, _d in seat_views:
        copy = SeatView(**{**v.__dict__, "events": [e.model_copy() for e in v.events]})
        assert knowledge(copy).score == Knowledge(v).score
    mine = [v for _, d, v, _ in steps if d.seat == 1]
    theirs = [v for _, d, v, _ in other if d.seat == 1]
    for a, b in zip(mine, theirs, strict=False):  # in turns: each finds the other's memory kept
        for v in (a, b):
            kept, fresh = knowledge(v), Knowledge(v)
            assert kept.score == fresh.score
            assert kept.seer_claims.keys() == fresh.seer_claims.keys()


def test_simulate_report_adds_up_each_games_facts() -> None:
    from server.simulate import simulate

    report = simulate(4, players=6, seed=3, workers=1, facts=True)
    assert len(report.facts) == 4
    text = render(Metrics(len(report.facts), report.facts))
    assert "metrics over 4 games" in text and "night-1 kill" in text
    assert simulate(1, players=6, seed=3, workers=1).facts == []  # only when asked


class _Draws(random.Random):
    """A random source that records every draw made from it."""

    def __init__(self, seed: str) -> None:
        self.log: list[tuple[str, float]] = []
        super().__init__(seed)

    def random(self) -> float:
        x = super().random()
        self.log.append(("random", x))
        return x

    def getrandbits(self, k: int, /) -> int:
        x = super().getrandbits(k)
        self.log.append(("bits", k))
        return x


def test_a_new_phrasing_changes_the_words_but_not_a_play_draw(monkeypatch) -> None:
    """The words draw from their own random source: with more ways to open a speech and
    to say "nothing to report", every decision of four games draws the same from its
    play source and makes the same move; only the words change."""
    from server.bots import lines

    steps = [(d, view) for _, game in games()[:4] for _, d, view, _ in game]

    def decide() -> list[tuple[list, tuple, str]]:
        out = []
        for i, (d, view) in enumerate(steps):
            rng = _Draws(f"edit:{i}")
            p = plan(view, d, rng)
            out.append((rng.log, (p.action.kind, p.action.target), p.speech or ""))
        return out

    before = decide()
    for table, key, extra in (
        (lines.LEADS, "after", ("once {n} was done", "with {n} finished", "when {n} stopped")),
        (lines.LEADS, "peace", ("after a quiet night", "as nobody died")),
        (lines.LINES, "no_info", ("honestly, I have nothing to add yet.",)),
    ):
        en, zh = table[key]
        monkeypatch.setitem(table, key, (en + extra, zh))
    after = decide()
    assert [(draws, move) for draws, move, _ in after] == [
        (draws, move) for draws, move, _ in before
    ]
    assert sum(a[2] != b[2] for a, b in zip(after, before, strict=True)) >= 10
    forget()


def test_a_pack_does_not_always_vote_the_seer_the_table_believes() -> None:
    """A lone seer claim the table believes: voting him every day shows the pack to the
    village, so on some days (the pack's own draw, alike for every wolf) it votes along
    with the table instead, and its thought says why."""
    from server.bots.strategy import wolf_vote_target

    events = [
        SpeechEnd(seat=2, text="I'm the seer. Seat 4 is good.", day=1),
        SpeechEnd(seat=5, text="I suspect seat 9.", day=1),
    ]
    on_seer = hidden = 0
    for game in range(40):
        names = [f"G{game}P{i}" for i in range(1, 10)]
        picks = set()
        for seat in (6, 7, 8):
            view = SeatView(
                seat=seat,
                role="werewolf",
                teammates=[s for s in (6, 7, 8) if s != seat],
                names=names,
                alive=[True] * 9,
                day=2,
                phase="day",
                lang="en",
                events=[RoleAssigned(seat=seat, role="werewolf"), *events],
            )
            k = Knowledge(view)
            assert k.believed == 2
            target, why = wolf_vote_target(view, k, [s for s in range(1, 10) if s != seat])
            picks.add(target)
        assert len(picks) == 1  # the pack agrees without talking
        if picks == {2}:
            on_seer += 1
        else:
            hidden += 1
            assert "believes seat 2" in why and picks.isdisjoint({6, 7, 8})
    assert on_seer >= 4 and hidden >= 4


def test_a_seer_who_names_his_next_checks_is_believed_over_one_who_does_not() -> None:
    """Two seer claims, neither caught out: the one with a badge flow (警徽流) is
    believed, whichever spoke first; without flows, the seat's own coin decides."""
    flow = "My badge flow is seat 3 first, seat 4 after."
    for first, second in ((2, 6), (6, 2)):
        said = {2: f"I'm the seer. Seat 5 is a wolf. {flow}", 6: "I'm the seer. Seat 8 is a wolf."}
        events = [SpeechEnd(seat=s, text=said[s], day=1) for s in (first, second)]
        for seat in (1, 3, 4, 7, 9):
            k = Knowledge(_view(seat, "villager", events, day=1))
            assert k.believed == 2
            assert any("next checks" in n for n in k.cred[2][1])
    assert parse_badge_flow("警徽流：今晚验3号，明晚验4号。")
    assert parse_badge_flow("if I die tonight, my next checks were seat 3 (Ada), then seat 4 (Bo).")
    assert not parse_badge_flow("I'm the seer. Seat 5 is a wolf.")
