"""Where the memory per finished game goes: bench/memory_bench.py's games through a server
of its own, which can trace its allocations, log what the claim parsers are asked, or
leave out one suspect, so that a growth is found, not guessed.

    .venv/bin/python bench/memory_where.py --games 1500 --marks 300,1500 --trace 10
    .venv/bin/python bench/memory_where.py --games 600 --parsers      # each cache's hits by size
    .venv/bin/python bench/memory_where.py --games 2000 --batch 100

``--trace N``: tracemalloc with N frames (a game costs about 20 times as much); at each
mark the server takes a snapshot, and the last is compared with the first (by file,
then the largest growths by where they were allocated). ``--parsers``: every call of a
claim parser (server/bots/claims.py) is logged, then replayed through LRU caches of
several sizes: the share of calls each size would have answered. At the end it counts
the finished games (their logs out of memory) still holding a batch a stream shared
(docs/benchmarks.md, "Memory per finished game (session 7)": 0 since the streams keep
none for such a log).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections import OrderedDict, defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
from conftest import TEST_LIMITS, free_port  # noqa: E402
from memory_bench import play, rss_kib  # noqa: E402

# The server, run with what was asked of it; SIGUSR1: a snapshot and the parsers' log.
SERVER = r"""
import gc, json, os, runpy, signal, sys
out, frames = os.environ["WHERE_OUT"], int(os.environ["WHERE_TRACE"])
if frames:
    import tracemalloc
    tracemalloc.start(frames)
calls = []
if os.environ["WHERE_PARSERS"] == "1":
    from server.bots import claims, evidence
    def logged(name):
        cached = getattr(claims, name)
        def parser(text):
            calls.append((name, hash(text)))
            return cached(text)
        for module in (claims, evidence):  # (evidence imported them by name)
            if hasattr(module, name):
                setattr(module, name, parser)
    for name in dir(claims):
        if hasattr(getattr(claims, name), "cache_info"):
            logged(name)
marks = [0]
def mark(*_):
    gc.collect()
    marks[0] += 1
    if frames:
        tracemalloc.take_snapshot().dump(f"{out}/snapshot{marks[0]}.bin")
    with open(f"{out}/calls{marks[0]}.json", "w") as f:
        json.dump(calls, f)
    # The finished games' logs that left memory, and what the streams still share of them.
    logs = [o for o in gc.get_objects() if type(o).__name__ == "EventLog"]
    evicted = [log for log in logs if log.evicted]
    kept = [log.shared[1] for log in evicted if log.shared[1]]
    size = sum(len(made.data) for shared in kept for made in shared.values())
    with open(f"{out}/shared{marks[0]}.json", "w") as f:
        json.dump({"logs": len(logs), "evicted": len(evicted), "sharing": len(kept), "bytes": size}, f)
    open(f"{out}/mark{marks[0]}", "w").close()
