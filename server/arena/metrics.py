"""Per model, per role: what the game master's record says about how each model played.

Everything is read from the stored record (events and call records) by code, never judged
by another model. ``ALL`` is the row of a model over every role it played.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, fields

from server.bots.claims import parse_accusations, parse_claims

ALL = "all"
ROLES = ("werewolf", "seer", "witch", "hunter", "villager")
KEY_ROLES = ("seer", "witch")
PUBLIC_SPEECH = frozenset({"day", "pk", "last_words"})
EXILE_VOTES = frozenset({"day", "pk"})

_NUM = r"(?<!\d)(\d{1,2})(?!\d)"
_VOTED_EN = re.compile(
    r"(?:\bseat\s*|\bplayer\s*|#)?" + _NUM + r"\s+voted\s+(?:for\s+|against\s+|out\s+)?"
    r"(?:seat\s*|player\s*|#)?" + _NUM,
    re.I,
)
_VOTED_ZH = re.compile(_NUM + r"\s*号?\s*投(?:了|给了?)?\s*" + _NUM + r"\s*号")


def voted_reports(text: str) -> list[tuple[int, int]]:
    """(voter, target) pairs a speech says happened: "5 voted for 3", "5号投了3号"."""
    return [(int(a), int(b)) for rx in (_VOTED_EN, _VOTED_ZH) for a, b in rx.findall(text)]


@dataclass
class Stats:
    games: int = 0
    wins: int = 0
    good_votes: int = 0  # exile votes by a good player (abstentions not counted)
    votes_on_wolves: int = 0
    key_games: int = 0  # games as the seer or the witch
    key_survived: int = 0  # ... alive when the game ended
    claims: int = 0  # role claims, and the real seer's check reports
    claims_true: int = 0
    speeches: int = 0
    dead_called_alive: int = 0
    votes_misreported: int = 0
    checks_invented: int = 0
    calls: int = 0
    illegal: int = 0  # unusable answers, and actions the rules refused
    fallbacks: int = 0  # the built-in bot decided instead
    tokens_in: int = 0
    tokens_out: int = 0
    ttft_sum: float = 0.0
    ttft_n: int = 0
    call_seconds: float = 0.0

    def add(self, other: Stats) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def factual_errors(self) -> int:
        return self.dead_called_alive + self.votes_misreported + self.checks_invented

    @property
    def win_rate(self) -> float | None:
        return self.wins / self.games if self.games else None

    @property
    def win_ci(self) -> tuple[float, float] | None:
        return wilson(self.wins, self.games)

    @property
    def vote_accuracy(self) -> float | None:
        return self.votes_on_wolves / self.good_votes if self.good_votes else None

    @property
    def key_survival(self) -> float | None:
        return self.key_survived / self.key_games if self.key_games else None

    @property
    def truthfulness(self) -> float | None:
        return self.claims_true / self.claims if self.claims else None

    @property
    def mean_ttft(self) -> float | None:
        return self.ttft_sum / self.ttft_n if self.ttft_n else None


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """The Wilson score interval (95%) of a rate k/n: honest at small n and near 0 or 1."""
    if n == 0:
        return None
    p = k / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Table:
    """Model -> role (or ``ALL``) -> stats; ``games`` counts the finished games read."""

    rows: dict[str, dict[str, Stats]] = field(default_factory=dict)
    games: int = 0

    def get(self, model: str, role: str) -> Stats:
        return self.rows.setdefault(model, {}).setdefault(role, Stats())


def game_stats(
    seats: dict[int, str], roles: dict[int, str], winner: str, events: list[dict], calls: list[dict]
) -> dict[int, Stats]:
    """Seat -> what one finished game says about the seat's play."""
    stats = {s: Stats(games=1) for s in seats}
    alive = set(seats)
    checks: dict[int, dict[int, bool]] = {}  # seer -> target -> is_wolf, as learned so far
    votes: set[tuple[int, int]] = set()  # (voter, target) of every exile vote so far
    for e in events:
        t = e.get("type")
        if t == "death":
            alive -= set(e["seats"])
        elif t == "check_result":
            checks.setdefault(e["seat"], {})[e["target"]] = e["is_wolf"]
        elif t == "vote_result" and e["kind"] in EXILE_VOTES:
            for voter, target in e["votes"].items():
                voter = int(voter)
                if target is None:
                    continue
                votes.add((voter, target))
                if voter in stats and roles[voter] != "werewolf":
                    stats[voter].good_votes += 1
                    stats[voter].votes_on_wolves += roles.get(target) == "werewolf"
        elif t == "speech_end" and e.get("kind") in PUBLIC_SPEECH and e["seat"] in stats:
            _speech(stats[e["seat"]], e["seat"], e["text"], roles, alive, checks, votes)
        elif t == "error" and e.get("seat") in stats and "bot at seat" in e.get("message", ""):
            stats[e["seat"]].illegal += 1
    for s, st in stats.items():
        role = roles[s]
        st.wins = int((role == "werewolf") == (winner == "wolves") and winner != "none")
        if role in KEY_ROLES:
            st.key_games, st.key_survived = 1, int(s in alive)
    for c in calls:
        st = stats.get(c["seat"])
        if st is None:
            continue
        asked = c.get("attempt", 1) != 0  # attempt 0: the built-in bot's fallback, no call
        st.calls += asked
        st.fallbacks += bool(c.get("fallback"))
        st.illegal += bool(c.get("error")) and asked
        st.tokens_in += c.get("tokens_in") or 0
        st.tokens_out += c.get("tokens_out") or 0
        st.call_seconds += c.get("total") or 0.0
        if c.get("ttft") is not None:
            st.ttft_sum += c["ttft"]
            st.ttft_n += 1
    return stats


def _speech(
    st: Stats,
    seat: int,
    text: str,
    roles: dict[int, str],
    alive: set[int],
    checks: dict[int, dict[int, bool]],
    votes: set[tuple[int, int]],
) -> None:
    st.speeches += 1
    role = roles[seat]
    for claim in parse_claims(text):
        if claim.kind == "role":
            st.claims += 1
            st.claims_true += claim.role == role
        elif role == "seer" and claim.target is not None:
            known = checks.get(seat, {})
            st.claims += 1
            if claim.target not in known:
                st.checks_invented += claim.target != seat  # "I am good" is no check
                st.claims -= claim.target == seat
            else:
                st.claims_true += known[claim.target] == (claim.kind == "wolf")
    for target in parse_accusations(text):
        if target in roles and target not in alive and target != seat:
            st.dead_called_alive += 1
    for voter, target in voted_reports(text):
        if voter in roles and (voter, target) not in votes:
            st.votes_misreported += 1


def compute(
    games: list[tuple[dict[int, str], dict[int, str], str, list[dict], list[dict]]],
) -> Table:
    """``games``: (seat -> model, seat -> role, winner, events, call records) per finished game."""
    table = Table()
    for seats, roles, winner, events, calls in games:
        table.games += 1
        for seat, st in game_stats(seats, roles, winner, events, calls).items():
            table.get(seats[seat], roles[seat]).add(st)
            table.get(seats[seat], ALL).add(st)
    return table


def load_calls(rows: list[tuple[int, str]]) -> dict[int, list[dict]]:
    """Game number -> its call records, from the store's rows."""
    out: dict[int, list[dict]] = {}
    for n, data in rows:
        out.setdefault(n, []).append(json.loads(data))
    return out


__all__ = ["ALL", "KEY_ROLES", "ROLES", "Stats", "Table", "compute", "game_stats", "wilson"]
