"""How human-like the bots play, read from finished games' event histories (god's view).

:func:`game_facts` reduces one game's history to a small picklable dict (a worker
process sends it back); :class:`Metrics` adds the games up and :func:`render` prints the
table ``werewolf simulate --report`` shows: balance, the night-1 kill and day-1 exile
spreads, the witch's first night, how the pack votes (together, 倒钩), seer fights,
poison and hunter aims, and the words (distinct speeches, agreement errors, calls to
vote a dead seat, "exile me" after an exile, sentences two games share), by role and
by day.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from shared.events import (
    Death,
    Event,
    GameOver,
    NightAction,
    RoleAssigned,
    Shot,
    SpeechEnd,
    VoteCast,
    VoteResult,
)

# "seat 3 and seat 5 is …" / "3号和5号是…" is fine in Chinese; English needs "are".
_AND_IS = re.compile(r"\b(?:seat |player )?\d+ and (?:seat |player )?\d+ (?:is|was|has)\b", re.I)
_VILLAGE_WIN = re.compile(r"\bthe village win\b", re.I)
# A call to vote a seat: "vote seat 5", "vote out seat 5", "put your vote on seat 5",
# "seat 5 goes out", "今天出5号", "投5号".
_CALL_EN = re.compile(
    r"\b(?:vote(?:\s+out)?|votes?\s+on|exile|consolidate\s+on)\s+(?:seat\s+)?(\d+)\b"
    r"|\bseat\s+(\d+)\s+goes\s+out\b",
    re.I,
)
_CALL_ZH = re.compile(r"(?:出|投|归票给?|票挂)\s*(\d+)\s*号")
_EXILE_ME = re.compile(r"\b(?:exile|vote(?:\s+out)?)\s+me\b|出我|投我", re.I)
_SENTENCE = re.compile(r"[^.!?。！？；;]+[.!?。！？；;]?")


def sentences(text: str) -> list[str]:
    """A speech cut into sentences, stripped, empty ones dropped."""
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) > 1]


def _seer_claimed(text: str) -> bool:
    from server.bots.claims import parse_claims

    return any(c.kind == "role" and c.role == "seer" for c in parse_claims(text))


def _reports(text: str) -> dict[int, bool]:
    from server.bots.claims import parse_claims

    return {c.target: c.kind == "wolf" for c in parse_claims(text) if c.target is not None}


def game_facts(history: list[Event], lang: str = "en") -> dict[str, Any]:
    """One finished game, reduced to what the metrics count."""
    roles: dict[int, str] = {}
    winner = "none"
    for e in history:
        if isinstance(e, RoleAssigned):
            roles[e.seat] = e.role
        elif isinstance(e, GameOver):
            winner = e.winner
            roles = {int(k): v for k, v in e.roles.items()}
    wolves = {s for s, r in roles.items() if r == "werewolf"}
    seer = next((s for s, r in roles.items() if r == "seer"), None)
    alive = dict.fromkeys(roles, True)
    f: dict[str, Any] = {
        "winner": winner,
        "roles": roles,
        "players": len(roles),
        "lang": lang,
        "n1_kill": None,
        "n1_save": None,  # None: the witch had no victim to save on night 1
        "d1_exile": None,
        "vote_rounds": 0,
        "vote_rounds_together": 0,
        "together_by_day": Counter(),
        "rounds_by_day": Counter(),
        "daogou": False,
        "fight": None,  # day 1 with a real and a fake seer claim: {first, real, fake}
        "counter_cases": 0,
        "counter_done": 0,
        "poisons": 0,
        "poison_seer": 0,
        "poison_wolf": 0,
        "shots": 0,
        "shots_wolf": 0,
        "speeches": [],
        "and_is": 0,
        "village_win": 0,
        "dead_calls": 0,
        "exile_me": 0,
        "early_sentences": set(),
        "early_speeches": set(),
        "exiled_by_day": {},  # day -> role exiled
        "night_dead_by_day": {},  # day -> roles killed
        "survivors": [s for s in roles],
    }
    first_night: int | None = None
    claimed: dict[int, int] = {}  # seat -> day it first claimed seer
    claim_order: list[int] = []
    reports: dict[int, dict[int, bool]] = defaultdict(dict)
    exiled: set[int] = set()
    day_votes: dict[tuple[int, str], dict[int, int | None]] = defaultdict(dict)
    for e in history:
        if isinstance(e, VoteResult) and e.kind == "wolf":
            if first_night is None:
                first_night = e.day
                f["n1_kill"] = e.chosen
        elif isinstance(e, NightAction):
            if e.action == "save" and first_night is not None and e.day == first_night:
                f["n1_save"] = True
            elif e.action == "poison" and e.target is not None:
                f["poisons"] += 1
                f["poison_seer"] += e.target == seer
                f["poison_wolf"] += e.target in wolves
        elif isinstance(e, Shot) and e.target is not None:
            f["shots"] += 1
            f["shots_wolf"] += e.target in wolves
        elif isinstance(e, VoteCast) and e.kind != "wolf":
            day_votes[(e.day, e.kind)][e.seat] = e.target
            if e.seat in wolves and e.target in wolves:
                f["daogou"] = True
        elif isinstance(e, Death):
            for s in e.seats:
                alive[s] = False
            if e.cause == "exile":
                exiled.update(e.seats)
                for s in e.seats:
                    f["exiled_by_day"][e.day] = roles.get(s)
                if e.day == 1 and f["d1_exile"] is None:
                    f["d1_exile"] = e.seats[0]
            elif e.cause == "night":
                f["night_dead_by_day"][e.day] = [roles.get(s) for s in e.seats]
        elif isinstance(e, SpeechEnd):
            _speech(f, e, alive, exiled, claimed, claim_order, reports, roles, seer, first_night)
    if f["n1_save"] is None and f["n1_kill"] is not None:
        witch = next((s for s, r in roles.items() if r == "witch"), None)
        f["n1_save"] = False if witch is not None else None
    f["survivors"] = [s for s, a in alive.items() if a]
    _vote_facts(f, day_votes, history, wolves)
    _fight(f, claimed, claim_order, reports, day_votes, roles, seer, wolves)
    return f


def _speech(
    f: dict[str, Any],
    e: SpeechEnd,
    alive: dict[int, bool],
    exiled: set[int],
    claimed: dict[int, int],
    claim_order: list[int],
    reports: dict[int, dict[int, bool]],
    roles: dict[int, str],
    seer: int | None,
    first_night: int | None,
) -> None:
    text = e.text
    f["speeches"].append(text)
    f["and_is"] += len(_AND_IS.findall(text))
    f["village_win"] += len(_VILLAGE_WIN.findall(text))
    for m in list(_CALL_EN.finditer(text)) + list(_CALL_ZH.finditer(text)):
        n = int(next(g for g in m.groups() if g))
        if n in alive and not alive[n]:
            f["dead_calls"] += 1
    if e.seat in exiled and _EXILE_ME.search(text):
        f["exile_me"] += 1
    early = (e.kind == "wolf_chat" and e.day == first_night) or (e.kind == "day" and e.day == 1)
    if early:
        f["early_sentences"].update(sentences(text))
        f["early_speeches"].add(text)
    if e.kind == "wolf_chat":
        return
    if _seer_claimed(text) and e.seat not in claimed:
        claimed[e.seat] = e.day
        claim_order.append(e.seat)
        if roles.get(e.seat) == "werewolf":
            # a fake claim: did the real seer (alive) claim by the end of this day?
            f.setdefault("_fake_days", []).append(e.day)
    if e.seat in claimed:
        reports[e.seat].update(_reports(text))
    f["_claimed"] = dict(claimed)


def _vote_facts(
    f: dict[str, Any],
    day_votes: dict[tuple[int, str], dict[int, int | None]],
    history: list[Event],
    wolves: set[int],
) -> None:
    for (day, _kind), votes in day_votes.items():
        w = [t for s, t in votes.items() if s in wolves]
        if len(w) < 2:
            continue
        f["vote_rounds"] += 1
        f["rounds_by_day"][day] += 1
        if len(set(w)) == 1 and w[0] is not None:
            f["vote_rounds_together"] += 1
            f["together_by_day"][day] += 1
    seer = next((s for s, r in f["roles"].items() if r == "seer"), None)
    claimed = f.pop("_claimed", {})
    if seer is not None:
        deaths = {s: d.day for d in history if isinstance(d, Death) for s in d.seats}
        for day in f.pop("_fake_days", []):
            if deaths.get(seer, 99) < day:
                continue  # the real seer was already dead
            f["counter_cases"] += 1
            f["counter_done"] += claimed.get(seer, 99) <= day
    else:
        f.pop("_fake_days", None)


def _fight(
    f: dict[str, Any],
    claimed: dict[int, int],
    order: list[int],
    reports: dict[int, dict[int, bool]],
    day_votes: dict[tuple[int, str], dict[int, int | None]],
    roles: dict[int, str],
    seer: int | None,
    wolves: set[int],
) -> None:
    """Day 1 with both a real and a fake seer claim: whom the good voters backed."""
    day1 = [s for s in order if claimed[s] == 1]
    fakes = [s for s in day1 if s in wolves]
    if seer not in day1 or not fakes:
        return
    fake = fakes[0]
    real_side = {fake} | {t for t, w in reports[seer].items() if w}
    fake_side = {seer} | {t for t, w in reports[fake].items() if w}
    back_real = back_fake = 0
    for votes in (day_votes.get((1, "day"), {}), day_votes.get((1, "pk"), {})):
        for s, t in votes.items():
            if s in wolves or s in (seer, fake) or t is None:
                continue
            if t in real_side and t not in fake_side:
                back_real += 1
            elif t in fake_side and t not in real_side:
                back_fake += 1
    f["fight"] = {
        "real_first": day1.index(seer) < day1.index(fake),
        "real": back_real,
        "fake": back_fake,
    }


def _pct(a: float, b: float) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


@dataclass
class Metrics:
    """The metrics over many games (add each game's :func:`game_facts`)."""

    games: int = 0
    facts: list[dict[str, Any]] = field(default_factory=list)

    def add(self, facts: dict[str, Any]) -> None:
        self.games += 1
        self.facts.append(facts)

    def table(self) -> list[tuple[str, str, str]]:
        """(metric, value, target) rows."""
        fs = self.facts
        n = len(fs)
        if not n:
            return []
        rows: list[tuple[str, str, str]] = []
        wolves_won = sum(f["winner"] == "wolves" for f in fs)
        rows.append(("wolves win", _pct(wolves_won, n), "40–60%"))
        seat_wins: Counter[int] = Counter()
        for f in fs:
            for s, r in f["roles"].items():
                seat_wins[s] += (r == "werewolf") == (f["winner"] == "wolves")
        avg = sum(seat_wins.values()) / max(len(seat_wins), 1) / n
        worst = max(abs(seat_wins[s] / n - avg) for s in seat_wins)
        rows.append(
            (
                "seat win rate: widest gap from average",
                f"{100 * worst:.1f} pts (avg {100 * avg:.1f}%)",
                "≤ 5 pts",
            )
        )
        rows.append(self._n1_kill())
        rows.append(self._d1_exile())
        saves = [f["n1_save"] for f in fs if f["n1_save"] is not None]
        rows.append(("witch saves on night 1", _pct(sum(saves), len(saves)), "50–90%"))
        vr = sum(f["vote_rounds"] for f in fs)
        vt = sum(f["vote_rounds_together"] for f in fs)
        rows.append(("all living wolves vote alike (day votes)", _pct(vt, vr), "≤ 60%"))
        rows.append(
            (
                "games with 倒钩 (a wolf votes a teammate)",
                _pct(sum(f["daogou"] for f in fs), n),
                "≥ 5%",
            )
        )
        rows += self._fights()
        cc = sum(f["counter_cases"] for f in fs)
        cd = sum(f["counter_done"] for f in fs)
        rows.append(
            (f"real seer has claimed by the day of a fake claim ({cc})", _pct(cd, cc), "≥ 90%")
        )
        p = sum(f["poisons"] for f in fs)
        rows.append(
            (
                f"poison hits the real seer ({p} poisonings)",
                _pct(sum(f["poison_seer"] for f in fs), p),
                "≤ 10%",
            )
        )
        rows.append(("poison hits a wolf", _pct(sum(f["poison_wolf"] for f in fs), p), "-"))
        sh = sum(f["shots"] for f in fs)
        rows.append(
            (
                f"hunter shots hit a wolf ({sh} shots)",
                _pct(sum(f["shots_wolf"] for f in fs), sh),
                "≥ 75%",
            )
        )
        texts = [t for f in fs for t in f["speeches"]]
        rows.append(
            (f"distinct speeches ({len(texts)})", _pct(len(set(texts)), len(texts)), "≥ 80%")
        )
        rows.append(('"X and Y is" errors', str(sum(f["and_is"] for f in fs)), "0"))
        rows.append(('"the village win"', str(sum(f["village_win"] for f in fs)), "0"))
        rows.append(("calls to vote a dead seat", str(sum(f["dead_calls"] for f in fs)), "0"))
        rows.append(('"exile me" after an exile', str(sum(f["exile_me"] for f in fs)), "0"))
        rows += self._shared()
        return rows

    def _n1_kill(self) -> tuple[str, str, str]:
        kills: Counter[int] = Counter()
        for f in self.facts:
            if f["n1_kill"] is not None:
                kills[f["n1_kill"]] += 1
        # A seat's chance to be the victim, against uniform over that game's good seats.
        expected: dict[int, float] = defaultdict(float)
        for f in self.facts:
            goods = [s for s, r in f["roles"].items() if r != "werewolf"]
            for s in goods:
                expected[s] += 1 / len(goods)
        worst = max((kills[s] / expected[s] for s in expected if expected[s]), default=0.0)
        return ("night-1 kill: most-chosen seat vs uniform", f"{worst:.2f}×", "≤ 2×")

    def _d1_exile(self) -> tuple[str, str, str]:
        ex: Counter[int] = Counter(f["d1_exile"] for f in self.facts if f["d1_exile"])
        total = sum(ex.values())
        players = self.facts[0]["players"]
        if not total:
            return ("day-1 exile: most/least chosen seat vs uniform", "-", "within 1.5×")
        u = total / players
        hi = max(ex.get(s, 0) for s in range(1, players + 1)) / u
        lo = min(ex.get(s, 0) for s in range(1, players + 1)) / u
        return (
            "day-1 exile: most/least chosen seat vs uniform",
            f"{hi:.2f}× / {lo:.2f}×",
            "within 1.5×",
        )

    def _fights(self) -> list[tuple[str, str, str]]:
        rows = []
        for first, label in ((True, "real seer claimed first"), (False, "fake claimed first")):
            fights = [
                f["fight"] for f in self.facts if f["fight"] and f["fight"]["real_first"] == first
            ]
            real = sum(x["real"] for x in fights)
            fake = sum(x["fake"] for x in fights)
            rows.append(
                (
                    f"day-1 seer fight, {label} ({len(fights)} games): good votes backing the real seer",
                    _pct(real, real + fake),
                    "≥ 65%",
                )
            )
        return rows

    def _shared(self) -> list[tuple[str, str, str]]:
        """Pairs of games (seeds next to each other) whose night-1 wolf talk and day-1
        speeches share a sentence, or a whole speech."""
        fs = self.facts
        pairs = list(zip(fs, fs[1:], strict=False))
        sentence = sum(bool(a["early_sentences"] & b["early_sentences"]) for a, b in pairs)
        speech = sum(bool(a["early_speeches"] & b["early_speeches"]) for a, b in pairs)
        return [
            ("game pairs sharing a night-1/day-1 sentence", f"{sentence}/{len(pairs)}", "0"),
            ("game pairs sharing a whole night-1/day-1 speech", f"{speech}/{len(pairs)}", "-"),
        ]

    def by_role(self) -> list[tuple[str, str, str]]:
        """(role, win rate, survives to the end) rows."""
        won: Counter[str] = Counter()
        seen: Counter[str] = Counter()
        lived: Counter[str] = Counter()
        for f in self.facts:
            for s, r in f["roles"].items():
                seen[r] += 1
                won[r] += (r == "werewolf") == (f["winner"] == "wolves")
                lived[r] += s in f["survivors"]
        return [(r, _pct(won[r], seen[r]), _pct(lived[r], seen[r])) for r in sorted(seen)]

    def by_day(self) -> list[tuple[int, str, str, str]]:
        """(day, games reaching it, exiles that hit a wolf, wolves voting alike) rows."""
        out = []
        days = sorted({d for f in self.facts for d in f["exiled_by_day"]} | {1})
        for d in days:
            reached = sum(
                1 for f in self.facts if d in f["exiled_by_day"] or d in f["night_dead_by_day"]
            )
            ex = [f["exiled_by_day"][d] for f in self.facts if d in f["exiled_by_day"]]
            rounds = sum(f["rounds_by_day"][d] for f in self.facts)
            together = sum(f["together_by_day"][d] for f in self.facts)
            out.append(
                (
                    d,
                    str(reached),
                    _pct(sum(r == "werewolf" for r in ex), len(ex)),
                    _pct(together, rounds),
                )
            )
        return out


def render(m: Metrics) -> str:
    """The metrics table, by role and by day, as plain text."""
    lines = [f"metrics over {m.games} games"]
    rows = m.table()
    w = max((len(r[0]) for r in rows), default=10)
    lines += [f"  {name:<{w}}  {value:<24} target {target}" for name, value, target in rows]
    lines.append("by role: role, wins, survives to the end")
    lines += [f"  {r:<10} {won:>7} {lived:>7}" for r, won, lived in m.by_role()]
    lines.append("by day: day, games reaching it, exiles that hit a wolf, wolves voting alike")
    lines += [f"  {d:>3} {n:>6} {hit:>7} {tog:>7}" for d, n, hit, tog in m.by_day()]
    return "\n".join(lines)


__all__ = ["Metrics", "game_facts", "render", "sentences"]
