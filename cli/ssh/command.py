"""``werewolf ssh-serve``'s options put to work: a game server (given, or our own on the data
dir), then the ssh door in front of it, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import secrets
import signal
import sys
from pathlib import Path

from shared import door as vouch
from shared.settings import Settings


def add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: all)")
    p.add_argument("--port", type=int, default=2222)
    p.add_argument(
        "--data-dir",
        default=None,
        help="host keys, callers' seats and (without --server) the games "
        "(default: WEREWOLF_DATA_DIR, else the user data dir)",
    )
    p.add_argument(
        "--server",
        default=None,
        help="a game server's URL (default: one started here on the data dir)",
    )
    p.add_argument(
        "--require-keys",
        action="store_true",
        help="refuse callers without an ssh key (default: let them in as guests)",
    )
    p.add_argument("--pace", type=float, default=30.0, help="the bots' tokens per second")
    p.add_argument("--per-address", type=int, default=3, help="connections from one address")
    p.add_argument("--max-connections", type=int, default=40, help="connections in all")
    p.add_argument(
        "--public-name",
        default=None,
        help="this machine's name as callers type it (shown in a guest's reconnect line)",
    )


def ssh_serve(args: argparse.Namespace) -> int:
    from cli.local_server import local_server

    data_dir = Path(args.data_dir) if args.data_dir else Settings.from_env().data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    key = vouch.usable_key(os.environ.get(vouch.KEY_ENV))
    if args.server:
        if key is None:
            print(
                f"werewolf ssh-serve: every caller counts as one client at {args.server} "
                f"(its quotas shared by all): to count each by their address, set "
                f"{vouch.KEY_ENV} to one long random string here and for that server",
                file=sys.stderr,
            )
        return _serve(args, data_dir, args.server, key)
    # Our own game server: a key of this run's, so it counts each caller by their address.
    key = key or secrets.token_urlsafe(32)
    try:
        with local_server(data_dir, env={vouch.KEY_ENV: key}) as url:
            return _serve(args, data_dir, url, key)
    except RuntimeError as e:  # the game server did not start (its log says why)
        print(f"werewolf ssh-serve: {e}", file=sys.stderr)
        return 1


def _serve(args: argparse.Namespace, data_dir: Path, url: str, key: str | None) -> int:
    from cli.ssh.identity import follow_server
    from cli.ssh.server import Door, serve

    follow_server(data_dir, url)  # (before any caller: their seats follow the server)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("asyncssh").setLevel(logging.WARNING)  # ours says who came in, once
    door = Door(
        data_dir=data_dir,
        server_url=url,
        require_keys=args.require_keys,
        per_address=args.per_address,
        total=args.max_connections,
        public_host=args.public_name
        or ("localhost" if args.host.startswith("127.") else args.host),
        public_port=args.port,
        pace=args.pace,
        door_key=key,
    )

    async def run() -> int:
        try:
            acceptor = await serve(door, args.host, args.port)
        except OSError as e:
            print(
                f"werewolf ssh-serve: can't listen on {args.host}:{args.port}: {e}", file=sys.stderr
            )
            return 1
        print(
            f"werewolf tables over ssh on {args.host}:{args.port} (games: {url}; data: {data_dir})"
            f"\n  callers: ssh -p {args.port} play@{door.public_host}",
            flush=True,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        acceptor.close()
        door.hang_up_all()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(acceptor.wait_closed(), 5)
        return 0

    return asyncio.run(run())
