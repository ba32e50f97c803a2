"""The server's own command line: ``python -m server serve``, whose options and banner
``werewolf serve`` shares. Light to import: the app loads only when it serves."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared.settings import BadVariable, Settings


def add_serve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument(
        "--data-dir",
        default=None,
        help="where games are kept (default: WEREWOLF_DATA_DIR, else the user data dir)",
    )


def serve_from_args(args: argparse.Namespace) -> int:
    """Serve until stopped, as the options say; the first line printed says where."""
    from server.heap import loading

    loading()  # the collector is back on once the game graph is loaded (server/moderator.py)
    from server.app import serve
    from server.datadir import DataDirInUse, DataDirLock

    settings = Settings.from_env()
    data_dir = Path(args.data_dir) if args.data_dir else settings.data_dir
    try:
        limits = settings.input_limits()
        settings.server_limits()  # a typo in a limit stops the server here, named
    except BadVariable as e:
        print(f"werewolf serve: {e}", file=sys.stderr)
        return 2
    try:
        lock = DataDirLock(data_dir)
    except DataDirInUse as e:
        print(f"werewolf serve: {e}", file=sys.stderr)
        return 1
    print(f"werewolf server on http://{args.host}:{args.port} (data: {data_dir})", flush=True)
    try:
        serve(
            host=args.host,
            port=args.port,
            data_dir=data_dir,
            max_body_bytes=limits.max_body_bytes,
            lock=lock,
        )
    finally:
        lock.release()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m server", description="the Werewolf game server alone (`werewolf` does all)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add_serve_options(sub.add_parser("serve", help="run the game server"))
    try:
        return serve_from_args(parser.parse_args(argv))
    except KeyboardInterrupt:
        return 130
