"""The one place where a model's name becomes a bot kind: the glue to the LLM endpoints.

A model is ``builtin`` (the rule-based bot, the baseline) or a named endpoint of an
endpoints file (TOML)::

    [endpoints.fast]
    base_url = "http://127.0.0.1:8901/v1"   # any OpenAI-compatible server
    model = "gpt-4o-mini"
    api_key_env = "OPENAI_API_KEY"          # the key's env var (the key never lands in the file)
    concurrency = 8                         # calls in flight at once
    price_in = 0.15                         # USD per million prompt tokens (optional)
    price_out = 0.60                        # USD per million completion tokens (optional)

Each endpoint model is registered as its own bot kind (``arena:NAME``) whose bot is the LLM
bot with that endpoint's settings, so one game can seat several models. When the server
grows named endpoints of its own (``server/llm/endpoints.py``), :func:`load_models` is the
function to point at them.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from server.bots.base import Plan, Turn
from server.bots.kinds import BotKind, register
from server.game import Decision
from server.game.view import SeatView

BUILTIN = "builtin"
ENDPOINTS_FILE = "endpoints.toml"


@dataclass(frozen=True)
class ModelSpec:
    """A model the arena can seat: its name, and for an endpoint how to reach it."""

    name: str
    base_url: str | None = None  # None: the built-in bot
    model: str = ""
    api_key_env: str | None = None
    concurrency: int = 8
    price_in: float | None = None  # USD per million prompt tokens
    price_out: float | None = None  # USD per million completion tokens

    @property
    def kind(self) -> str:
        return BUILTIN if self.base_url is None else f"arena:{self.name}"

    def public(self) -> dict[str, Any]:
        """What the run's plan keeps of it (the key's variable name, never the key)."""
        return asdict(self)

    def cost(self, tokens_in: int, tokens_out: int) -> float | None:
        if self.price_in is None and self.price_out is None:
            return None
        return (tokens_in * (self.price_in or 0) + tokens_out * (self.price_out or 0)) / 1e6


class ModelError(ValueError):
    """A model name or the endpoints file is wrong; the message says how."""


def endpoints_path(data_dir: Path, given: str | None = None) -> Path:
    return Path(given) if given else data_dir / ENDPOINTS_FILE


def read_endpoints(path: Path) -> dict[str, ModelSpec]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise ModelError(f"{path}: not valid TOML ({e})") from None
    out: dict[str, ModelSpec] = {}
    fields = set(ModelSpec.__dataclass_fields__) - {"name"}
    for name, entry in (data.get("endpoints") or {}).items():
        if not isinstance(entry, dict) or not entry.get("base_url") or not entry.get("model"):
            raise ModelError(f"{path}: endpoint {name!r} needs base_url and model")
        unknown = set(entry) - fields
        if unknown:
            raise ModelError(f"{path}: endpoint {name!r} has unknown keys {sorted(unknown)}")
        if not str(entry["base_url"]).startswith(("http://", "https://")):
            raise ModelError(f"{path}: endpoint {name!r}: base_url must start with http(s)://")
        try:
            out[name] = ModelSpec(name=name, **entry)
        except TypeError as e:
            raise ModelError(f"{path}: endpoint {name!r}: {e}") from None
    return out


def load_models(names: list[str], path: Path) -> list[ModelSpec]:
    """The named models, in order: ``builtin`` or an endpoint of the file at ``path``."""
    endpoints = read_endpoints(path)
    out = []
    for name in names:
        if name == BUILTIN:
            out.append(ModelSpec(BUILTIN))
        elif name in endpoints:
            out.append(endpoints[name])
        else:
            known = ", ".join([BUILTIN, *sorted(endpoints)])
            raise ModelError(f"unknown model {name!r} (known: {known}; endpoints from {path})")
    return out


def register_models(specs: list[ModelSpec]) -> None:
    """Make each endpoint model a bot kind the game can seat (``arena:NAME``)."""
    for spec in specs:
        if spec.base_url is not None:
            register(BotKind(spec.kind, decide=_decider(spec), close=_close))


def seat_bots(specs: dict[str, ModelSpec], seats: dict[int, str]) -> dict[int, str]:
    """A schedule row's seat -> model name, as the game's seat -> bot kind."""
    return {seat: specs[name].kind for seat, name in seats.items()}


def _decider(spec: ModelSpec):
    async def decide(view: SeatView, decision: Decision, turn: Turn) -> Plan:
        from server.llm.bot import llm_bot  # DSPy: imported on the first decision
        from server.llm.settings import LLMSettings

        key = os.environ.get(spec.api_key_env) if spec.api_key_env else None
        settings = LLMSettings(
            base_url=str(spec.base_url).rstrip("/"),
            model=spec.model,
            api_key=key or "not-needed",
            concurrency=spec.concurrency,
        )
        return await llm_bot(view, decision, turn, settings=settings)

    return decide


async def _close() -> None:
    """Close the model connections this event loop opened (if an LLM bot ever decided)."""
    bot = sys.modules.get("server.llm.bot")
    if bot is not None:
        await bot.close_models()


__all__ = [
    "BUILTIN",
    "ModelError",
    "ModelSpec",
    "endpoints_path",
    "load_models",
    "read_endpoints",
    "register_models",
    "seat_bots",
]
