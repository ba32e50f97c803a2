"""The arena's metrics read off a game master's record: votes, survival, claims, factual errors,
calls. The record is made of the game's own event types, as the arena stores them."""

from __future__ import annotations

from server.arena.metrics import game_stats, voted_reports, wilson
from server.arena.ratings import compute
from shared.calls import CallRecord
from shared.events import CheckResult, Death, Error, GameOver, SpeechEnd, VoteResult

ROLES = {1: "werewolf", 2: "werewolf", 3: "seer", 4: "witch", 5: "villager", 6: "villager"}


def said(seat: int, text: str, day: int = 1) -> dict:
    return SpeechEnd(seat=seat, text=text, kind="day", day=day).model_dump(mode="json")


def record() -> list[dict]:
    events = [
        CheckResult(seat=3, target=1, is_wolf=True, day=1),
        Death(seats=[5], cause="night", day=1),
    ]
    dumped = [e.model_dump(mode="json") for e in events]
    dumped += [
        said(3, "I am the seer. I checked 1, he is a wolf. And 2 is good."),
        said(6, "I suspect seat 5, honestly."),
        said(1, "I am the seer, trust me."),
    ]
    vote = VoteResult(
        kind="day",
        day=1,
        votes={3: 1, 4: 1, 6: 2, 1: 3, 2: None},
        tally={1: 2, 2: 1, 3: 1},
        chosen=1,
    )
    dumped += [
        vote.model_dump(mode="json"),
        Death(seats=[1], cause="exile", day=1).model_dump(mode="json"),
        said(4, "I am the witch. Seat 6 voted for 1 yesterday, and 3 voted for 1.", day=2),
        Error(message="bot at seat 2 answered illegally", seat=2).model_dump(mode="json"),
        GameOver(winner="villagers", roles=ROLES, reason="", day=2).model_dump(mode="json"),
    ]
    return dumped


def seer_vote(attempt: int, **fields) -> dict:
    """A record of the seer's day-1 vote that the model got wrong (attempt 0: the fallback)."""
    return CallRecord(
        seat=3,
        decision="vote",
        day=1,
        phase="vote",
        error="illegal target",
        attempt=attempt,
        **fields,
    ).model_dump()


def test_the_record_says_who_voted_well_who_lied_and_who_got_facts_wrong():
    calls = [
        seer_vote(1, tokens_in=10, tokens_out=5, ttft=0.5),
        seer_vote(2, tokens_in=12, tokens_out=4, ttft=0.3),
        # the built-in bot decided instead: a record, but no call to the model
        seer_vote(0, fallback=True),
    ]
    seats = dict.fromkeys(ROLES, "m")
    st = game_stats(seats, ROLES, "villagers", record(), calls)
    assert [st[s].wins for s in range(1, 7)] == [0, 0, 1, 1, 1, 1]
    # good players' exile votes: 3 -> 1 (wolf), 4 -> 1 (wolf), 6 -> 2 (wolf); wolves' votes not counted
    assert (st[3].good_votes, st[3].votes_on_wolves) == (1, 1)
    assert (st[6].good_votes, st[6].votes_on_wolves) == (1, 1)
    assert st[1].good_votes == 0
    # the seer: a true role claim, a true check report, and a check that never happened
    assert (st[3].claims, st[3].claims_true, st[3].checks_invented) == (3, 2, 1)
    assert st[1].claims == 1 and st[1].claims_true == 0  # a wolf's fake seer claim
    assert st[6].dead_called_alive == 1  # seat 5 died in the night
    assert st[4].votes_misreported == 1 and st[4].claims_true == 1  # 6 voted 2, not 1
    assert st[2].illegal == 1
    assert (st[3].key_games, st[3].key_survived) == (1, 1)
    assert (st[3].calls, st[3].illegal, st[3].fallbacks) == (2, 2, 1)
    assert (st[3].tokens_in, st[3].tokens_out) == (22, 9)
    assert st[3].mean_ttft == 0.4
    assert st[3].factual_errors == 1


def test_vote_reports_in_english_and_chinese():
    assert voted_reports("Seat 6 voted for 1; 2 voted 3.") == [(6, 1), (2, 3)]
    assert voted_reports("昨天5号投了3号") == [(5, 3)]


def test_wilson_interval_holds_the_rate_and_narrows_with_games():
    lo, hi = wilson(5, 10) or (0, 0)
    lo2, hi2 = wilson(50, 100) or (0, 0)
    assert lo < 0.5 < hi and lo < lo2 < 0.5 < hi2 < hi
    assert wilson(0, 0) is None and (wilson(0, 5) or (1, 1))[0] == 0.0


def test_ratings_move_only_by_finished_games_and_favour_the_winner():
    seats = {1: "a", 2: "a", 3: "b", 4: "b", 5: "b", 6: "b"}
    roles = {1: "werewolf", 2: "werewolf", 3: "seer", 4: "witch", 5: "villager", 6: "villager"}
    r = compute(["a", "b"], [(seats, roles, "wolves"), (seats, roles, "none")])
    assert r.overall["a"].mu > 25 > r.overall["b"].mu
    assert r.overall["a"].games == 1  # the game without a winner moved nobody
    assert r.by_side[("a", "wolves")].mu > 25 > r.by_side[("b", "villagers")].mu
    assert r.by_side[("a", "villagers")].games == 0
    assert len(r.history["a"]) == 2
