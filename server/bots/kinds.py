"""The registry of bot kinds: the one seam between the game and whoever decides for a seat.

A kind registers what the game needs from it: ``decide`` (the bot), an optional
``preflight`` (can it play here at all? ``None``, or what is wrong) and an optional
``close`` (close the connections it opened on the running event loop). The game asks
the registry by name and never imports a kind's package: ``server.bots`` knows the LLM
kind only as a module name in :data:`MODULES`, imported on :func:`load_kind`.

Whoever owns an event loop that ran bots calls :func:`close_bots` before the loop ends;
whoever starts games with a kind that is slow to import (``llm`` loads DSPy, seconds)
calls :func:`load_kind` for it beforehand, off the event loop.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from .base import BotFn


@dataclass(frozen=True)
class BotKind:
    name: str
    decide: BotFn
    preflight: Callable[[], Awaitable[str | None]] | None = None
    close: Callable[[], Awaitable[None]] | None = None
    # Cheap, no I/O: can this server seat the kind at all (e.g. is a model configured)?
    unavailable: Callable[[], str | None] | None = None
    # Slow imports done ahead of the first game (off the event loop): DSPy takes seconds.
    warm: Callable[[], None] | None = None
    # ``KIND:NAME`` (e.g. ``llm:qwen``, one named model endpoint): the kind for NAME.
    variant: Callable[[str], BotKind] | None = None


# Every kind the game knows, by the module that registers it when imported.
MODULES: dict[str, str] = {
    "builtin": "server.bots.builtin",
    "llm": "server.llm.kind",
}

_KINDS: dict[str, BotKind] = {}


def register(kind: BotKind) -> None:
    """Make ``kind`` available by its name (a kind registers itself when imported)."""
    _KINDS[kind.name] = kind


def kind_names() -> list[str]:
    return sorted({*MODULES, *_KINDS})


def load_kind(name: str) -> BotKind:
    """The registered kind ``name``, importing the module that registers it if need be."""
    if name not in _KINDS and ":" in name:  # a variant of a kind: ``llm:qwen``
        base, _, variant = name.partition(":")
        parent = load_kind(base)
        if parent.variant is None or not variant:
            raise ValueError(f"bot kind {base!r} has no variants (asked for {name!r})")
        register(parent.variant(variant))
    if name not in _KINDS:
        if name not in MODULES:
            raise ValueError(f"unknown bot kind {name!r} (known: {kind_names()})")
        importlib.import_module(MODULES[name])
        if name not in _KINDS:
            raise RuntimeError(f"{MODULES[name]} did not register the bot kind {name!r}")
    return _KINDS[name]


def get_bot(name: str) -> BotFn:
    return load_kind(name).decide


def seat_kinds(mode: str, seats: list[int]) -> dict[int, str]:
    """Seat -> bot kind for ``seats`` (the bot seats, in order): a kind's name for every
    seat, or ``mixed`` — every other bot seat an LLM, the first one included."""
    if mode == "mixed":
        return {s: ("llm" if i % 2 == 0 else "builtin") for i, s in enumerate(seats)}
    if mode not in kind_names():  # an unknown kind is refused here, before any import
        raise ValueError(f"unknown bot kind {mode!r} (known: {kind_names()})")
    return dict.fromkeys(seats, mode)


async def preflight(kinds: Iterable[str]) -> str | None:
    """Before a game seating ``kinds``: can each of them play? None, or what is wrong."""
    for name in sorted(set(kinds)):
        check = load_kind(name).preflight
        if check is not None and (problem := await check()) is not None:
            return problem
    return None


def unavailable(kinds: Iterable[str]) -> str | None:
    """Why this server can't seat one of ``kinds`` (no I/O), or None."""
    for name in sorted(set(kinds)):
        check = load_kind(name).unavailable
        if check is not None and (problem := check()) is not None:
            return problem
    return None


def warm(name: str) -> None:
    """Load what kind ``name`` needs before its first decision (call it off the loop)."""
    kind = load_kind(name)
    if kind.warm is not None:
        kind.warm()


async def close_bots() -> None:
    """Close what the loaded kinds opened on this event loop (before the loop ends)."""
    for kind in list(_KINDS.values()):
        if kind.close is not None:
            await kind.close()


__all__ = [
    "MODULES",
    "BotKind",
    "close_bots",
    "get_bot",
    "kind_names",
    "load_kind",
    "preflight",
    "register",
    "seat_kinds",
    "unavailable",
    "warm",
]
