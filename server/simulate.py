"""Headless all-bot games at pace 0: win rates, game length and throughput."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.game import GameConfig
from server.game.config import board_options
from shared.events import Badge, Error, Event, GuardResult, IdiotRevealed, SelfDestruct


@dataclass
class GameSummary:
    winner: str
    days: int
    roles: dict[int, str]
    illegal_actions: int
    calls: dict = field(default_factory=dict)  # LLM calls: summarize() of the game's records
    table: Counter = field(default_factory=Counter)  # the table's moments: see table_moment()
    facts: dict | None = None  # server.metrics.game_facts, when a report is asked for


@dataclass
class Report:
    games: int = 0
    wins: Counter = field(default_factory=Counter)
    wins_by_role: Counter = field(default_factory=Counter)
    days: int = 0
    illegal_actions: int = 0
    seconds: float = 0.0
    per_game_calls: list[dict] = field(default_factory=list)
    table: Counter = field(default_factory=Counter)
    facts: list[dict] = field(default_factory=list)  # per game, with --report

    def add(self, g: GameSummary) -> None:
        self.games += 1
        self.table.update(g.table)
        if g.facts is not None:
            self.facts.append(g.facts)
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
            "table": {k: self.table.get(k, 0) for k in TABLE_MOMENTS},
            "avg_days": round(self.days / self.games, 3) if self.games else 0.0,
            "games_per_second": round(self.games / self.seconds, 2) if self.seconds else 0.0,
            "seconds": round(self.seconds, 3),
        }


# What the report counts of the rules' moments (issue 15).
TABLE_MOMENTS = (
    "sheriff_elected",
    "badge_passed",
    "badge_torn",
    "badge_lost",
    "self_destructs",
    "guard_saves",
    "double_save_deaths",
    "idiot_reveals",
)


def table_moment(e: Event) -> str | None:
    """Which of :data:`TABLE_MOMENTS` the event is, if any."""
    if type(e) not in _MOMENT_TYPES:  # most events: one set lookup, not four isinstance
        return None
    if isinstance(e, Badge):
        return "sheriff_elected" if e.how == "elected" else f"badge_{e.how}"
    if isinstance(e, SelfDestruct):
        return "self_destructs"
    if isinstance(e, GuardResult):
        return "double_save_deaths" if e.double else "guard_saves"
    if isinstance(e, IdiotRevealed):
        return "idiot_reveals"
    return None


_MOMENT_TYPES = frozenset({Badge, SelfDestruct, GuardResult, IdiotRevealed})


async def _play_many(
    configs: list[GameConfig],
    bots: str = "builtin",
    facts: bool = False,
    seat_bots: dict[int, str] | None = None,
    keep: str | None = None,
) -> list[GameSummary]:
    from server.bots import seat_kinds
    from server.graph import Table, build_graph
    from server.headless import run_game
    from server.llm.calls import MemoryCallLog, headless_id, keep_calls, summarize
    from server.metrics import game_facts

    graph = _graph(build_graph)
    out = []
    for config in configs:
        errors = 0
        moments: Counter = Counter()

        def count(e, moments: Counter = moments):
            nonlocal errors
            if isinstance(e, Error) and e.message.startswith("bot at seat"):
                errors += 1  # the rules refused a bot's action (not an LLM fallback)
            if (moment := table_moment(e)) is not None:
                moments[moment] += 1

        kinds = seat_kinds(bots, list(range(1, config.players + 1))) | (seat_bots or {})
        calls = MemoryCallLog()
        # Only the rules' events are counted: the bots' thoughts and speeches go untyped.
        state = await run_game(
            config, Table(bots=kinds), graph=graph, on_event=count, call_log=calls, typed=False
        )
        summary = summarize(calls.records) if calls.records else {}
        if keep and calls.records:  # where `werewolf inspect` finds them
            summary["game_id"] = headless_id("simulate", config.seed or 0)
            await keep_calls(Path(keep), summary["game_id"], calls.records)
        out.append(
            GameSummary(
                winner=state.winner or "none",
                days=state.day,
                roles={s: state.role(s) for s in state.seats()},
                illegal_actions=errors,
                calls=summary,
                table=moments,
                facts=game_facts(state.history, config.lang) if facts else None,
            )
        )
    return out


def _graph(build: Callable[[], Any]) -> Any:
    """The game graph, compiled once per process (a compile costs about five games) and
    run by every batch's loop: without a checkpointer it holds nothing of a run."""
    global _compiled
    if _compiled is None:
        _compiled = build()
    return _compiled


_compiled: Any = None


def _worker(
    configs: list[dict],
    bots: str = "builtin",
    facts: bool = False,
    seat_bots: dict[int, str] | None = None,
    keep: str | None = None,
) -> list[GameSummary]:
    from server.bots import close_bots, load_kind, seat_kinds

    # (imported before the loop starts)
    for kind in set(seat_kinds(bots, [1, 2]).values()) | set((seat_bots or {}).values()):
        load_kind(kind)

    async def play() -> list[GameSummary]:
        try:
            games = [GameConfig(**c) for c in configs]
            return await _play_many(games, bots, facts, seat_bots, keep)
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
    board: str | None = None,
    sheriff: bool | None = None,
    win: str = "sides",
    facts: bool = False,
    seat_bots: dict[int, str] | None = None,
    keep_calls: Path | None = None,
) -> Report:
    """Play ``games`` games with seeds ``seed``, ``seed+1``, ...; in ``workers`` processes.
    ``board`` (6, 9, 12-guard, 12-idiot) overrides ``players``; LLM games' call records
    are kept in the data dir ``keep_calls`` (each game's ``calls["game_id"]`` names them)."""
    keep = str(keep_calls) if keep_calls else None
    workers = workers or min(os.cpu_count() or 1, games) or 1
    rules: dict[str, Any] = board_options(board) if board else {"players": players}
    rules.update(sheriff=sheriff, win_condition=win)
    configs = [dict(rules, seed=seed + i, lang=lang) for i in range(games)]
    chunk = 10
    batches = [configs[i : i + chunk] for i in range(0, len(configs), chunk)]
    report = Report()
    t0 = time.perf_counter()
    if workers == 1:
        for batch in batches:
            for g in _worker(batch, bots, facts, seat_bots, keep):
                report.add(g)
            if progress:
                progress(report.games, games)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            n = len(batches)
            jobs = pool.map(_worker, batches, [bots] * n, [facts] * n, [seat_bots] * n, [keep] * n)
            for result in jobs:
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
