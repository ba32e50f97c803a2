"""Shared fixtures: a real server process on 127.0.0.1, started the way users start it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# One test process plays many clients' worth of games, streams and actions from 127.0.0.1:
# the servers it starts lift the per-client quotas, unless a test sets them (the quota
# tests do, low).
TEST_LIMITS = {
    "WEREWOLF_RATE_CREATE": "off",
    "WEREWOLF_RATE_JOIN": "off",
    "WEREWOLF_RATE_ACTIONS": "off",
    "WEREWOLF_RATE_MISSES": "off",
    "WEREWOLF_MAX_STREAMS_PER_CLIENT": "0",
    "WEREWOLF_MAX_LIVE_GAMES": "0",
}


class ServerProcess:
    """``werewolf serve`` in a child process: start, wait until healthy, kill."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        env: dict[str, str] | None = None,
        log_dir: Path | None = None,
    ) -> None:
        """``log_dir``: where the server's output goes (default: beside its data dir)."""
        self.data_dir = data_dir
        self.log_dir = log_dir or data_dir.parent
        self.env = {**TEST_LIMITS, **(env or {})}
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        """Where the server's output goes."""
        return self.log_dir / f"server-{self.port}.log"

    def start(self, timeout: float = 90.0) -> ServerProcess:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.env},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {log.name}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not become healthy")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> ServerProcess:
    """One server for the tests that don't restart it."""
    proc = ServerProcess(tmp_path_factory.mktemp("server-data")).start()
    yield proc
    proc.stop()


@pytest.fixture
def fresh_server(tmp_path) -> ServerProcess:
    """A server of the test's own, for tests that kill and restart it."""
    proc = ServerProcess(tmp_path)
    yield proc
    proc.stop()


# -- acting as a client does: POST the action, then read the stream to the segment's end --
async def post_action(
    c: httpx.AsyncClient, game_id: str, token: str | None, body
) -> httpx.Response:
    """``POST /games/{id}/actions``; answers once the rules took (or refused) the action."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await c.post(f"/games/{game_id}/actions", json=body, headers=headers)


async def settle(c: httpx.AsyncClient, game_id: str, token: str, after: int) -> dict:
    """Read the game's events after ``after`` up to the next snapshot (the end of the
    segment the action started) and return that snapshot."""
    from httpx_sse import aconnect_sse

    headers = {"Authorization": f"Bearer {token}", "Last-Event-ID": str(after)}
    async with aconnect_sse(c, "GET", f"/games/{game_id}/events", headers=headers) as es:
        async for sse in es.aiter_sse():
            if sse.event == "snapshot":
                return json.loads(sse.data)
    raise AssertionError("the stream ended without a snapshot")


async def act(c: httpx.AsyncClient, game_id: str, token: str, body) -> dict:
    """Act and wait for the segment it started to end; return its closing snapshot."""
    r = await post_action(c, game_id, token, body)
    assert r.status_code == 200, r.text
    return await settle(c, game_id, token, r.json()["seq"])
