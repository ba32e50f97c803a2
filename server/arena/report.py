"""A run's report: the numbers (ratings, metrics, costs) gathered once, and their terminal form.

:func:`build` reads the store; :func:`render_text` draws tables and plotext charts that fit
80 columns; ``html.py`` draws the same numbers as a self-contained page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from server.arena import metrics, ratings
from server.arena.models import ModelSpec
from server.arena.store import ArenaStore, Run

WIDTH = 80
MARKS = ("*", "o", "+", "x", "#", "@", "%")
_SGR = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class GameLine:
    n: int
    seed: int
    winner: str | None  # None: not played yet
    days: int
    seconds: float
    seats: dict[int, str]
    roles: dict[int, str]


@dataclass
class ArenaReport:
    run: Run
    models: list[str]
    specs: dict[str, ModelSpec]
    ratings: ratings.Ratings
    table: metrics.Table
    games: list[GameLine] = field(default_factory=list)

    @property
    def finished(self) -> int:
        return len(self.run.results)

    def cost(self, model: str) -> float | None:
        st = self.table.get(model, metrics.ALL)
        return self.specs[model].cost(st.tokens_in, st.tokens_out)


def build(store: ArenaStore, run_id: str) -> ArenaReport:
    run = store.load(run_id)
    models: list[str] = list(run.plan["models"])
    specs = {m["name"]: ModelSpec(**m) for m in run.plan["specs"]}
    calls = metrics.load_calls(store.calls(run_id))
    finished = [s for s in run.schedule if s.n in run.results]
    rated = ratings.compute(models, [(s.seats, s.roles, run.results[s.n].winner) for s in finished])
    table = metrics.compute(
        [
            (
                s.seats,
                s.roles,
                run.results[s.n].winner,
                store.events(run_id, s.n) or [],
                calls.get(s.n, []),
            )
            for s in finished
        ]
    )
    for m in models:  # every model has a row, played or not
        table.get(m, metrics.ALL)
    games = [
        GameLine(
            s.n,
            s.seed,
            run.results[s.n].winner if s.n in run.results else None,
            run.results[s.n].days if s.n in run.results else 0,
            run.results[s.n].seconds if s.n in run.results else 0.0,
            s.seats,
            s.roles,
        )
        for s in run.schedule
    ]
    return ArenaReport(run, models, specs, rated, table, games)


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def ci(st: metrics.Stats) -> str:
    c = st.win_ci
    return "-" if c is None else f"{100 * c[0]:.0f}-{100 * c[1]:.0f}%"


def num(x: float | None, fmt: str = "{:.2f}") -> str:
    return "-" if x is None else fmt.format(x)


def money(x: float | None) -> str:
    return "-" if x is None else f"${x:.4f}"


def rows_of(r: ArenaReport) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Every table of the report as (header, rows) of strings: both renderings draw these."""
    out: dict[str, tuple[list[str], list[list[str]]]] = {}
    rated = []
    for m, rt in r.ratings.ranked():
        w, g = r.ratings.by_side[(m, "wolves")], r.ratings.by_side[(m, "villagers")]
        rated.append(
            [
                m,
                f"{rt.mu:.1f}±{rt.sigma:.1f}",
                f"{rt.ordinal:.1f}",
                f"{w.mu:.1f}±{w.sigma:.1f}",
                f"{g.mu:.1f}±{g.sigma:.1f}",
                str(rt.games),
            ]
        )
    out["Ratings (openskill, mu±sigma; ranked by mu-3sigma)"] = (
        ["model", "overall", "mu-3σ", "as wolves", "as good", "games"],
        rated,
    )
    wins, play = [], []
    for m in r.models:
        for role in (metrics.ALL, *metrics.ROLES):
            st = r.table.rows.get(m, {}).get(role)
            if st is None or (role != metrics.ALL and not st.games):
                continue
            wins.append([m, role, str(st.games), pct(st.win_rate), ci(st)])
            play.append(
                [
                    m,
                    role,
                    pct(st.vote_accuracy),
                    pct(st.key_survival),
                    pct(st.truthfulness) + f" ({st.claims})",
                    f"{st.factual_errors}/{st.speeches}",
                    str(st.illegal),
                    str(st.fallbacks),
                ]
            )
    out["Win rate by role (95% Wilson interval)"] = (
        ["model", "role", "games", "win", "95% CI"],
        wins,
    )
    out["Play by role"] = (
        ["model", "role", "vote acc", "key surv", "truthful", "errors", "illegal", "fallbk"],
        play,
    )
    errs = []
    for m in r.models:
        st = r.table.get(m, metrics.ALL)
        errs.append(
            [
                m,
                str(st.dead_called_alive),
                str(st.votes_misreported),
                str(st.checks_invented),
                str(st.speeches),
            ]
        )
    out["Factual errors against the record"] = (
        ["model", "dead called alive", "vote misreported", "check invented", "speeches"],
        errs,
    )
    usage = []
    for m in r.models:
        st = r.table.get(m, metrics.ALL)
        games = r.ratings.overall[m].games  # the games it played in
        cost = r.cost(m)
        usage.append(
            [
                m,
                str(st.calls),
                str(st.tokens_in),
                str(st.tokens_out),
                num(st.mean_ttft, "{:.3f}s"),
                money(cost),
                money(None if cost is None or not games else cost / games),
            ]
        )
    out["Calls, tokens, time to first token, cost"] = (
        ["model", "calls", "prompt tok", "compl tok", "ttft", "cost", "per game"],
        usage,
    )
    return out


