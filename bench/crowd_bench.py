"""A crowd on one game: the same seeded all-bot game with 1 viewer, then with N viewers.

Fan-out must not slow the game: prints the game's wall time (its first to last event, by
the server's own ``ts``) for each run, their ratio, and the publish→viewer latency
(p50/p99) in each. The server runs in its own process (tests/conftest.py's
``ServerProcess``); the viewers are bare asyncio sockets in this one, kept as lean as
bench/server_bench.py's, so that on a small machine they cost the server little.

    .venv/bin/python bench/crowd_bench.py --viewers 500 --pace 30 --seed 7
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import ServerProcess  # noqa: E402
from raw_sse import open_events  # noqa: E402

TS = re.compile(rb'"ts":\s*([0-9.]+)')


async def viewer(url: str, game_id: str, token: str, lat: list[float], ts: list[float]) -> None:
    """Reads the game's stream until the server ends it (game over), noting each event's
    latency from its ``ts`` (the chunked framing in between is harmless to the pattern)."""
    reader, writer = await open_events(url, game_id, token)
    try:
        while True:
            chunk = await reader.read(262144)
            if not chunk:
                return
            now = time.time()
            for m in TS.finditer(chunk):
                published = float(m.group(1))
                lat.append(now - published)
                ts.append(published)
            if chunk.endswith(b"0\r\n\r\n"):  # the chunked body's end: the stream is over
                return
    except (OSError, asyncio.CancelledError):
        return
    finally:
        writer.close()


async def play(url: str, viewers: int, pace: float, seed: int) -> dict:
    async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=None)) as c:
        r = await c.post(f"{url}/games", json={"humans": [], "pace": pace, "seed": seed})
        r.raise_for_status()
        g = r.json()
        lat: list[float] = []
        stamps: list[list[float]] = [[] for _ in range(viewers)]
        tasks = [
            asyncio.create_task(viewer(url, g["game_id"], g["spectator_token"], lat, stamps[i]))
            for i in range(viewers)
        ]
        await asyncio.sleep(1.0 + viewers / 500)  # every stream open before the game starts
        lat.clear()
        async with c.stream(
            "POST",
            f"{url}/games/{g['game_id']}/start",
            headers={"Authorization": f"Bearer {g['spectator_token']}"},
        ):
            pass
        await asyncio.gather(*tasks)
    first = stamps[0]
    lat.sort()
    q = lambda p: round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1)  # noqa: E731
    return {
        "viewers": viewers,
        "game_seconds": round(max(first) - min(first), 2),
        "events": len(first),
        "samples": len(lat),
        "latency_ms": {"p50": q(0.5), "p99": q(0.99), "max": round(lat[-1] * 1000, 1)},
    }


async def main(args) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="ww-crowd-"))
    srv = ServerProcess(data_dir).start()
    try:
        one = await play(srv.url, 1, args.pace, args.seed)
        crowd = await play(srv.url, args.viewers, args.pace, args.seed)
    finally:
        srv.stop()
    return {
        "pace": args.pace,
        "seed": args.seed,
        "one": one,
        "crowd": crowd,
        "wall_time_ratio": round(crowd["game_seconds"] / one["game_seconds"], 3),
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
    }


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    p = argparse.ArgumentParser()
    p.add_argument("--viewers", type=int, default=500)
    p.add_argument("--pace", type=float, default=30)
    p.add_argument("--seed", type=int, default=7)
    print(json.dumps(asyncio.run(main(p.parse_args())), indent=2))
