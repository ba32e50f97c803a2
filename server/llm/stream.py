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
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import httpx
import openai
from dspy.lm15 import Message, Response, TextPart, Usage

from .fields import FieldSplitter, ThinkFilter
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
    raw: str = ""  # the content as received (think blocks included), even from a failed call
    thinking: str = ""  # what the server streamed as reasoning (reasoning_content)
    tokens_in: int = 0
    tokens_out: int = 0
    estimated: bool = False  # the server sent no usage: the tokens are estimates
    ttft: float | None = None  # seconds to the first token (thinking included)
    total: float = 0.0
    retries: int = 0  # attempts refused before the first token (429, 5xx, refused, cut)
    finish: str | None = None  # the finish reason; "cap" when the game stopped the stream


@dataclass
class CallScope:
    """The decision a call belongs to: where its tokens go and where its costs are kept."""

    on_token: Callable[[str, str], None] = lambda _field, _text: None
    attempt: Attempt | None = None  # set by the engine when the call starts
    fields: Sequence[str] = ()  # the program's output fields, in order (for the splitter)
    enough: Callable[[], bool] = lambda: False  # True: stop streaming (a speech at its cap)


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


def budget(s: LLMSettings) -> int:
    """The tokens one call may use: the answer's budget and the reasoning headroom (a
    reasoning model counts its thinking against ``max_tokens`` too)."""
    return s.max_tokens + s.reasoning_tokens


def _sampling(model: str, config, s: LLMSettings) -> dict:
    """Temperature and length: OpenAI's reasoning models take neither temperature nor
    ``max_tokens`` (they count their hidden reasoning in ``max_completion_tokens``)."""
    tokens = config.max_tokens or budget(s)
    if _REASONING_MODEL.match(model):
        return {"max_completion_tokens": tokens}
    temperature = config.temperature if config.temperature is not None else s.temperature
    return {"temperature": temperature, "max_tokens": tokens}


def estimate_tokens(text: str) -> int:
    """A tokenizer's count, guessed when a server sends no usage: about 3.5 characters a
    token in English (chars/4 ran 15-20% low on a llama-family tokenizer), about one a
    token for Chinese characters."""
    wide = sum(1 for c in text if ord(c) > 0x2E7F)
    return round((len(text) - wide) / 3.5 + wide)


_WIND_DOWN = 1.0  # seconds a closed stream may take to end (it ends at its next read)


async def _wind_down(chunks: AsyncIterator[object]) -> None:
    """Run a stream to its end, here, once its response is closed.

    The SDK's stream is a chain of async generators (openai's, then httpx's and httpcore's
    under it), and ``AsyncStream.close()`` closes only the response: a stream left early (a
    speech at its cap) kept the whole chain suspended, in a cycle (the stream holds its
    generator, the generator holds the stream) that only the cyclic collector frees,
    whenever it runs, in whichever thread (the scripted server's, in the tests), maybe after
    this loop has closed; the generators, closing one another from there, reported
    "async generator already executing". Read on instead: the closed response fails at its
    next read, and every generator passes the error up, finishing on the way, on this loop.
    What had arrived before that (a network read at most) is parsed and dropped, never
    heard. A stream that ended already ends at once.
    """
    try:
        async with asyncio.timeout(_WIND_DOWN):  # a timeout unwinds the chain all the same
            async for _ in chunks:
                pass
    except Exception:  # the closed response's error (or the timeout): the answer is settled
        pass


