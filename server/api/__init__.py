"""The HTTP API: routes grouped by resource, each thin — parse, authorise, call the game
layer, answer. Refusals become HTTP in one place (:mod:`server.api.errors`)."""

from fastapi import FastAPI

from . import actions, calls, games, health, streams
from .errors import install_error_handlers


def add_routes(app: FastAPI) -> None:
    """Every route, on ``app`` (:mod:`server.api.routes`: built there, once)."""
    for module in (health, games, actions, streams, calls):
        module.router.add_to(app)


__all__ = ["add_routes", "install_error_handlers"]
