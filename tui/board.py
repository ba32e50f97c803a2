"""What the terminal shows, as plain data: the board a viewer has pieced together from
the events so far. Events go in through :meth:`Board.apply`; tokens land in per-seat
buffers and mark the seat dirty, and the app repaints dirty panes on its own clock.
No Textual here, so the routing and buffering are testable on their own.
"""

from __future__ import annotations

import re
import time
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
    NightAction,
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
    WitchInfo,
)
from shared.narrate import narrate, role_name
from shared.strings import has, say

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
# "I am the seer" / "我是预言家": a claim, as a player reads it off a speech. (The bots'
# own reading of claims is the server's; a client can't import it, and needs only this.)
CLAIMS = {
    "en": re.compile(r"\bI(?: am|'m|’m)(?: the| a)? (seer|witch|hunter|villager|werewolf)\b", re.I),
    "zh": re.compile(r"我(?:是|跳)(?:一[个张])?(预言家|女巫|猎人|村民|平民|狼人)"),
}
# The rules say why a game ended in English; a Chinese table reads it in Chinese.
REASONS = {
    "every werewolf is dead": "wolves_dead",
    "the werewolves are as many as everyone else": "parity",
    "every villager is dead": "villagers_dead",
    "every god is dead": "gods_dead",
    "every good player is dead": "good_dead",
}
MAX_DAYS = re.compile(r"the werewolves survived (\d+) days")
ZH_ROLES = {
    "预言家": "seer",
    "女巫": "witch",
    "猎人": "hunter",
    "村民": "villager",
    "平民": "villager",
    "狼人": "werewolf",
}
MAX_THOUGHT_CHARS = 20_000  # one thought kept whole for the review, up to this


