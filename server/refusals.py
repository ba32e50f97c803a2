"""A request the game refuses, and why, in the game's words: nothing was changed.

``why`` says what kind of refusal it is; the HTTP layer maps it to a status in one
place (``server/api/errors.py``), so nothing below the routes knows HTTP.
"""

from __future__ import annotations

from typing import Literal

Why = Literal[
    "not_found", "unauthorized", "forbidden", "conflict", "invalid", "busy", "unavailable"
]


class Refused(Exception):
    why: Why
    code: str
    message: str

    def __init__(self, why: Why, code: str, message: str) -> None:
        super().__init__(message)
        self.why = why
        self.code = code
        self.message = message


__all__ = ["Refused", "Why"]
