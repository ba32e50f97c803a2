"""Games: create, list, read one, join a hosted table, start, advance a paused game."""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Header, Query
from pydantic import BaseModel, ConfigDict

from server.game import redact
from server.refusals import Why
from server.registry import MAX_PAGE_SIZE, PAGE_SIZE, NewGame

from .deps import GameDep, ModDep, ViewerDep
from .errors import BODY_STATUSES, refusal_responses
from .quotas import CREATE, JOIN, STREAM
from .routes import Routes
from .streams import SSE_DOC, feed, sse

router = Routes(tags=["games"])
GAME_REFUSALS: tuple[Why, ...] = ("not_found", "unauthorized", "forbidden", "too_many")


@router.post(
    "/games",
    status_code=201,
    dependencies=[CREATE],
    responses=refusal_responses("too_many", "unavailable", *BODY_STATUSES),
)
async def create_game(body: NewGame, mod: ModDep) -> dict:
    return (await mod.registry.create(body)).answer()


class GameSummary(BaseModel):
    game_id: str
    code: str
    players: int
    phase: str
    day: int
    humans: list[int]
    open_seats: list[int]
    hosted: bool
    public: bool
    open: bool = False
    spectated: bool
    started: bool
    finished: bool
    created: float


class GamesPage(BaseModel):
    games: list[GameSummary]
    next: str | None = None


@router.get("/games", responses=refusal_responses("invalid"))
async def list_games(
    mod: ModDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
    after: Annotated[str | None, Query(max_length=64)] = None,
    authorization: Annotated[
        str | None, Header(description="optional: `Bearer <token>` adds that token's game")
    ] = None,
) -> GamesPage:
    """The public games and, with a bearer token, the game it belongs to; newest first,
    ``limit`` a page. ``next``, when there is more, is the ``after`` of the next page.
    (The token is optional here, so it is read as a plain header, not a security scheme.)"""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip() if scheme.lower() == "bearer" and token.strip() else None
    games, next_cursor = mod.registry.listing(token, limit, after)
    return GamesPage(games=[GameSummary(**g) for g in games], next=next_cursor)


@router.get("/games/{game_id}/summary", responses=refusal_responses(*GAME_REFUSALS))
async def summary(g: GameDep, _viewer: ViewerDep) -> GameSummary:
    """The game's row of the listing, for any token of the game (the lobby reads it)."""
    return GameSummary(**g.summary())


@router.get("/games/{game_id}", responses=refusal_responses(*GAME_REFUSALS))
async def get_game(g: GameDep, viewer: ViewerDep, mod: ModDep) -> dict:
    """The current snapshot for this token, with ``seq``: the log's last sequence number."""
    snap = redact(await mod.runner.snapshot(g), viewer)
    return {**snap.model_dump(mode="json"), "seq": g.log.head, "host": viewer.host}


class Join(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    seat: int | None = None


@router.post(
    "/games/{game_id}/join",
    dependencies=[JOIN],
    responses=refusal_responses("not_found", "conflict", "too_many", *BODY_STATUSES),
)
async def join(g: GameDep, mod: ModDep, body: Annotated[Join | None, Body()] = None) -> dict:
    """Take a free seat of a hosted game: the answer carries that seat's token."""
    seat, token = await mod.registry.join(g, body.seat if body else None)
    return {"game_id": g.id, "seat": seat, "token": token}


@router.post(
    "/games/{game_id}/start",
    dependencies=[STREAM],
    responses={
        **SSE_DOC,
        **refusal_responses(*GAME_REFUSALS, "conflict", "unavailable", *BODY_STATUSES),
    },
)
async def start(g: GameDep, viewer: ViewerDep, mod: ModDep):
    """Start the game (its host); the answer streams the first segment, to its snapshot."""
    pos = await mod.runner.start(g, viewer)
    return sse(feed(g, viewer, pos, "segment"))


@router.post(
    "/games/{game_id}/advance",
    dependencies=[STREAM],
    responses={
        **SSE_DOC,
        **refusal_responses(*GAME_REFUSALS, "conflict", "unavailable", *BODY_STATUSES),
    },
)
async def advance(g: GameDep, viewer: ViewerDep, mod: ModDep):
    """Step mode: run the next phase; the answer streams it, to its snapshot."""
    pos = await mod.runner.advance(g)
    return sse(feed(g, viewer, pos, "segment"))