@dataclass
class Line:
    """One line of the transcript: the moderator's words, or a speech in full."""

    text: str
    kind: str = "line"  # "line" | "phase" | "speech" | "wolf_chat" | "last_words" | "end"
    seat: int | None = None
    head: int = 0  # a speech: the length of the speaker's name at its start


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
    def __init__(self, you: int | None = None, lang: str = "en", keep_all: bool = False) -> None:
        self.you = you
        self.keep_all = keep_all  # the review's board: every thought goes in the transcript
        self.lang = lang
        self.seats: dict[int, Seat] = {}
        self.day = 1
        self.phase = "night"
        self.timeline: list[Line] = []  # transcript lines not yet shown
        self.transcript: list[Line] = []  # every line so far (the transcript view)
        self.waiting: Decision | None = None  # the decision this viewer must make
        self.waiting_seq = 0  # the seq of the event that asked it
        self.clock: Callable[[], float] = time.time  # (a fixed clock for snapshot tests)
        self.phase_since = self.clock()  # when this phase began (the status line's clock)
        self.deadline: float | None = None  # when its turn timer takes the pass (Unix time)
        self.waiting_on: list[int] = []  # seats the game waits on, as far as we may know
        self.night_open: int | None = None  # the night's jobs still open (server's count)
        self.over: GameOver | None = None
        self.started = False
        self.may_start = True  # this viewer's token may start the game (the host's, or any
        # token of an unhosted game): the server says so with the first snapshot
        self.starting = False  # a start is on its way to the server
        self.open_table = False  # every bot's thoughts stream to every viewer
        self.paused = False  # step mode: the game waits for someone to advance it
        self.checks: dict[int, bool] = {}
        self.roles: dict[str, int] = {}  # the board: role -> count
        self.options: dict[str, Any] = {}  # the table's rules (GameConfig's, as created)
        self.claims: dict[int, str] = {}  # seat -> the role it claimed (in this language)
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
        third = self._third_person(event)
        line = narrate(event, self.lang) if third is None else third
        if line and not isinstance(event, (Waiting, Snapshot)):
            kind = "phase" if isinstance(event, Phase) else "line"
            self.add_line(Line(line, "end" if isinstance(event, GameOver) else kind))

    def reason_text(self, over: GameOver | None = None) -> str:
        """Why the game ended, in the table's language (as the rules said it when the
        reason is one this client does not know)."""
        over = over or self.over
        if over is None:
            return ""
        reason = over.reason
        if reason in REASONS:
            return say(f"over.{REASONS[reason]}", self.lang)
        days = MAX_DAYS.fullmatch(reason)
        if days:
            return say("over.max_days", self.lang, days=days.group(1))
        return reason

    def _third_person(self, event: Event) -> str | None:
        """A seat's private night result, told to someone else (a spectator, the review):
        "seat 4 saved seat 3", never "you saved seat 3"."""
        lang = self.lang
        if isinstance(event, GameOver):
            side = say(f"side.{event.winner}", lang)
            return say("narrate.game_over", lang, side=side, reason=self.reason_text(event))
        if not isinstance(event, (CheckResult, NightAction, WitchInfo)) or event.seat == self.you:
            return None
        if isinstance(event, CheckResult):
            verdict = say("narrate.is_wolf" if event.is_wolf else "narrate.is_good", lang)
            return say("review.check", lang, seat=event.seat, target=event.target, verdict=verdict)
        if isinstance(event, NightAction):
            if event.action not in ("save", "poison") or event.target is None:
                return None
            return say(f"review.{event.action}", lang, seat=event.seat, target=event.target)
        return ""  # the witch's private briefing: nothing to tell anyone else

    def add_line(self, line: Line) -> None:
        self.timeline.append(line)
        self.transcript.append(line)

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

    def _keep_thought(self, s: Seat) -> None:
        if self.keep_all and s.thought.strip():
            label = f"({s.thought_label}) " if s.thought_label else ""
            self.add_line(Line(label + s.thought.strip(), "thought", s.seat))

    def _thought_start(self, e: ThoughtStart) -> None:
        s = self.seat(e.seat)
        if s.thinking:
            self._keep_thought(s)
        if s.thought:
            s.thoughts.append(s.thought)
        s.thinking, s.thought, s.thought_label = True, "", e.label
        self.dirty.add(e.seat)
        self.header_dirty = True  # the status line says who is thinking

    def _thought_end(self, e: ThoughtEnd) -> None:
        s = self.seat(e.seat)
        if s.thinking:
            self._keep_thought(s)
        s.thinking = False
        self.dirty.add(e.seat)
        self.header_dirty = True

    def _speech_start(self, e: SpeechStart) -> None:
        self._done_waiting(e.seat)  # the seat speaks: the game waits on it no more
        s = self.seat(e.seat)
        s.speaking, s.speech, s.speech_kind = True, "", e.kind
        self.dirty.add(e.seat)
        self.header_dirty = True

    def _speech_end(self, e: SpeechEnd) -> None:
        if e.seat == self.you and self.waiting is not None and self.waiting.speaks:
            self.answered()  # our words are in (or the turn timer spoke silence for us)
        s = self.seat(e.seat)
        s.speaking, s.speech = False, ""
        if e.text:
            s.said.append(Said(e.kind, e.day, e.text))
            who = say("transcript.speaker", self.lang, n=e.seat, name=s.name)
            tag = f"pane.tag.{e.kind}"
            if e.kind != "day" and has(tag):
                who += f" [{say(tag, self.lang)}]"
            kind = e.kind if e.kind in ("wolf_chat", "last_words") else "speech"
            found = CLAIMS.get(self.lang, CLAIMS["en"]).search(e.text)
            if found and e.kind != "wolf_chat":
                role = ZH_ROLES.get(found.group(1), found.group(1).lower())
                self.claims[e.seat] = role_name(role, self.lang)
            said = say("transcript.said", self.lang, who=who, text=e.text)
            self.add_line(Line(said, kind, e.seat, head=len(who)))
        self.dirty.add(e.seat)
        self.header_dirty = True

    def _game_created(self, e: GameCreated) -> None:
        self.lang = e.lang
        self.roles = dict(e.roles)
        self.options = dict(e.options)
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
        self._done_waiting(e.seat)
        if e.seat == self.you and self.waiting is not None and self.waiting.action == e.action:
            self.answered()  # answered elsewhere, or the turn timer passed for us

    def _phase(self, e: Phase) -> None:
        if (e.phase, e.day) != (self.phase, self.day):
            self.phase_since = e.ts or self.clock()
            self.night_open = None  # until the server counts this phase's
        self.phase, self.day = e.phase, e.day
        self.paused = False
        self.answered()  # a new phase: whatever was asked before is no longer asked
        self.waiting_on = []  # nor is anyone else's question (the next snapshot tells)
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
            self.waiting_seq = self.seq
            self.header_dirty = True

    def _death(self, e: Death) -> None:
        for n in e.seats:
            self.seat(n).alive = False
            self.dirty.add(n)
        if self.you in e.seats:  # the dead answer nothing more (last words come after)
            self.answered()

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
                self.waiting_seq = self.seq
        else:
            self.waiting, self.deadline = None, None
        self.waiting_on = [d.seat for d in snap.waiting_for]
        self.night_open = snap.night_open if state.phase == "night" else None
        self.paused = snap.paused
        self.dirty.update(self.seats)
        self.header_dirty = True

    def answered(self, accepted: int | None = None) -> None:
        """The viewer's answer went through (the server's log stood at ``accepted``): stop
        asking until the game asks again. A question asked after ``accepted`` is a new one
        and stays."""
        if self.waiting is None:
            return
        if accepted is not None and self.waiting_seq > accepted:
            return
        self.waiting, self.deadline = None, None
        self.header_dirty = True
        if self.you is not None:
            self._done_waiting(self.you)

    def _done_waiting(self, seat: int) -> None:
        """The game no longer waits on ``seat``: ``waiting_on`` comes from the last
        snapshot, and no snapshot follows an answer until the game asks a human again."""
        if seat in self.waiting_on:
            self.waiting_on = [n for n in self.waiting_on if n != seat]
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

    def elapsed(self) -> str:
        """How long this phase has lasted, as m:ss."""
        seconds = max(0, int(self.clock() - self.phase_since))
        return f"{seconds // 60}:{seconds % 60:02d}"

    def take_dirty(self) -> set[int]:
        dirty, self.dirty = self.dirty, set()
        return dirty

    def take_timeline(self) -> list[Line]:
        lines, self.timeline = self.timeline, []
        return lines
