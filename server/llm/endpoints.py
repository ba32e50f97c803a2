"""Named model endpoints: which model each LLM seat plays with, read from one TOML file.

A table can seat different models (model against model): each is a named endpoint in
the endpoints file, and a seat picks one with the bot kind ``llm:NAME`` (``seat_bots``,
``--seat-model N=NAME``). The file's path is ``WEREWOLF_LLM_ENDPOINTS``, by default
``endpoints.toml`` in the user config dir (see :func:`endpoints_path`)::

    [endpoints.qwen]
    base_url = "http://localhost:11434/v1"
    model = "qwen3:8b"
    api_key_env = "OLLAMA_API_KEY"   # the variable holding the key (absent: no key)
    max_in_flight = 1                # requests at once (llama-cpp-python's server: 1)
    price_in = 0.0                   # optional, per million prompt tokens
    price_out = 0.0                  # optional, per million completion tokens
    max_tokens = 700                 # optional: the answer's budget
    reasoning_tokens = 4096          # optional: headroom for a reasoning model's thinking

The server's own model (``WEREWOLF_LLM_*``, the plain ``llm`` kind) is the endpoint
``default``; a file may not redefine it. The key itself never goes in the file, only the
name of the variable that holds it, so the file can be shared.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.settings import Settings

from .settings import LLMSettings, SettingsError

DEFAULT = "default"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


class EndpointsError(SettingsError):
    """The endpoints file is malformed or names an endpoint badly; says which and where."""


class _Entry(BaseModel):
    """One ``[endpoints.NAME]`` table, as written."""

    model_config = ConfigDict(extra="forbid", strict=True)

    base_url: str = Field(pattern=r"^https?://")
    model: str = Field(min_length=1)
    api_key_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    max_in_flight: int = Field(default=8, gt=0, le=256)
    price_in: float | None = Field(default=None, ge=0)
    price_out: float | None = Field(default=None, ge=0)
    max_tokens: int | None = Field(default=None, gt=0)
    reasoning_tokens: int | None = Field(default=None, ge=0)


@dataclass(frozen=True)
class Endpoint:
    """A named model: where it is, which variable holds its key, how many calls at once."""

    name: str
    base_url: str
    model: str
    api_key_env: str | None = None
    max_in_flight: int = 8
    price_in: float | None = None  # per million prompt tokens
    price_out: float | None = None  # per million completion tokens
    max_tokens: int | None = None
    reasoning_tokens: int | None = None

    def settings(self, env: Mapping[str, str] | None = None) -> LLMSettings:
        """The call settings for this endpoint: its own address, model, key and limits,
        with the timeouts and budgets of the environment where it names none."""
        import os

        source = os.environ if env is None else env
        key = source.get(self.api_key_env, "") if self.api_key_env else ""
        if self.api_key_env and not key:
            raise SettingsError(f"endpoint {self.name!r}: no key: {self.api_key_env} is not set")
        base = LLMSettings.limits_from_env(env)
        return base.with_(
            name=self.name,
            base_url=self.base_url.rstrip("/"),
            model=self.model,
            api_key=key or "not-needed",
            key_source=self.api_key_env or "",
            concurrency=self.max_in_flight,
            price_in=self.price_in,
            price_out=self.price_out,
            **({"max_tokens": self.max_tokens} if self.max_tokens else {}),
            **(
                {"reasoning_tokens": self.reasoning_tokens}
                if self.reasoning_tokens is not None
                else {}
            ),
        )


def endpoints_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the endpoints file is read from (it need not exist)."""
    return Settings.from_env(env).llm_endpoints


def load_endpoints(
    env: Mapping[str, str] | None = None, path: Path | None = None
) -> dict[str, Endpoint]:
    """Every named endpoint in the file (none if there is no file), or :class:`EndpointsError`."""
    path = path or endpoints_path(env)
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise EndpointsError(f"{path}: not a readable TOML file ({e})") from None
    tables = data.get("endpoints", {})
    if not isinstance(tables, dict):
        raise EndpointsError(f"{path}: `endpoints` must be a table of [endpoints.NAME] tables")
    out: dict[str, Endpoint] = {}
    for name, raw in tables.items():
        if not NAME.match(name):
            raise EndpointsError(
                f"{path}: endpoint name {name!r}: letters, digits, '_', '.', '-', at most 40"
            )
        if name == DEFAULT:
            raise EndpointsError(
                f"{path}: {DEFAULT!r} is the server's own model (WEREWOLF_LLM_*): pick another name"
            )
        if not isinstance(raw, dict):
            raise EndpointsError(f"{path}: [endpoints.{name}] must be a table")
        try:
            entry = _Entry.model_validate(raw)
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(x) for x in first["loc"]) or "?"
            raise EndpointsError(f"{path}: [endpoints.{name}] {where}: {first['msg']}") from None
        out[name] = Endpoint(name=name, **entry.model_dump())
    return out


def endpoint_settings(name: str, env: Mapping[str, str] | None = None) -> LLMSettings:
    """The call settings of endpoint ``name`` (``default``: the ``WEREWOLF_LLM_*`` model)."""
    if name == DEFAULT:
        return LLMSettings.from_env(env)
    endpoints = load_endpoints(env)
    if name not in endpoints:
        known = ", ".join(sorted(endpoints)) or "none"
        raise SettingsError(f"no endpoint {name!r} in {endpoints_path(env)} (named there: {known})")
    return endpoints[name].settings(env)
