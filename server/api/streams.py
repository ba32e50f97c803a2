"""A game's events as Server-Sent Events, filtered for whoever reads them."""

from __future__ import annotations

import fcntl
import socket
import struct
import termios
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Header, Query, Request
from fastapi.sse import KEEPALIVE_COMMENT, EventSourceResponse, format_sse_event

from server.eventlog import Entry
from server.game import Viewer, can_see_event, redact
from server.refusals import Refused
from server.registry import LiveGame

from .deps import GameDep, ViewerDep
from .errors import refusal_responses
from .quotas import STREAM
from .routes import Routes

router = Routes(tags=["streams"])

KEEPALIVE_SECONDS = 15.0
# A connection holding more than this, unsent or unacknowledged, has a client that isn't
# keeping up (a live stream sends some tens of KiB a second at most).
STALL_BYTES = 64 * 1024
SSE_DOC = {
    200: {
        "content": {"text/event-stream": {}},
        "description": "Server-Sent Events: one game event per message (docs/protocol.md)",
    }
}


def wire(entry: Entry) -> bytes:
    """The entry as one SSE message (``id`` its sequence number, ``event`` its type, ``data``
    its JSON), encoded once and shared by every reader. (What ``format_sse_event`` writes for
    a one-line ``data``, which JSON always is, without its per-call checks.)"""
    if entry.wire is None:
        entry.wire = f"event: {entry.event.type}\ndata: {entry.data}\nid: {entry.seq}\n\n".encode()
    return entry.wire


def cycle_of(receive: Any) -> Any:
    """uvicorn's request-response cycle (httptools) under a request, or None. ASGI has no way
    to reach the connection: uvicorn hands each request its cycle's bound ``receive`` (our
    middlewares pass a GET's through untouched), and the cycle holds the transport. Under
    another server a stalled reader is cut off when it reads again, and every event goes
    through ASGI's ``send``."""
    cycle = getattr(receive, "__self__", None)
    if type(cycle).__module__ != "uvicorn.protocols.http.httptools_impl":
        return None
    return cycle if callable(getattr(getattr(cycle, "transport", None), "abort", None)) else None


def transport_of(receive: Any) -> Any:
    """The connection a request came on (see :func:`cycle_of`), or None."""
    cycle = cycle_of(receive)
    return None if cycle is None else cycle.transport


def pusher(
    cycle: Any, g: LiveGame, viewer: Viewer, over: bool
) -> Callable[[list[Entry]], bool | None] | None:
    """Writes a waiting reader's new events straight onto its connection, as uvicorn would
    write one ``send`` of them (one chunk of the chunked body), from the log's wake-up: the
    reader's task isn't woken, and nothing passes through the ASGI layers. That is a
    reader's whole cost per write, and fan-out's main one. It declines (None: the reader
    takes them itself, through ``send``) whenever uvicorn would not just write: its buffer
    is full (then ``send`` waits), or the events end the stream."""
    if cycle is None:
        return None
    transport, flow = cycle.transport, cycle.flow
    key = sight(viewer, "game_over", over)

    def push(entries: list[Entry]) -> bool | None:
        if cycle.disconnected or transport.is_closing():
            return False
        if flow.write_paused or cycle.response_complete or cycle.chunked_encoding is not True:
            return None
        # (made(), inline for every reader but the first of those woken at once: one write
        # per reader per tick is a crowd's main cost, and each call in it counts)
        log = g.log
        out = log.shared[1].get(key) if log.handed is entries else None
        if out is None:
            out = made(g, entries, viewer, "game_over", over, key)
        if out.ends:
            return None
        if out.data:
            transport.write(out.framed or out.chunk())
        return True

    return push


def unsent(transport: Any) -> Callable[[], bool] | None:
    """Whether ``transport``'s client is behind: more than :data:`STALL_BYTES` wait for it, in
    the transport's buffer and the kernel's (``TIOCOUTQ``: on loopback the kernel takes
    megabytes before the transport buffers a byte)."""
    if transport is None:
        return None
    sock = transport.get_extra_info("socket")
    fd = sock.fileno() if sock is not None else -1

    def stalled() -> bool:
        if transport.is_closing():
            return False
        n = transport.get_write_buffer_size()
        if fd >= 0:
            try:
                n += struct.unpack("i", fcntl.ioctl(fd, termios.TIOCOUTQ, b"\0\0\0\0"))[0]
            except OSError:
                pass
        return n > STALL_BYTES

    return stalled


def dropper(transport: Any) -> Callable[[], None] | None:
    """What drops ``transport``'s connection at once: a reset, not a close, since a close
    waits for the buffered events to reach a client that doesn't read (forever)."""
    if transport is None:
        return None

    def drop() -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        transport.abort()

    return drop


