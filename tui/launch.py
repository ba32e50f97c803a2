"""Starting the app: against a given server, or a private one on a free loopback port."""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from shared.events import GameView
from tui.client import GameClient, api_error


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_server(data_dir: Path | None = None):
    """``werewolf serve`` in a child process on a free loopback port, for this session."""
    port = _free_port()
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="werewolf-"))
    log = open(data_dir / "server.log", "ab")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # generous: a loaded machine starts slowly
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the local server exited; see {data_dir / 'server.log'}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the local server did not start in 90 s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def run_app(
    server_url: str, game_id: str, token: str, start: bool = False, you: int | None = None
) -> int:
    from tui.app import WerewolfApp

    client = GameClient(server_url, token=token, game_id=game_id)
    snap = asyncio.run(_peek(client))
    players = snap.state.players
    app = WerewolfApp(
        client=client,
        you=snap.state.you if snap.state.you is not None else you,
        players=players,
        start=start,
        lang=snap.state.lang,
    )
    app.run()
    return 0


async def _peek(client: GameClient) -> GameView:
    # A short-lived client of its own: the app's runs on the app's event loop.
    peek = GameClient(client.base_url, token=client.token, game_id=client.game_id)
    try:
        return await peek.snapshot()
    finally:
        await peek.aclose()


def play(
    server_url: str | None,
    seat: int | None,
    players: int,
    lang: str,
    pace: float,
    seed: int | None,
    bots: str = "builtin",
) -> int:
    """Create a game with the user in one seat and open the app (and, without a
    server URL, a private server for the session)."""
    if server_url is None:
        with local_server() as url:
            return play(url, seat, players, lang, pace, seed, bots)
    seat = seat or random.randint(1, players)
    body = {"players": players, "humans": [seat], "lang": lang, "pace": pace, "bots": bots}
    if seed is not None:
        body["seed"] = seed
    r = httpx.post(f"{server_url}/games", json=body, timeout=10)
    if r.status_code != 201:
        print(
            f"the server refused the game ({r.status_code}): {api_error(r).message}",
            file=sys.stderr,
        )
        return 2
    g = r.json()
    return run_app(server_url, g["game_id"], g["tokens"][str(seat)], start=True, you=seat)


def watch(game_id: str, server_url: str, token: str) -> int:
    return run_app(server_url, game_id, token)
