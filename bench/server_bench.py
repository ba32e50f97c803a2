"""Load on the server: N concurrent all-bot games at P tokens/s, V viewers each, on loopback.

Reports events per second delivered to viewers and the latency from an event's
publication (its ``ts``) to its arrival at a viewer. The server runs in its own
process; viewers run in this one.

    .venv/bin/python bench/server_bench.py --games 50 --viewers 5 --pace 30 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import ServerProcess  # noqa: E402
from raw_sse import TokenCount, cpu_seconds, open_events, watch_game  # noqa: E402

TS = re.compile(rb'"ts":\s*([0-9.]+)')


async def viewer(
    client: httpx.AsyncClient,
    url: str,
    game_id: str,
    token: str,
    stop: float,
    lat: list[float],
    counts: list[int],
    tokens: TokenCount | None = None,
) -> None:
    """A lean SSE reader: the load generator must cost less than the server it loads, so it
    speaks HTTP/1.1 over a bare asyncio stream and pulls each event's ``ts`` out of the
    bytes (the chunked framing in between is harmless to the pattern). ``tokens``: also
    count the typewriter tokens the events carry (one viewer of each game does)."""
    reader, writer = await open_events(url, game_id, token)
    connected = time.time()
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                return
            now = time.time()
            if tokens is not None:
                tokens.feed(chunk)
            for m in TS.finditer(chunk):
                published = float(m.group(1))
                if published < connected:  # a replay of what happened before: no latency
                    continue
                lat.append((now, now - published))
                counts[0] += 1
            counts[1] += 1
            if now > stop:
                return
    except (OSError, asyncio.CancelledError):
        return
    finally:
        writer.close()


async def main(args) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="ww-bench-"))
    # One client here stands for many: lift the per-client limits (docs/protocol.md, "Limits").
    srv = ServerProcess(data_dir).start()
    try:
        limits = httpx.Limits(max_connections=args.games * (args.viewers + 1) + 10)
        async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=None), limits=limits) as c:
            # A server that has just started is still loading the game graph (in a thread,
            # about a second of CPU) and warming up: one game played to its end first, so
            # what is measured is the crowd, not the start.
            assert srv.proc is not None
            first = TokenCount()
            await watch_game(srv.url, srv.proc.pid, 0, 999, lambda b: first.feed(b) or first.ended)
            await asyncio.sleep(1)
            games = []
            for i in range(args.games):
                r = await c.post(
                    f"{srv.url}/games", json={"humans": [], "pace": args.pace, "seed": 1000 + i}
                )
                games.append(r.json())
            stop = time.time() + args.seconds
            lat: list[float] = []
            counts = [0, 0]
            tallies = [TokenCount() for _ in games]  # one viewer of each game counts tokens
            tasks = [
                asyncio.create_task(
                    viewer(
                        c,
                        srv.url,
                        g["game_id"],
                        g["spectator_token"],
                        stop,
                        lat,
                        counts,
                        tally if i == 0 else None,
                    )
                )
                for g, tally in zip(games, tallies, strict=True)
                for i in range(args.viewers)
            ]
            # The load generator's own pauses would count as the server's latency: its
            # collector (7-51 ms a pass over 250 readers, seen in session 7) stays off.
            gc.collect()
            gc.freeze()
            gc.disable()
            await asyncio.sleep(0.5)
            cpu0 = cpu_seconds(srv.proc.pid)
            t0 = time.time()
            for g in games:
                async with c.stream(
                    "POST",
                    f"{srv.url}/games/{g['game_id']}/start",
                    headers={"Authorization": f"Bearer {g['spectator_token']}"},
                ):
                    pass
                await asyncio.sleep(args.stagger / max(1, args.games))
            await asyncio.sleep(max(0.0, stop - time.time()))
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            elapsed = time.time() - t0
            server_cpu = cpu_seconds(srv.proc.pid) - cpu0
            gc.enable()
            gc.unfreeze()
            per_event = sum(t.tokens for t in tallies) / max(1, sum(t.events for t in tallies))
            steady = sorted(x for t, x in lat if t > t0 + args.warmup)
            if os.environ.get("BENCH_DEBUG"):
                worst = sorted(lat, key=lambda p: -p[1])[:400:40]
                print([(round(t - t0, 2), round(x * 1000)) for t, x in worst], file=sys.stderr)
            lat = sorted(x for _, x in lat)
            q = lambda p, xs=lat: xs[min(len(xs) - 1, int(p * len(xs)))] * 1000  # noqa: E731
            return {
                "games": args.games,
                "viewers_per_game": args.viewers,
                "pace": args.pace,
                "stagger_seconds": args.stagger,
                "seconds": round(elapsed, 1),
                "events_delivered": counts[0],
                "events_per_second": round(counts[0] / elapsed),
                "reads_per_second": round(counts[1] / elapsed),
                # the server's whole process, every thread, over the run
                "server_cpu_share": round(server_cpu / elapsed, 3),
                "server_cpu_us_per_event": round(server_cpu / max(1, counts[0]) * 1e6, 2),
                # an event carries every token due at a pacing tick: per token delivered
                "tokens_per_event": round(per_event, 3),
                "server_cpu_us_per_token": round(
                    server_cpu / max(1, counts[0] * per_event) * 1e6, 2
                ),
                "latency_ms": {
                    "p50": round(q(0.50), 1),
                    "p99": round(q(0.99), 1),
                    "max": round(lat[-1] * 1000, 1) if lat else None,
                    "mean": round(statistics.fmean(lat) * 1000, 1) if lat else None,
                },
                f"latency_after_{args.warmup:g}s_ms": {
                    "p50": round(q(0.5, steady), 1),
                    "p99": round(q(0.99, steady), 1),
                },
                "cpus": os.cpu_count(),
            }
    finally:
        srv.stop()


def parser() -> argparse.ArgumentParser:
    """The crowd's settings; its defaults are the crowd issue #12 measured (bench/perf.py
    runs it so)."""
    p = argparse.ArgumentParser()
    p.add_argument("--games", type=int, default=50)
    p.add_argument("--viewers", type=int, default=5)
    p.add_argument("--pace", type=float, default=30)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument(
        "--stagger", type=float, default=0, help="spread the games' starts over this many seconds"
    )
    p.add_argument("--warmup", type=float, default=5, help="seconds the 50 starts take to settle")
    return p


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(main(parser().parse_args())), indent=2))