async def feed(
    g: LiveGame,
    viewer: Viewer,
    after: int,
    until: Literal["segment", "game_over"],
    max_lag: int = 0,
    on_lag: Callable[[], None] | None = None,
    stalled: Callable[[], bool] | None = None,
    cycle: Any = None,
) -> AsyncIterator[bytes]:
    """The game's log from ``after`` as SSE, filtered for ``viewer``, until the segment's
    snapshot (or, for ``game_over``, the snapshot that closes the game).

    Events that piled up while the last write was on its way go out in one write.
    A comment line keeps a silent stream alive. A reader whose client doesn't read
    (``stalled``: its connection holds unsent bytes) while the log runs more than
    ``max_lag`` events ahead is dropped: ``on_lag`` resets its connection (or else the
    stream ends where it is); the client resumes by ``Last-Event-ID``. Given uvicorn's
    ``cycle``, live events are written onto the connection from the log's wake-up
    (:func:`pusher`) while this reader waits.
    """
    # A game already over shows everything; one watched live stays filtered to its end
    # (what a batch shows must not depend on when its reader got round to it).
    over = g.finished
    push = pusher(cycle, g, viewer, over) if until == "game_over" else None
    stream = g.log.follow(after, KEEPALIVE_SECONDS, max_lag, on_lag, stalled, push)
    key = sight(viewer, until, over)
    async for entries in stream:
        if not entries:
            yield KEEPALIVE_COMMENT
            continue
        out = made(g, entries, viewer, until, over, key)
        if out.data:
            yield out.data
        if out.ends:
            return


def sight(viewer: Viewer, until: Literal["segment", "game_over"], over: bool) -> str:
    """What a stream is shown, as a key readers who see alike share: a string (its hash is
    kept, where a viewer's is worked out again at every batch), of every field of the
    viewer (its dataclass repr)."""
    return f"{viewer!r}:{until}:{over}"


@dataclass(slots=True)
class Made:
    """A batch as one viewer sees it: its SSE text, whether the stream ends with it, and
    (:meth:`chunk`) the same as one chunk of a chunked body, framed once for every reader."""

    data: bytes
    ends: bool
    framed: bytes | None = None

    def chunk(self) -> bytes:
        if self.framed is None:
            self.framed = b"%x\r\n%b\r\n" % (len(self.data), self.data)
        return self.framed


def made(
    g: LiveGame,
    entries: list[Entry],
    viewer: Viewer,
    until: Literal["segment", "game_over"],
    over: bool,
    key: str,
) -> Made:
    """:func:`encode`, shared: readers woken together read the same batch, so what it makes
    for one viewer (and how far the stream goes) is made once for every reader who sees
    alike (``key``: :func:`sight`)."""
    if g.log.evicted:  # a finished game read back from the store: nothing to share, and
        # a batch kept on the log would stay as long as the game is listed (the whole game)
        return Made(*encode(entries, viewer, until, over))
    log = g.log
    if log.handed is not entries:  # (the list the log hands every reader it wakes at once)
        span = (entries[0].seq, entries[-1].seq)
        if log.shared[0] != span:
            log.shared = (span, {})
        log.handed = entries
    shared = log.shared[1]
    out = shared.get(key)
    if out is None:
        out = shared[key] = Made(*encode(entries, viewer, until, over))
    return out


def encode(
    entries: list[Entry], viewer: Viewer, until: Literal["segment", "game_over"], over: bool
) -> tuple[bytes, bool]:
    """``entries`` as ``viewer`` may see them, and whether the stream ends with them."""
    chunk: list[bytes] = []
    sees_all = over or viewer.god  # the spectator: nothing to filter
    for entry in entries:
        event = entry.event
        if event.type == "snapshot":
            snap = redact(event, viewer)
            chunk.append(
                format_sse_event(
                    data_str=snap.model_dump_json(), event="snapshot", id=str(entry.seq)
                )
            )
            if until == "segment" or snap.state.over:
                return b"".join(chunk), True
        elif sees_all or can_see_event(viewer, event, over):
            chunk.append(wire(entry))
    return b"".join(chunk), False


def sse(body: AsyncIterator[bytes]) -> EventSourceResponse:
    return EventSourceResponse(
        body, headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )


@router.get(
    "/games/{game_id}/events",
    dependencies=[STREAM],  # one of the client's stream slots while it streams
    responses={
        **SSE_DOC,
        **refusal_responses("not_found", "unauthorized", "forbidden", "invalid", "too_many"),
    },
)
async def events(
    request: Request,
    g: GameDep,
    viewer: ViewerDep,
    after: Annotated[int | None, Query(ge=0)] = None,
    last_event_id: Annotated[str | None, Header()] = None,
):
    """The game's events after ``after`` (or ``Last-Event-ID``), live, until game over."""
    pos = after or 0
    if last_event_id:
        try:
            pos = max(pos, int(last_event_id))
        except ValueError:
            raise Refused("invalid", "bad_event_id", "Last-Event-ID must be an integer") from None
    max_lag = request.app.state.quotas.limits.max_stream_lag
    cycle = cycle_of(request.receive)
    transport = None if cycle is None else cycle.transport
    body = feed(g, viewer, pos, "game_over", max_lag, dropper(transport), unsent(transport), cycle)
    return sse(body)
