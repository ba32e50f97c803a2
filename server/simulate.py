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
    calls: dict = field(default_factory=dict)  # LLM calls: summarize() of the game's records


@dataclass
class Report:
    games: int = 0
    wins: Counter = field(default_factory=Counter)
    wins_by_role: Counter = field(default_factory=Counter)
    days: int = 0
    illegal_actions: int = 0
    seconds: float = 0.0
    per_game_calls: list[dict] = field(default_factory=list)

    def add(self, g: GameSummary) -> None:
        self.games += 1
        if g.calls:
            self.per_game_calls.append(g.calls)
        self.wins[g.winner] += 1
        self.days += g.days
        self.illegal_actions += g.illegal_actions
        for role in g.roles.values():
            won = (role == "werewolf") == (g.winner == "wolves")
            if won:
                self.wins_by_role[role] += 1

    def llm(self) -> dict | None:
        """Calls, tokens and fallbacks per game (None when no LLM bot played)."""
        if not self.per_game_calls:
            return None
        n = len(self.per_game_calls)

        def mean(key: str) -> float:
            return round(sum(c[key] or 0 for c in self.per_game_calls) / n, 1)

        return {
            "calls_per_game": mean("calls"),  # the model's answers asked for
            "requests_per_game": mean("requests"),  # HTTP requests (retried ones too)
            "retries_per_game": mean("retries"),  # second tries after an unusable answer
            "tokens_in_per_game": mean("tokens_in"),
            "tokens_out_per_game": mean("tokens_out"),
            "fallbacks_per_game": mean("fallbacks"),
            "max_calls": max(c["calls"] for c in self.per_game_calls),
            "max_tokens_in": max(c["tokens_in"] for c in self.per_game_calls),
            "per_game": self.per_game_calls,
        }

    def as_json(self) -> dict:
        return {
            "llm": self.llm(),
            "games": self.games,
            "wins": {
                "wolves": self.wins.get("wolves", 0),
                "villagers": self.wins.get("villagers", 0),
            },
            "wins_by_role": dict(sorted(self.wins_by_role.items())),
            "illegal_actions": self.illegal_actions,
            "avg_days": round(self.days / self.games, 3) if self.games else 0.0,
            "games_per_second": round(self.games / self.seconds, 2) if self.seconds else 0.0,
            "seconds": round(self.seconds, 3),
        }


async def _play_many(
    configs: list[GameConfig], bots: str = "builtin", seat_bots: dict[int, str] | None = None
) -> list[GameSummary]:
    from server.bots import seat_kinds
    from server.graph import Table, build_graph
    from server.headless import run_game
    from server.llm.calls import MemoryCallLog, summarize

    graph = build_graph()
    out = []
    for config in configs:
        errors = 0

        def count(e):
            nonlocal errors
            if isinstance(e, Error) and e.message.startswith("bot at seat"):
                errors += 1  # the rules refused a bot's action (not an LLM fallback)

        kinds = seat_kinds(bots, list(range(1, config.players + 1))) | (seat_bots or {})
        calls = MemoryCallLog()
        state = await run_game(
            config, Table(bots=kinds), graph=graph, on_event=count, call_log=calls
        )
        out.append(
            GameSummary(
                winner=state.winner or "none",
                days=state.day,
                roles={s: state.role(s) for s in state.seats()},
                illegal_actions=errors,
                calls=summarize(calls.records) if calls.records else {},
            )
        )
    return out


def _worker(
    configs: list[dict], bots: str = "builtin", seat_bots: dict[int, str] | None = None
) -> list[GameSummary]:
    from server.bots import close_bots, load_kind, seat_kinds

    # (imported before the loop starts)
    for kind in set(seat_kinds(bots, [1, 2]).values()) | set((seat_bots or {}).values()):
        load_kind(kind)

    async def play() -> list[GameSummary]:
        try:
            return await _play_many([GameConfig(**c) for c in configs], bots, seat_bots)
        finally:
            await close_bots()

    return asyncio.run(play())


def simulate(
    games: int,
    players: int = 9,
    seed: int = 0,
    lang: str = "en",
    workers: int | None = None,
    progress=None,
    bots: str = "builtin",
    seat_bots: dict[int, str] | None = None,
) -> Report:
    """Play ``games`` games with seeds ``seed``, ``seed+1``, ...; in ``workers`` processes."""
    workers = workers or min(os.cpu_count() or 1, games) or 1
    configs = [dict(players=players, seed=seed + i, lang=lang) for i in range(games)]
    chunk = 10
    batches = [configs[i : i + chunk] for i in range(0, len(configs), chunk)]
    report = Report()
    t0 = time.perf_counter()
    if workers == 1:
        for batch in batches:
            for g in _worker(batch, bots, seat_bots):
                report.add(g)
            if progress:
                progress(report.games, games)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            n = len(batches)
            for result in pool.map(_worker, batches, [bots] * n, [seat_bots] * n):
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
