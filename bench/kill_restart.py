"""Kill the server with SIGKILL, again and again, while games run and viewers follow them.

Two all-bot games at speed and one game waiting on a human, each followed by a standard
EventSource (Node's `eventsource`, reconnecting by itself with Last-Event-ID) and by our
own client. After the rounds the human's game is played to its end. Reports, per
follower: ids missing (gaps), ids received twice, ids whose words changed; and the
games lost or unfinished. `tests/test_crash_safety.py` runs the same with 3 rounds.

    .venv/bin/python bench/kill_restart.py --rounds 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import ServerProcess  # noqa: E402
from test_crash_safety import (  # noqa: E402
    create,
    node_follower,
    node_seen,
    our_follower,
    play_human,
    start,
    whole_log,
)


def compare(seen: list[tuple[int, dict]], log: list[tuple[int, dict]]) -> dict[str, int]:
    ids = [i for i, _ in seen]
    words = dict(log)
    return {
        "gaps": len(set(words) - set(ids)),
        "twice": len(ids) - len(set(ids)),
        "changed": sum(1 for i, data in seen if words.get(i) != data),
    }


async def main(rounds: int, seed: int) -> dict:
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="kill-restart-"))
    srv = ServerProcess(work / "data").start()
    nodes = []
    try:
        async with httpx.AsyncClient(base_url=srv.url, timeout=30) as c:
            fast = [await create(c, pace=150, seed=s) for s in (3, 4)]
            human = await create(c, humans=[3], pace=0, seed=5)
            games = [*fast, human]
            nodes = [node_follower(srv.url, g, work / f"{g['game_id']}.jsonl") for g in games]
            ours: list[list] = [[] for _ in games]
            tasks = [
                asyncio.create_task(our_follower(srv.url, g, s))
                for g, s in zip(games, ours, strict=True)
            ]
            while not all(ours):
                await asyncio.sleep(0.05)
            for g in fast:
                await start(c, g, g["spectator_token"])
            await start(c, human, human["tokens"]["3"])
        for r in range(rounds):
            before = sum(len(s) for s in ours)
            # the games move between kills (unless the fast ones are over: then kill anyway)
            while sum(len(s) for s in ours) < before + 20 and not all(t.done() for t in tasks[:2]):
                await asyncio.sleep(0.05)
            await asyncio.sleep(rng.uniform(0.0, 0.5))
            srv.kill()
            srv.start()
            print(f"round {r + 1}/{rounds}: killed and restarted", file=sys.stderr)
        await play_human(srv.url, human, 3)
        await asyncio.wait_for(asyncio.gather(*tasks), 600)
        for p in nodes:
            await asyncio.wait_for(asyncio.to_thread(p.wait), 120)
        report: dict = {"rounds": rounds, "games": len(games), "followers": {}}
        finished = 0
        for g, seen in zip(games, ours, strict=True):
            log = await whole_log(srv.url, g)
            finished += log[-1][1]["type"] == "snapshot" and log[-1][1]["state"]["over"]
            resumed = sum(1 for _, e in log if e["type"] == "resumed")
            report["followers"][g["game_id"]] = {
                "events": len(log),
                "resumed_markers": resumed,
                "ours": compare(seen, log),
                "eventsource": compare(node_seen(work / f"{g['game_id']}.jsonl"), log),
            }
        report["finished"] = finished
        report["lost"] = len(games) - finished
        return report
    finally:
        for p in nodes:
            p.kill()
        srv.stop()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(json.dumps(asyncio.run(main(args.rounds, args.seed)), indent=1))
