"""The one place where a model's name becomes a bot kind: the glue to the LLM endpoints.

A model is ``builtin`` (the rule-based bot, the baseline) or a named endpoint of the LLM
bots' endpoints file (``server/llm/endpoints.py``; ``WEREWOLF_LLM_ENDPOINTS``, by default
``endpoints.toml`` in the user config dir)::

    [endpoints.fast]
    base_url = "http://127.0.0.1:8901/v1"   # any OpenAI-compatible server
    model = "gpt-4o-mini"
    api_key_env = "OPENAI_API_KEY"          # the key's env var (the key never lands in the file)
    max_in_flight = 8                       # calls in flight at once
    price_in = 0.15                         # USD per million prompt tokens (optional)
    price_out = 0.60                        # USD per million completion tokens (optional)

Endpoint NAME plays as the LLM bot kind ``llm:NAME``, which reads the same file: the arena
points ``WEREWOLF_LLM_ENDPOINTS`` at the file its run was planned with (:func:`use_endpoints`).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BUILTIN = "builtin"
ENDPOINTS_VARIABLE = "WEREWOLF_LLM_ENDPOINTS"


@dataclass(frozen=True)
class ModelSpec:
    """A model the arena can seat: its name, and for an endpoint where it is and its price."""

    name: str
    base_url: str | None = None  # None: the built-in bot
    model: str = ""
    api_key_env: str | None = None
    max_in_flight: int = 8
    price_in: float | None = None  # USD per million prompt tokens
    price_out: float | None = None  # USD per million completion tokens

    @property
    def kind(self) -> str:
        return BUILTIN if self.base_url is None else f"llm:{self.name}"

    def public(self) -> dict[str, Any]:
        """What the run's plan keeps of it (the key's variable name, never the key)."""
        return asdict(self)

    def cost(self, tokens_in: int, tokens_out: int) -> float | None:
        if self.price_in is None and self.price_out is None:
            return None
        return (tokens_in * (self.price_in or 0) + tokens_out * (self.price_out or 0)) / 1e6


class ModelError(ValueError):
    """A model name or the endpoints file is wrong; the message says how."""


def endpoints_path(given: str | None = None) -> Path:
    """The endpoints file: ``given``, else the LLM bots' own (the settings')."""
    from shared.settings import Settings

    return Path(given).resolve() if given else Settings.from_env().llm_endpoints


def use_endpoints(path: Path) -> None:
    """Make the LLM bots of this process read their endpoints from ``path``."""
    os.environ[ENDPOINTS_VARIABLE] = str(path)


def load_models(names: list[str], path: Path) -> list[ModelSpec]:
    """The named models, in order: ``builtin`` or an endpoint of the file at ``path``; each
    endpoint checked as its bot would (its key's variable set, for one)."""
    from server.llm.endpoints import load_endpoints
    from server.llm.settings import SettingsError

    try:
        endpoints = load_endpoints(path=path)
    except SettingsError as e:
        raise ModelError(str(e)) from None
    out = []
    for name in names:
        if name == BUILTIN:
            out.append(ModelSpec(BUILTIN))
            continue
        if name not in endpoints:
            known = ", ".join([BUILTIN, *sorted(endpoints)])
            raise ModelError(f"unknown model {name!r} (known: {known}; endpoints from {path})")
        e = endpoints[name]
        try:
            e.settings()
        except SettingsError as err:
            raise ModelError(str(err)) from None
        out.append(
            ModelSpec(
                name=name,
                base_url=e.base_url,
                model=e.model,
                api_key_env=e.api_key_env,
                max_in_flight=e.max_in_flight,
                price_in=e.price_in,
                price_out=e.price_out,
            )
        )
    return out


def changed(planned: list[ModelSpec], now: list[ModelSpec]) -> list[str]:
    """The models whose endpoint is not what the run was planned with (a resume refuses)."""
    return [
        a.name
        for a, b in zip(planned, now, strict=True)
        if (a.base_url, a.model) != (b.base_url, b.model)
    ]


def seat_bots(specs: dict[str, ModelSpec], seats: dict[int, str]) -> dict[int, str]:
    """A schedule row's seat -> model name, as the game's seat -> bot kind."""
    return {seat: specs[name].kind for seat, name in seats.items()}


__all__ = [
    "BUILTIN",
    "ModelError",
    "ModelSpec",
    "changed",
    "endpoints_path",
    "load_models",
    "seat_bots",
    "use_endpoints",
]