def table_text(header: list[str], rows: list[list[str]], width: int = WIDTH) -> str:
    widths = [
        max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
        for i, h in enumerate(header)
    ]
    # The first column (model names) gives way if the table is too wide.
    extra = sum(widths) + 2 * (len(widths) - 1) - width
    if extra > 0:
        widths[0] = max(6, widths[0] - extra)

    def line(cells: list[str]) -> str:
        parts = [
            (c[: widths[i] - 1] + "…" if len(c) > widths[i] else c).ljust(widths[i])
            if i == 0
            else c.rjust(widths[i])
            for i, c in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def charts_text(r: ArenaReport, width: int = WIDTH) -> list[tuple[str, str]]:
    """(title, plotext chart) pairs: the ratings with their uncertainty, the ratings over
    the games, and each model's win rate."""
    import plotext as plt

    out = []
    ranked = r.ratings.ranked()
    plt.clear_figure()
    plt.theme("clear")  # no colour codes: the report may be piped or saved
    plt.plotsize(width - 2, 12)
    top = list(reversed(ranked))  # plotext draws the first bar at the bottom
    plt.bar([m for m, _ in top], [round(rt.mu, 2) for _, rt in top], orientation="h", width=0.3)
    plt.xlim(0, max(rt.mu for _, rt in ranked) * 1.05)
    plt.title("rating mu, best first (sigma and mu-3sigma: the table above)")
    out.append(("ratings", _plain(plt.build())))
    plt.clear_figure()
    plt.theme("clear")
    plt.plotsize(width - 2, 14)
    for i, m in enumerate(r.models):  # no colours: each model its own mark
        hist = r.ratings.history[m]
        mark = MARKS[i % len(MARKS)]
        plt.plot(list(range(len(hist))), [round(x, 2) for x in hist], label=m, marker=mark)
    plt.title("rating (mu - 3 sigma) after each finished game")
    out.append(("history", _plain(plt.build())))
    plt.clear_figure()
    plt.theme("clear")
    plt.plotsize(width - 2, 12)
    rates = [r.table.get(m, metrics.ALL).win_rate or 0.0 for m in r.models]
    plt.bar(r.models[::-1], [round(100 * x, 1) for x in rates[::-1]], orientation="h", width=0.3)
    plt.xlim(0, 100)
    plt.title("win rate, % of games played")
    out.append(("wins", _plain(plt.build())))
    plt.clear_figure()
    return out


def _plain(chart: str) -> str:
    """plotext's chart without the colour resets it writes even in its colourless theme."""
    return "\n".join(line.rstrip() for line in _SGR.sub("", chart).splitlines())


def header_lines(r: ArenaReport) -> list[str]:
    plan = r.run.plan
    cfg = plan["config"]
    secs = sum(g.seconds for g in r.games if g.winner is not None)
    wolves = sum(1 for g in r.games if g.winner == "wolves")
    return [
        f"Arena run {r.run.id}",
        f"models: {', '.join(r.models)}",
        f"games: {r.finished}/{len(r.run.schedule)} finished · {cfg.get('players')} players"
        f" · seed {plan['seed']} · parallel {plan['parallel']}",
        f"sides: wolves won {wolves}, the good side {r.finished - wolves}"
        f" · game time {secs:.0f} s (summed over games)",
    ]


def render_text(r: ArenaReport, width: int = WIDTH, charts: bool = True) -> str:
    out = header_lines(r)
    for title, (header, rows) in rows_of(r).items():
        out += ["", title, table_text(header, rows, width)]
    if charts and r.finished:
        for _, chart in charts_text(r, width):
            out += ["", chart]
    out += [
        "",
        f"A game's record: werewolf arena show {r.run.id} N   (N = 1..{len(r.run.schedule)})",
    ]
    return "\n".join(out)


__all__ = ["ArenaReport", "GameLine", "build", "render_text", "rows_of", "table_text"]
