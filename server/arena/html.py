"""The report as one self-contained HTML page: the same tables, charts as inline SVG, every game.

No script, no stylesheet or font from the network: the page opens offline and can be mailed.
Every string from a run (model names, speeches) is escaped: text from models is data.
"""

from __future__ import annotations

from html import escape

from server.arena import metrics
from server.arena.report import ArenaReport, header_lines, rows_of
from server.arena.review import game_lines

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1120px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;border-bottom:1px solid #eee}
th{text-align:left;background:#f6f6f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:18px}.chart{border:1px solid #ddd;padding:6px}
details{margin:2px 0}summary{cursor:pointer}pre{white-space:pre-wrap;font-size:12px;
background:#fafafa;padding:8px;border:1px solid #eee}.muted{color:#777}
"""


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(c)}</td>"
            if i < 2 and not c[:1].isdigit()
            else f'<td class="n">{escape(c)}</td>'
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _hbars(
    title: str,
    items: list[tuple[str, float, tuple[float, float] | None]],
    lo: float,
    hi: float,
    unit: str = "",
) -> str:
    """Horizontal bars from ``lo`` to ``hi``, each with an optional whisker (an interval)."""
    w, left, row = 520, 150, 30
    h = 40 + row * len(items) + 24
    span = (hi - lo) or 1.0

    def x(v: float) -> float:
        return left + (w - left - 20) * (min(max(v, lo), hi) - lo) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img">',
        f'<text x="8" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    zero = x(0.0) if lo < 0 < hi else x(lo)
    for i, (label, value, interval) in enumerate(items):
        y = 34 + i * row
        colour = COLOURS[i % len(COLOURS)]
        a, b = sorted((zero, x(value)))
        short = label if len(label) <= 12 else label[:11] + "…"
        parts.append(f'<text x="8" y="{y + 15}" font-size="12">{escape(short)}</text>')
        parts.append(
            f'<rect x="{a:.1f}" y="{y + 3}" width="{max(b - a, 1):.1f}" height="16" fill="{colour}" opacity="0.75"/>'
        )
        if interval:
            i0, i1 = x(interval[0]), x(interval[1])
            parts.append(
                f'<line x1="{i0:.1f}" x2="{i1:.1f}" y1="{y + 11}" y2="{y + 11}" stroke="#000"/>'
            )
            for xi in (i0, i1):
                parts.append(
                    f'<line x1="{xi:.1f}" x2="{xi:.1f}" y1="{y + 6}" y2="{y + 16}" stroke="#000"/>'
                )
        parts.append(  # the value right of the name, where no bar or whisker reaches
            f'<text x="{left - 8}" y="{y + 15}" font-size="11" text-anchor="end">'
            f"{value:.1f}{escape(unit)}</text>"
        )
    axis_y = 34 + row * len(items) + 6
    parts.append(f'<line x1="{left}" x2="{w - 20}" y1="{axis_y}" y2="{axis_y}" stroke="#999"/>')
    for v in (lo, (lo + hi) / 2, hi):
        parts.append(
            f'<text x="{x(v) - 10:.1f}" y="{axis_y + 14}" font-size="10" fill="#555">{v:.0f}</text>'
        )
    parts.append("</svg>")
    return '<div class="chart">' + "".join(parts) + "</div>"


def _lines(title: str, series: dict[str, list[float]]) -> str:
    w, h, left, top, bottom = 520, 260, 40, 30, 40
    values = [v for s in series.values() for v in s] or [0.0]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    n = max((len(s) for s in series.values()), default=1)
    plot_w, plot_h = w - left - 110, h - top - bottom

    def pt(i: int, v: float) -> str:
        return f"{left + plot_w * i / max(n - 1, 1):.1f},{top + plot_h * (1 - (v - lo) / span):.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img">',
        f'<text x="8" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#999"/>',
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="4" y="{top + 8}" font-size="10">{hi:.1f}</text>',
        f'<text x="4" y="{top + plot_h}" font-size="10">{lo:.1f}</text>',
        f'<text x="{left + plot_w / 2 - 30:.0f}" y="{h - 8}" font-size="10">games finished ({n - 1})</text>',
    ]
    for k, (name, s) in enumerate(series.items()):
        colour = COLOURS[k % len(COLOURS)]
        points = " ".join(pt(i, v) for i, v in enumerate(s))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
        )
        ly = top + 14 + 18 * k
        parts.append(
            f'<rect x="{left + plot_w + 10}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{left + plot_w + 24}" y="{ly}" font-size="12">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return '<div class="chart">' + "".join(parts) + "</div>"


def charts(r: ArenaReport) -> list[str]:
    ranked = r.ratings.ranked()
    ords = [rt.ordinal for _, rt in ranked] + [rt.mu + 3 * rt.sigma for _, rt in ranked]
    lo, hi = min([0.0, *ords]), max([1.0, *ords])
    rating = _hbars(
        "rating mu-3σ (whisker: mu±3σ)",
        [(m, rt.ordinal, (rt.mu - 3 * rt.sigma, rt.mu + 3 * rt.sigma)) for m, rt in ranked],
        lo,
        hi,
    )
    wins = []
    for m in r.models:
        st = r.table.get(m, metrics.ALL)
        c = st.win_ci
        wins.append((m, 100 * (st.win_rate or 0.0), (100 * c[0], 100 * c[1]) if c else None))
    win = _hbars("win rate % (whisker: 95% Wilson)", wins, 0.0, 100.0, "%")
    history = _lines("rating mu-3σ after each game", r.ratings.history)
    return [rating, win, history]


def render_html(r: ArenaReport, events: dict[int, list[dict]]) -> str:
    """The page; ``events``: game number -> its stored record (finished games)."""
    lang = r.run.plan["config"].get("lang", "en")
    head, *info = header_lines(r)
    out = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{escape(head)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(head)}</h1>",
        "".join(f"<div>{escape(line)}</div>" for line in info),
        '<div class="charts">' + "".join(charts(r)) + "</div>",
    ]
    for title, (header, rows) in rows_of(r).items():
        out.append(f"<h2>{escape(title)}</h2>{_table(header, rows)}")
    out.append("<h2>Games</h2><p class='muted'>Open a game to read its record.</p>")
    for g in r.games:
        if g.winner is None:
            out.append(f"<div class='muted'>game {g.n}: not played</div>")
            continue
        wolves = ", ".join(sorted({m for s, m in g.seats.items() if g.roles[s] == "werewolf"}))
        good = ", ".join(sorted({m for s, m in g.seats.items() if g.roles[s] != "werewolf"}))
        summary = (
            f"game {g.n} · seed {g.seed} · {wolves} (wolves) against {good} (good side)"
            f" · {g.winner} won on day {g.days}"
        )
        lines = game_lines(events.get(g.n, []), g.seats, g.roles, lang)
        out.append(
            f"<details><summary>{escape(summary)}</summary><pre>{escape(chr(10).join(lines))}</pre></details>"
        )
    out.append("</body></html>")
    return "\n".join(out)


__all__ = ["charts", "render_html"]
