"""A game's event stream over a bare socket, for load generators that must cost less than
the server they load: HTTP/1.1 on an asyncio stream, no client library."""

from __future__ import annotations

import asyncio
import json


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
