"""The server's own command line: ``python -m server serve``, whose options and banner
``werewolf serve`` shares. Light to import: the app loads only when it serves."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from pathlib import Path

from shared.settings import BadVariable, Settings


def add_serve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--port", type=int, default=8765)
    where.add_argument(
        "--fd",
        type=int,
        default=None,
        help="serve on this inherited listening socket, bound by whoever started the "
        "server (werewolf play: its private server); --host is then not used",
    )
    p.add_argument(
        "--lifeline",
        type=int,
        default=None,
        metavar="FD",
        help="stop when this inherited descriptor (a pipe's read end) reaches its end: when "
        "the process holding the write end is gone (werewolf play's private server)",
    )
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
    host, port, sock = args.host, args.port, None
    if args.fd is not None:
        try:
            sock = listening(args.fd)
        except (OSError, ValueError) as e:  # (ValueError: a negative number)
            lock.release()
            why = e.strerror if isinstance(e, OSError) and e.strerror else e
            print(f"werewolf serve: --fd {args.fd}: {why}", file=sys.stderr)
            return 2
        host, port = sock.getsockname()[:2]
    if args.lifeline is not None:
        try:  # (an open descriptor, not passed on to anything the server starts)
            os.set_inheritable(args.lifeline, False)
        except OSError as e:
            lock.release()
            print(f"werewolf serve: --lifeline {args.lifeline}: {e.strerror}", file=sys.stderr)
            return 2
    shown = f"[{host}]" if ":" in host else host  # (an IPv6 address, as a URL has it)
    print(f"werewolf server on http://{shown}:{port} (data: {data_dir})", flush=True)
    try:
        serve(
            host=host,
            port=port,
            data_dir=data_dir,
            max_body_bytes=limits.max_body_bytes,
            lock=lock,
            sock=sock,
            lifeline=args.lifeline,
        )
    finally:
        lock.release()
    return 0


def listening(fd: int) -> socket.socket:
    """The TCP socket listening on the inherited descriptor ``fd`` (its family read from it),
    or OSError: not a socket, not TCP, not listening."""
    sock = socket.socket(fileno=fd)
    if sock.type != socket.SOCK_STREAM or sock.family not in (socket.AF_INET, socket.AF_INET6):
        sock.detach()
        raise OSError(errno.ENOTSOCK, "not a TCP socket")
    if not sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
        sock.detach()
        raise OSError(errno.EINVAL, "the socket is not listening")
    # Not passed on to anything the server starts: once the server is gone, so is the
    # socket, and a client waiting in its backlog hears it at once.
    sock.set_inheritable(False)
    return sock


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
