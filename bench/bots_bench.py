"""The built-in bots' thinking time: every decision of N whole games, timed per game.

Plays each game with the built-in bot in every seat through the pure rules engine (no
server, no graph, no typewriter), then times ``plan`` again over every decision the game
asked for, so the figure is the bot's own work and nothing else. The target: a few
milliseconds a game, so a table of bots never keeps a human waiting.

    .venv/bin/python bench/bots_bench.py [--games 40] [--players 9] [--lang en]
    BENCH_CODE=/work/main .venv/bin/python bench/bots_bench.py   # another checkout's bots

Each game's replay starts cold, as a new game does: no kept memory, and the claim
parser's caches emptied (in a real game every speech is new to the parser; replayed with
warm caches, the parsing would cost nothing and the figure would hide it).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("BENCH_CODE") or str(Path(__file__).resolve().parent.parent))

from server.bots import claims, evidence  # noqa: E402
from server.bots.builtin import plan  # noqa: E402
from server.game.config import GameConfig  # noqa: E402
from server.game.engine import apply, new_game, pending  # noqa: E402
from server.game.state import Decision  # noqa: E402
from server.game.view import SeatView, seat_view  # noqa: E402


def decisions(seed: int, players: int, lang: str) -> list[tuple[SeatView, Decision]]:
    """Every (view, decision) a whole bot game asks for, in order."""
    state = new_game(GameConfig(players=players, seed=seed, lang=lang)).state
    asked: list[tuple[SeatView, Decision]] = []
    while not state.over:
        for d in pending(state):
            view = seat_view(state, d.seat)
            asked.append((view, d))
            state = apply(state, plan(view, d, random.Random(f"{seed}:{len(asked)}")).action).state
            if state.over:
                break
    return asked


_PARSERS = [
    name
    for name in dir(claims)
    if name.startswith(("parse_", "_parse")) and hasattr(getattr(claims, name), "cache_clear")
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--games", type=int, default=40)
    ap.add_argument("--players", type=int, default=9, choices=[6, 9])
    ap.add_argument("--lang", default="en", choices=["en", "zh"])
    args = ap.parse_args()
    per_game: list[float] = []
    per_decision: list[float] = []
    cpu = 0.0
    for seed in range(args.games):
        asked = decisions(seed, args.players, args.lang)
        evidence.forget()  # the replay starts cold, as a new game does
        for f in _PARSERS:
            getattr(claims, f).cache_clear()
        t0 = time.perf_counter()
        c0 = time.process_time()
        rngs = [random.Random(1) for _ in asked]  # made outside the clock: not the bots' work
        for (view, d), rng in zip(asked, rngs, strict=True):
            t = time.perf_counter()
            plan(view, d, rng)
            per_decision.append(time.perf_counter() - t)
        cpu += time.process_time() - c0
        per_game.append(time.perf_counter() - t0)
    ms = sorted(1000 * x for x in per_game)
    dec = sorted(1000 * x for x in per_decision)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {args.games} games of {args.players} ({args.lang})"
    )
    print(
        f"per game:     mean {statistics.mean(ms):.2f} ms, p50 {ms[len(ms) // 2]:.2f} ms, "
        f"max {ms[-1]:.2f} ms ({len(dec) / len(ms):.0f} decisions a game)"
    )
    print(f"CPU per game: {1000 * cpu / args.games:.2f} ms")
    print(
        f"per decision: mean {statistics.mean(dec):.3f} ms, "
        f"p99 {dec[int(len(dec) * 0.99)]:.3f} ms, max {dec[-1]:.3f} ms"
    )


if __name__ == "__main__":
    main()
