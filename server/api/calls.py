"""The LLM bots' call records of a game (prompts hold private knowledge: guarded)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from server.refusals import Refused
from shared.calls import summarize

from .deps import GameDep, ModDep, ViewerDep
from .errors import refusal_responses
from .routes import Routes

router = Routes(tags=["calls"])


@router.get(
    "/games/{game_id}/calls",
    responses=refusal_responses("not_found", "unauthorized", "forbidden", "invalid", "too_many"),
)
async def llm_calls(
    g: GameDep,
    viewer: ViewerDep,
    mod: ModDep,
    seat: Annotated[int | None, Query(ge=1)] = None,
) -> dict:
    """Every LLM call the game's bots made: prompt, raw answer, parse, fallback, tokens, times.

    Prompts hold a seat's private knowledge: a spectator token (god) reads them at any
    time, every player once the game is over.
    """
    if not (viewer.god or g.finished):
        raise Refused(
            "forbidden",
            "calls_closed",
            "LLM calls show the bots' private knowledge: they open "
            "to spectators, and to everyone once the game is over",
        )
    if seat is not None and seat > g.config.players:
        raise Refused(
            "invalid", "unknown_seat", f"seat: no seat {seat} at a {g.config.players}-player table"
        )
    records = [r for r in await mod.registry.calls(g).loaded() if seat is None or r.seat == seat]
    return {
        "game_id": g.id,
        "summary": summarize(records),
        "calls": [r.model_dump() for r in records],
    }
