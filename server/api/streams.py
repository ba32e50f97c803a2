"""A game's events as Server-Sent Events, filtered for whoever reads them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.sse import KEEPALIVE_COMMENT, EventSourceResponse, format_sse_event

from server.eventlog import Entry
from server.game import Viewer, can_see_event, redact
from server.refusals import Refused
from server.registry import LiveGame

from .deps import GameDep, ViewerDep
from .errors import refusal_responses
from .quotas import STREAM

router = APIRouter(tags=["streams"])

KEEPALIVE_SECONDS = 15.0
SSE_DOC = {
    200: {
        "content": {"text/event-stream": {}},
        "description": "Server-Sent Events: one game event per message (docs/protocol.md)",
    }
}


def wire(entry: Entry) -> bytes:
    """The entry as one SSE message (``id`` its sequence number, ``event`` its type, ``data``
    its JSON), encoded once and shared by every reader."""
    if entry.wire is None:
        entry.wire = format_sse_event(
            data_str=entry.data, event=entry.event.type, id=str(entry.seq)
        )
    return entry.wire


async def feed(
    g: LiveGame,
    viewer: Viewer,
    after: int,
    until: Literal["segment", "game_over"],
    max_lag: int = 0,
) -> AsyncIterator[bytes]:
    """The game's log from ``after`` as SSE, filtered for ``viewer``, until the segment's
    snapshot (or, for ``game_over``, the snapshot that closes the game).

    Events that piled up while the last write was on its way go out in one write.
    A comment line keeps a silent stream alive. A reader that, having caught up, falls
    more than ``max_lag`` events behind (it reads too slowly) is cut off: the stream ends
    where it is, and the client resumes by ``Last-Event-ID``.
    """
    # A game already over shows everything; one watched live stays filtered to its end
    # (what a batch shows must not depend on when its reader got round to it).
    over = g.finished
    stream = g.log.follow(after, timeout=KEEPALIVE_SECONDS)
    caught_up = False
    async for entries in stream:
        if not entries:
            yield KEEPALIVE_COMMENT
            continue
        if caught_up and max_lag and len(entries) > max_lag:
            return  # too far behind: it resumes by id, and catches up in one go
        caught_up = True
        # Readers woken together read the same batch: what it makes for one viewer (and
        # how far the stream goes) is made once and shared by every reader who sees alike.
        span = (entries[0].seq, entries[-1].seq)
        if g.log.shared[0] != span:
            g.log.shared = (span, {})
        shared = g.log.shared[1]
        key = (viewer, until, over)
        made = shared.get(key)
        if made is None:
            made = shared[key] = encode(entries, viewer, until, over)
        data, ends = made
        if data:
            yield data
        if ends:
            return


def encode(
    entries: list[Entry], viewer: Viewer, until: Literal["segment", "game_over"], over: bool
) -> tuple[bytes, bool]:
    """``entries`` as ``viewer`` may see them, and whether the stream ends with them."""
    chunk: list[bytes] = []
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
        elif can_see_event(viewer, event, over):
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
    return sse(feed(g, viewer, pos, "game_over", max_lag))
