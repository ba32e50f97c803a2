"""``werewolf doctor``: is the configured model reachable, and does it answer in our format?

Each check prints one line, ✓ or ✗, and a ✗ says plainly what is wrong and what to
try. The checks stop at the first failure that makes the next ones meaningless.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import openai

from shared.text import clean

from .endpoints import DEFAULT, endpoint_settings
from .settings import LLMSettings, SettingsError


def _why(e: Exception, s: LLMSettings) -> str:
    if isinstance(e, openai.AuthenticationError):
        return "the server refused the API key (401): set WEREWOLF_LLM_API_KEY"
    if isinstance(e, openai.NotFoundError):
        return (
            f"the server has no model {s.model!r} or no chat endpoint at {s.display_url} "
            "(404): check WEREWOLF_LLM_MODEL, and that the base URL ends in /v1"
        )
    if isinstance(e, openai.RateLimitError):
        return "rate limited (429): the key works but has no quota left right now"
    if isinstance(e, openai.APIStatusError):
        return f"the server answered {e.status_code}: {e.message}"
    if isinstance(e, openai.APITimeoutError | httpx.TimeoutException):
        return f"no answer within {s.connect_timeout:g} s: is {s.display_url} the right address?"
    if isinstance(e, openai.APIConnectionError | httpx.TransportError):
        return f"cannot connect to {s.display_url}: is the server running, and the URL right?"
    return f"{type(e).__name__}: {e}"


def _client(s: LLMSettings) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        base_url=s.base_url,
        api_key=s.api_key,
        max_retries=0,
        timeout=openai.Timeout(30, connect=s.connect_timeout),
    )


async def probe(client: openai.AsyncOpenAI, s: LLMSettings) -> tuple[str | None, float, float]:
    """One tiny streamed call: (what is wrong or None, seconds to first token, in all)."""
    from dspy.lm15 import Config

    from .stream import _sampling

    t0 = time.monotonic()
    first = None
    try:
        stream = await client.chat.completions.create(
            model=s.model,
            stream=True,
            **_sampling(s.model, Config(max_tokens=8), s),
            messages=[{"role": "user", "content": "Reply with the word OK."}],
        )
        async for chunk in stream:
            for c in chunk.choices:
                if c.delta and c.delta.content and first is None:
                    first = time.monotonic() - t0
    except Exception as e:  # noqa: BLE001 - every failure gets its plain reason
        return _why(e, s), 0.0, 0.0
    if first is None:
        return "the stream carried no text", 0.0, 0.0
    return None, first, time.monotonic() - t0


async def preflight(env=None, endpoint: str = DEFAULT) -> str | None:
    """Before a game with LLM bots: can the model answer at all? None, or what is wrong."""
    try:
        s = endpoint_settings(endpoint, env)
    except SettingsError as e:
        return str(e)
    client = _client(s)
    try:
        problem, _, _ = await probe(client, s)
    finally:
        await client.close()
    return f"{s.describe()}: {problem}" if problem else None


def _cleaned(out: Callable[[str], None]) -> Callable[[str], None]:
    return lambda line: out(clean(line))


async def check(out: Callable[[str], None] = print, env=None) -> bool:
    """Run every check; True when LLM bots can play."""
    out = _cleaned(out)  # the endpoint's words (errors, model names) reach the terminal
    try:
        s = LLMSettings.from_env(env)
    except SettingsError as e:
        out(f"✗ settings: {e}")
        return False
    out(f"✓ settings: {s.describe()}")
    client = _client(s)
    try:
        try:
            models = [m.id async for m in client.models.list()]
        except openai.NotFoundError:
            out("· models: the server does not list models (fine for some servers)")
        except Exception as e:  # noqa: BLE001 - every failure gets its plain reason
            out(f"✗ models: {_why(e, s)}")
            return False
        else:
            if s.model in models:
                out(f"✓ models: {s.model} is served")
            else:
                listed = ", ".join(models[:8]) + (" …" if len(models) > 8 else "")
                out(f"✗ models: the server does not list {s.model!r}; it lists: {listed or 'none'}")
                return False
        problem, first, total = await probe(client, s)
        if problem:
            out(f"✗ streaming: {problem}")
            return False
        out(f"✓ streaming: first token after {first:.2f} s, {total:.2f} s in all")
    finally:
        await client.close()
    return await _format_check(s, out)


async def _format_check(s: LLMSettings, out: Callable[[str], None]) -> bool:
    """One real bot decision: does the model keep DSPy's field format and a legal target?"""
    import random

    from server.bots.base import Turn
    from server.game import GameConfig, new_game, pending
    from server.game.view import seat_view
    from server.typewriter import Typewriter

    from .bot import llm_bot
    from .calls import MemoryCallLog

    state = new_game(GameConfig(players=9, seed=1)).state
    d = next(x for x in pending(state) if x.action == "wolf_chat")
    log = MemoryCallLog()
    turn = Turn(random.Random(0), Typewriter(lambda _e: None, 0), record=log.add)
    plan = await llm_bot(seat_view(state, d.seat), d, turn, settings=s)
    last = log.records[-1] if log.records else None
    if plan.fallback:
        out(
            f"✗ a bot decision: the model's answer was unusable ({last.error if last else '?'}); "
            "a stronger or instruction-tuned model may be needed"
        )
        return False
    tokens = f"{last.tokens_in} tokens in, {last.tokens_out} out" if last else ""
    out(f"✓ a bot decision: a wolf spoke ({tokens})")
    return True


async def _checked(env=None) -> bool:
    from server.bots import close_bots

    try:
        return await check(env=env)
    finally:
        await close_bots()


def main(env=None) -> int:
    return 0 if asyncio.run(_checked(env)) else 1