class _CutBeforeFirstToken(Exception):
    """The stream ended before any token (llama-cpp-python's server does this to a running
    stream when the next request arrives): as good as a refused connection, retried."""


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
                text = await self._with_retries(request, attempt, scope, started)
        except TimeoutError as e:
            raise CallFailed(
                f"took longer than {self.settings.call_timeout:g} s (WEREWOLF_LLM_CALL_TIMEOUT)"
            ) from e
        finally:
            attempt.total = time.monotonic() - started
            if not attempt.tokens_in:  # no usage from the server (or the call failed)
                attempt.estimated = True
                attempt.tokens_in = estimate_tokens("".join(m["content"] for m in attempt.prompt))
                attempt.tokens_out = estimate_tokens(attempt.raw + attempt.thinking)
        return Response(
            id=None,
            model=self.settings.model,
            message=Message.assistant([TextPart(text)]),
            finish_reason="stop",
            usage=Usage(input_tokens=attempt.tokens_in, output_tokens=attempt.tokens_out),
        )

    async def _with_retries(
        self, request, attempt: Attempt, scope: CallScope, started: float
    ) -> str:
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
                raise CallFailed(
                    f"stalled: no answer within {s.token_timeout:g} s (WEREWOLF_LLM_TOKEN_TIMEOUT)"
                ) from e
            except (openai.APIConnectionError, httpx.TransportError) as e:
                if attempt.retries >= s.retries:
                    raise CallFailed("cannot reach the model server", type(e).__name__) from e
                wait = delay
            except _CutBeforeFirstToken as e:
                if attempt.retries >= s.retries:
                    raise CallFailed(
                        "the stream ended before its first token, every try "
                        "(a server that cuts a running stream for the next request: "
                        "set max_in_flight = 1 for it)"
                    ) from e
                wait = delay
            attempt.retries += 1
            await asyncio.sleep(wait)
            delay *= 2

    async def _once(self, request, attempt: Attempt, scope: CallScope, started: float) -> str:
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
        thought: list[str] = []
        splitter = FieldSplitter(scope.on_token, scope.fields)

        def think(text: str) -> None:
            scope.on_token("reasoning", text)

        content = ThinkFilter(splitter.feed, think)
        finish = None
        chunks = aiter(stream)  # ours, to run to its end however the loop below is left
        try:
            async for chunk in chunks:
                if chunk.usage is not None:
                    attempt.tokens_in = chunk.usage.prompt_tokens or 0
                    attempt.tokens_out = chunk.usage.completion_tokens or 0
                for choice in chunk.choices:
                    delta = choice.delta
                    # DeepSeek and vLLM: ``reasoning_content``; OpenRouter, Ollama: ``reasoning``.
                    reasoning = delta and (
                        getattr(delta, "reasoning_content", None)
                        or getattr(delta, "reasoning", None)
                    )
                    text = delta.content if delta else None
                    if (reasoning or text) and attempt.ttft is None:
                        attempt.ttft = time.monotonic() - started
                    if isinstance(reasoning, str) and reasoning:
                        thought.append(reasoning)
                        think(reasoning)
                    if text:
                        parts.append(text)
                        content.feed(text)
                    if choice.finish_reason:
                        finish = choice.finish_reason
                if scope.enough():  # a speech at its cap: the rest would never be heard
                    finish = "cap"
                    break
        except (httpx.TimeoutException, openai.APITimeoutError) as e:
            raise CallFailed(
                f"stalled: no token for {s.token_timeout:g} s (WEREWOLF_LLM_TOKEN_TIMEOUT)"
            ) from e
        except (httpx.TransportError, openai.APIConnectionError) as e:
            raise CallFailed(f"disconnected mid-stream ({type(e).__name__})") from e
        except json.JSONDecodeError as e:  # the SDK passes a broken chunk's error on raw
            raise CallFailed("malformed chunk in the stream") from e
        except openai.APIError as e:
            raise CallFailed("error in the stream", str(e)[:300]) from e
        finally:
            attempt.raw, attempt.thinking = "".join(parts), "".join(thought)
            attempt.finish = finish
            await stream.close()  # a stream left early is cancelled: the server stops too
            await _wind_down(chunks)
        if finish is None:
            if not parts and not thought:
                raise _CutBeforeFirstToken()
            raise CallFailed("the stream ended without a finish reason (truncated)")
        content.close()
        splitter.close()
        # "length": what came may still hold every field (or a speech that stands as cut).
        return attempt.raw


class NoSyncEngine:
    """``dspy.LM`` wants a synchronous engine too; the bots only ever call ``acall``."""

    def complete(self, request):
        raise RuntimeError("the werewolf LLM bots call the model asynchronously (acall)")

    def stream(self, request):
        raise RuntimeError("the werewolf LLM bots call the model asynchronously (acall)")

    def close(self) -> None:
        pass
