"""The built-in bot's evidence model: what one seat believes, from what it has seen.

:class:`Memory` records, one event at a time, what a seat has seen (claims, seer
reports, accusations, votes, deaths, the wolves' talk, its own night news); it is kept
per seat and fed only the events that are new since the last decision (:func:`knowledge`),
so a decision costs the same on day 5 as on day 1. :class:`Knowledge` weighs that record
for one decision: whose seer claim is consistent with the deaths, the checks, the saves
and the votes (never who spoke first), and how suspect each seat is, each with its
reasons in words a person reads. It decides nothing and says nothing: the strategy
(``strategy.py``) and the speeches (``speech.py``) read it.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from server.game.view import SeatView
from shared.events import (
    CheckResult,
    Death,
    Event,
    NightAction,
    SpeechEnd,
    VoteCast,
    VoteResult,
    WitchInfo,
)

from .claims import (
    parse_accusations,
    parse_badge_flow,
    parse_claims,
    parse_fake_claimer,
    parse_fake_plan,
    parse_kill_proposal,
    parse_save_claim,
)

GODS = ("seer", "witch", "hunter")
# How far a seer claim that names its next checks (警徽流) is believed over one that does
# not: players weigh it, and a fake seer (a wolf, who plans no checks) names one less often.
FLOW_CREDIT = 0.5
ROLE_ZH = {
    "seer": "预言家",
    "witch": "女巫",
    "hunter": "猎人",
    "villager": "村民",
    "werewolf": "狼人",
}


# Why a seat is suspected (or cleared), in words: {s} the seat, {b} a seer claimant,
# {t} another seat, {d} a day, {why} the reason a claim is false.
REASON_TEXT: dict[str, tuple[str, str]] = {
    "check_wolf": ("I checked {s}: a wolf", "我验了{s}，是狼"),
    "check_good": ("I checked {s}: good", "我验了{s}，是好人"),
    "self": ("{s} said they are a wolf", "{s}自己说是狼"),
    "saved_me": ("{s} says she saved me: I'm her 'silver water'", "{s}说救了我，我是她的银水"),
    "attacked": ("the wolves attacked {s}", "{s}被狼刀过"),
    "believed": ("I believe {s}'s seer claim", "我认{s}的预言家"),
    "liar": ("{s}'s seer claim is false: {why}", "{s}是假预言家：{why}"),
    "counter": ("{s} counter-claims seer against {b}", "{s}和{b}对跳预言家"),
    "reported": ("{b} reported {s} as a wolf", "{b}给{s}发了查杀"),
    "gold": ("{b} reported {s} as good", "{b}给{s}发了金水"),
    "accused_seer": ("{s} attacked {b}, the seer I believe", "{s}踩我认的预言家{b}"),
    "accused_gold": ("{s} attacked {t}, whom the seer vouched for", "{s}踩预言家的金水{t}"),
    "accused_me": ("{s} pointed at me, and I'm good", "{s}踩我，而我是好人"),
    "voted_seer": (
        "{s} voted against {b}, the seer I believe, on day {d}",
        "{s}第{d}天投了我认的预言家{b}",
    ),
    "voted_gold": ("{s} voted against {t}, whom the seer vouched for", "{s}投了预言家的金水{t}"),
    "voted_wolf": ("{s} voted the reported wolf {t}", "{s}投了查杀{t}"),
    "spared_wolf": ("{s} didn't vote the reported wolf on day {d}", "{s}第{d}天没投查杀"),
    "with_wolf": ("{s} voted with a reported wolf on day {d}", "{s}第{d}天和查杀同票"),
    "voted_me": ("{s} voted against me", "{s}投了我"),
    "voted_saver": ("{s} voted out the witch who says she saved them", "{s}作为银水却投了女巫"),
    "voted_victim": ("{s} voted against {t}, later killed at night", "{s}投了后来被刀的{t}"),
}


@dataclass(frozen=True)
class Temper:
    """A seat's temperament for one game: how boldly it acts, how much it says."""

    bold: float  # 0..1: claims early, votes its own read, holds the antidote
    talk: float  # 0..1: longer speeches, more remarks on others

    @property
    def words(self) -> tuple[str, str]:
        """("bold"/"cautious", "talkative"/"quiet")."""
        return (
            "bold" if self.bold >= 0.5 else "cautious",
            "talkative" if self.talk >= 0.5 else "quiet",
        )


