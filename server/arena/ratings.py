"""openskill ratings from finished games: one per model overall, and one per model per side.

Each game is a two-team match (wolves against the good side) between the models' seats:
a model with several seats is several players sharing one rating. openskill's
Plackett-Luce model rates the seats; a model's rating then moves by the mean of its seats'
moves (mu) and shrinks by the geometric mean of their shrinkages (sigma): a model moves as
one player per game, whether it holds three wolf seats or six good ones. Only finished games count, in game-number order, so a
resumed run ends with exactly the ratings of an unbroken one.

The side ratings treat "model X as the wolves" and "model X as the good side" as two
players: the wolves' team is made of side ratings ``(X, wolves)``, the good team of
``(Y, villagers)``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from openskill.models import PlackettLuce

SIDES = ("wolves", "villagers")


@dataclass
class Rating:
    mu: float
    sigma: float
    games: int = 0

    @property
    def ordinal(self) -> float:
        """The conservative estimate used to rank: mu - 3 sigma."""
        return self.mu - 3 * self.sigma


@dataclass
class Ratings:
    overall: dict[str, Rating] = field(default_factory=dict)
    by_side: dict[tuple[str, str], Rating] = field(default_factory=dict)
    history: dict[str, list[float]] = field(default_factory=dict)  # ordinal after each game

    def ranked(self) -> list[tuple[str, Rating]]:
        return sorted(self.overall.items(), key=lambda kv: -kv[1].ordinal)


def side_of(role: str) -> str:
    return "wolves" if role == "werewolf" else "villagers"


def _rate(model: PlackettLuce, table: dict, teams: list[list[object]], winner: int) -> None:
    """Rate one game between ``teams`` (lists of keys of ``table``); ``winner`` is its index."""
    rated = [[model.rating(mu=table[k].mu, sigma=table[k].sigma) for k in team] for team in teams]
    ranks: list[float] = [1.0 if i == winner else 2.0 for i in range(len(teams))]
    new = model.rate(rated, ranks=ranks)
    moves: dict[object, tuple[float, float]] = {}
    count = Counter(k for team in teams for k in team)
    for team, old_team, new_team in zip(teams, rated, new, strict=True):
        for k, old, now in zip(team, old_team, new_team, strict=True):
            dmu, shrink = moves.get(k, (0.0, 1.0))
            moves[k] = (dmu + now.mu - old.mu, shrink * now.sigma / old.sigma)
    for k, (dmu, shrink) in moves.items():
        r, seats = table[k], count[k]
        # the mean of its seats' moves: a model moves as one player, however many seats
        r.mu, r.sigma, r.games = r.mu + dmu / seats, r.sigma * shrink ** (1 / seats), r.games + 1


def compute(models: list[str], games: list[tuple[dict[int, str], dict[int, str], str]]) -> Ratings:
    """``games``: (seat -> model, seat -> role, winner) of each finished game, in order."""
    pl = PlackettLuce()
    base = pl.rating()
    out = Ratings()
    for m in models:
        out.overall[m] = Rating(base.mu, base.sigma)
        out.history[m] = [out.overall[m].ordinal]
        for side in SIDES:
            out.by_side[(m, side)] = Rating(base.mu, base.sigma)
    for seats, roles, winner in games:
        if winner not in SIDES:
            continue  # a game without a winner moves nobody
        teams = [[s for s in seats if side_of(roles[s]) == side] for side in SIDES]
        if not all(teams):
            continue
        win = SIDES.index(winner)
        _rate(pl, out.overall, [[seats[s] for s in team] for team in teams], win)
        _rate(
            pl,
            out.by_side,
            [[(seats[s], side) for s in team] for team, side in zip(teams, SIDES, strict=True)],
            win,
        )
        for m in models:
            out.history[m].append(out.overall[m].ordinal)
    return out


__all__ = ["SIDES", "Rating", "Ratings", "compute", "side_of"]
