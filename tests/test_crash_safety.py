"""The server killed mid-game, again and again, and its disk filled up: no event a viewer
has is ever lost, repeated or changed, and every game finishes.

Followers are a standard EventSource (Node's `eventsource` package, which reconnects by
itself with Last-Event-ID) and our own client. ``bench/kill_restart.py`` runs the same
with twenty rounds.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, ServerProcess, act
from eventually import GIVE_UP, until
from httpx_sse import aconnect_sse

from shared.events import EVENT_TYPES
from tui.client import GameClient

NODE_DIR = ROOT / "tests" / "node"
ROUNDS = 3  # kill-and-restart rounds here; the benchmark does twenty


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def create(c: httpx.AsyncClient, **body) -> dict:
    r = await c.post("/games", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def start(c: httpx.AsyncClient, g: dict, token: str) -> None:
    async with c.stream("POST", f"/games/{g['game_id']}/start", headers=auth(token)) as r:
        assert r.status_code == 200
        # the first segment streams on; the game runs whether or not anyone reads it


async def whole_log(url: str, g: dict) -> list[tuple[int, dict]]:
    """Every event of a finished game, as the server keeps it (the spectator sees all)."""
    out = []
    async with httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(30, read=GIVE_UP)) as c:
        headers = auth(g["spectator_token"])
        async with aconnect_sse(c, "GET", f"/games/{g['game_id']}/events", headers=headers) as es:
            async for sse in es.aiter_sse():
                if sse.data:
                    out.append((int(sse.id), json.loads(sse.data)))
    return out


def node_follower(url: str, g: dict, out: Path) -> subprocess.Popen:
    events_url = f"{url}/games/{g['game_id']}/events"
    return subprocess.Popen(
        ["node", str(NODE_DIR / "follow.mjs"), events_url, g["spectator_token"], str(out)]
        + list(EVENT_TYPES),
        cwd=NODE_DIR,
    )


def node_seen(out: Path) -> list[tuple[int, dict]]:
    lines = [json.loads(x) for x in out.read_text().splitlines()] if out.exists() else []
    return [(int(x["id"]), json.loads(x["data"])) for x in lines if "id" in x]


async def our_follower(url: str, g: dict, seen: list) -> None:
    client = GameClient(url, token=g["spectator_token"], game_id=g["game_id"], max_backoff=0.5)
    try:
        async for seq, event in client.follow():
            seen.append((seq, event.model_dump(mode="json")))
    finally:
        await client.aclose()


async def play_human(url: str, g: dict, seat: int) -> None:
    """Answer every decision the game asks of ``seat`` with its pass, to the end."""
    token = g["tokens"][str(seat)]
    async with httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(30, read=GIVE_UP)) as c:
        while True:
            snap = (await c.get(f"/games/{g['game_id']}", headers=auth(token))).json()
            if snap["state"]["over"]:
                return
            mine = [d for d in snap["waiting_for"] if d["seat"] == seat and d["kinds"]]
            if not mine:
                await asyncio.sleep(0.05)
                continue
            body = {"seat": seat, "kind": "skip"}
            if "skip" not in mine[0]["kinds"]:
                body = {"seat": seat, "kind": "speak", "text": ""}
            await act(c, g["game_id"], token, body)


def assert_same_story(name: str, seen: list[tuple[int, dict]], log: list[tuple[int, dict]]):
    ids = [i for i, _ in seen]
    assert ids == sorted(set(ids)), f"{name}: an id came twice or out of order"
    assert ids == [i for i, _ in log], f"{name}: a gap (ids seen differ from the log's)"
    assert ids == list(range(1, len(ids) + 1)), f"{name}: the log itself has a hole"
    for (i, a), (_, b) in zip(seen, log, strict=True):
        assert a == b, f"{name}: id {i} changed its words"


async def test_kill_and_restart_loses_repeats_and_changes_nothing(tmp_path):
    srv = ServerProcess(tmp_path / "data").start()
    rng = random.Random(7)
    try:
        async with httpx.AsyncClient(base_url=srv.url, timeout=30) as c:
            fast = [await create(c, pace=150, seed=s) for s in (3, 4)]
            human = await create(c, humans=[3], pace=0, seed=5)
            games = [*fast, human]
            nodes = [node_follower(srv.url, g, tmp_path / f"{g['game_id']}.jsonl") for g in games]
            ours: list[list] = [[] for _ in games]
            followers = [
                asyncio.create_task(our_follower(srv.url, g, seen))
                for g, seen in zip(games, ours, strict=True)
            ]
            await until(
                lambda: all(seen for seen in ours), "every follower to get the game's first events"
            )
            for g in fast:
                await start(c, g, g["spectator_token"])
            await start(c, human, human["tokens"]["3"])
        for _ in range(ROUNDS):
            before = sum(len(seen) for seen in ours)
            await until(  # (once the fast games are over, the kills go on all the same)
                lambda before=before: (
                    sum(len(seen) for seen in ours) > before + 20
                    or all(f.done() for f in followers[:2])
                ),
                "the games to move on before the next kill",
            )
            await asyncio.sleep(rng.uniform(0.0, 0.5))  # any moment will do
            srv.kill()
            srv.start()
        await play_human(srv.url, human, 3)
        await asyncio.wait_for(asyncio.gather(*followers), 3 * GIVE_UP)
        for p in nodes:
            await asyncio.wait_for(asyncio.to_thread(p.wait), GIVE_UP)
            # (without tests/node installed, it fails at once: say so, not "a gap" later)
            assert p.returncode == 0, "the EventSource follower failed (`make test` installs it)"
        for g, seen in zip(games, ours, strict=True):
            log = await whole_log(srv.url, g)
            assert log[-1][1]["type"] == "snapshot" and log[-1][1]["state"]["over"], "unfinished"
            assert_same_story(f"our client, {g['game_id']}", seen, log)
            node = node_seen(tmp_path / f"{g['game_id']}.jsonl")
            assert_same_story(f"EventSource, {g['game_id']}", node, log)
    finally:
        for p in locals().get("nodes", []):
            p.kill()
        srv.stop()


def test_a_second_server_on_the_same_data_dir_refuses_to_start(tmp_path):
    srv = ServerProcess(tmp_path / "data").start()
    try:
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "server",
                "serve",
                "--port",
                "1",
                "--data-dir",
                str(srv.data_dir),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=GIVE_UP,
        )
        assert second.returncode != 0
        assert "another werewolf server is using" in second.stderr, second.stderr
        assert httpx.get(f"{srv.url}/healthz").status_code == 200  # the first goes on
    finally:
        srv.stop()


def test_the_data_dir_is_private(tmp_path):
    srv = ServerProcess(tmp_path / "data").start()
    try:
        httpx.post(f"{srv.url}/games", json={"humans": [1]}).raise_for_status()
    finally:
        srv.stop()
    assert stat.S_IMODE(os.stat(srv.data_dir).st_mode) == 0o700
    kept = [p for p in srv.data_dir.iterdir() if p.name.endswith((".sqlite", "-wal", "-shm"))]
    assert any(p.name == "games.sqlite" for p in kept)
    for p in kept:
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o600, p.name


async def test_reading_a_finished_game_past_its_end_closes_at_once(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=GIVE_UP) as c:
        g = await create(c, pace=0, seed=8)
        async with c.stream(
            "POST", f"/games/{g['game_id']}/start", headers=auth(g["spectator_token"])
        ) as r:
            await r.aread()  # all bots, pace 0: the start's answer runs to game over
        head = (await c.get(f"/games/{g['game_id']}", headers=auth(g["spectator_token"]))).json()
        assert head["state"]["over"]
        for after in (head["seq"], head["seq"] + 100):
            r = await c.get(
                f"/games/{g['game_id']}/events",
                params={"after": after},
                headers=auth(g["spectator_token"]),
            )
            assert r.status_code == 200 and "id:" not in r.text  # nothing left, and it ended


@pytest.fixture
def small_disk(tmp_path):
    """A 64 MB filesystem of the test's own, to fill up and empty again."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.fail(f"this test needs to mount a tmpfs (run as root): {mounted.stderr!r}")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Write until the disk is full; the file that did it."""
    filler = disk / "filler"
    try:
        with open(filler, "wb") as f:  # (the open itself fails when the games filled it)
            while True:
                f.write(b"\0" * 65536)
                f.flush()
    except OSError:
        pass
    return filler


