"""The board (tui/board.py): routing events into per-seat state, no Textual involved."""

from __future__ import annotations

from shared.actions import Decision
from shared.events import (
    CheckResult,
    Death,
    GameCreated,
    GameOver,
    Phase,
    RoleAssigned,
    SeatInfo,
    SeatState,
    Snapshot,
    SpeechEnd,
    SpeechStart,
    TableState,
    ThoughtEnd,
    ThoughtStart,
    ThoughtToken,
    Token,
    VoteResult,
    Waiting,
)
from tui.board import Board


def seated(you: int | None = 1, lang: str = "en") -> Board:
    board = Board(you=you)
    board.apply(
        GameCreated(
            players=3,
            lang=lang,
            seats=[SeatInfo(seat=n, name=f"P{n}") for n in (1, 2, 3)],
            roles={"werewolf": 1, "seer": 1, "villager": 1},
        ),
        1,
    )
    board.take_dirty()
    board.take_timeline()
    board.header_dirty = False
    return board


def test_tokens_only_mark_their_seat_and_never_the_header():
    board = seated()
    for i in range(50):
        board.apply(Token(seat=2, content="x"), i + 2)
    assert board.take_dirty() == {2} and not board.header_dirty
    assert board.seat(2).speech == "x" * 50
    assert board.take_timeline() == []


def test_the_turn_follows_speech_and_thought_boundaries():
    board = seated()
    board.apply(ThoughtStart(seat=3, label="vote"), 2)
    assert board.header_dirty and board.turn() == ("thinking", [board.seat(3)])
    board.apply(ThoughtEnd(seat=3), 3)
    board.apply(SpeechStart(seat=2), 4)
    assert board.turn() == ("speaking", [board.seat(2)])
    board.apply(SpeechEnd(seat=2, text="hi", day=1), 5)
    assert board.turn() == ("thinking", [])
    assert [s.text for s in board.seat(2).said] == ["hi"]


def test_each_thought_is_kept_for_the_review():
    board = seated()
    for n, word in enumerate(["first", "second"]):
        board.apply(ThoughtStart(seat=1), 10 * n)
        board.apply(ThoughtToken(seat=1, content=word), 10 * n + 1)
    assert board.seat(1).thoughts == ["first"] and board.seat(1).thought == "second"


def test_only_this_viewers_waiting_opens_the_action_area():
    board = seated(you=1)
    board.apply(
        Waiting(decision=Decision(seat=2, action="vote", kinds=("vote",), options=[1, 3])), 2
    )
    assert board.waiting is None
    mine = Decision(seat=1, action="vote", kinds=("vote", "skip"), options=[2, 3])
    board.apply(Waiting(decision=mine, deadline=99.0), 3)
    assert board.waiting == mine and board.deadline == 99.0
    board.answered()
    assert board.waiting is None and board.deadline is None


def test_a_snapshot_restores_the_question_and_who_is_alive():
    board = seated(you=2)
    board.apply(
        Snapshot(
            state=TableState(
                started=True,
                day=2,
                phase="vote",
                over=False,
                players=2,
                lang="en",
                you=2,
                seats=[
                    SeatState(seat=1, name="P1", alive=False),
                    SeatState(seat=2, name="P2", alive=True, role="seer"),
                ],
            ),
            waiting_for=[
                Decision(seat=2, action="vote", kinds=("vote", "skip"), options=[3]),
                Decision(seat=3, action="vote"),
            ],
        ),
        9,
    )
    assert (board.day, board.phase) == (2, "vote")
    assert not board.seat(1).alive and board.seat(2).role == "seer"
    assert board.waiting is not None and board.waiting.action == "vote"
    assert board.waiting_on == [2, 3]


def test_the_moderators_lines_and_what_the_viewer_learns():
    board = seated(you=2)
    board.apply(RoleAssigned(seat=2, role="seer"), 2)
    board.apply(Phase(phase="night", day=1), 3)
    board.apply(CheckResult(seat=2, target=3, is_wolf=True, day=1), 4)
    board.apply(Death(seats=[1], cause="night", day=1), 5)
    board.apply(VoteResult(kind="day", day=1, votes={2: 3}, tally={3: 1}, chosen=3), 6)
    lines = [line.text for line in board.take_timeline()]
    assert lines == [
        "Seat 2's role: seer",
        "Night 1 falls",
        "Check: seat 3 is a werewolf",
        "Died in the night: 1",
        "Vote: 3←1 (2→3) → seat 3 is voted out",
    ]
    assert board.role_text(board.seat(3)) == "wolf (checked)"
    assert not board.seat(1).alive
    board.apply(
        GameOver(
            winner="villagers",
            roles={1: "villager", 2: "seer", 3: "werewolf"},
            reason="no wolves left",
            day=1,
        ),
        7,
    )
    assert board.seat(3).role == "werewolf" and board.over is not None


def test_chinese_games_narrate_in_chinese():
    board = seated(lang="zh")
    board.apply(Phase(phase="day", day=2), 2)
    assert [line.text for line in board.take_timeline()] == ["第2天，天亮了"]


def test_the_game_counts_as_started_at_its_first_act_not_its_first_phase():
    board = seated()
    board.apply(Phase(phase="night", day=1), 2)  # the server announces night 1 before start
    assert not board.started
    board.apply(ThoughtStart(seat=2), 3)
    assert board.started


def test_step_mode_pauses_until_advanced():
    board = seated()
    board.apply(Waiting(decision=None), 2)
    assert board.paused
    board.apply(Phase(phase="day", day=1), 3)
    assert not board.paused
