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
    max_tokens: int = 700

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LLMSettings:
        """The settings, or :class:`SettingsError` saying plainly what is missing."""
        env_settings = Settings.from_env(env)
        model = env_settings.llm_model
        own_base = env_settings.llm_base_url
        base = own_base or env_settings.openai_base_url
        key = env_settings.llm_api_key
        if not key and not own_base:  # an OpenAI key goes only where OpenAI's settings point
            key = env_settings.openai_api_key
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
        try:
            limits = env_settings.llm_limits()
        except BadVariable as e:
            raise SettingsError(str(e)) from None
        return cls(
            base_url=base.rstrip("/"),
            model=model,
            api_key=key or "not-needed",
            connect_timeout=limits.connect_timeout,
            token_timeout=limits.token_timeout,
            call_timeout=limits.call_timeout,
            retries=limits.retries,
            concurrency=limits.concurrency,
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
        key = "no key" if self.api_key == "not-needed" else f"key …{self.api_key[-4:]}"
        return f"{self.model} at {self.display_url} ({key})"

    @property
    def display_url(self) -> str:
        """The base URL without any user:password in it."""
        return re.sub(r"//[^/@]*@", "//", self.base_url)
