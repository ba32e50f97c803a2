"""The game config: every rule option, with its default."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events import Lang, Role

BOARDS: dict[int, dict[Role, int]] = {
    9: {"werewolf": 3, "villager": 3, "seer": 1, "witch": 1, "hunter": 1},
    6: {"werewolf": 2, "villager": 2, "seer": 1, "witch": 1},
}

GODS: frozenset[Role] = frozenset({"seer", "witch", "hunter"})


class GameConfig(BaseModel):
    """Rule options. An invalid value is refused by pydantic with the field's name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    players: Literal[6, 9] = 9
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    names_seed: int | None = Field(
        default=None,
        ge=0,
        le=2**63 - 1,
        description="Seed of the seat names (default: the game's seed). The server draws it "
        "apart from the seed: names everybody sees must not tell the deal.",
    )
    lang: Lang = "en"
    witch_self_save: Literal["first_night", "never", "always"] = "first_night"
    win_condition: Literal["sides", "parity"] = "sides"
    max_days: int = Field(
        default=20,
        ge=3,
        le=100,
        description="House rule: if wolves still live when this day ends, the wolves win.",
    )

    def board(self) -> dict[Role, int]:
        return dict(BOARDS[self.players])
