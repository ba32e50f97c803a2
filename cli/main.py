"""The ``werewolf`` command's parser: every subcommand, its options, and which module runs it."""

from __future__ import annotations

import argparse
import sys

from cli import llm, menu, server_side, tables
from cli.arena import add_arena_parser
from cli.ssh import command as ssh_command
from server.command import add_serve_options
from shared.settings import Settings


def _add_game_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--players", type=int, choices=[6, 9], default=9)
    p.add_argument("--seed", type=int, default=None, help="seed of the deal (random if omitted)")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--pace", type=float, default=30.0, help="tokens per second (0 = instant)")
    _add_bots_option(p)


def _add_rules_options(p: argparse.ArgumentParser) -> None:
    """The board and the rules (issue 15): --board overrides --players."""
    p.add_argument("--board", choices=["6", "9", "12-guard", "12-idiot"], default=None)
    p.add_argument(
        "--sheriff",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the sheriff's election (default: on at 12 players)",
    )
    p.add_argument("--win", choices=["sides", "city", "parity"], default="sides")


def _add_bots_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--bots",
        choices=["builtin", "llm", "mixed"],
        default="builtin",
        help="who plays the bot seats: built-in bots, LLM bots (WEREWOLF_LLM_* "
        "settings; see `werewolf doctor`), or every other seat an LLM",
    )
    p.add_argument(
        "--seat-model",
        action="append",
        default=[],
        type=llm.seat_model,
        metavar="N=NAME",
        help="seat N plays the named model endpoint NAME (the endpoints file; `default`: "
        "WEREWOLF_LLM_*); repeat for more seats",
    )


def build_parser() -> argparse.ArgumentParser:
    default_server = Settings.from_env().server  # WEREWOLF_SERVER
    parser = argparse.ArgumentParser(prog="werewolf", description="Terminal Werewolf (狼人杀)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("simulate", help="play all-bot games headless and report the results")
    p.add_argument("--games", type=int, default=100)
    p.add_argument("--players", type=int, choices=[6, 9], default=9)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--report", action="store_true", help="also print the bots' play metrics")
    _add_bots_option(p)
    _add_rules_options(p)
    p.set_defaults(func=server_side.simulate)

    p = sub.add_parser("play", help="play a game in the terminal beside bots")
    _add_game_options(p)
    p.add_argument("--seat", type=int, default=None, help="your seat (random if omitted)")
    p.add_argument(
        "--names-seed", type=int, default=None, help="seed of the seat names (to replay a game)"
    )
    p.add_argument(
        "--server", default=None, help="a server's URL (default: a private server for this game)"
    )
    _add_rules_options(p)
    p.add_argument(
        "--open",
        action="store_true",
        help="an open table: watch every bot think, live, in its pane (to learn the game)",
    )
    p.set_defaults(func=tables.play)

    p = sub.add_parser("watch", help="watch a game; with the spectator token, every thought")
    p.add_argument("game_id")
    p.add_argument("--server", default=default_server)
    p.add_argument("--token", required=True, help="a seat's token or the spectator token")
    p.set_defaults(func=tables.watch)

    p = sub.add_parser("serve", help="run the game server")
    add_serve_options(p)
    p.set_defaults(func=server_side.serve)

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
    p.add_argument(
        "--public",
        action="store_true",
        help="list the table in `werewolf games` for anyone (default: private, the code "
        "is the invitation)",
    )
    p.add_argument("--server", default=default_server)
    p.set_defaults(func=tables.host)

    p = sub.add_parser("join", help="sit at a hosted game by its code")
    p.add_argument("code")
    p.add_argument("--seat", type=int, default=None, help="ask for this seat")
    p.add_argument("--token", default=None, help="a seat token (to get your seat back elsewhere)")
    p.add_argument(
        "--as-host",
        action="store_true",
        help="back to the seat this machine hosts the table from (plain `join` takes another)",
    )
    p.add_argument("--server", default=default_server)
    p.set_defaults(func=tables.join)

    p = sub.add_parser("games", help="the public tables on a server, and yours")
    p.add_argument("--limit", type=int, default=None, help="tables per page (at most 100)")
    p.add_argument("--after", default=None, help="the cursor a previous page printed")
    p.add_argument("--server", default=default_server)
    p.set_defaults(func=tables.games)

    p = sub.add_parser("menu", help="the tables of a server, by a letter: play, host, join, list")
    p.add_argument("--server", default=default_server)
    p.add_argument("--pace", type=float, default=30.0, help="the bots' tokens per second")
    p.set_defaults(func=lambda args: menu.menu(args, main))

    p = sub.add_parser("ssh-serve", help="open the tables to anyone with an ssh client")
    ssh_command.add_options(p)
    p.set_defaults(func=ssh_command.ssh_serve)

    p = sub.add_parser("doctor", help="check the LLM bots' model endpoint and say what is wrong")
    p.set_defaults(func=llm.doctor)

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
    p.set_defaults(func=llm.inspect)

    p = sub.add_parser("narrate", help="watch an all-bot game as plain text in the terminal")
    _add_game_options(p)
    p.set_defaults(func=server_side.narrate)

    add_arena_parser(sub)
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
