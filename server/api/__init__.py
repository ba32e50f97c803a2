"""The HTTP API: routes grouped by resource, each thin — parse, authorise, call the game
layer, answer. Refusals become HTTP in one place (:mod:`server.api.errors`)."""

from fastapi import APIRouter

from . import actions, calls, games, health, streams
from .errors import install_error_handlers

router = APIRouter()
for module in (health, games, actions, streams, calls):
    router.include_router(module.router)

__all__ = ["install_error_handlers", "router"]
