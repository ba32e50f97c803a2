"""Headless all-bot games at pace 0: win rates, game length and throughput."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from server.game import GameConfig
from shared.events import Error


@dataclass
class GameSummary:
    winner: str
    days: int
    roles: dict[int, str]
    illegal_actions: int


@dataclass
class Report:
    games: int = 0
    wins: Counter = field(default_factory=Counter)
    wins_by_role: Counter = field(default_factory=Counter)
    days: int = 0
    illegal_actions: int = 0
    seconds: float = 0.0

    def add(self, g: GameSummary) -> None:
        self.games += 1
        self.wins[g.winner] += 1
        self.days += g.days
        self.illegal_actions += g.illegal_actions
        for role in g.roles.values():
            won = (role == "werewolf") == (g.winner == "wolves")
            if won:
                self.wins_by_role[role] += 1

    def as_json(self) -> dict:
        return {
            "games": self.games,
            "wins": {"wolves": self.wins.get("wolves", 0), "villagers": self.wins.get("villagers", 0)},
            "wins_by_role": dict(sorted(self.wins_by_role.items())),
            "illegal_actions": self.illegal_actions,
            "avg_days": round(self.days / self.games, 3) if self.games else 0.0,
            "games_per_second": round(self.games / self.seconds, 2) if self.seconds else 0.0,
            "seconds": round(self.seconds, 3),
        }


async def _play_many(configs: list[GameConfig]) -> list[GameSummary]:
    from server.graph import build_graph
    from server.headless import run_game

    graph = build_graph()
    out = []
    for config in configs:
        errors = 0

        def count(e):
            nonlocal errors
            if isinstance(e, Error):
                errors += 1

        state = await run_game(config, graph=graph, on_event=count)
        out.append(GameSummary(winner=state.winner or "none", days=state.day,
                               roles={s: state.role(s) for s in state.seats()},
                               illegal_actions=errors))
    return out


def _worker(configs: list[dict]) -> list[GameSummary]:
    return asyncio.run(_play_many([GameConfig(**c) for c in configs]))


def simulate(games: int, players: int = 9, seed: int = 0, lang: str = "en",
             workers: int | None = None, progress=None) -> Report:
    """Play ``games`` games with seeds ``seed``, ``seed+1``, ...; in ``workers`` processes."""
    workers = workers or min(os.cpu_count() or 1, games) or 1
    configs = [dict(players=players, seed=seed + i, lang=lang) for i in range(games)]
    chunk = 10
    batches = [configs[i:i + chunk] for i in range(0, len(configs), chunk)]
    report = Report()
    t0 = time.perf_counter()
    if workers == 1:
        for batch in batches:
            for g in _worker(batch):
                report.add(g)
            if progress:
                progress(report.games, games)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_worker, batches):
                for g in result:
                    report.add(g)
                if progress:
                    progress(report.games, games)
    report.seconds = time.perf_counter() - t0
    return report


def progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} games")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
