"""Where the LLM bots' model lives, judged from the shared settings; checked by ``werewolf doctor``.

``WEREWOLF_LLM_BASE_URL``, ``WEREWOLF_LLM_API_KEY`` and ``WEREWOLF_LLM_MODEL`` name any
OpenAI-compatible server (OpenAI, DeepSeek, vLLM, Ollama, llama.cpp's server);
``OPENAI_BASE_URL`` and ``OPENAI_API_KEY`` are the fallbacks. The knobs below them bound
each call: how long to wait for a connection, how long between two tokens, how many
retries before the first token, and how many calls the whole server runs at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from shared.settings import BadVariable, Settings

OPENAI_URL = "https://api.openai.com/v1"


class SettingsError(ValueError):
    """The LLM settings are missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class LLMSettings:
    base_url: str
    model: str
    api_key: str = "not-needed"  # local servers (Ollama, llama.cpp) take any key
    connect_timeout: float = 10.0
    token_timeout: float = 60.0  # the longest wait for the next token (the first included)
    retries: int = 3  # on 429, 5xx and refused connections, before the first token only
    backoff: float = 0.5  # seconds before the first retry, doubling each time
    call_timeout: float = 180.0  # the longest one call may take, however it trickles
    concurrency: int = 8  # calls in flight at once, per server process
    temperature: float = 0.8
    max_tokens: int = 700  # the answer's budget
    reasoning_tokens: int = 4096  # headroom for a reasoning model's thinking, on top
    name: str = "default"  # the endpoint's name (server/llm/endpoints.py)
    key_source: str = ""  # the variable the key came from ("" when none was set)
    price_in: float | None = None  # per million prompt tokens, if known
    price_out: float | None = None

    @classmethod
    def limits_from_env(cls, env: Mapping[str, str] | None = None) -> LLMSettings:
        """The environment's limits and budgets on a placeholder endpoint (for a named one)."""
        try:
            limits = Settings.from_env(env).llm_limits()
        except BadVariable as e:
            raise SettingsError(str(e)) from None
        return cls(
            base_url="http://unset",
            model="unset",
            connect_timeout=limits.connect_timeout,
            token_timeout=limits.token_timeout,
            call_timeout=limits.call_timeout,
            retries=limits.retries,
            concurrency=limits.concurrency,
            max_tokens=limits.max_tokens,
            reasoning_tokens=limits.reasoning_tokens,
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LLMSettings:
        """The settings, or :class:`SettingsError` saying plainly what is missing."""
        env_settings = Settings.from_env(env)
        model = env_settings.llm_model
        own_base = env_settings.llm_base_url
        base = own_base or env_settings.openai_base_url
        key = env_settings.llm_api_key
        source = "WEREWOLF_LLM_API_KEY" if key else ""
        if not key and not own_base:  # an OpenAI key goes only where OpenAI's settings point
            key = env_settings.openai_api_key
            source = "OPENAI_API_KEY" if key else ""
        if not model:
            raise SettingsError(
                "no model configured: set WEREWOLF_LLM_MODEL (e.g. gpt-4o-mini, deepseek-chat, "
                "qwen2.5:7b) and WEREWOLF_LLM_BASE_URL for a server other than OpenAI's"
            )
        if not base:
            if not key:
                raise SettingsError(
                    "no endpoint configured: set WEREWOLF_LLM_BASE_URL (e.g. "
                    "http://localhost:11434/v1 for Ollama) or OPENAI_API_KEY for OpenAI"
                )
            base = OPENAI_URL
        if not base.startswith(("http://", "https://")):
            raise SettingsError(
                f"WEREWOLF_LLM_BASE_URL={base!r} must start with http:// or https://"
            )
        return cls.limits_from_env(env).with_(
            base_url=base.rstrip("/"), model=model, api_key=key or "not-needed", key_source=source
        )

    @classmethod
    def configured(cls, env: Mapping[str, str] | None = None) -> bool:
        try:
            cls.from_env(env)
        except SettingsError:
            return False
        return True

    def with_(self, **changes) -> LLMSettings:
        return replace(self, **changes)

    def describe(self) -> str:
        """One line for logs and ``doctor``; never the key."""
        return f"{self.model} at {self.display_url} ({self.key_hint})"

    @property
    def key_hint(self) -> str:
        """The key as it may be shown: its last 4 characters, and only from a key long
        enough that they are not most of it (a short key is never shown at all)."""
        if self.api_key == "not-needed":
            return "no key"
        where = f" from {self.key_source}" if self.key_source else ""
        if len(self.api_key) < 8:
            return f"a {len(self.api_key)}-character key{where}"
        return f"key …{self.api_key[-4:]}{where}"

    @property
    def display_url(self) -> str:
        """The base URL without any user:password in it."""
        return re.sub(r"//[^/@]*@", "//", self.base_url)
