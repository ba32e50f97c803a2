"""``werewolf ssh-serve`` from a caller's side: seconds from connecting to the menu, from
choosing a game to its first board, and the memory of one connection's program.

    .venv/bin/python bench/ssh_bench.py [--rounds 5]

Starts ``ssh-serve`` (and its own game server) on a temporary data dir; each round is one
guest with asyncssh's client at 120×36 playing a 6-player game beside bots to its first
screen, then quitting.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_ssh_serve import Guest, SshServe, _read_until  # noqa: E402


async def one_caller(port: int) -> tuple[float, float, int]:
    started = time.monotonic()
    async with asyncssh.connect(
        "127.0.0.1", port, username="play", known_hosts=None, client_keys=None,
        agent_path=None, config=None, client_factory=Guest,
    ) as conn:  # fmt: skip
        proc = await conn.create_process(
            term_type="xterm-256color", term_size=(120, 36), encoding="utf-8"
        )
        await _read_until(proc, "your choice")
        to_menu = time.monotonic() - started
        chosen = time.monotonic()
        proc.stdin.write("1\r6\ren\r\r")
        await _read_until(proc, "palette")
        to_board = time.monotonic() - chosen
        await asyncio.sleep(2)  # settled: the board streams
        ps = subprocess.run(["ps", "-eo", "rss,args"], capture_output=True, text=True).stdout
        rss = max(int(line.split()[0]) for line in ps.splitlines() if "cli menu --server" in line)
        proc.stdin.write("\x11")  # ctrl+q
        await _read_until(proc, "your choice")
        proc.stdin.write("q\r")
        await proc.wait_closed()
        return to_menu, to_board, rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        serve = SshServe(Path(tmp) / "data", None)
        try:
            rows = [asyncio.run(one_caller(serve.port)) for _ in range(args.rounds)]
        finally:
            serve.stop()
    for menu, board, rss in rows:
        print(f"menu {menu:.2f} s   first board {board:.2f} s   program {rss // 1024} MiB")
    print(
        f"median: menu {statistics.median(r[0] for r in rows):.2f} s, first board "
        f"{statistics.median(r[1] for r in rows):.2f} s, program "
        f"{statistics.median(r[2] for r in rows) // 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
