"""Talking to a game server from the command: one request on a short-lived client, and
one plain line, not a traceback, when nobody answers or the server refuses."""

from __future__ import annotations

import argparse
import asyncio
import functools
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from tui import over_ssh
from tui.client import ApiError, GameClient

T = TypeVar("T")
Command = Callable[[argparse.Namespace], int]


def request(
    server: str,
    call: Callable[[GameClient], Awaitable[T]],
    token: str | None = None,
    game_id: str | None = None,
) -> T:
    """``call`` on a client of its own, closed before this returns."""

    async def once() -> T:
        async with GameClient(server, token=token, game_id=game_id) as client:
            return await call(client)

    return asyncio.run(once())


def reaching_server(command: Command) -> Command:
    """``command`` with ``args.server``'s silence or refusal said in one line (exit status 1)."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            if args.server is None:  # our own private server: not the user's to start
                raise
            if over_ssh.door():  # a caller behind the ssh door can start nothing here
                print(
                    "the game server behind this door is not answering: try again later, "
                    "or tell whoever runs it",
                    file=sys.stderr,
                )
                return 1
            print(
                f"no server answered at {args.server}: start one with `werewolf serve` "
                "(or give another with --server URL)",
                file=sys.stderr,
            )
            return 1
        except ApiError as e:
            print(f"the server refused ({e.status}): {e.message}", file=sys.stderr)
            return 1

    return run