def temper_of(view: SeatView) -> Temper:
    """The seat's temperament, drawn from the game's seat names (themselves drawn from the
    game's seed) and the seat: stable through a game, different between games, and
    telling nothing of the deal."""
    r = random.Random(f"temper:{'|'.join(view.names)}:{view.seat}")
    return Temper(bold=r.random(), talk=r.random())


@dataclass
class SeerClaim:
    seat: int
    day: int
    order: int  # how many public speeches had been heard before it
    reports: dict[int, bool] = field(default_factory=dict)  # target -> is_wolf
    report_day: dict[int, int] = field(default_factory=dict)
    report_order: dict[int, int] = field(default_factory=dict)  # target -> speech heard before
    flow: bool = False  # named whom it checks next (警徽流)


@dataclass
class Ballot:
    """One public vote cast: who voted for whom, on which day, in which round."""

    day: int
    kind: str
    seat: int
    target: int | None


class Memory:
    """Everything one seat has seen, recorded event by event (never replayed twice)."""

    def __init__(self, seat: int, wolf: bool, players: int) -> None:
        self.me = seat
        self.wolf = wolf
        self.players = players
        self.n = 0  # events recorded
        self.last: Event | None = None  # the last event recorded (to check a view continues)
        self.seen: list[Event] = []  # the events recorded, as last given
        self.seer_claims: dict[int, SeerClaim] = {}
        self.role_claims: dict[int, str] = {}
        self.save_claims: dict[int, int] = {}  # claimed witch -> the seat she says she saved
        self.accusations: list[tuple[int, int, int]] = []  # (day, speaker, accused)
        self.my_checks: dict[int, bool] = {}
        self.votes: list[Ballot] = []
        self.night_dead: list[int] = []
        self.night_dead_day: dict[int, int] = {}
        self.night_deaths: dict[int, list[int]] = {}  # day -> that dawn's deaths
        self.exiled: list[int] = []
        self.shot: list[int] = []
        self.attacked: list[int] = []  # the witch's private knowledge: the wolves' victims
        self.attacked_day: dict[int, int] = {}
        self.saved: int | None = None
        self.poisoned: int | None = None
        self.proposals: dict[int, list[tuple[int, int]]] = {}  # day -> (wolf, target)
        self.fake_plan: int | None = None
        self.wolf_chat: dict[int, list[int]] = {}
        self.spoke: dict[int, list[int]] = {}
        self.pk: dict[int, list[int]] = {}
        self.heard = 0
        self.rounds: dict[tuple[int, str], list[Ballot]] = {}  # (day, kind) -> its ballots
        # (day, kind) -> (what the round's reading depends on, the suspicion it adds)
        self.round_reading: dict[
            tuple[int, str], tuple[tuple, list[tuple[int, float, str, dict]]]
        ] = {}
        self.temper: Temper | None = None  # drawn once, at the first decision
        self.jitter: dict[int, dict[int, float]] = {}  # day -> this seat's tie-break per seat

    def feed(self, events: list[Event]) -> None:
        readers = _READERS  # (each event's reader looked up here: no call per event)
        for e in events:
            read = readers.get(type(e))
            if read is not None:
                read(self, e)
        if events:
            self.n += len(events)
            self.last = events[-1]

    def _vote(self, e: VoteCast) -> None:
        if e.kind in ("day", "pk"):  # exile votes only (not the wolves', not an election's)
            ballot = Ballot(e.day, e.kind, e.seat, e.target)
            self.votes.append(ballot)
            self.rounds.setdefault((e.day, e.kind), []).append(ballot)

    def _death(self, e: Death) -> None:
        if e.cause == "night":
            self.night_deaths[e.day] = list(e.seats)
            for s in e.seats:
                self.night_dead.append(s)
                self.night_dead_day[s] = e.day
        elif e.cause == "exile":
            self.exiled.extend(e.seats)
        else:
            self.shot.extend(e.seats)

    def _result(self, e: VoteResult) -> None:
        if e.kind == "day" and e.tie:
            self.pk[e.day] = list(e.tie)

    def _check(self, e: CheckResult) -> None:
        if e.seat == self.me:
            self.my_checks[e.target] = e.is_wolf

    def _witch_info(self, e: WitchInfo) -> None:
        if e.victim is not None:
            self.attacked.append(e.victim)
            self.attacked_day[e.victim] = e.day

    def _night_action(self, e: NightAction) -> None:
        if e.seat == self.me:
            if e.action == "save":
                self.saved = e.target
            elif e.action == "poison":
                self.poisoned = e.target

    def _hear(self, e: SpeechEnd) -> None:
        if e.kind == "wolf_chat":
            self.wolf_chat.setdefault(e.day, []).append(e.seat)
            target = e.target if e.target is not None else parse_kill_proposal(e.text)
            if target is not None:
                self.proposals.setdefault(e.day, []).append((e.seat, target))
            if self.fake_plan is None and parse_fake_plan(e.text):
                self.fake_plan = parse_fake_claimer(e.text) or e.seat
            return
        self.heard += 1
        if e.kind == "day":
            self.spoke.setdefault(e.day, []).append(e.seat)
        if e.text:
            self._hear_claims(e)

    def _hear_claims(self, e: SpeechEnd) -> None:
        """A public speech: role claims, a seer claim's reports, a witch's save, accusations."""
        players = self.players
        claim = self.seer_claims.get(e.seat)
        for c in parse_claims(e.text):
            if c.role is not None:  # "I'm the seer"
                self.role_claims[e.seat] = c.role
                if c.role == "seer" and claim is None:
                    claim = self.seer_claims[e.seat] = SeerClaim(e.seat, e.day, self.heard)
            elif claim is not None and c.target is not None:  # "seat 5 is a wolf"
                if (
                    c.target != e.seat
                    and 1 <= c.target <= players
                    and c.target not in claim.reports
                ):
                    claim.reports[c.target] = c.kind == "wolf"
                    claim.report_day[c.target] = e.day
                    claim.report_order[c.target] = self.heard
        if claim is not None and not claim.flow and parse_badge_flow(e.text):
            claim.flow = True
        if self.role_claims.get(e.seat) == "witch":
            saved = parse_save_claim(e.text)
            if saved is not None and 1 <= saved <= players:
                self.save_claims[e.seat] = saved
        for target in parse_accusations(e.text):
            if target != e.seat and 1 <= target <= players:
                self.accusations.append((e.day, e.seat, target))