signal.signal(signal.SIGUSR1, mark)
sys.argv = ["server", *sys.argv[1:]]
runpy.run_module("server", run_name="__main__")
"""


async def run(args, out: Path) -> list[tuple[int, int]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data = tempfile.mkdtemp(prefix="ww-where-")
    env = {
        **os.environ,
        **TEST_LIMITS,
        "WHERE_OUT": str(out),
        "WHERE_TRACE": str(args.trace),
        "WHERE_PARSERS": "1" if args.parsers else "0",
    }
    command = [sys.executable, "-c", SERVER, "serve", "--port", str(port), "--data-dir", data]
    with open(out / "server.log", "wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    marks = [int(m) for m in args.marks.split(",") if m] or [args.games]
    points: list[tuple[int, int]] = []
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=None)) as c:
            for _ in range(1200):
                try:
                    if (await c.get(f"{url}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.25)
            # Warm up as memory_bench does (imports, caches, the allocator's first arenas).
            await asyncio.gather(*(play(c, url, 10_000 + i) for i in range(args.batch)))
            await asyncio.sleep(1)
            points.append((0, rss_kib(proc.pid)))
            done = 0
            while done < args.games:
                n = min(args.batch, args.games - done)
                await asyncio.gather(*(play(c, url, done + i) for i in range(n)))
                done += n
                await asyncio.sleep(1)  # the last logs leave memory once written
                points.append((done, rss_kib(proc.pid)))
                print(done, points[-1][1], file=sys.stderr)
                if done in marks:
                    proc.send_signal(signal.SIGUSR1)
                    n_mark = marks.index(done) + 1
                    while not (out / f"mark{n_mark}").exists():
                        await asyncio.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait()
    return points


def traced(out: Path, last: int, games: int) -> None:
    import tracemalloc

    first = tracemalloc.Snapshot.load(str(out / "snapshot1.bin"))
    then = tracemalloc.Snapshot.load(str(out / f"snapshot{last}.bin"))
    grown = sum(t.size for t in then.traces) - sum(t.size for t in first.traces)
    print(f"traced: +{grown / 1024 / games:.1f} KiB per game between the first and last marks")
    for stat in then.compare_to(first, "filename")[:12]:
        print(f"  {stat.size_diff / 1024 / games:7.2f} KiB/game  {stat.traceback[0].filename}")
    print("largest growths, by where they were allocated (the project's frames):")
    for stat in then.compare_to(first, "traceback")[:6]:
        ours = [f for f in stat.traceback if "/server/" in f.filename][-3:]
        where = " < ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(ours))
        print(f"  {stat.size_diff / 1024 / games:7.2f} KiB/game  {where}")


def parsers(out: Path, last: int) -> None:
    sizes = (16, 32, 64, 128, 256, 512, 1024, None)
    seqs: dict[str, list[int]] = defaultdict(list)
    for name, key in json.loads((out / f"calls{last}.json").read_text()):
        seqs[name].append(key)
    print("share of calls an LRU cache of each size answers (None: unbounded)")
    print(f"  {'parser':<20} {'calls':>7} " + " ".join(f"{str(s):>6}" for s in sizes))
    for name, seq in sorted(seqs.items()):
        shares = []
        for size in sizes:
            cache: OrderedDict[int, None] = OrderedDict()
            hits = 0
            for key in seq:
                if key in cache:
                    hits += 1
                    cache.move_to_end(key)
                else:
                    cache[key] = None
                    if size is not None and len(cache) > size:
                        cache.popitem(last=False)
            shares.append(f"{100 * hits / len(seq):5.1f}%")
        print(f"  {name:<20} {len(seq):>7} " + " ".join(shares))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--games", type=int, default=600)
    p.add_argument("--batch", type=int, default=50)
    p.add_argument("--marks", default="", help="games after which to mark (default: the end)")
    p.add_argument("--trace", type=int, default=0, help="tracemalloc frames (0: no tracing)")
    p.add_argument("--parsers", action="store_true")
    args = p.parse_args()
    out = Path(tempfile.mkdtemp(prefix="ww-where-out-"))
    points = asyncio.run(run(args, out))
    base = points[0][1]  # after the warm-up
    print(
        json.dumps(
            {
                "rss_kib": points,
                "kib_per_game": round((points[-1][1] - base) / max(1, points[-1][0]), 1),
            }
        )
    )
    last = len([m for m in args.marks.split(",") if m]) or 1
    shared = json.loads((out / f"shared{last}.json").read_text())
    print(
        f"logs: {shared['logs']}, left memory: {shared['evicted']}, of which still holding a "
        f"stream's shared batch: {shared['sharing']} ({shared['bytes'] / 1024:.0f} KiB)"
    )
    if args.trace and last > 1:
        marks = [int(m) for m in args.marks.split(",")]
        traced(out, last, marks[-1] - marks[0])
    if args.parsers:
        parsers(out, last)


if __name__ == "__main__":
    main()
