"""The commands that sit at a game server's tables: play, watch, host, join, games.

Light to import: what a command needs (the HTTP client, the terminal app) is imported when it
runs, so that ``werewolf play`` starts its private server before any of it."""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import random
import sys
from collections.abc import Callable

from cli.local_server import Starting, starting_server

Command = Callable[[argparse.Namespace], int]


def reaching_server(command: Command) -> Command:
    """:func:`cli.remote.reaching_server`, imported when the command runs."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        from cli.remote import reaching_server

        return reaching_server(command)(args)

    return run


def play(args: argparse.Namespace) -> int:
    """Create a game with the user in one seat and open the app (and, without a
    server URL, a private server for the session)."""
    if args.board is not None:  # --board overrides --players
        args.players = int(args.board.split("-")[0])
    if args.seat is not None and not 1 <= args.seat <= args.players:
        print(f"--seat: no seat {args.seat} at a {args.players}-player table", file=sys.stderr)
        return 2
    # The collector off until the app has painted its game (WerewolfApp turns it on): the
    # imports and the first frames make objects by the hundred thousand and hardly any
    # garbage, and its passes over them were a tenth of the client's CPU to that screen.
    gc.disable()
    if args.server is not None:
        return reaching_server(_play)(args)
    # The private server first: it starts (a process of its own) while this one imports
    # the client, checks the options and loads the terminal app.
    with starting_server() as server:
        return reaching_server(functools.partial(_play, private=server))(args)


def _play(args: argparse.Namespace, private: Starting | None = None) -> int:
    from cli.llm import llm_kinds_problem, seat_models

    # (with --server, that server's own model plays: it refuses LLM bots it can't seat)
    models = set(seat_models(args).values())
    if (
        private is not None
        and (args.bots != "builtin" or models)
        and (err := llm_kinds_problem(({"llm"} if args.bots != "builtin" else set()) | models))
    ):
        print(err, file=sys.stderr)
        return 2
    if private is None:
        return _play_at(args.server, args)
    importlib.import_module("tui.app")  # the terminal app loads while the server starts
    return _play_at(private.url, args, private)


def _play_at(server: str, args: argparse.Namespace, private: Starting | None = None) -> int:
    import asyncio

    from cli.llm import seat_models
    from cli.remote import request
    from tui import tokens
    from tui.client import ApiError, GameClient
    from tui.launch import run_app

    seat = args.seat or random.randint(1, args.players)
    body = {
        "players": args.players,
        "win_condition": args.win,
        **({"board": args.board} if args.board else {}),
        **({"sheriff": args.sheriff} if args.sheriff is not None else {}),
        "humans": [seat],
        "lang": args.lang,
        "pace": args.pace,
        "bots": args.bots,
        "open": bool(getattr(args, "open", False)),
    }
    if seat_models(args):  # --seat-model: one named model endpoint per seat
        body["seat_bots"] = {str(s): k for s, k in seat_models(args).items()}
    if args.seed is not None:
        body["seed"] = args.seed
    if getattr(args, "names_seed", None) is not None:  # with the seed: a replay
        body["names_seed"] = args.names_seed
    table = (args.players, args.lang)  # what the game was made with: no need to ask
    if private is not None:
        # The game is made as soon as the private server answers, in a thread of its own,
        # while the app opens: the app's first frames are drawn beside the server's start.
        made = private.create_apart(body)

        async def make_game(client: GameClient) -> None:
            try:
                g = await asyncio.wrap_future(made)
            except ApiError as e:
                raise RuntimeError(f"the server refused the game ({e.status}): {e.message}") from e
            client.game_id, client.token = g["game_id"], g["tokens"][str(seat)]

        return run_app(server, None, None, start=True, you=seat, table=table, make_game=make_game)
    try:
        g = request(server, lambda c: c.create_game(**body))
    except ApiError as e:
        print(f"the server refused the game ({e.status}): {e.message}", file=sys.stderr)
        return 2
    token = g["tokens"][str(seat)]
    # A server that outlives the session: the seat can be taken back.
    tokens.save(server, g["code"], seat, token)
    return run_app(server, g["game_id"], token, start=True, you=seat, table=table)


@reaching_server
def watch(args: argparse.Namespace) -> int:
    from tui.launch import run_app

    return run_app(args.server, args.game_id, args.token)


@reaching_server
def host(args: argparse.Namespace) -> int:
    """Create a game with open human seats, take one, show the code, open the lobby."""
    from cli.remote import request
    from tui import over_ssh, tokens
    from tui.client import ApiError
    from tui.launch import run_app

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
        "public": args.public,
    }
    if args.turn_timeout is not None:
        body["turn_timeout"] = args.turn_timeout
    try:
        g = request(args.server, lambda c: c.create_game(**body))
    except ApiError as e:
        print(f"the server refused: {e.message}", file=sys.stderr)
        return 1
    token = g["tokens"][str(my_seat)]
    tokens.save(args.server, g["code"], my_seat, token, role="host")
    print(f"game code: {g['code']}   (others: {join_command(g['code'], args.server)})")
    if not over_ssh.door():  # (behind it: the menu's "go back to a table of yours")
        print(f"back to your seat later: {join_command(g['code'], args.server)} --as-host")
    if not args.public:
        print("the table is private: only those you give the code to can find it")
    return run_app(args.server, g["code"], token)


@reaching_server
def join(args: argparse.Namespace) -> int:
    """Take a free seat (or the seat this machine already holds) and open the app."""
    from cli.remote import request
    from tui import tokens
    from tui.client import ApiError
    from tui.launch import run_app

    code = args.code.upper()
    held = tokens.load(args.server, code, role="host" if args.as_host else "seat")
    if args.as_host and held is None and args.token is None:
        print(f"this machine hosts no table {code} at {args.server}", file=sys.stderr)
        return 1
    token = args.token or (held["token"] if held else None)
    if token is None:
        try:
            joined = request(args.server, lambda c: c.join(code, args.seat))
        except ApiError as e:
            print(f"can't join {code}: {e.message}", file=sys.stderr)
            return 1
        token = joined["token"]
        tokens.save(args.server, code, joined["seat"], token)
        print(f"you sit at seat {joined['seat']}")
    return run_app(args.server, code, token)


def join_command(code: str, server: str) -> str:
    """What another player types to sit at ``code``: ``--server`` only when it isn't the default."""
    from tui import launch, over_ssh

    if door := over_ssh.door():  # an ssh caller's friends come through the same door
        return f"{door}, then 3 and the code {code}"
    return launch.join_command(code, server)


