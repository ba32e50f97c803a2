"""``werewolf menu``: the tables of one server, by a letter — play beside bots, host, join,
list, go back to a table of yours. What an ssh caller sees first (cli/ssh/); usable locally.

Plain lines (``input()``), not a Textual screen: it must work in any terminal an ssh client
brings, and each choice opens the real app (the same commands as ``werewolf play`` etc.),
coming back here when it closes.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable

from tui import over_ssh, tokens

MENU = """
  1  play a game beside bots
  2  host a table for friends (they join by its code)
  3  join a table by its code
  4  go back to a table of yours
  5  the public tables, and yours
  q  quit
"""


def _ask(prompt: str, default: str = "", allowed: tuple[str, ...] = ()) -> str:
    while True:
        answer = input(f"{prompt}{f' [{default}]' if default else ''}: ").strip()
        answer = answer or default
        if not allowed or answer.lower() in allowed:
            return answer
        print(f"  one of: {', '.join(allowed)}")


def menu(args: argparse.Namespace, run: Callable[[list[str]], int]) -> int:
    """Ask, run the chosen command with ``run`` (``cli.main.main``), ask again; until q or EOF."""
    server = args.server
    # (an ssh caller can't reach the game server's own address: the door's is theirs)
    print(f"Werewolf · 狼人杀   tables at {over_ssh.door() or server}")
    # (handed over by ssh-serve, in the environment: a command line is seen by every user)
    if rejoin := os.environ.get("WEREWOLF_SSH_REJOIN"):
        print(f"to come back to your seats later:  {rejoin}")
    while True:
        print(MENU)
        try:
            choice = _ask("your choice").lower()
            argv = _command(choice, server, args.pace)
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if choice == "q":
            return 0
        if argv is None:
            continue
        try:
            run(argv)
        except (KeyboardInterrupt, SystemExit):  # (argparse's refusal is a SystemExit)
            pass
        except Exception as e:  # one line and the menu again: a caller has no other shell
            print(f"that went wrong: {type(e).__name__}: {e}", file=sys.stderr)
        finally:
            _default_job_signals()


def _default_job_signals() -> None:
    """Textual's driver leaves its Ctrl-Z handlers installed after its app has closed; in
    this prompt they would stop the process with SIGSTOP (no shell can ever continue it
    behind the ssh door) and then crash on SIGCONT. Back to the defaults."""
    for sig in (signal.SIGTSTP, signal.SIGCONT):
        signal.signal(sig, signal.SIG_DFL)


def _command(choice: str, server: str, pace: float) -> list[str] | None:
    """The ``werewolf`` command line of a choice (after asking what it needs), or None."""
    if choice == "1":
        players = _ask("players (6 or 9)", "9", ("6", "9"))
        lang = _ask("language (en or zh)", "en", ("en", "zh"))
        # (issue 13's open table: for learning, every bot's thoughts live in its pane)
        see = _ask("watch every bot think, to learn the game? (y or n)", "n", ("y", "n"))
        argv = ["play", "--server", server, "--players", players, "--lang", lang]
        return argv + ["--pace", f"{pace}"] + (["--open"] if see == "y" else [])
    if choice == "2":
        players = _ask("players (6 or 9)", "9", ("6", "9"))
        humans = _ask("human seats, yours included", "2", tuple(map(str, range(1, 10))))
        lang = _ask("language (en or zh)", "en", ("en", "zh"))
        public = _ask("list it for anyone to see? (y or n)", "n", ("y", "n"))
        argv = ["host", "--server", server, "--players", players, "--humans", humans]
        argv += ["--lang", lang, "--pace", f"{pace}"]
        return argv + (["--public"] if public == "y" else [])
    if choice == "3":
        # (as read out or copied: "j3b amm", "J3B-AMM")
        code = "".join(ch for ch in _ask("the table's code") if ch.isascii() and ch.isalnum())
        if not code:
            print("  a table's code is its letters and digits, as its host sees it")
            return None
        return ["join", code.upper(), "--server", server]
    if choice == "4":
        return _back_to_yours(server)
    if choice == "5":
        return ["games", "--server", server]
    if choice != "q":
        print("  a number from the list, or q")
    return None


def _back_to_yours(server: str) -> list[str] | None:
    held = list(tokens.held(server).items())[-9:]
    if not held:
        print("  you hold no seat on this server yet")
        return None
    for n, (code, entry) in enumerate(held, 1):
        hosted = " (you host it)" if entry.get("as") == "host" else ""
        print(f"  {n}  {code}  seat {entry.get('seat')}{hosted}")
    pick = _ask("which", "1", tuple(str(n) for n in range(1, len(held) + 1)))
    code, entry = held[int(pick) - 1]
    # (the token stays in the seat file: a command line is visible to every local user)
    return ["join", code, "--server", server] + (["--as-host"] if entry.get("as") == "host" else [])