# What a memory reads of each kind of event (one lookup by type, not a chain of checks).
_READERS: dict[type, Callable[[Memory, Any], None]] = {
    SpeechEnd: Memory._hear,
    VoteCast: Memory._vote,
    Death: Memory._death,
    VoteResult: Memory._result,
    CheckResult: Memory._check,
    WitchInfo: Memory._witch_info,
    NightAction: Memory._night_action,
}

# Memories by seat and game (the seat names tell games apart), fed only what is new.
_MEMORIES: OrderedDict[tuple, Memory] = OrderedDict()
_LOCK = threading.Lock()
_KEEP = 144  # 16 tables of 9 at once; a seat past that is read again in full, no harm done


def _continues(events: list[Event], m: Memory) -> bool:
    """Do ``events`` start with exactly what ``m`` recorded? The same objects, or equal
    copies (the graph re-validates its state between steps): compared field by field,
    which costs far less than reading them again."""
    if events[m.n - 1] is m.last:
        return True
    # Only what the memory reads must match: two histories that differ elsewhere (a
    # prompt, a phase mark) leave the same memory.
    return all(
        a is b or (type(a) is type(b) and (type(a) not in _READ or a.__dict__ == b.__dict__))
        for a, b in zip(events, m.seen, strict=False)
    )


_READ = {SpeechEnd, VoteCast, Death, VoteResult, CheckResult, WitchInfo, NightAction}


def memory_of(view: SeatView) -> Memory:
    """This seat's memory, brought up to ``view``: the kept one fed the new events when
    ``view`` continues exactly what it saw (the same events, perhaps as new copies after a
    checkpoint), else a new one fed them all."""
    key = (view.seat, view.role, view.lang, tuple(view.names), tuple(view.teammates))
    events = view.events
    with _LOCK:
        m = _MEMORIES.get(key)
        if m is not None and 0 < m.n <= len(events) and _continues(events, m):
            _MEMORIES.move_to_end(key)
        else:
            m = Memory(view.seat, view.role == "werewolf", view.players)
            _MEMORIES[key] = m
            while len(_MEMORIES) > _KEEP:
                _MEMORIES.popitem(last=False)
        m.feed(events[m.n :])
        m.seen = list(events)
        return m


