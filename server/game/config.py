"""The game config: every rule option, with its default."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.events import Lang, Role

BOARDS: dict[int, dict[Role, int]] = {
    9: {"werewolf": 3, "villager": 3, "seer": 1, "witch": 1, "hunter": 1},
    6: {"werewolf": 2, "villager": 2, "seer": 1, "witch": 1},
    # 预女猎守 / 预女猎白: the fourth god is the guard or the idiot (``GameConfig.special``)
    12: {"werewolf": 4, "villager": 4, "seer": 1, "witch": 1, "hunter": 1, "guard": 1},
}

GODS: frozenset[Role] = frozenset({"seer", "witch", "hunter", "guard", "idiot"})

# The boards by the name the CLI and ``POST /games`` take: the config fields each means.
BOARD_NAMES: dict[str, dict[str, Any]] = {
    "6": {"players": 6},
    "9": {"players": 9},
    "12-guard": {"players": 12, "special": "guard"},
    "12-idiot": {"players": 12, "special": "idiot"},
}
BoardName = Literal["6", "9", "12-guard", "12-idiot"]
WinCondition = Literal["sides", "city", "parity"]


class GameConfig(BaseModel):
    """Rule options. An invalid value is refused by pydantic with the field's name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    players: Literal[6, 9, 12] = 9
    special: Literal["guard", "idiot"] = Field(
        default="guard",
        description="The 12-player board's fourth god: guard (预女猎守) or idiot (预女猎白).",
    )
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
    win_condition: WinCondition = Field(
        default="sides",
        description="sides (屠边): the wolves win when every villager or every god is dead; "
        "city (屠城): when every good player is dead; parity (the Western game): when "
        "they are as many as everyone else.",
    )
    sheriff: bool | None = Field(
        default=None,
        description="The sheriff's election (警长) on day 1 (default: on at 12 players).",
    )
    max_days: int = Field(
        default=20,
        ge=3,
        le=100,
        description="House rule: if wolves still live when this day ends, the wolves win.",
    )

    @model_validator(mode="after")
    def _special_only_at_twelve(self) -> GameConfig:
        if self.players != 12 and self.special != "guard":
            raise ValueError("special: the idiot plays only on the 12-player board")
        return self

    @property
    def has_sheriff(self) -> bool:
        return self.players == 12 if self.sheriff is None else self.sheriff

    @property
    def board_name(self) -> BoardName:
        return f"12-{self.special}" if self.players == 12 else str(self.players)  # type: ignore[return-value]

    def board(self) -> dict[Role, int]:
        board = dict(BOARDS[self.players])
        if self.players == 12 and self.special == "idiot":
            del board["guard"]
            board["idiot"] = 1
        return board


def board_options(name: str) -> dict[str, Any]:
    """The config fields a board's name stands for (``12-idiot`` → 12 players, the idiot)."""
    if name not in BOARD_NAMES:
        raise ValueError(f"unknown board {name!r} (known: {', '.join(BOARD_NAMES)})")
    return dict(BOARD_NAMES[name])
