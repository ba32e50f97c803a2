"""The audience tag every event and speech carries: everyone, the wolves, one seat, or god.

Only the tag lives here; who may see what is decided in one place, the rules'
``server/game/visibility.py``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

Scope = Literal["public", "wolves", "seat", "god"]


class Visibility(BaseModel):
    """Who may see an event: everyone, the wolves, one seat, or god (spectators)."""

    model_config = ConfigDict(frozen=True)

    scope: Scope = "public"
    seat: int | None = None


PUBLIC = Visibility(scope="public")
WOLVES = Visibility(scope="wolves")
GOD = Visibility(scope="god")


@lru_cache(maxsize=64)
def only(seat: int) -> Visibility:
    # One object per seat, shared (it is frozen): the rules tag ~70 events a game with it.
    return Visibility(scope="seat", seat=seat)


__all__ = ["GOD", "PUBLIC", "WOLVES", "Scope", "Visibility", "only"]
