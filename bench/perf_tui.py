"""The terminal client's figures for bench/perf.py: streaming lag and CPU, first screen.

``figures()`` runs each measure in a fresh interpreter (its own event loop, its imports
cold in the interpreter, warm on disk) and returns plain numbers:

- ``tui_p50_ms`` / ``tui_p95_ms``: 9 panes × 100 tokens/s each, arrival → the flush that
  puts the token on screen (bench/tui_bench.py);
- ``tui_core_pct``: the app's CPU in that run while the tokens stream, in % of one core
  (on a busy machine: what it got, not what it needed); the median of three runs, the
  lag's figures from the same run;
- ``tui_zh_p95_ms`` / ``tui_zh_core_pct``: the same stream in Chinese (median of three);
- ``tui_core_demand_pct``: the CPU the same stream needs, in % of one core, counted
  frame by frame without waiting, the measuring's own wait taken off (bench/tui_cpu.py:
  independent of the machine's load);
- ``tui_import_s``: importing the app (``tui.app``) and everything it needs;
- ``tui_first_screen_s``: from the interpreter's first line to the first painted board
  (import, mount, the first events on screen): the client's part of ``werewolf play``'s
  first usable screen (the private server's start is the server's figure).

    .venv/bin/python bench/perf_tui.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIRST_SCREEN = r"""
import time
t0 = time.perf_counter()
from tui.app import WerewolfApp
from shared.events import GameCreated, Phase, RoleAssigned, SeatInfo
t_import = time.perf_counter() - t0
import asyncio

events = [
    GameCreated(players=9, lang="en", seats=[SeatInfo(seat=n, name=f"P{n}") for n in range(1, 10)],
                roles={"werewolf": 3, "villager": 3, "seer": 1, "witch": 1, "hunter": 1}),
    RoleAssigned(seat=1, role="seer"),
    Phase(phase="night", day=1),
]

async def source():
    for seq, e in enumerate(events, 1):
        yield seq, e
    await asyncio.Event().wait()

async def main():
    app = WerewolfApp(you=1, events=source())
    async with app.run_test(size=(120, 36)) as pilot:
        while app.painted_seq < len(events):
            await asyncio.sleep(0.005)
        shown = time.perf_counter() - t0
        print(f"{t_import:.3f} {shown:.3f}")

asyncio.run(main())
"""


def _python(code: str, root: Path = ROOT) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def stream(lang: str, seconds: float, root: Path = ROOT) -> dict:
    """One run of bench/tui_bench.py (9 panes x 100 tokens/s in ``lang``) in a fresh
    interpreter, in the checkout at ``root`` (its copy of tui_bench.py)."""
    code = (
        "import asyncio, json, sys; sys.path.insert(0, 'bench'); import tui_bench; "
        f"print(json.dumps(asyncio.run(tui_bench.main(100, {seconds}, lang={lang!r}))))"
    )
    return json.loads(_python(code, root))


def _streams(lang: str, seconds: float, runs: int) -> list[dict]:
    """``runs`` streams, ordered by the CPU the app got: the median run is the figure, as
    for the server's (the machine's weather moves one run by a third within minutes)."""
    return sorted((stream(lang, seconds) for _ in range(runs)), key=lambda r: r["cpu_percent"])


def figures(quick: bool = False, streams: bool = True) -> dict[str, float]:
    """``streams=False``: without the 9-pane streams (bench/perf.py has them from
    bench/perf_before.py, measured beside the issue's tree)."""
    seconds = 3 if quick else 10
    runs = 1 if quick else 3
    out: dict[str, float] = {}
    if streams:
        en = _streams("en", seconds, runs)
        stream = en[len(en) // 2]
        # The same stream in Chinese: no spaces between the pieces, lines cut by width (a
        # Chinese speech that lost its anchor cost 75% of a core before session 10's fix).
        zh_runs = _streams("zh", seconds, runs)
        zh = zh_runs[len(zh_runs) // 2]
        out |= {
            "tui_p50_ms": stream["lag_ms"]["p50"],
            "tui_p95_ms": stream["lag_ms"]["p95"],
            "tui_core_pct": stream["cpu_percent"],
            "tui_core_pct_lo": en[0]["cpu_percent"],
            "tui_core_pct_hi": en[-1]["cpu_percent"],
            "tui_zh_p95_ms": zh["lag_ms"]["p95"],
            "tui_zh_core_pct": zh["cpu_percent"],
        }
    demand = json.loads(
        _python(
            "import asyncio, json, sys; sys.path.insert(0, 'bench'); import tui_cpu; "
            f"print(json.dumps(asyncio.run(tui_cpu.main({2 if quick else 5}))))"
        )
    )
    firsts = sorted(tuple(map(float, _python(FIRST_SCREEN).split())) for _ in range(runs))
    t_import, shown = firsts[len(firsts) // 2]  # the median run
    return out | {
        "tui_core_demand_pct": demand["net_core_pct"],
        "tui_import_s": round(t_import, 3),
        "tui_first_screen_s": round(shown, 3),
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    print(json.dumps(figures(quick=p.parse_args().quick), indent=2))
