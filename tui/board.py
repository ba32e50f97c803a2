"""What the terminal shows, as plain data: the board a viewer has pieced together from
the events so far. Events go in through :meth:`Board.apply`; tokens land in per-seat
buffers and mark the seat dirty, and the app repaints dirty panes on its own clock.
No Textual here, so the routing and buffering are testable on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.actions import Decision
from shared.events import (
    CheckResult,
    Death,
    Decided,
    Event,
    GameCreated,
    GameOver,
    Phase,
    Resumed,
    RoleAssigned,
    Snapshot,
    SpeechEnd,
    SpeechStart,
    ThoughtEnd,
    ThoughtStart,
    ThoughtToken,
    Token,
    VoteResult,
    Waiting,
)
from shared.narrate import narrate, role_name
from shared.strings import say

# Events that only a running game produces (the first night's phase comes before start).
STARTED_BY = frozenset(
    {
        "thought_start",
        "speech_start",
        "waiting",
        "decided",
        "vote_cast",
        "vote_result",
        "death",
        "game_over",
    }
)
QUIET = frozenset({"thought_token", "token"})
MAX_THOUGHT_CHARS = 20_000  # one thought kept whole for the review, up to this


@dataclass
class Said:
    kind: str
    day: int
    text: str


@dataclass
class Seat:
    seat: int
    name: str = ""
    alive: bool = True
    role: str | None = None  # as far as this viewer knows
    thinking: bool = False
    speaking: bool = False
    decided: bool = False  # has made the decision the table waits on (not what it chose)
    thought_label: str = ""
    thought: str = ""  # the live (latest) thought
    speech: str = ""  # the speech being spoken
    speech_kind: str = "day"
    said: list[Said] = field(default_factory=list)
    thoughts: list[str] = field(default_factory=list)  # every thought, for the review


class Board:
    def __init__(self, you: int | None = None, lang: str = "en") -> None:
        self.you = you
        self.lang = lang
        self.seats: dict[int, Seat] = {}
        self.day = 1
        self.phase = "night"
        self.timeline: list[str] = []  # moderator lines not yet shown
        self.waiting: Decision | None = None  # the decision this viewer must make
        self.deadline: float | None = None  # when its turn timer takes the pass (Unix time)
        self.waiting_on: list[int] = []  # seats the game waits on, as far as we may know
        self.over: GameOver | None = None
        self.started = False
        self.paused = False  # step mode: the game waits for someone to advance it
        self.checks: dict[int, bool] = {}
        self.dirty: set[int] = set()
        self.header_dirty = True
        self.seq = 0

    # -- routing ---------------------------------------------------------------------------
    def seat(self, n: int) -> Seat:
        if n not in self.seats:
            self.seats[n] = Seat(n)
        return self.seats[n]

    def apply(self, event: Event, seq: int = 0) -> None:
        self.seq = max(self.seq, seq)
        if not self.started and event.type in STARTED_BY:
            self.started = True
            self.header_dirty = True
        handler = self._HANDLERS.get(event.type)
        if handler is not None:
            handler(self, event)
        if event.type in QUIET:  # tokens: many, and the moderator says nothing of them
            return
        line = narrate(event, self.lang)
        if line and not isinstance(event, (Waiting, Snapshot)):
            self.timeline.append(line)

    # -- one handler per kind of event -------------------------------------------------
    def _thought_token(self, e: ThoughtToken) -> None:
        s = self.seat(e.seat)
        s.thought += e.content
        if len(s.thought) > MAX_THOUGHT_CHARS:
            s.thought = s.thought[-MAX_THOUGHT_CHARS:]
        self.dirty.add(e.seat)

    def _token(self, e: Token) -> None:
        s = self.seat(e.seat)
        s.speech += e.content
        s.speaking = True
        self.dirty.add(e.seat)

    def _thought_start(self, e: ThoughtStart) -> None:
        s = self.seat(e.seat)
        if s.thought:
            s.thoughts.append(s.thought)
        s.thinking, s.thought, s.thought_label = True, "", e.label
        self.dirty.add(e.seat)
        self.header_dirty = True  # the status line says who is thinking

    def _thought_end(self, e: ThoughtEnd) -> None:
        self.seat(e.seat).thinking = False
        self.dirty.add(e.seat)
        self.header_dirty = True

    def _speech_start(self, e: SpeechStart) -> None:
        s = self.seat(e.seat)
        s.speaking, s.speech, s.speech_kind = True, "", e.kind
        self.dirty.add(e.seat)
        self.header_dirty = True

    def _speech_end(self, e: SpeechEnd) -> None:
        s = self.seat(e.seat)
        s.speaking, s.speech = False, ""
        if e.text:
            s.said.append(Said(e.kind, e.day, e.text))
        self.dirty.add(e.seat)
        self.header_dirty = True

    def _game_created(self, e: GameCreated) -> None:
        self.lang = e.lang
        for info in e.seats:
            self.seat(info.seat).name = info.name
        self.dirty.update(self.seats)

    def _role(self, e: RoleAssigned) -> None:
        self.seat(e.seat).role = e.role
        for mate in e.teammates:
            self.seat(mate).role = "werewolf"
        self.dirty.update([e.seat, *e.teammates])

    def _decided(self, e: Decided) -> None:
        self.seat(e.seat).decided = True
        self.dirty.add(e.seat)

    def _phase(self, e: Phase) -> None:
        self.phase, self.day = e.phase, e.day
        self.paused = False
        self._vote_result(e)

    def _vote_result(self, _e: Phase | VoteResult) -> None:
        for s in self.seats.values():  # a new question: nobody has decided it yet
            if s.decided:
                s.decided = False
                self.dirty.add(s.seat)
        self.header_dirty = True

    def _check_result(self, e: CheckResult) -> None:
        self.checks[e.target] = e.is_wolf
        self.dirty.add(e.target)

    def _waiting(self, e: Waiting) -> None:
        if e.decision is None:
            self.paused = True
            self.header_dirty = True
        elif self.you is not None and e.decision.seat == self.you:
            self.waiting, self.deadline = e.decision, e.deadline
            self.header_dirty = True

    def _death(self, e: Death) -> None:
        for n in e.seats:
            self.seat(n).alive = False
            self.dirty.add(n)

    def _resumed(self, _e: Resumed) -> None:
        """The server went back to its last checkpoint: whatever was being said or thought
        starts again."""
        for s in self.seats.values():
            s.speaking = s.thinking = False
            s.speech = s.thought = ""
            self.dirty.add(s.seat)
        self.header_dirty = True

    def _game_over(self, e: GameOver) -> None:
        self.over = e
        for n, role in e.roles.items():
            self.seat(int(n)).role = role
        self.waiting = None
        self.dirty.update(self.seats)
        self.header_dirty = True

    _HANDLERS: dict[str, Callable[[Board, Any], None]] = {
        "thought_token": _thought_token,
        "token": _token,
        "thought_start": _thought_start,
        "thought_end": _thought_end,
        "speech_start": _speech_start,
        "speech_end": _speech_end,
        "game_created": _game_created,
        "role": _role,
        "decided": _decided,
        "phase": _phase,
        "vote_result": _vote_result,
        "check_result": _check_result,
        "waiting": _waiting,
        "death": _death,
        "game_over": _game_over,
        "resumed": _resumed,
        "snapshot": lambda board, e: board.apply_snapshot(e),
    }

    def apply_snapshot(self, snap: Snapshot) -> None:
        state = snap.state
        self.started = state.started
        self.day, self.phase, self.lang = state.day, state.phase, state.lang
        if state.you is not None:
            self.you = state.you
        for info in state.seats:
            s = self.seat(info.seat)
            s.name, s.alive = info.name, info.alive
            if info.role:
                s.role = info.role
        self.checks.update(state.checks)
        mine = [d for d in snap.waiting_for if d.seat == self.you and d.kinds]
        if mine and not state.over:
            if self.waiting != mine[0]:  # a new question (the same one keeps its deadline)
                self.waiting, self.deadline = mine[0], None
        else:
            self.waiting, self.deadline = None, None
        self.waiting_on = [d.seat for d in snap.waiting_for]
        self.paused = snap.paused
        self.dirty.update(self.seats)
        self.header_dirty = True

    def answered(self) -> None:
        """The viewer's answer went through: stop asking until the game asks again."""
        self.waiting, self.deadline = None, None
        self.header_dirty = True

    # -- what panes show -----------------------------------------------------------------
    def role_text(self, s: Seat) -> str:
        if s.role:
            return role_name(s.role, self.lang)
        if s.seat in self.checks:
            return say(
                "pane.checked_wolf" if self.checks[s.seat] else "pane.checked_good", self.lang
            )
        return "?"

    def turn(self) -> tuple[str, list[Seat]]:
        """Whose turn it is as far as the stream shows: ("speaking" | "thinking", seats)."""
        speaking = [s for s in self.seats.values() if s.speaking]
        if speaking:
            return "speaking", speaking
        return "thinking", [s for s in self.seats.values() if s.thinking]

    def take_dirty(self) -> set[int]:
        dirty, self.dirty = self.dirty, set()
        return dirty

    def take_timeline(self) -> list[str]:
        lines, self.timeline = self.timeline, []
        return lines
