"""Games: create, list, read one, join a hosted table, start, advance a paused game."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body
from pydantic import BaseModel, ConfigDict

from server.game import redact
from server.refusals import Why
from server.registry import NewGame

from .deps import GameDep, ModDep, ViewerDep
from .errors import BODY_STATUSES, refusal_responses
from .streams import SSE_DOC, feed, sse

router = APIRouter(tags=["games"])
GAME_REFUSALS: tuple[Why, ...] = ("not_found", "unauthorized", "forbidden")


@router.post("/games", status_code=201, responses=refusal_responses(*BODY_STATUSES))
async def create_game(body: NewGame, mod: ModDep) -> dict:
    return (await mod.registry.create(body)).answer()


@router.get("/games")
async def list_games(mod: ModDep) -> list[dict]:
    return mod.registry.listing()


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
    responses=refusal_responses("not_found", "conflict", *BODY_STATUSES),
)
async def join(g: GameDep, mod: ModDep, body: Annotated[Join | None, Body()] = None) -> dict:
    """Take a free seat of a hosted game: the answer carries that seat's token."""
    seat, token = await mod.registry.join(g, body.seat if body else None)
    return {"game_id": g.id, "seat": seat, "token": token}


@router.post(
    "/games/{game_id}/start",
    responses={**SSE_DOC, **refusal_responses(*GAME_REFUSALS, "conflict", *BODY_STATUSES)},
)
async def start(g: GameDep, viewer: ViewerDep, mod: ModDep):
    """Start the game (its host); the answer streams the first segment, to its snapshot."""
    pos = await mod.runner.start(g, viewer)
    return sse(feed(g, viewer, pos, "segment"))


@router.post(
    "/games/{game_id}/advance",
    responses={**SSE_DOC, **refusal_responses(*GAME_REFUSALS, "conflict", *BODY_STATUSES)},
)
async def advance(g: GameDep, viewer: ViewerDep, mod: ModDep):
    """Step mode: run the next phase; the answer streams it, to its snapshot."""
    pos = await mod.runner.advance(g)
    return sse(feed(g, viewer, pos, "segment"))
