"""The bots' connection to the model: the openai SDK, streaming, behind DSPy's engine contract.

DSPy formats each program's prompt and parses the answer; this engine makes the call.
It is ours rather than DSPy's own because the game needs what a generic engine cannot
know: every token goes to the game's stream the moment it arrives (split into fields,
so the private reasoning and the public speech go to different audiences), retries
happen only before the first token (a retry after it would speak the same speech
twice), and every attempt is timed and counted for ``werewolf inspect``.

DSPy's own retries are off (``num_retries=0``): this module owns the one retry loop.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import httpx
import openai
from dspy.lm15 import Message, Response, TextPart, Usage

from .fields import FieldSplitter
from .settings import LLMSettings

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam


class CallFailed(Exception):
    """A model call that produced no usable answer.

    ``cause`` says why in a few plain words, safe to show the whole table (no model
    text, no server address); ``detail`` adds what a developer needs, for the record.
    """

    def __init__(self, cause: str, detail: str = "") -> None:
        super().__init__(cause)
        self.cause = cause
        self.detail = f"{cause}: {detail}" if detail else cause


@dataclass
class Attempt:
    """What one call to the model cost and produced (one row of ``werewolf inspect``)."""

    prompt: list[dict[str, str]] = field(default_factory=list)
    raw: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    ttft: float | None = None  # seconds to the first token
    total: float = 0.0
    retries: int = 0  # attempts refused before the first token (429, 5xx, refused)


@dataclass
class CallScope:
    """The decision a call belongs to: where its tokens go and where its costs are kept."""

    on_token: Callable[[str, str], None] = lambda _field, _text: None
    attempt: Attempt | None = None  # set by the engine when the call starts


CURRENT: contextvars.ContextVar[CallScope | None] = contextvars.ContextVar("llm_call", default=None)


def _messages(request) -> list[dict[str, str]]:
    out = []
    if request.system:
        system = (
            request.system
            if isinstance(request.system, str)
            else "".join(getattr(p, "text", "") for p in request.system)
        )
        out.append({"role": "system", "content": system})
    out.extend({"role": m.role, "content": m.text or ""} for m in request.messages)
    return out


def _retry_after(error: Exception) -> float | None:
    response = getattr(error, "response", None)
    if response is None:
        return None
    try:
        return float(response.headers.get("retry-after", ""))
    except ValueError:
        return None


def _refusal(error: openai.APIStatusError) -> CallFailed:
    status = error.status_code
    cause = {
        401: "the server refused the API key (401)",
        404: "the server does not know this model or path (404)",
        429: "rate limited (429) after every retry",
    }.get(status, f"server error ({status})" if status >= 500 else f"request refused ({status})")
    return CallFailed(cause, str(error.message)[:300])


_REASONING_MODEL = re.compile(r"^(?:.*/)?(?:o\d|gpt-5)", re.I)


def _sampling(model: str, config, s: LLMSettings) -> dict:
    """Temperature and length: OpenAI's reasoning models take neither temperature nor
    ``max_tokens`` (they count their hidden reasoning in ``max_completion_tokens``)."""
    if _REASONING_MODEL.match(model):
        return {"max_completion_tokens": max(config.max_tokens or 0, s.max_tokens * 8)}
    temperature = config.temperature if config.temperature is not None else s.temperature
    return {"temperature": temperature, "max_tokens": config.max_tokens or s.max_tokens}


class OpenAIEngine:
    """DSPy's async engine contract over ``openai.AsyncOpenAI`` with ``stream=True``."""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self.usage_in_stream = True  # off for servers that refuse ``stream_options``
        self.client = openai.AsyncOpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key,
            max_retries=0,
            timeout=openai.Timeout(settings.token_timeout, connect=settings.connect_timeout),
        )

    async def aclose(self) -> None:
        await self.client.close()

    def stream(self, request):  # DSPy's streamify is not used: tokens go out in complete()
        raise NotImplementedError("OpenAIEngine streams through CallScope.on_token")

    async def complete(self, request) -> Response:
        scope = CURRENT.get() or CallScope()
        attempt = Attempt(prompt=_messages(request))
        scope.attempt = attempt
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.settings.call_timeout):
                text, usage = await self._with_retries(request, attempt, scope, started)
        except TimeoutError as e:
            raise CallFailed(f"took longer than {self.settings.call_timeout:g} s") from e
        finally:
            attempt.total = time.monotonic() - started
        attempt.raw = text
        attempt.tokens_in, attempt.tokens_out = usage
        return Response(
            id=None,
            model=self.settings.model,
            message=Message.assistant([TextPart(text)]),
            finish_reason="stop",
            usage=Usage(input_tokens=usage[0], output_tokens=usage[1]),
        )

    async def _with_retries(
        self, request, attempt: Attempt, scope: CallScope, started: float
    ) -> tuple[str, tuple[int, int]]:
        s = self.settings
        delay = s.backoff
        while True:
            try:
                return await self._once(request, attempt, scope, started)
            except CallFailed:
                raise
            except openai.BadRequestError as e:
                if self.usage_in_stream and "stream_options" in str(e):
                    # An older server that refuses the usage option: ask again without it
                    # (the engine then estimates the tokens).
                    self.usage_in_stream = False
                    continue
                raise _refusal(e) from e
            except openai.APIStatusError as e:
                retryable = e.status_code == 429 or e.status_code >= 500
                if not retryable or attempt.retries >= s.retries:
                    raise _refusal(e) from e
                wait = max(delay, min(_retry_after(e) or 0, 10.0))
            except (openai.APITimeoutError, httpx.TimeoutException) as e:
                # A server too slow to answer at all: asking again would only wait again.
                raise CallFailed(f"stalled: no answer within {s.token_timeout:g} s") from e
            except (openai.APIConnectionError, httpx.TransportError) as e:
                if attempt.retries >= s.retries:
                    raise CallFailed("cannot reach the model server", type(e).__name__) from e
                wait = delay
            attempt.retries += 1
            await asyncio.sleep(wait)
            delay *= 2

    async def _once(
        self, request, attempt: Attempt, scope: CallScope, started: float
    ) -> tuple[str, tuple[int, int]]:
        s = self.settings
        config = request.config
        stream = await self.client.chat.completions.create(
            model=s.model,
            messages=cast("list[ChatCompletionMessageParam]", attempt.prompt),
            stream=True,
            **({"stream_options": {"include_usage": True}} if self.usage_in_stream else {}),
            **_sampling(s.model, config, s),
        )
        parts: list[str] = []
        splitter = FieldSplitter(scope.on_token)
        finish = None
        usage = (0, 0)
        try:
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = (chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
                for choice in chunk.choices:
                    text = choice.delta.content if choice.delta else None
                    if text:
                        if attempt.ttft is None:
                            attempt.ttft = time.monotonic() - started
                        parts.append(text)
                        splitter.feed(text)
                    if choice.finish_reason:
                        finish = choice.finish_reason
        except (httpx.TimeoutException, openai.APITimeoutError) as e:
            raise CallFailed(f"stalled: no token for {s.token_timeout:g} s") from e
        except (httpx.TransportError, openai.APIConnectionError) as e:
            raise CallFailed(f"disconnected mid-stream ({type(e).__name__})") from e
        except json.JSONDecodeError as e:  # the SDK passes a broken chunk's error on raw
            raise CallFailed("malformed chunk in the stream") from e
        except openai.APIError as e:
            raise CallFailed("error in the stream", str(e)[:300]) from e
        finally:
            await stream.close()
        text = "".join(parts)
        if finish is None:
            raise CallFailed("the stream ended without a finish reason (truncated)")
        splitter.close()
        if finish == "length":
            raise CallFailed("the answer hit the token limit before it was complete")
        if not usage[0]:  # a server that reports no usage: estimate (about 4 characters a token)
            usage = (sum(len(m["content"]) for m in attempt.prompt) // 4, len(text) // 4)
        return text, usage


class NoSyncEngine:
    """``dspy.LM`` wants a synchronous engine too; the bots only ever call ``acall``."""

    def complete(self, request):
        raise RuntimeError("the werewolf LLM bots call the model asynchronously (acall)")

    def stream(self, request):
        raise RuntimeError("the werewolf LLM bots call the model asynchronously (acall)")

    def close(self) -> None:
        pass
