"""Memory per finished game: N all-bot games at pace 0 through a server process, its RSS
(from /proc) read after each batch; prints KiB per game.

    .venv/bin/python bench/memory_bench.py --games 300 --batch 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import ServerProcess  # noqa: E402


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def play(c: httpx.AsyncClient, url: str, seed: int) -> None:
    g = (await c.post(f"{url}/games", json={"humans": [], "pace": 0, "seed": seed})).json()
    auth = {"Authorization": f"Bearer {g['spectator_token']}"}
    async with c.stream("POST", f"{url}/games/{g['game_id']}/start", headers=auth):
        pass
    async with c.stream("GET", f"{url}/games/{g['game_id']}/events", headers=auth) as r:
        async for _ in r.aiter_bytes():  # to its end: the game is over
            pass


async def main(args) -> dict:
    srv = ServerProcess(Path(tempfile.mkdtemp(prefix="ww-mem-"))).start()
    assert srv.proc is not None
    pid = srv.proc.pid
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=None)) as c:
            # Warm up (imports, caches, the allocator's first arenas) before the baseline.
            await asyncio.gather(*(play(c, srv.url, 10_000 + i) for i in range(args.batch)))
            await asyncio.sleep(1)
            base = rss_kib(pid)
            points = []
            done = 0
            while done < args.games:
                n = min(args.batch, args.games - done)
                await asyncio.gather(*(play(c, srv.url, done + i) for i in range(n)))
                done += n
                await asyncio.sleep(1)  # the last logs leave memory once written
                rss = rss_kib(pid)
                points.append({"games": done, "rss_kib": rss})
                print(done, rss, file=sys.stderr)
    finally:
        srv.stop()
    grown = points[-1]["rss_kib"] - base
    return {
        "games": args.games,
        "baseline_rss_kib": base,
        "points": points,
        "kib_per_game": round(grown / args.games, 1),
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--games", type=int, default=300)
    p.add_argument("--batch", type=int, default=50)
    print(json.dumps(asyncio.run(main(p.parse_args())), indent=2))
