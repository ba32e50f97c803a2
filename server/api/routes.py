"""Routes declared beside their handlers, and built once: on the app.

FastAPI (0.165) builds an included router's every route twice: once where it is declared
(an ``APIRouter``'s decorator), and once more, for the app, at the first request that
reaches the router (``include_router`` keeps the router and builds its routes again,
lazily). A build makes a pydantic schema for each parameter, body and answer: the second
round was about 45 ms of the server's CPU, spent on the first requests of its first game,
which ``werewolf play``'s first screen waits for (docs/benchmarks.md, "Issue 12 in session
16"). A module declares its routes on :class:`Routes`, which only notes them; the app adds
them with FastAPI's own ``add_api_route``, and each is built there, once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI

Handler = TypeVar("Handler", bound=Callable[..., Any])


class Routes:
    """An ``APIRouter``'s decorators (``get``, ``post``: the same options), noting what they
    declare until :meth:`add_to` adds it to an app. ``tags``: every route's."""

    def __init__(self, tags: list[str] | None = None) -> None:
        self.tags = list(tags or [])
        self.declared: list[tuple[str, Callable[..., Any], dict[str, Any]]] = []

    def get(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route(path, ["GET"], **options)

    def post(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route(path, ["POST"], **options)

    def route(self, path: str, methods: list[str], **options: Any) -> Callable[[Handler], Handler]:
        def declare(handler: Handler) -> Handler:
            self.declared.append((path, handler, {"methods": methods, **options}))
            return handler

        return declare

    def add_to(self, app: FastAPI) -> None:
        """Each route on ``app``, in the order declared (the order they are matched in)."""
        for path, handler, declared in self.declared:
            options = dict(declared)  # (noted once, added to every app made: left as noted)
            tags = [*self.tags, *options.pop("tags", [])]
            app.add_api_route(path, handler, tags=tags, **options)