def forget() -> None:
    """Drop every kept memory (a benchmark's cold start; a test's clean slate)."""
    with _LOCK:
        _MEMORIES.clear()


def knowledge(view: SeatView) -> Knowledge:
    """What ``view``'s seat believes now, from its memory kept between decisions."""
    return Knowledge(view, memory_of(view))


class Knowledge:
    """What one seat believes at one decision, and its suspicion of each seat, with reasons."""

    def __init__(self, view: SeatView, memory: Memory | None = None) -> None:
        if memory is None:
            memory = Memory(view.seat, view.role == "werewolf", view.players)
            memory.feed(view.events)
        m = self.memory = memory
        self.view = view
        self.me = view.seat
        self.wolf = view.role == "werewolf"
        self.zh = view.lang == "zh"
        self.team = {view.seat, *view.teammates} if self.wolf else set()
        if m.temper is None:
            m.temper = temper_of(view)
        self.temper = m.temper
        day = view.day
        # What the record holds (shared with the memory: read, never written).
        self.seer_claims = m.seer_claims
        self.role_claims = m.role_claims
        self.save_claims = m.save_claims
        self.accusations = m.accusations
        self.my_checks = m.my_checks
        self.votes = m.votes
        self.night_dead = m.night_dead
        self.night_dead_day = m.night_dead_day
        self.exiled = m.exiled
        self.attacked = m.attacked
        self.saved = m.saved
        self.poisoned = m.poisoned
        self.fake_plan = m.fake_plan
        self.heard = m.heard
        # Today's part of it.
        self.proposals = m.proposals.get(day, [])
        self.wolf_chat_today = m.wolf_chat.get(day, [])
        self.spoke_today = m.spoke.get(day, [])
        self.deaths_today: list[int] | None = m.night_deaths.get(day)
        self.pk = m.pk.get(day, [])
        # A tie-break of this seat's own for today: never the lowest seat number.
        if day not in m.jitter:
            r = random.Random(f"tie:{'|'.join(view.names)}:{view.seat}:{day}")
            m.jitter[day] = {s: r.random() for s in range(1, view.players + 1)}
        self.jitter = m.jitter[day]
        w = [s for s, r in m.role_claims.items() if r == "witch"]
        self._witch = w[0] if len(w) == 1 else None
        self._adds: list | None = None  # while reading a round of votes: what it adds
        self.score: dict[int, float] = {}
        self.cred: dict[int, tuple[float, list[str]]] = {}
        self.weights: dict[int, list[tuple[float, str, dict]]] = {}  # (amount, reason, its fields)
        self.tags: dict[int, set[str]] = {}
        self._rank: dict[int, tuple[float, float]] | None = None  # see ranked()
        self.believed = self._believed_seer()
        self._score()

    def _t(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    def _w(self, s: int) -> str:
        return f"{s}号" if self.zh else f"seat {s}"

    # -- whom to believe --------------------------------------------------------
    def witch_claim(self) -> int | None:
        """The one seat claiming witch (None when nobody does, or two do)."""
        return self._witch

    def credibility(self, seat: int) -> tuple[float, list[str]]:
        """How far this seat believes ``seat``'s seer claim, and why (sentences)."""
        c = self.seer_claims[seat]
        notes: list[str] = []
        score = 0.0
        zh, w = self.zh, self._w  # only this seat's language is written

        def note(amount: float, text: str) -> None:
            nonlocal score
            score += amount
            notes.append(text)

        if seat in self.night_dead:
            d = self.night_dead_day[seat]
            if self.attacked_day_of(seat) == d:
                note(
                    3.0,
                    (
                        f"{w(seat)}是被狼刀的，不会是狼"
                        if zh
                        else f"the wolves attacked {w(seat)}, so they were not one of them"
                    ),
                )
            elif seat == self.poisoned:
                pass  # my own poison: says nothing of their claim
            elif len(self.memory.night_deaths.get(d, [])) == 1:
                note(
                    2.5,
                    (
                        f"{w(seat)}是单死出局，多半是被狼刀的"
                        if zh
                        else f"{w(seat)} died alone in the night, most likely to the wolves"
                    ),
                )
            else:
                note(
                    1.0,
                    (f"{w(seat)}死于双死夜" if zh else f"{w(seat)} died in a double-death night"),
                )
        if len(self.seer_claims) == 1 and self.view.day > c.day:
            note(
                1.0,
                (
                    f"{w(seat)}跳了一轮没人对跳"
                    if zh
                    else f"nobody has counter-claimed {w(seat)} in a whole night and day"
                ),
            )
        if c.flow and FLOW_CREDIT > 0:
            note(
                FLOW_CREDIT,
                (
                    f"{w(seat)}留了警徽流，像有计划的预言家"
                    if zh
                    else f"{w(seat)} named the next checks, as a seer with a plan does"
                ),
            )
        if self.view.role == "seer":
            note(-10.0, ("我自己才是预言家" if zh else "I am the seer myself"))
        if c.reports.get(self.me) and not self.wolf:
            note(
                -10.0,
                (
                    f"{w(seat)}给我发查杀，而我是好人"
                    if zh
                    else f"{w(seat)} reported me as a wolf, and I know I'm good"
                ),
            )
        if c.reports.get(self.me) is False and not self.wolf:
            note(0.3, (f"{w(seat)}给我发了金水" if zh else f"{w(seat)} vouched for me"))
        if seat in self.my_checks:
            note(
                -10.0 if self.my_checks[seat] else 5.0,
                (f"我亲自验过{w(seat)}" if zh else f"I checked {w(seat)} myself"),
            )
        for target, is_wolf in c.reports.items():
            mine = self.my_checks.get(target)
            if mine is not None and mine != is_wolf:
                note(
                    -8.0,
                    (
                        f"{w(seat)}对{w(target)}的报验和我的查验矛盾"
                        if zh
                        else f"{w(seat)} says {w(target)} is {'a wolf' if is_wolf else 'good'}, my check says otherwise"
                    ),
                )
            elif mine is not None and mine and is_wolf:
                note(
                    3.0,
                    (
                        f"{w(seat)}和我验出同一只狼"
                        if zh
                        else f"{w(seat)} found the same wolf I did"
                    ),
                )
            if is_wolf and target in self.attacked and self.view.role == "witch":
                note(
                    -6.0,
                    (
                        f"{w(seat)}查杀{w(target)}，可{w(target)}是被狼刀的"
                        if zh
                        else f"{w(seat)} called {w(target)} a wolf, but the wolves attacked {w(target)}"
                    ),
                )
            witch = self.witch_claim()
            if (
                is_wolf
                and witch is not None
                and witch != seat
                and self.save_claims.get(witch) == target
            ):
                note(
                    -4.0,
                    (
                        f"{w(seat)}查杀的{w(target)}是女巫的银水"
                        if zh
                        else f"{w(seat)} called {w(target)} a wolf, but {w(target)} is the witch's 'silver water' (saved from the wolves)"
                    ),
                )
            claimed = self.role_claims.get(target)
            rival = self.seer_claims.get(target)
            if (
                is_wolf
                and rival is not None
                and rival.order < c.report_order.get(target, 0)
                and c.report_day.get(target) == rival.day
            ):
                note(
                    -1.5,
                    (
                        f"{w(seat)}在{w(target)}起跳后才报查杀，太巧了"
                        if zh
                        else f"{w(seat)} 'checked' {w(target)} only after {w(target)} claimed seer — convenient"
                    ),
                )
            elif is_wolf and claimed in ("witch", "hunter") and self._unopposed(target, claimed):
                note(
                    -3.0,
                    (
                        f"{w(seat)}查杀的{w(target)}跳了{ROLE_ZH[claimed]}且没人对跳"
                        if zh
                        else f"{w(seat)} called {w(target)} a wolf, but {w(target)} claims {claimed} and nobody disputes it"
                    ),
                )
        for other in self.seer_claims.values():
            if (
                other.seat != seat
                and other.reports.get(seat)
                and other.report_order.get(seat, 0) < c.order
            ):
                if c.reports.get(other.seat):
                    # The wolf's classic answer: jump, and "check" the accuser.
                    note(
                        -2.0,
                        (
                            f"{w(seat)}被{w(other.seat)}查杀后才起跳，还反查杀{w(other.seat)}"
                            if zh
                            else f"{w(seat)} claimed seer only after {w(other.seat)} called them a wolf, "
                            f"and 'checked' {w(other.seat)} right back"
                        ),
                    )
                else:
                    # Called a wolf, yet no "check" back on the accuser: not the wolf's way.
                    note(
                        0.3,
                        (
                            f"{w(seat)}被{w(other.seat)}查杀，却报自己的验人而不是反查杀"
                            if zh
                            else f"{w(seat)} was called a wolf by {w(other.seat)}, yet reported their own "
                            f"check instead of hitting back"
                        ),
                    )
        return score, notes

    def attacked_day_of(self, seat: int) -> int | None:
        return self.memory.attacked_day.get(seat)

    def _unopposed(self, seat: int, role: str) -> bool:
        return sum(1 for r in self.role_claims.values() if r == role) == 1

    def _believed_seer(self) -> int | None:
        cands = [s for s in self.seer_claims if s != self.me]
        if not cands:
            return None
        self.cred = {s: self.credibility(s) for s in cands}
        # Equal evidence: this seat's own coin, never the order of speaking.
        best = max(cands, key=lambda s: (self.cred[s][0], self.jitter[s]))
        return best if self.cred[best][0] > -3.0 else None

    def liars(self) -> set[int]:
        """Seer claimants this seat takes for liars (their reports count for nothing)."""
        return {s for s, (c, _) in self.cred.items() if c <= -3.0}

    # -- suspicion ----------------------------------------------------------------
    def _add(self, seat: int, amount: float, tag: str, **fields: object) -> None:
        """``amount`` more suspicion on ``seat``, for the reason ``tag`` (its words are
        written only when someone reads them: most never are)."""
        if self._adds is not None:
            self._adds.append((seat, amount, tag, fields))
            return
        if seat == self.me or seat not in self.score:
            return
        self.score[seat] += amount
        self.weights[seat].append((amount, tag, fields))
        self.tags[seat].add(tag)

    def _say(self, seat: int, tag: str, fields: dict) -> str:
        en, zh = REASON_TEXT[tag]
        w = self._w
        f = {k: (w(v) if k in "bt" else v) for k, v in fields.items()}  # type: ignore[arg-type]
        return (zh if self.zh else en).format(s=w(seat), **f)

    @property
    def why(self) -> dict[int, list[str]]:
        """Each seat's reasons, as sentences in the seat's language."""
        return {s: [self._say(s, tag, f) for _, tag, f in ws] for s, ws in self.weights.items()}

    def _score(self) -> None:
        me = self.me
        for s in range(1, self.view.players + 1):
            if s != me:
                self.score[s] = 0.0
                self.weights[s] = []
                self.tags[s] = set()
        for target, is_wolf in self.my_checks.items():
            self._add(target, 10.0 if is_wolf else -10.0, "check_wolf" if is_wolf else "check_good")
        b = self.believed
        for claim in self.seer_claims.values():
            if claim.seat != me:
                self._score_seer_claim(claim, b)
        for s, role in self.role_claims.items():
            if role == "werewolf":
                self._add(s, 10.0, "self")
        witch = self.witch_claim()
        if witch is not None and self.save_claims.get(witch) == me and not self.wolf:
            self._add(witch, -3.0, "saved_me")
        reported = self.seer_claims[b].reports if b is not None else {}
        bad = {t for t, x in reported.items() if x}
        gold = {t for t, x in reported.items() if not x}
        self._score_accusations(b, gold)
        m = self.memory
        # A round's reading changes only with what it is judged by: keep it until then.
        basis = (
            b,
            tuple(sorted(reported.items())),
            len(self.exiled),
            len(self.night_dead),
            self._witch,
            len(self.save_claims),
        )
        for rnd, votes in m.rounds.items():
            key = (len(votes), basis)
            kept = m.round_reading.get(rnd)
            if kept is None or kept[0] != key:
                self._adds = []
                self._score_round(rnd[0], rnd[1], votes, b, bad, gold)
                kept = m.round_reading[rnd] = (key, self._adds)
                self._adds = None
            score, weights, tags = self.score, self.weights, self.tags
            for seat, amount, tag, fields in kept[1]:  # self._add, without the call
                if seat != me and seat in score:
                    score[seat] += amount
                    weights[seat].append((amount, tag, fields))
                    tags[seat].add(tag)
        for victim in self.attacked:
            self._add(victim, -2.0, "attacked")

    def _score_seer_claim(self, claim: SeerClaim, b: int | None) -> None:
        """Someone else's seer claim: the claimant (believed, a liar, or a rival of the one
        believed), then each report, weighted by how far the claim is believed: a known
        liar's reports add nothing."""
        s = claim.seat
        cred, notes = self.cred[s]
        if s == b:
            self._add(s, -3.0, "believed")
            weight = 3.0
        elif cred <= -3.0:
            self._add(s, 6.0, "liar", why=notes[-1] if notes else "")
            return
        elif b is not None:
            self._add(s, 2.5, "counter", b=b)
            weight = 0.6
        else:
            weight = 0.8
        for target, is_wolf in claim.reports.items():
            if target == self.me:
                continue
            if is_wolf:
                self._add(target, weight, "reported", b=s)
            else:
                self._add(target, -weight * 0.6, "gold", b=s)

    def _score_accusations(self, b: int | None, gold: set[int]) -> None:
        for _day, speaker, target in self.accusations:
            if target == b:
                self._add(speaker, 0.8, "accused_seer", b=b)
            elif target in gold:
                self._add(speaker, 0.5, "accused_gold", t=target)
            elif target == self.me and not self.wolf:
                self._add(speaker, 0.4, "accused_me")

    def _score_round(
        self, day: int, kind: str, votes: list[Ballot], b: int | None, bad: set[int], gold: set[int]
    ) -> None:
        """One round of votes, judged by the seer claim believed (``b``, its reports)."""
        reported_day = self.seer_claims[b].report_day if b is not None else {}
        wolf_targets = {x.target for x in votes if x.seat in bad and x.target is not None}
        open_wolves = {
            x
            for x in bad
            if kind == "day" and reported_day[x] <= day and x not in self.exiled and x in self.score
        }
        witch = self._witch
        saved_by_witch = self.save_claims.get(witch) if witch is not None else None
        for vote in votes:
            seat, t = vote.seat, vote.target
            if t is None:
                continue
            if b is not None and t == b:
                self._add(seat, 1.2, "voted_seer", b=b, d=day)
            elif t in gold:
                self._add(seat, 0.8, "voted_gold", t=t)
            if t in bad:
                self._add(seat, -0.3, "voted_wolf", t=t)
            elif open_wolves and open_wolves != {seat}:
                self._add(seat, 0.3, "spared_wolf", d=day)
            if t in wolf_targets and seat not in bad:
                self._add(seat, 0.5, "with_wolf", d=day)
            if t == self.me and not self.wolf:
                self._add(seat, 0.6, "voted_me")
            if t == witch and saved_by_witch == seat:
                self._add(seat, 1.0, "voted_saver")
            if self.night_dead_day.get(t, 0) > day:
                self._add(seat, 0.4, "voted_victim", t=t)

    # -- who is who --------------------------------------------------------------
    def fake_seer(self) -> int | None:
        """The pack's fake seer: a wolf who has publicly claimed seer (wolves know it)."""
        for s in self.seer_claims:
            if s in self.team:
                return s
        return None

    def real_seers(self) -> list[int]:
        """Living seer claimants outside the pack (for a wolf: the seer, or a rival)."""
        return [s for s in self.seer_claims if s not in self.team and self.view.is_alive(s)]

    def reporter(self, target: int) -> int | None:
        """Who reported ``target`` as a wolf: the believed seer, else the pack's fake, else anyone."""
        order = sorted(self.seer_claims, key=lambda s: (s != self.believed, s not in self.team, s))
        return next((s for s in order if self.seer_claims[s].reports.get(target)), None)

    def ranked(self, among: list[int]) -> list[int]:
        """Most suspect first; equal scores in this seat's own random order."""
        if self._rank is None:  # the scores are final once read: key them once
            jitter = self.jitter
            self._rank = {s: (-round(v, 6), jitter.get(s, 0.0)) for s, v in self.score.items()}
        rank, jitter = self._rank, self.jitter
        return sorted(among, key=lambda s: rank.get(s) or (0.0, jitter.get(s, 0.0)))

    def reasons(self, seat: int, n: int = 2) -> list[str]:
        """The strongest reasons behind ``seat``'s score, as sentences."""
        why = sorted(self.weights.get(seat, []), key=lambda x: -abs(x[0]))
        out: list[str] = []
        for _, tag, fields in why:
            text = self._say(seat, tag, fields)
            if text not in out:
                out.append(text)
        return out[:n]

    def explain(self, among: list[int], lang: str, n: int = 3) -> str:
        """Whom this seat suspects among ``among`` and why, in a sentence for a person."""
        zh = lang == "zh"
        top = [s for s in self.ranked(among)[:n] if self.score.get(s, 0.0) > 0.25]
        if not top:
            clear = [s for s in among if self.score.get(s, 0.0) < -1.0]
            if clear:
                if zh:
                    return f"没人可疑，{'、'.join(f'{s}号' for s in clear)}看起来是好人"
                words = [f"seat {s}" for s in clear]
                names = ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]
                return f"nobody looks suspect; {names} {'look' if len(clear) > 1 else 'looks'} good to me"
            return "还没有谁露出破绽" if zh else "nobody has given themselves away yet"
        parts = []
        for s in top:
            r = self.reasons(s)
            if zh:
                parts.append(f"{s}号（{'；'.join(r)}）" if r else f"{s}号")
            else:
                parts.append(f"seat {s} ({'; '.join(r)})" if r else f"seat {s}")
        if zh:
            return "我最怀疑" + "，其次".join(parts)
        return "I suspect " + ", then ".join(parts)

    def trust_notes(self) -> str:
        """Why this seat believes or doubts each seer claim, in sentences."""
        out = []
        for s, (c, notes) in self.cred.items():
            if not notes:
                continue
            if self.zh:
                verdict = "我更信他" if c > 0 else "我不信他" if c <= -3 else "我对他存疑"
                out.append(f"{s}号跳预言家：{'；'.join(notes)}——{verdict}。")
            else:
                verdict = (
                    "I trust them more"
                    if c > 0
                    else "I don't believe them"
                    if c <= -3
                    else "I trust them less"
                )
                out.append(f"Seat {s} claimed seer: {'; '.join(notes)} — {verdict}.")
        return "".join(out) if self.zh else " ".join(out)

    def claims_summary(self, lang: str) -> str:
        """The claims heard and whom this seat believes, in a sentence for its thought."""
        zh = lang == "zh"
        if not self.seer_claims and not self.role_claims:
            return "还没有人跳身份。" if zh else "Nobody has claimed a role yet."
        parts = [_seer_claim_text(c, zh) for c in self.seer_claims.values()]
        parts += [
            f"{s}号自称{ROLE_ZH.get(r, r)}" if zh else f"seat {s} claims {r}"
            for s, r in self.role_claims.items()
            if r != "seer"
        ]
        b = self.believed
        if b is not None and self.wolf:
            parts.append(
                f"好人大概会信{b}号" if zh else f"the village will likely believe seat {b}"
            )
        elif b is not None:
            parts.append(f"我相信{b}号" if zh else f"I believe seat {b}")
        elif self.seer_claims and not self.wolf:
            parts.append("哪个预言家我都不信" if zh else "I believe none of the seer claims")
        text = ("；".join(parts) + "。") if zh else ("; ".join(parts) + ".")
        text = text[0].upper() + text[1:]
        notes = self.trust_notes() if not self.wolf else ""
        return f"{text}{notes}" if zh else f"{text} {notes}".strip()


def _seer_claim_text(c: SeerClaim, zh: bool) -> str:
    if zh:
        rep = "、".join(f"{t}号{'查杀' if w else '金水'}" for t, w in c.reports.items())
        return f"{c.seat}号跳预言家（{rep or '还没报验'}）"
    rep = ", ".join(f"seat {t} {'a wolf' if w else 'good'}" for t, w in c.reports.items())
    return f"seat {c.seat} claims seer ({rep or 'no reports yet'})"


def others_alive(view: SeatView) -> list[int]:
    """The living seats but this one."""
    return [s for s in view.living() if s != view.seat]


__all__ = [
    "GODS",
    "ROLE_ZH",
    "Ballot",
    "Knowledge",
    "Memory",
    "SeerClaim",
    "Temper",
    "forget",
    "knowledge",
    "memory_of",
    "others_alive",
    "temper_of",
]
