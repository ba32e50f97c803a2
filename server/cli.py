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
    _add_bots_option(p)


def _add_bots_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--bots",
        choices=["builtin", "llm", "mixed"],
        default="builtin",
        help="who plays the bot seats: built-in bots, LLM bots (WEREWOLF_LLM_* "
        "settings; see `werewolf doctor`), or every other seat an LLM",
    )


def cmd_simulate(args: argparse.Namespace) -> int:
    from server.simulate import progress_bar, simulate

    show_progress = not args.json and sys.stderr.isatty()
    if args.bots != "builtin" and (err := _llm_problem()):
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
    )
    data = report.as_json()
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
    print(f"games per second: {data['games_per_second']}")
    if data["llm"]:
        m = data["llm"]
        print(f"LLM calls/game:   {m['calls_per_game']} (max {m['max_calls']})")
        print(
            f"tokens/game:      {m['tokens_in_per_game']} in (max {m['max_tokens_in']}), "
            f"{m['tokens_out_per_game']} out"
        )
        print(f"fallbacks/game:   {m['fallbacks_per_game']}")
    return 0


def _llm_problem() -> str | None:
    """Why LLM bots cannot play here (no model set, or it does not answer), or None."""
    from server.llm.doctor import preflight

    problem = asyncio.run(preflight())
    return (
        f"LLM bots can't play: {problem} (`werewolf doctor` checks the setup)" if problem else None
    )


def cmd_narrate(args: argparse.Namespace) -> int:
    """An all-bot game printed as it streams: the spectator's view in plain text."""
    import random

    from server.bots import seat_kinds
    from server.game import GameConfig
    from server.graph import Table
    from server.headless import run_game
    from shared.narrate import narrate
    from shared.printer import PlainPrinter

    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    config = GameConfig(players=args.players, seed=seed, lang=args.lang)
    printer = PlainPrinter(lang=args.lang, out=sys.stdout, narrate=narrate)
    if args.bots != "builtin" and (err := _llm_problem()):
        print(err, file=sys.stderr)
        return 2
    table = Table(bots=seat_kinds(args.bots, list(range(1, config.players + 1))), pace=args.pace)

    async def narrated() -> None:
        from server.bots import close_bots

        try:
            await run_game(config, table=table, on_event=printer.feed)
        finally:
            await close_bots()

    asyncio.run(narrated())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from server.app import default_data_dir, serve

    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    print(f"werewolf server on http://{args.host}:{args.port} (data: {data_dir})", flush=True)
    serve(host=args.host, port=args.port, data_dir=data_dir)
    return 0


DEFAULT_SERVER = os.environ.get("WEREWOLF_SERVER", "http://127.0.0.1:8765")


def _open_app(server: str, game_id: str, token: str, start: bool = False) -> int:
    from tui.launch import run_app

    return run_app(server, game_id, token, start=start)


def cmd_play(args: argparse.Namespace) -> int:
    from tui.launch import play

    if args.seat is not None and not 1 <= args.seat <= args.players:
        print(f"--seat: no seat {args.seat} at a {args.players}-player table", file=sys.stderr)
        return 2
    # (with --server, that server's own model plays: it refuses LLM bots it can't seat)
    if args.bots != "builtin" and args.server is None and (err := _llm_problem()):
        print(err, file=sys.stderr)
        return 2
    return play(
        args.server, args.seat, args.players, args.lang, args.pace, args.seed, bots=args.bots
    )


def cmd_watch(args: argparse.Namespace) -> int:
    from tui.launch import watch

    return watch(args.game_id, args.server, args.token)


def cmd_host(args: argparse.Namespace) -> int:
    """Create a game with open human seats, take one, show the code, open the lobby."""
    import random

    import httpx

    from tui import tokens

    seats = list(range(1, args.players + 1))
    rng = random.Random()
    my_seat = args.seat or rng.choice(seats)
    others = rng.sample([s for s in seats if s != my_seat], max(0, args.humans - 1))
    body = {
        "players": args.players,
        "humans": sorted([my_seat, *others]),
        "hosted": True,
        "host_seat": my_seat,
        "lang": args.lang,
        "pace": args.pace,
    }
    if args.turn_timeout is not None:
        body["turn_timeout"] = args.turn_timeout
    r = httpx.post(f"{args.server}/games", json=body, timeout=10)
    if r.status_code != 201:
        print(f"the server refused: {r.text}", file=sys.stderr)
        return 1
    g = r.json()
    tokens.save(args.server, g["code"], my_seat, g["tokens"][str(my_seat)], role="host")
    print(f"game code: {g['code']}   (others: werewolf join {g['code']} --server {args.server})")
    return _open_app(args.server, g["code"], g["tokens"][str(my_seat)])


def cmd_join(args: argparse.Namespace) -> int:
    """Take a free seat (or the seat this machine already holds) and open the app."""
    import httpx

    from tui import tokens
    from tui.client import api_error

    code = args.code.upper()
    held = tokens.load(args.server, code)
    token = args.token or (held["token"] if held else None)
    if token is None:
        r = httpx.post(
            f"{args.server}/games/{code}/join",
            json={"seat": args.seat} if args.seat else None,
            timeout=10,
        )
        if r.status_code != 200:
            print(f"can't join {code}: {api_error(r).message}", file=sys.stderr)
            return 1
        joined = r.json()
        token = joined["token"]
        tokens.save(args.server, code, joined["seat"], token)
        print(f"you sit at seat {joined['seat']}")
    return _open_app(args.server, code, token)


