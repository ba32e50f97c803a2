"""The balanced schedule, written down before the first game: every model in every seat of a deal.

Games come in blocks of M (the number of models). The M games of a block share one seed, so
one deal: the same roles in the same seats. The deal's seats are put in a fixed order (by
role, then seat) and game j of the block gives slot i to model (i + j) mod M: over a block
every model sits in every slot exactly once, so it plays each role exactly as often as the
board has it, and the luck of the deal is the same for all (duplicate play, as in bridge).
"""

from __future__ import annotations

from collections import Counter

from server.arena.store import Slot
from server.game import GameConfig, new_game

ROLE_ORDER = ("werewolf", "seer", "witch", "hunter", "villager")


def deal(config: GameConfig) -> dict[int, str]:
    """Seat -> role for this config's seed (the rules' own deal)."""
    state = new_game(config).state
    return {s: state.role(s) for s in state.seats()}


def _slots(roles: dict[int, str]) -> list[int]:
    def order(seat: int) -> tuple[int, int]:
        role = roles[seat]
        rank = ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)
        return (rank, seat)

    return sorted(roles, key=order)


def make_schedule(models: list[str], games: int, config: GameConfig, seed: int) -> list[Slot]:
    """``games`` games (a multiple of ``len(models)``), deal b's seed is ``seed + b``."""
    m = len(models)
    if m < 2 or len(set(models)) != m:
        raise ValueError("--models: name at least two different models")
    if games < m or games % m:
        raise ValueError(
            f"--games must be a multiple of the number of models ({m}): each block of {m} games "
            "seats every model in every seat of one deal"
        )
    out: list[Slot] = []
    for b in range(games // m):
        roles = deal(config.model_copy(update={"seed": seed + b}))
        slots = _slots(roles)
        for j in range(m):
            seats = {seat: models[(i + j) % m] for i, seat in enumerate(slots)}
            out.append(Slot(n=b * m + j + 1, seed=seed + b, seats=seats, roles=roles))
    return out


def role_counts(schedule: list[Slot]) -> dict[str, Counter[str]]:
    """Model -> role -> how many times it is scheduled to play it."""
    counts: dict[str, Counter[str]] = {}
    for slot in schedule:
        for seat, model in slot.seats.items():
            counts.setdefault(model, Counter())[slot.roles[seat]] += 1
    return counts


__all__ = ["deal", "make_schedule", "role_counts"]
