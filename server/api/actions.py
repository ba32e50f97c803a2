"""A seat's answer to the decision the game asks of it: one route for every decision."""

from __future__ import annotations

from pydantic import BaseModel

from shared.actions import Action

from .deps import GameDep, ModDep, ViewerDep
from .errors import BODY_STATUSES, refusal_responses
from .quotas import ACTION
from .routes import Routes

router = Routes(tags=["actions"])


class Accepted(BaseModel):
    """The rules took the action; ``seq`` is the log's head before its consequences."""

    seq: int


@router.post(
    "/games/{game_id}/actions",
    dependencies=[ACTION],
    responses=refusal_responses(
        "not_found",
        "unauthorized",
        "forbidden",
        "conflict",
        "too_many",
        "unavailable",
        *BODY_STATUSES,
    ),
)
async def act(action: Action, g: GameDep, viewer: ViewerDep, mod: ModDep) -> Accepted:
    """Answer the pending decision: ``{"seat", "kind", "target"?, "text"?}``. The answer
    comes once the rules have taken it (or refused it: 409, or 422 for a bad text);
    what follows streams on ``GET /games/{id}/events``."""
    return Accepted(seq=await mod.runner.act(g, viewer, action))