async def test_a_full_disk_refuses_new_work_and_the_games_go_on_when_space_returns(small_disk):
    srv = ServerProcess(small_disk / "data", log_dir=small_disk.parent).start()
    try:
        async with httpx.AsyncClient(base_url=srv.url, timeout=30) as c:
            bots = await create(c, pace=100, seed=11)
            human = await create(c, humans=[2], pace=0, seed=12)
            seen: list = []
            follower = asyncio.create_task(our_follower(srv.url, bots, seen))
            await start(c, human, human["tokens"]["2"])
            await start(c, bots, bots["spectator_token"])
            await until(lambda: len(seen) > 30, "the bots' game to be under way")
            filler = fill(small_disk)

            async def refused() -> bool:
                r = await c.post("/games", json={"pace": 0})
                return r.status_code == 503

            await until(refused, "a new game to be refused while the disk is full")

            async def action_refused() -> bool:  # nothing is acknowledged that is not stored
                r = await c.post(
                    f"/games/{human['game_id']}/actions",
                    json={"seat": 2, "kind": "skip"},
                    headers=auth(human["tokens"]["2"]),
                )
                assert r.status_code in (503, 409), r.text  # 409: the seat's turn went on
                return r.status_code == 503 and r.json()["detail"]["code"] == "storage"

            await until(action_refused, "an action to be refused while the disk is full")
            stalled = len(seen)
            filler.unlink(missing_ok=True)  # space comes back
            shutil.disk_usage(small_disk)
            await asyncio.wait_for(follower, 3 * GIVE_UP)  # the bots' game goes on to its end
            assert len(seen) > stalled
            await play_human(srv.url, human, 2)
            log = await whole_log(srv.url, bots)
            assert_same_story("our client, through a full disk", seen, log)
            assert (await c.post("/games", json={"pace": 0})).status_code == 201
    finally:
        srv.stop()
