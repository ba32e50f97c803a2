"""The commands that run the game server's own code in this process: serve, simulate, narrate."""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import sys

from cli.llm import llm_kinds_problem, seat_models
from server.command import serve_from_args


def serve(args: argparse.Namespace) -> int:
    return serve_from_args(args)


def simulate(args: argparse.Namespace) -> int:
    from server.simulate import progress_bar, simulate

    show_progress = not args.json and sys.stderr.isatty()
    models = seat_models(args)
    kinds = set(models.values()) | ({"llm"} if args.bots != "builtin" else set())
    if kinds and (err := llm_kinds_problem(kinds)):
        print(err, file=sys.stderr)
        return 2
    report = simulate(
        args.games,
        players=args.players,
        seed=args.seed,
        lang=args.lang,
        workers=args.workers,
        progress=progress_bar if show_progress else None,
        bots=args.bots,
        board=args.board,
        sheriff=args.sheriff,
        win=args.win,
        facts=args.report,
        seat_bots=models,
        keep_calls=_data_dir() if kinds else None,  # where `werewolf inspect` looks
    )
    data = report.as_json()
    kept = [g["game_id"] for g in (data["llm"] or {}).get("per_game", []) if "game_id" in g]
    if kept:
        more = f" and {len(kept) - 3} more (--json lists them)" if len(kept) > 3 else ""
        print(f"LLM calls kept: werewolf inspect {', '.join(kept[:3])}{more}", file=sys.stderr)
    if args.report and not args.json:
        from server.metrics import Metrics, render

        print(render(Metrics(len(report.facts), report.facts)))
    if args.json:
        print(json.dumps(data))
        return 0
    wolves, good = data["wins"]["wolves"], data["wins"]["villagers"]
    n = max(data["games"], 1)
    print(f"games:            {data['games']}")
    print(
        f"wins:             wolves {wolves} ({100 * wolves / n:.1f}%), "
        f"villagers {good} ({100 * good / n:.1f}%)"
    )
    print("wins by role:     " + ", ".join(f"{r} {c}" for r, c in data["wins_by_role"].items()))
    print(f"average days:     {data['avg_days']}")
    print(f"illegal actions:  {data['illegal_actions']}")
    print("table:            " + ", ".join(f"{k} {v}" for k, v in data["table"].items()))
    print(f"games per second: {data['games_per_second']}")
    if data["llm"]:
        m = data["llm"]
        print(f"LLM calls/game:   {m['calls_per_game']} (max {m['max_calls']})")
        print(
            f"HTTP requests/game: {m['requests_per_game']}, retries/game: {m['retries_per_game']}"
        )
        print(
            f"tokens/game:      {m['tokens_in_per_game']} in (max {m['max_tokens_in']}), "
            f"{m['tokens_out_per_game']} out"
        )
        print(f"fallbacks/game:   {m['fallbacks_per_game']}")
    return 0


def _data_dir():
    from shared.settings import Settings

    return Settings.from_env().data_dir


def narrate(args: argparse.Namespace) -> int:
    """An all-bot game printed as it streams: the spectator's view in plain text."""
    from server.bots import close_bots, seat_kinds
    from server.game import GameConfig
    from server.graph import Table
    from server.headless import run_game
    from shared.narrate import narrate
    from shared.printer import PlainPrinter

    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    config = GameConfig(players=args.players, seed=seed, lang=args.lang)
    printer = PlainPrinter(lang=args.lang, out=sys.stdout, narrate=narrate)
    kinds = seat_kinds(args.bots, list(range(1, config.players + 1))) | seat_models(args)
    if err := llm_kinds_problem(set(kinds.values())):
        print(err, file=sys.stderr)
        return 2
    table = Table(bots=kinds, pace=args.pace)

    from server.llm.calls import MemoryCallLog

    calls = MemoryCallLog()

    async def narrated() -> None:
        try:
            await run_game(config, table=table, on_event=printer.feed, call_log=calls)
        finally:
            await close_bots()

    asyncio.run(narrated())
    if calls.records:  # kept where `werewolf inspect` looks
        from cli.llm import keep_calls

        game_id = f"narrate-{seed}-{secrets.token_hex(3)}"
        keep_calls(game_id, calls.records)
        print(f"LLM calls kept: werewolf inspect {game_id}", file=sys.stderr)
    return 0