MINE_SHOWN = 20  # the tables of yours `werewolf games` asks about (the latest)


@reaching_server
def games(args: argparse.Namespace) -> int:
    """The public tables (one page, newest first), then the tables this machine holds a
    seat at (their codes are in its token file; tables are private by default)."""
    from cli.remote import request

    page = request(args.server, lambda c: c.list_games(limit=args.limit, after=args.after))
    mine = {} if args.after else _my_tables(args.server)  # (once, with the first page)
    public = [g for g in page["games"] if g["code"] not in mine]
    if not public and not mine:
        print("no public games on this server" + (" after that cursor" if args.after else ""))
    if public:
        print("public tables:")
        _print_rows(public)
    if page.get("next"):
        print(f"more: werewolf games --server {args.server} --after {page['next']}")
    if mine:
        print("your tables:")
        _print_rows(list(mine.values()))
    return 0


def _my_tables(server: str) -> dict[str, dict]:
    """This machine's tables on ``server`` that the server still knows, by code."""
    from cli.remote import request
    from tui import tokens
    from tui.client import ApiError, GameClient

    held = list(tokens.held(server).items())[-MINE_SHOWN:]

    async def ask(c: GameClient) -> dict[str, dict]:
        found = {}
        for code, entry in held:
            c.token = entry["token"]  # each table is asked with its own token
            try:
                found[code] = await c.summary(code)
            except ApiError:
                continue  # the server forgot it (another data dir), or the token is stale
        return found

    return request(server, ask) if held else {}


def _print_rows(rows: list[dict]) -> None:
    print(f"  {'code':8} {'players':>7} {'open seats':12} {'state':10} day")
    for g in rows:
        state = "finished" if g["finished"] else ("playing" if g["started"] else "lobby")
        open_seats = ",".join(map(str, g.get("open_seats", []))) or "-"
        print(f"  {g['code']:8} {g['players']:>7} {open_seats:12} {state:10} {g['day']}")
