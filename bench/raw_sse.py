"""A game's event stream over a bare socket, for load generators that must cost less than
the server they load: HTTP/1.1 on an asyncio stream, no client library."""

from __future__ import annotations

import asyncio


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
