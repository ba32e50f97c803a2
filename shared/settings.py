"""Every setting the game reads from the environment, in one typed object.

Each variable's name appears here once; nothing else reads ``os.environ`` for a setting.

``WEREWOLF_SERVER`` is the server the command talks to, ``WEREWOLF_DATA_DIR`` where a
server keeps its games, ``WEREWOLF_CLIENT_DIR`` where this machine keeps its seat tokens.
``WEREWOLF_LLM_BASE_URL``, ``WEREWOLF_LLM_API_KEY`` and ``WEREWOLF_LLM_MODEL`` name the LLM
bots' model (``OPENAI_BASE_URL`` and ``OPENAI_API_KEY`` are the fallbacks; ``WEREWOLF_LLM_ENDPOINTS`` is the
file of named endpoints, one model per seat; what is missing
or malformed among them is judged in ``server/llm/settings.py``). The LLM limits (timeouts,
retries, concurrency) are checked only when they are asked for, with :meth:`Settings.llm_limits`:
a typo there must not stop a game of built-in bots. So is the server's cap on what a
request may send (``WEREWOLF_MAX_BODY_BYTES``), with :meth:`Settings.input_limits`. The
server's limits (rates, caps, allowed hosts) are :class:`ServerLimits`, read by
:meth:`Settings.server_limits` when a server starts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from platformdirs import user_config_dir, user_data_dir
from pydantic import Field, PrivateAttr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_DIR = "werewolf-tui"


def _user_dir() -> Path:
    return Path(user_data_dir(APP_DIR, appauthor=False))


def _config_file(name: str) -> Path:
    return Path(user_config_dir(APP_DIR, appauthor=False)) / name


class BadVariable(ValueError):
    """An environment variable that does not parse; the message names it and says why."""


class _FromEnvironment(BaseSettings):
    """Variables read by their exact names; an empty one counts as unset."""

    model_config = SettingsConfigDict(
        case_sensitive=True,
        env_ignore_empty=True,
        str_strip_whitespace=True,
        extra="ignore",
        populate_by_name=True,
        frozen=True,
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        """Read from ``env`` if given (and from nothing else), else from the process environment."""
        if env is None:
            return cls()
        # Every field passed explicitly (given or default) leaves the process environment unread.
        given: dict[str, Any] = {}
        for field in cls.model_fields.values():
            name = str(field.validation_alias)
            given[name] = env.get(name) or field.get_default(call_default_factory=True)
        return cls(**given)


class LLMLimits(_FromEnvironment):
    """How long and how often the LLM bots' calls may run."""

    connect_timeout: float = Field(10.0, gt=0, validation_alias="WEREWOLF_LLM_CONNECT_TIMEOUT")
    token_timeout: float = Field(60.0, gt=0, validation_alias="WEREWOLF_LLM_TOKEN_TIMEOUT")
    call_timeout: float = Field(180.0, gt=0, validation_alias="WEREWOLF_LLM_CALL_TIMEOUT")
    retries: int = Field(3, ge=0, validation_alias="WEREWOLF_LLM_RETRIES")
    concurrency: int = Field(8, gt=0, validation_alias="WEREWOLF_LLM_CONCURRENCY")
    # The answer's own budget, and the headroom on top of it for a reasoning model's
    # thinking (DeepSeek-R1, Qwen3, QwQ think for hundreds to thousands of tokens first).
    max_tokens: int = Field(700, gt=0, validation_alias="WEREWOLF_LLM_MAX_TOKENS")
    reasoning_tokens: int = Field(4096, ge=0, validation_alias="WEREWOLF_LLM_REASONING_TOKENS")


class InputLimits(_FromEnvironment):
    """How much a request may send the server: a larger body is refused (413) unread."""

    max_body_bytes: int = Field(65536, gt=0, validation_alias="WEREWOLF_MAX_BODY_BYTES")


# A rate in the `limits` library's notation: "30/minute", "10 per second", several joined by
# ";" ("10/second;120/minute"), or "off". The server parses it with `limits`; this only
# makes a typo fail at start, naming the variable.
_ONE_RATE = r"\d+\s*(/|per)\s*(\d+\s*)?(second|minute|hour|day|month|year)s?"
RATE = re.compile(rf"^\s*(off|{_ONE_RATE}(\s*[;,|]\s*{_ONE_RATE})*)\s*$", re.IGNORECASE)