def cmd_games(args: argparse.Namespace) -> int:
    import httpx

    games = httpx.get(f"{args.server}/games", timeout=10).json()
    if not games:
        print("no games on this server")
        return 0
    print(f"{'code':8} {'players':>7} {'open seats':12} {'state':10} day")
    for g in games:
        state = "finished" if g["finished"] else ("playing" if g["started"] else "lobby")
        open_seats = ",".join(map(str, g.get("open_seats", []))) or "-"
        print(f"{g['code']:8} {g['players']:>7} {open_seats:12} {state:10} {g['day']}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from server.llm.doctor import main

    return main()


def cmd_inspect(args: argparse.Namespace) -> int:
    """Print a game's LLM calls: from a server (with a token), or from the local data dir."""
    from server.llm.calls import CallRecord, summarize
    from shared.calls import render

    if args.server:
        import httpx

        from tui import tokens
        from tui.client import api_error

        token = args.token or (tokens.load(args.server, args.game_id) or {}).get("token")
        if not token:
            print(
                "--token: a token of this game is needed (the spectator token, or any "
                "seat's once the game is over)",
                file=sys.stderr,
            )
            return 2
        params = {"seat": args.seat} if args.seat else {}
        r = httpx.get(
            f"{args.server}/games/{args.game_id}/calls",
            params=params,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        if r.status_code != 200:
            print(f"the server refused ({r.status_code}): {api_error(r).message}", file=sys.stderr)
            return 1
        records = [CallRecord.model_validate(c) for c in r.json()["calls"]]
    else:
        import sqlite3
        from pathlib import Path

        from server.app import default_data_dir

        path = Path(args.data_dir or default_data_dir()) / "games.sqlite"
        if not path.exists():
            print(f"no games kept at {path.parent} (try --data-dir or --server)", file=sys.stderr)
            return 1
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            known = db.execute("SELECT 1 FROM games WHERE id=?", (args.game_id,)).fetchone()
            rows = (
                db.execute(
                    "SELECT data FROM llm_calls WHERE game_id=? ORDER BY n", (args.game_id,)
                ).fetchall()
                if known
                else []
            )
        if not known:
            print(f"no game {args.game_id} at {path.parent}", file=sys.stderr)
            return 1
        records = [CallRecord.model_validate_json(r[0]) for r in rows]
        if args.seat:
            records = [r for r in records if r.seat == args.seat]
    if args.json:
        print(
            json.dumps(
                {"summary": summarize(records), "calls": [r.model_dump() for r in records]},
                ensure_ascii=False,
            )
        )
        return 0
    print(render(records, prompts=args.prompts))
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
    _add_bots_option(p)
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("play", help="play a game in the terminal beside bots")
    _add_game_options(p)
    p.add_argument("--seat", type=int, default=None, help="your seat (random if omitted)")
    p.add_argument(
        "--server", default=None, help="a server's URL (default: a private server for this game)"
    )
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("watch", help="watch a game; with the spectator token, every thought")
    p.add_argument("game_id")
    p.add_argument("--server", default=DEFAULT_SERVER)
    p.add_argument("--token", required=True, help="a seat's token or the spectator token")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("serve", help="run the game server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--data-dir", default=None, help="where games are kept (default: user data dir)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("host", help="open a table for friends: shows a code to join by")
    p.add_argument("--players", type=int, choices=[6, 9], default=9)
    p.add_argument("--humans", type=int, default=2, help="human seats, yours included")
    p.add_argument("--seat", type=int, default=None, help="your seat (random if omitted)")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--pace", type=float, default=30.0)
    p.add_argument(
        "--turn-timeout",
        type=float,
        default=None,
        help="seconds per decision (default 60 with several humans; 0 = none)",
    )
    p.add_argument("--server", default=DEFAULT_SERVER)
    p.set_defaults(func=cmd_host)

    p = sub.add_parser("join", help="sit at a hosted game by its code")
    p.add_argument("code")
    p.add_argument("--seat", type=int, default=None, help="ask for this seat")
    p.add_argument("--token", default=None, help="a seat token (to get your seat back elsewhere)")
    p.add_argument("--server", default=DEFAULT_SERVER)
    p.set_defaults(func=cmd_join)

    p = sub.add_parser("games", help="list the games on a server")
    p.add_argument("--server", default=DEFAULT_SERVER)
    p.set_defaults(func=cmd_games)

    p = sub.add_parser("doctor", help="check the LLM bots' model endpoint and say what is wrong")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("inspect", help="a game's LLM calls: prompts, answers, fallbacks, costs")
    p.add_argument("game_id")
    p.add_argument("--seat", type=int, default=None)
    p.add_argument("--prompts", action="store_true", help="print each prompt and raw answer")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--server", default=None, help="ask a running server (default: read the local data dir)"
    )
    p.add_argument("--token", default=None)
    p.add_argument("--data-dir", default=None)
    p.set_defaults(func=cmd_inspect)

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
