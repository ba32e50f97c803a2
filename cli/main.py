"""The ``werewolf`` command's parser: every subcommand, its options, and which module runs it.

Light to import: a command's module (and what it imports: the terminal app, the HTTP client,
the server) loads only when that command runs, and only that command's options are built;
``werewolf play`` starts its private server before anything heavy is imported."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

Options = Callable[[argparse.ArgumentParser], None]


def _default_server() -> str:
    from shared.settings import Settings

    return Settings.from_env().server  # WEREWOLF_SERVER


def _seat_model(value: str) -> tuple[int, str]:
    """``--seat-model``'s type (cli.llm's check, imported only when the option is given)."""
    from cli.llm import seat_model

    return seat_model(value)


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
        type=_seat_model,
        metavar="N=NAME",
        help="seat N plays the named model endpoint NAME (the endpoints file; `default`: "
        "WEREWOLF_LLM_*); repeat for more seats",
    )


def _simulate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--games", type=int, default=100)
    p.add_argument("--players", type=int, choices=[6, 9], default=9)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--report", action="store_true", help="also print the bots' play metrics")
    _add_bots_option(p)
    _add_rules_options(p)


def _play(p: argparse.ArgumentParser) -> None:
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


def _watch(p: argparse.ArgumentParser) -> None:
    p.add_argument("game_id")
    p.add_argument("--server", default=_default_server())
    p.add_argument("--token", required=True, help="a seat's token or the spectator token")


def _serve(p: argparse.ArgumentParser) -> None:
    from server.command import add_serve_options

    add_serve_options(p)


def _host(p: argparse.ArgumentParser) -> None:
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
    p.add_argument("--server", default=_default_server())


def _join(p: argparse.ArgumentParser) -> None:
    p.add_argument("code")
    p.add_argument("--seat", type=int, default=None, help="ask for this seat")
    p.add_argument("--token", default=None, help="a seat token (to get your seat back elsewhere)")
    p.add_argument(
        "--as-host",
        action="store_true",
        help="back to the seat this machine hosts the table from (plain `join` takes another)",
    )
    p.add_argument("--server", default=_default_server())


def _games(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", type=int, default=None, help="tables per page (at most 100)")
    p.add_argument("--after", default=None, help="the cursor a previous page printed")
    p.add_argument("--server", default=_default_server())


def _menu_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--server", default=_default_server())
    p.add_argument("--pace", type=float, default=30.0, help="the bots' tokens per second")


def _ssh_serve(p: argparse.ArgumentParser) -> None:
    from cli.ssh.command import add_options

    add_options(p)


def _inspect(p: argparse.ArgumentParser) -> None:
    p.add_argument("game_id")
    p.add_argument("--seat", type=int, default=None)
    p.add_argument("--prompts", action="store_true", help="print each prompt and raw answer")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--server", default=None, help="ask a running server (default: read the local data dir)"
    )
    p.add_argument("--token", default=None)
    p.add_argument("--data-dir", default=None)


def _no_options(p: argparse.ArgumentParser) -> None:
    pass


# name: (help, its options, what runs it as "module:function"), in `werewolf --help`'s order.
COMMANDS: dict[str, tuple[str, Options, str]] = {
    "simulate": (
        "play all-bot games headless and report the results",
        _simulate,
        "cli.server_side:simulate",
    ),
    "play": ("play a game in the terminal beside bots", _play, "cli.tables:play"),
    "watch": (
        "watch a game; with the spectator token, every thought",
        _watch,
        "cli.tables:watch",
    ),
    "serve": ("run the game server", _serve, "cli.server_side:serve"),
    "host": (
        "open a table for friends: shows a code to join by",
        _host,
        "cli.tables:host",
    ),
    "join": ("sit at a hosted game by its code", _join, "cli.tables:join"),
    "games": ("the public tables on a server, and yours", _games, "cli.tables:games"),
    "menu": (
        "the tables of a server, by a letter: play, host, join, list",
        _menu_options,
        "cli.main:_menu",
    ),
    "ssh-serve": (
        "open the tables to anyone with an ssh client",
        _ssh_serve,
        "cli.ssh.command:ssh_serve",
    ),
    "doctor": (
        "check the LLM bots' model endpoint and say what is wrong",
        _no_options,
        "cli.llm:doctor",
    ),
    "inspect": (
        "a game's LLM calls: prompts, answers, fallbacks, costs",
        _inspect,
        "cli.llm:inspect",
    ),
    "narrate": (
        "watch an all-bot game as plain text in the terminal",
        _add_game_options,
        "cli.server_side:narrate",
    ),
}
ARENA_HELP = "models against models on a balanced schedule: rated, with a report"


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, only that subcommand's options are built (the others
    are listed by name and help: they are never parsed). None builds every one."""
    parser = argparse.ArgumentParser(prog="werewolf", description="Terminal Werewolf (狼人杀)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_, options, target) in COMMANDS.items():
        p = sub.add_parser(name, help=help_)
        if command is None or command == name:
            options(p)
        p.set_defaults(func=target)
    if command is None or command == "arena":
        from cli.arena import add_arena_parser

        add_arena_parser(sub)  # its own usage; it sets its own ``func``
    else:
        sub.add_parser("arena", help=ARENA_HELP)
    return parser


def _menu(args: argparse.Namespace) -> int:
    from cli.menu import menu

    return menu(args, main)


def _resolve(func: str | Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    if callable(func):
        return func
    module, _, name = func.partition(":")
    return getattr(importlib.import_module(module), name)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv and argv[0] in {*COMMANDS, "arena"} else None
    args = build_parser(command).parse_args(argv)
    try:
        return _resolve(args.func)(args)
    except BrokenPipeError:  # piped into `head` and the like
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
