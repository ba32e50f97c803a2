"""What routes are given: the moderator, the game named in the path, and the viewer its
bearer token makes of the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from server.game import Viewer
from server.moderator import Moderator
from server.refusals import Refused
from server.registry import LiveGame

from .quotas import missed

bearer = HTTPBearer(auto_error=False)


async def moderator(request: Request) -> Moderator:
    # (a coroutine: FastAPI runs a plain function's dependency in a worker thread, a hop
    # there and back for every request that names a game)
    return request.app.state.moderator


async def the_game(
    game_id: str, request: Request, mod: Annotated[Moderator, Depends(moderator)]
) -> LiveGame:
    try:
        return mod.registry.get(game_id)
    except Refused:
        await missed(request)  # a code is an invitation: guessing one is rate-limited
        raise


async def the_viewer(
    g: Annotated[LiveGame, Depends(the_game)],
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Viewer:
    return g.viewer(creds.credentials if creds else None)


GameDep = Annotated[LiveGame, Depends(the_game)]
ViewerDep = Annotated[Viewer, Depends(the_viewer)]
ModDep = Annotated[Moderator, Depends(moderator)]

__all__ = ["GameDep", "ModDep", "ViewerDep"]