class ServerLimits(_FromEnvironment):
    """What one client may do and how much one server takes (docs/protocol.md, "Limits").

    A client is the peer address (for actions, the address and the bearer token). Rates
    are in the notation of the ``limits`` library; "off" lifts one. A cap of 0 lifts it.
    """

    create_rate: str = Field("30/minute", validation_alias="WEREWOLF_RATE_CREATE")
    join_rate: str = Field("30/minute", validation_alias="WEREWOLF_RATE_JOIN")
    action_rate: str = Field("300/minute", validation_alias="WEREWOLF_RATE_ACTIONS")
    # Requests naming a game that does not exist: codes are invitations, not to be guessed.
    miss_rate: str = Field("60/minute", validation_alias="WEREWOLF_RATE_MISSES")
    max_live_games: int = Field(200, ge=0, validation_alias="WEREWOLF_MAX_LIVE_GAMES")
    max_streams: int = Field(50, ge=0, validation_alias="WEREWOLF_MAX_STREAMS_PER_CLIENT")
    # How many events a stream may fall behind the log's durable head (once it has caught
    # up) before the server ends it; the client resumes by Last-Event-ID. 0: no cap.
    max_stream_lag: int = Field(2000, ge=0, validation_alias="WEREWOLF_MAX_STREAM_LAG")
    # Comma-separated; added to the defaults (loopback, the bind address, and, bound to
    # every interface, this machine's names and addresses). "*" turns the check off.
    allowed_hosts: str = Field("", validation_alias="WEREWOLF_ALLOWED_HOSTS")
    # Comma-separated origins (scheme://host[:port]) whose pages may POST; "*": any.
    allowed_origins: str = Field("", validation_alias="WEREWOLF_ALLOWED_ORIGINS")

    @field_validator("create_rate", "join_rate", "action_rate", "miss_rate")
    @classmethod
    def _a_rate(cls, value: str) -> str:
        if not RATE.match(value):
            raise ValueError('a rate such as "30/minute" or "10/second;120/minute", or "off"')
        return value

    def hosts(self) -> list[str]:
        return _items(self.allowed_hosts)

    def origins(self) -> list[str]:
        return _items(self.allowed_origins)


def _items(value: str) -> list[str]:
    return [x.strip() for x in value.split(",") if x.strip()]


class Settings(_FromEnvironment):
    server: str = Field("http://127.0.0.1:8765", validation_alias="WEREWOLF_SERVER")
    data_dir: Path = Field(default_factory=_user_dir, validation_alias="WEREWOLF_DATA_DIR")
    client_dir: Path = Field(default_factory=_user_dir, validation_alias="WEREWOLF_CLIENT_DIR")

    llm_base_url: str = Field("", validation_alias="WEREWOLF_LLM_BASE_URL")
    llm_api_key: str = Field("", validation_alias="WEREWOLF_LLM_API_KEY", repr=False)
    llm_model: str = Field("", validation_alias="WEREWOLF_LLM_MODEL")
    openai_base_url: str = Field("", validation_alias="OPENAI_BASE_URL")
    openai_api_key: str = Field("", validation_alias="OPENAI_API_KEY", repr=False)
    # The named model endpoints, one per seat if need be (server/llm/endpoints.py).
    llm_endpoints: Path = Field(
        default_factory=lambda: _config_file("endpoints.toml"),
        validation_alias="WEREWOLF_LLM_ENDPOINTS",
    )

    _env: Mapping[str, str] | None = PrivateAttr(default=None)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        settings = super().from_env(env)
        settings._env = env
        return settings

    def llm_limits(self) -> LLMLimits:
        """The LLM limits from the same environment, or :class:`BadVariable` saying what is wrong."""
        try:
            return LLMLimits.from_env(self._env)
        except ValidationError as e:
            raise BadVariable(_explain(e)) from None

    def input_limits(self) -> InputLimits:
        """The server's input limits from the same environment, or :class:`BadVariable`."""
        try:
            return InputLimits.from_env(self._env)
        except ValidationError as e:
            raise BadVariable(_explain(e)) from None

    def server_limits(self) -> ServerLimits:
        """The server's limits from the same environment, or :class:`BadVariable`."""
        try:
            return ServerLimits.from_env(self._env)
        except ValidationError as e:
            raise BadVariable(_explain(e)) from None


def _explain(error: ValidationError) -> str:
    """The first problem, in a sentence that names the variable."""
    first = error.errors()[0]
    name, raw, bounds = first["loc"][0], first["input"], first.get("ctx", {})
    if "gt" in bounds:
        return f"{name} must be more than {bounds['gt']:g}, got {raw}"
    if "ge" in bounds:
        return f"{name} must be at least {bounds['ge']:g}, got {raw}"
    if first["type"] == "value_error":
        return f"{name}={raw!r}: {bounds.get('error', first['msg'])}"
    return f"{name}={raw!r} is not a number"
