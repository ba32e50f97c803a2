"""A game's event stream over a bare socket, for load generators that must cost less than
the server they load: HTTP/1.1 on an asyncio stream, no client library. And what a watched
game cost the server's process (its CPU, read from /proc)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import httpx


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far (user + system), to the nanosecond: the sum of its
    threads' ``schedstat`` (``stat`` counts in 10 ms ticks, and a game at pace 1000 costs a
    few of them). A thread that has ended is not counted: the server's (its executor's, the
    store's) live as long as it does."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1e9


async def open_events(
    url: str, game_id: str, token: str
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Ask for ``GET /games/{game_id}/events``; the caller reads the raw (chunked) answer."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"GET /games/{game_id}/events HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    return reader, writer


class TokenCount:
    """Counts what a raw (chunked) event stream carries: events, token events, and the
    typewriter tokens in them (an event may carry every token due at a tick: the tokens
    are counted in its text, as the typewriter cuts it). ``ended``: the body's last chunk."""

    def __init__(self) -> None:
        self.events = 0
        self.token_events = 0
        self.tokens = 0
        self.ended = False
        self._raw = b""  # chunked framing not yet undone
        self._body = b""  # SSE text not yet ended by a blank line
        self._head = True  # the response's headers are not all read yet

    def feed(self, data: bytes) -> None:
        from server.typewriter import tokenize

        raw = self._raw + data
        if self._head:
            end = raw.find(b"\r\n\r\n")
            if end < 0:
                self._raw = raw
                return
            raw, self._head = raw[end + 4 :], False
        body = [self._body]
        while True:
            eol = raw.find(b"\r\n")
            if eol < 0:
                break
            size = int(raw[:eol].split(b";")[0] or b"0", 16)
            if len(raw) < eol + 2 + size + 2:
                break
            if size == 0:
                self.ended = True
            body.append(raw[eol + 2 : eol + 2 + size])
            raw = raw[eol + 2 + size + 2 :]
        self._raw = raw
        *done, self._body = b"".join(body).split(b"\n\n")
        for message in done:
            kind, data_ = b"", b""
            for line in message.split(b"\n"):
                if line.startswith(b"event: "):
                    kind = line[7:]
                elif line.startswith(b"data: "):
                    data_ = line[6:]
            if not data_:
                continue  # a keep-alive
            self.events += 1
            if kind in (b"token", b"thought_token"):
                self.token_events += 1
                self.tokens += len(tokenize(json.loads(data_)["content"]))


async def watch_game(
    url: str, pid: int, pace: float, seed: int, take: Callable[[bytes], bool]
) -> float:
    """Play one all-bot game read by one spectator over a bare stream; ``take`` is handed
    what arrives, until it says the game is over. The server's (``pid``) CPU seconds from
    the game's start to its end. ``names_seed`` too: the players' names are drawn per game
    otherwise, and the same seed then says other words (3,300-4,900 tokens from run to run,
    seen in session 6)."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as c:
        body = {"humans": [], "pace": pace, "seed": seed, "names_seed": seed}
        g = (await c.post("/games", json=body)).json()
        reader, writer = await open_events(url, g["game_id"], g["spectator_token"])
        await asyncio.sleep(0.3)  # the stream is open and has read the deal
        cpu0 = cpu_seconds(pid)
        auth = {"Authorization": f"Bearer {g['spectator_token']}"}
        async with c.stream("POST", f"/games/{g['game_id']}/start", headers=auth):
            pass
        try:
            while chunk := await reader.read(262144):
                if take(chunk):
                    break
        finally:
            writer.close()
        return cpu_seconds(pid) - cpu0
