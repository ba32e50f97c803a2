"""What one client (a stranger, from one address) can do to a server: how fast it can
create games, how many live games the server takes, how many streams it may hold open,
what GET /games shows it, whether it can sit at a friend's hosted table, and whether a
foreign Host or Origin gets through. Runs against the server with its default settings
(or the ``WEREWOLF_*`` variables of this process's environment).

    .venv/bin/python bench/quota_probe.py [--seconds 10] [--streams 300] [--games 400]
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


async def creation_rate(c: httpx.AsyncClient, seconds: float, workers: int = 8) -> dict:
    """POST /games (a game waiting on a human: it stays live) as fast as it goes."""
    statuses: dict[int, int] = {}
    stop = time.monotonic() + seconds

    async def worker() -> None:
        while time.monotonic() < stop:
            try:
                r = await c.post("/games", json={"humans": [1], "pace": 0})
            except httpx.TransportError:
                statuses[0] = statuses.get(0, 0) + 1  # 0: the connection broke
                continue
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            if r.status_code == 429:  # what a polite client would do: wait as told
                await asyncio.sleep(min(float(r.headers.get("retry-after", 1)), 1.0))

    t0 = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(workers)))
    elapsed = time.monotonic() - t0
    return {
        "seconds": round(elapsed, 1),
        "created": statuses.get(201, 0),
        "created_per_second": round(statuses.get(201, 0) / elapsed, 1),
        "statuses": statuses,
    }


async def live_games(c: httpx.AsyncClient, n: int) -> dict:
    """Create up to ``n`` more live games, from addresses the server is told apart (as a
    crowd would: X-Forwarded-For from loopback, trusted as FORWARDED_ALLOW_IPS says), until refused."""
    created = refused = 0
    last = None
    for i in range(n):
        r = await c.post(
            "/games",
            json={"humans": [1], "pace": 0},
            headers={"X-Forwarded-For": f"10.9.{i // 250}.{i % 250 + 1}"},
        )
        if r.status_code == 201:
            created += 1
        else:
            refused += 1
            last = (r.status_code, r.json().get("detail"))
            break
    return {"created_before_refusal": created, "refused": refused, "refusal": last}


async def streams(url: str, game_id: str, token: str, n: int) -> dict:
    """Open up to ``n`` event streams of one game from one address; count the accepted."""
    opened = 0
    refusal = None
    writers = []
    host, port = url.removeprefix("http://").split(":")
    for _ in range(n):
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(
            f"GET /games/{game_id}/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n")
        writers.append(writer)
        if b" 200 " in head:
            opened += 1
        else:
            refusal = head.decode().strip()
            break
    for w in writers:
        w.close()
    return {"opened": opened, "asked": n, "refusal": refusal}


async def stranger(c: httpx.AsyncClient) -> dict:
    """A friend hosts a table; a stranger lists games and tries to sit at it."""
    friend = await c.post(
        "/games",
        json={"hosted": True, "humans": [1, 2], "host_seat": 1, "pace": 0},
        headers={"X-Forwarded-For": "10.8.0.1"},
    )
    code = friend.json()["code"] if friend.status_code == 201 else None
    listed = await c.get("/games", headers={"X-Forwarded-For": "10.8.0.2"})
    body = listed.json()
    rows = body if isinstance(body, list) else body.get("games", [])
    seen = any(g["code"] == code for g in rows)
    joined = None
    if seen:
        r = await c.post(f"/games/{code}/join", headers={"X-Forwarded-For": "10.8.0.2"})
        joined = r.status_code
    return {
        "friend_table_created": friend.status_code,
        "listing_rows": len(rows),
        "listing_bytes": len(listed.content),
        "stranger_sees_the_code": seen,
        "stranger_join_status": joined,
        "code": code,
    }


async def foreign(c: httpx.AsyncClient, code: str | None) -> dict:
    """DNS rebinding (a foreign Host) and a cross-site POST (a foreign Origin)."""
    host = await c.get("/games", headers={"Host": "evil.example:8765"})
    target = f"/games/{code}/join" if code else "/games"
    origin = await c.post(
        target, headers={"Origin": "http://evil.example", "X-Forwarded-For": "10.8.0.3"}
    )
    return {
        "foreign_host_status": host.status_code,
        "foreign_origin_post_status": origin.status_code,
    }


async def main(args) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="ww-quota-"))
    srv = ServerProcess(data_dir, env={"FORWARDED_ALLOW_IPS": "127.0.0.1"}).start()
    try:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=srv.url, timeout=30, limits=limits) as c:
            out: dict = {"stranger": await stranger(c)}
            out["foreign"] = await foreign(c, out["stranger"]["code"])
            g = await c.post(
                "/games", json={"humans": [1], "pace": 0}, headers={"X-Forwarded-For": "10.7.0.1"}
            )
            if g.status_code == 201:
                game = g.json()
                out["streams"] = await streams(
                    srv.url, game["game_id"], game["tokens"]["1"], args.streams
                )
            out["creation"] = await creation_rate(c, args.seconds)
            out["live_games"] = await live_games(c, args.games)
            return out
    finally:
        srv.stop()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--streams", type=int, default=300)
    p.add_argument("--games", type=int, default=400)
    print(json.dumps(asyncio.run(main(p.parse_args())), indent=1))
