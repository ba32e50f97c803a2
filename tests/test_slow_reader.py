"""A reader that stops reading is dropped by the server while it reads nothing (not when it
reads again), and resumes by Last-Event-ID with no gap."""

from __future__ import annotations

import asyncio
import re
import select
import socket

import httpx
import pytest
from conftest import ServerProcess
from eventually import until

IDS = re.compile(rb"^id: (\d+)$", re.M)


@pytest.fixture
def laggy_server(tmp_path):
    proc = ServerProcess(tmp_path / "data", env={"WEREWOLF_MAX_STREAM_LAG": "20"}).start()
    yield proc
    proc.stop()


def _open_stream(port: int, game_id: str, token: str, last: int | None) -> socket.socket:
    """A raw blocking socket asking for the stream; a tiny receive buffer, so the server's
    side fills up soon once this reader stops reading."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.connect(("127.0.0.1", port))
    resume = f"Last-Event-ID: {last}\r\n" if last is not None else ""
    sock.sendall(
        f"GET /games/{game_id}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\n{resume}Connection: close\r\n\r\n".encode()
    )
    return sock


def _dropped(sock: socket.socket) -> bool:
    """Has the server reset this connection? Asked without reading a byte."""
    p = select.poll()
    p.register(sock, select.POLLERR | select.POLLHUP | select.POLLRDHUP)
    return any(ev & (select.POLLERR | select.POLLHUP | select.POLLRDHUP) for _, ev in p.poll(0))


def _read_all(sock: socket.socket) -> bytes:
    """What the socket still holds, to its end or the reset."""
    sock.settimeout(30)
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    finally:
        sock.close()
    return b"".join(chunks)


async def test_a_reader_that_never_reads_is_dropped_and_resumes_by_id(laggy_server):
    url, port = laggy_server.url, laggy_server.port
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        # Paced, so the game runs on well past the moment this reader stops reading; on 12
        # seats, so it does whatever its words (a 9-seat game's stream can end 2 s after
        # the drop, its 64 KiB unread: too close on a loaded machine; 12 seats: 12 s after).
        body = {"humans": [], "players": 12, "pace": 300, "seed": 3}
        g = (await c.post("/games", json=body)).json()
        token = g["spectator_token"]
        auth = {"Authorization": f"Bearer {token}"}
        stalled = _open_stream(port, g["game_id"], token, None)
        async with c.stream("POST", f"/games/{g['game_id']}/start", headers=auth):
            pass

        async def summary() -> dict:
            return (await c.get(f"/games/{g['game_id']}/summary", headers=auth)).json()

        # It reads nothing at all: the server drops it on its own, while the game plays on.
        await until(lambda: _dropped(stalled), "the server to drop a reader that doesn't read")
        assert not (await summary())["finished"], "dropped only once the game was over"

        first = _read_all(stalled)  # what the kernel kept for it before the reset
        ids = [int(x) for x in IDS.findall(first)]
        assert ids == list(range(1, len(ids) + 1))
        assert b'"over":true' not in first

        async def over() -> bool:
            return (await summary())["finished"]

        await until(over, "the game to finish")
        rest = _read_all(_open_stream(port, g["game_id"], token, ids[-1] if ids else None))
        more = [int(x) for x in IDS.findall(rest)]
        assert more[0] == (ids[-1] + 1 if ids else 1)
        assert more == list(range(more[0], more[0] + len(more)))
        assert b'"over":true' in rest
        head = (await c.get(f"/games/{g['game_id']}", headers=auth)).json()["seq"]
        assert more[-1] == head


async def test_a_reader_that_keeps_up_is_never_dropped(laggy_server):
    """The same limit does not touch a reader that reads: it gets the whole game in order."""
    async with httpx.AsyncClient(base_url=laggy_server.url, timeout=30) as c:
        g = (await c.post("/games", json={"humans": [], "pace": 0, "seed": 3})).json()
        token = g["spectator_token"]
        sock = _open_stream(laggy_server.port, g["game_id"], token, None)
        reading = asyncio.create_task(asyncio.to_thread(_read_all, sock))  # reads all along
        auth = {"Authorization": f"Bearer {token}"}
        async with c.stream("POST", f"/games/{g['game_id']}/start", headers=auth):
            pass
        body = await reading
        ids = [int(x) for x in IDS.findall(body)]
        assert ids == list(range(1, len(ids) + 1))
        assert b'"over":true' in body and body.endswith(b"0\r\n\r\n")
