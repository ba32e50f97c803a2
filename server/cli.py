"""The ``werewolf`` command: play, watch, serve, simulate."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def _add_game_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--players", type=int, choices=[6, 9], default=9)
    p.add_argument("--seed", type=int, default=None, help="seed of the deal (random if omitted)")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--pace", type=float, default=30.0, help="tokens per second (0 = instant)")


def cmd_simulate(args: argparse.Namespace) -> int:
    from server.simulate import progress_bar, simulate

    show_progress = not args.json and sys.stderr.isatty()
    report = simulate(args.games, players=args.players, seed=args.seed, lang=args.lang,
                      workers=args.workers, progress=progress_bar if show_progress else None)
    data = report.as_json()
    if args.json:
        print(json.dumps(data))
        return 0
    wolves, good = data["wins"]["wolves"], data["wins"]["villagers"]
    n = max(data["games"], 1)
    print(f"games:            {data['games']}")
    print(f"wins:             wolves {wolves} ({100 * wolves / n:.1f}%), "
          f"villagers {good} ({100 * good / n:.1f}%)")
    print("wins by role:     " + ", ".join(f"{r} {c}" for r, c in data["wins_by_role"].items()))
    print(f"average days:     {data['avg_days']}")
    print(f"illegal actions:  {data['illegal_actions']}")
    print(f"games per second: {data['games_per_second']}")
    return 0


def cmd_narrate(args: argparse.Namespace) -> int:
    """An all-bot game printed as it streams: the spectator's view in plain text."""
    import random

    from server.game import GameConfig
    from server.graph import Table
    from server.headless import run_game
    from shared.narrate import narrate
    from shared.printer import PlainPrinter

    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    config = GameConfig(players=args.players, seed=seed, lang=args.lang)
    printer = PlainPrinter(lang=args.lang, out=sys.stdout, narrate=narrate)
    table = Table(bots={s: "builtin" for s in range(1, config.players + 1)}, pace=args.pace)
    asyncio.run(run_game(config, table=table, on_event=printer.feed))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from server.app import default_data_dir, serve

    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    print(f"werewolf server on http://{args.host}:{args.port} (data: {data_dir})", flush=True)
    serve(host=args.host, port=args.port, data_dir=data_dir)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="werewolf", description="Terminal Werewolf (狼人杀)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("simulate", help="play all-bot games headless and report the results")
    p.add_argument("--games", type=int, default=100)
    p.add_argument("--players", type=int, choices=[6, 9], default=9)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("play", help="play in the terminal (for now: watch an all-bot game)")
    _add_game_options(p)
    p.set_defaults(func=cmd_narrate)

    p = sub.add_parser("serve", help="run the game server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--data-dir", default=None, help="where games are kept (default: user data dir)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("narrate", help="watch an all-bot game as plain text in the terminal")
    _add_game_options(p)
    p.set_defaults(func=cmd_narrate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # piped into `head` and the like
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
