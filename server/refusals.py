"""A request the game refuses, and why, in the game's words: nothing was changed.

``why`` says what kind of refusal it is; the HTTP layer maps it to a status in one
place (``server/api/errors.py``), so nothing below the routes knows HTTP.
"""

from __future__ import annotations

from typing import Literal

Why = Literal[
    "not_found",
    "unauthorized",
    "forbidden",
    "conflict",
    "invalid",
    "busy",
    "bad_request",  # not a request for this server (a foreign Host)
    "too_many",  # over a client's rate or quota: try again later
    "unavailable",  # the server is full, or can't write its games: try again later
]


class Refused(Exception):
    why: Why
    code: str
    message: str
    retry_after: int | None  # seconds until trying again may succeed

    def __init__(self, why: Why, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.why = why
        self.code = code
        self.message = message
        self.retry_after = retry_after


__all__ = ["Refused", "Why"]
