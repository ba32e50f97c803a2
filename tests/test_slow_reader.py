"""A reader that falls too far behind is cut off, and resumes by Last-Event-ID with no gap."""

from __future__ import annotations

import asyncio
import re
import socket

import httpx
import pytest
from conftest import ServerProcess

IDS = re.compile(rb"^id: (\d+)$", re.M)


@pytest.fixture
def laggy_server(tmp_path):
    proc = ServerProcess(tmp_path / "data", env={"WEREWOLF_MAX_STREAM_LAG": "20"}).start()
    yield proc
    proc.stop()


async def _read_stream(port: int, game_id: str, token: str, last: int | None, stall) -> bytes:
    """The raw stream to its end; ``stall`` (awaited after the headers) holds off reading."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)  # a reader that can't keep up
    sock.connect(("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock, limit=2048)
    resume = f"Last-Event-ID: {last}\r\n" if last is not None else ""
    writer.write(
        f"GET /games/{game_id}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\n{resume}Connection: close\r\n\r\n".encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    assert b" 200 " in head.split(b"\r\n")[0]
    await stall()
    body = await reader.read()
    writer.close()
    return body


async def test_a_reader_that_does_not_read_is_cut_off_and_resumes_by_id(laggy_server):
    url, port = laggy_server.url, laggy_server.port
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        g = (await c.post("/games", json={"humans": [], "pace": 0, "seed": 3})).json()
        token = g["spectator_token"]
        auth = {"Authorization": f"Bearer {token}"}

        async def finished() -> None:
            async with c.stream("POST", f"/games/{g['game_id']}/start", headers=auth):
                pass
            state = {"over": False}

            async def poll() -> None:
                r = await c.get(f"/games/{g['game_id']}/summary", headers=auth)
                state["over"] = r.json()["finished"]

            await poll()
            while not state["over"]:  # the game plays on while this reader reads nothing
                await asyncio.sleep(0.05)
                await poll()

        async def nothing() -> None:
            return None

        first = await _read_stream(port, g["game_id"], token, None, finished)
        ids = [int(x) for x in IDS.findall(first)]
        assert ids and ids == list(range(ids[0], ids[0] + len(ids)))
        assert b'"over":true' not in first, "the slow reader was cut off before the end"
        rest = await _read_stream(port, g["game_id"], token, ids[-1], nothing)
        more = [int(x) for x in IDS.findall(rest)]
        assert more[0] == ids[-1] + 1 and more == list(range(more[0], more[0] + len(more)))
        assert b'"over":true' in rest
        head = (await c.get(f"/games/{g['game_id']}", headers=auth)).json()["seq"]
        assert more[-1] == head
