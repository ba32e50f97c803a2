"""The balanced schedule, written down before the first game: every pair of models, both ways.

A game pits two models: one plays every wolf seat, the other every good seat (seer, witch,
hunter, villagers), so a win or a loss is one model's against the other's. Games come in
blocks of M·(M-1) (M models): a block is every ordered pair (A as the wolves, B as the good
side) on one deal: the same seed, so the same roles in the same seats for all of them
(duplicate play, as in bridge: the luck of the deal is the same for everyone). Over a block
each model plays the wolves M-1 times and the good side M-1 times, so every model plays
every role exactly as often as every other model.

Why not several models on one team: with one model per side the teams are the models, so
a game's result says something about each; three models sharing every team in equal
numbers would all win and lose together and learn nothing from any game.
"""

from __future__ import annotations

from collections import Counter
from itertools import permutations

from server.arena.store import Slot
from server.game import GameConfig, new_game


def deal(config: GameConfig) -> dict[int, str]:
    """Seat -> role for this config's seed (the rules' own deal)."""
    state = new_game(config).state
    return {s: state.role(s) for s in state.seats()}


def block_size(models: int) -> int:
    return models * (models - 1)


def make_schedule(models: list[str], games: int, config: GameConfig, seed: int) -> list[Slot]:
    """``games`` games (a multiple of M·(M-1)); block b's deal has the seed ``seed + b``."""
    m = len(models)
    if m < 2 or len(set(models)) != m:
        raise ValueError("--models: name at least two different models")
    size = block_size(m)
    if games < size or games % size:
        raise ValueError(
            f"--games must be a multiple of {size} with {m} models: a block of {size} games "
            "plays every pair of models both ways (wolves and good side) on one deal"
        )
    out: list[Slot] = []
    for b in range(games // size):
        roles = deal(config.model_copy(update={"seed": seed + b}))
        for wolves, good in permutations(models, 2):
            seats = {s: wolves if role == "werewolf" else good for s, role in roles.items()}
            out.append(Slot(n=len(out) + 1, seed=seed + b, seats=seats, roles=roles))
    return out


def role_counts(schedule: list[Slot]) -> dict[str, Counter[str]]:
    """Model -> role -> how many seats of that role it is scheduled to play."""
    counts: dict[str, Counter[str]] = {}
    for slot in schedule:
        for seat, model in slot.seats.items():
            counts.setdefault(model, Counter())[slot.roles[seat]] += 1
    return counts


__all__ = ["block_size", "deal", "make_schedule", "role_counts"]
