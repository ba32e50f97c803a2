"""``werewolf doctor``: is each model reachable, and does it answer in our format?

It checks the server's own model (``WEREWOLF_LLM_*``) if one is set, then every named
endpoint of the endpoints file (server/llm/endpoints.py). Each check prints one line, ✓, ·
or ✗, and a ✗ says plainly what is wrong and what to try: which timeout expired (by its
variable), a key refused apart from no key at all (a key shown only as its last 4
characters), a reasoning model seen thinking, whether the server serves two streamed
calls at once, queues them or cuts the first (and the ``max_in_flight`` to set), and a
model too weak to keep the answer format. The checks of one endpoint stop at the first
failure that makes the next ones meaningless.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import openai

from shared.text import clean

from .endpoints import DEFAULT, EndpointsError, endpoint_settings, endpoints_path, load_endpoints
from .settings import LLMSettings, SettingsError

PROBE_DECISIONS = ("wolf_chat", "check", "vote", "speak")  # one of each kind of answer


def _connect_timed_out(e: BaseException) -> bool:
    """Did ``e`` come of a connection that was never made in time? The SDK raises its
    ``APITimeoutError`` for a connect timeout and a read timeout alike, from its transport's
    own error: a ``ConnectTimeout`` of httpx2 (which openai 3.x speaks), or of httpx. Known
    by its name, whichever library raised it: ``httpx.ConnectTimeout`` alone matched
    nothing once the SDK moved to httpx2, and a connection that never came was told as
    "connected, but no token"."""
    seen: BaseException | None = e
    for _ in range(8):  # (a chain of causes is short; a loop in one is not followed)
        if seen is None:
            return False
        if type(seen).__name__ == "ConnectTimeout":
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _why(e: Exception, s: LLMSettings) -> str:
    if isinstance(e, openai.AuthenticationError):
        if s.api_key == "not-needed":
            var = "WEREWOLF_LLM_API_KEY" if s.name == DEFAULT else "api_key_env"
            return f"no key: the server wants one (401): set {var} for {s.name!r}"
        return f"key refused (401): the server refused the key it was sent ({s.key_hint})"
    if isinstance(e, openai.NotFoundError):
        return (
            f"the server has no model {s.model!r} or no chat endpoint at {s.display_url} "
            "(404): check the model's name, and that the base URL ends in /v1"
        )
    if isinstance(e, openai.RateLimitError):
        return "rate limited (429): the key works but has no quota left right now"
    if isinstance(e, openai.APIStatusError):
        return f"the server answered {e.status_code}: {e.message}"
    if _connect_timed_out(e):
        return (
            f"no connection within {s.connect_timeout:g} s (WEREWOLF_LLM_CONNECT_TIMEOUT): "
            f"is {s.display_url} the right address?"
        )
    if isinstance(e, openai.APITimeoutError | httpx.TimeoutException):
        return (
            f"connected, but no token within {s.token_timeout:g} s "
            "(WEREWOLF_LLM_TOKEN_TIMEOUT): the model may be loading or busy; raise it"
        )
    if isinstance(e, openai.APIConnectionError | httpx.TransportError):
        return f"cannot connect to {s.display_url}: is the server running, and the URL right?"
    return f"{type(e).__name__}: {e}"


def _client(s: LLMSettings) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(
        base_url=s.base_url,
        api_key=s.api_key,
        max_retries=0,
        timeout=openai.Timeout(s.token_timeout, connect=s.connect_timeout),
    )


@dataclass
class Probe:
    """One small streamed call, as it went."""

    problem: str | None = None
    first: float | None = None  # seconds to the first token (thinking included)
    total: float = 0.0
    thinking: int = 0  # characters of reasoning (reasoning_content or <think>)
    text: str = ""
    finish: str | None = None
    started: float = 0.0
    ended: float = 0.0


async def probe(
    client: openai.AsyncOpenAI,
    s: LLMSettings,
    content: str = "Reply with the word OK.",
    first_token: asyncio.Event | None = None,
) -> Probe:
    """One streamed call with the game's own budget (a reasoning model thinks first)."""
    from dspy.lm15 import Config

    from .stream import _sampling

    p = Probe(started=time.monotonic())
    try:
        stream = await client.chat.completions.create(
            model=s.model,
            stream=True,
            **_sampling(s.model, Config(), s),
            messages=[{"role": "user", "content": content}],
        )
        async for chunk in stream:
            for c in chunk.choices:
                d = c.delta
                thought = d and (
                    getattr(d, "reasoning_content", None) or getattr(d, "reasoning", None)
                )
                if (thought or (d and d.content)) and p.first is None:
                    p.first = time.monotonic() - p.started
                    if first_token is not None:
                        first_token.set()
                if isinstance(thought, str):
                    p.thinking += len(thought)
                if d and d.content:
                    p.text += d.content
                if c.finish_reason:
                    p.finish = c.finish_reason
    except Exception as e:  # noqa: BLE001 - every failure gets its plain reason
        p.problem = _why(e, s)
    p.ended = time.monotonic()
    p.total = p.ended - p.started
    if "<think>" in p.text:
        p.thinking += len(p.text.split("</think>")[0])
    if p.problem is None and p.first is None:
        p.problem = "the stream carried no text"
    return p


async def preflight(env=None, endpoint: str = DEFAULT) -> str | None:
    """Before a game with LLM bots: can the model answer at all? None, or what is wrong."""
    try:
        s = endpoint_settings(endpoint, env)
    except SettingsError as e:
        return str(e)
    client = _client(s)
    try:
        p = await probe(client, s)
    finally:
        await client.close()
    if p.problem is None and p.finish == "length" and not _answer(p.text):
        p.problem = _BUDGET  # every decision would fall back: say so before the game
    return f"{s.describe()}: {p.problem}" if p.problem else None


_BUDGET = (
    "the model spent its whole token budget thinking: raise WEREWOLF_LLM_REASONING_TOKENS "
    "(or reasoning_tokens for this endpoint)"
)


def _answer(text: str) -> str:
    """What a probe's content says after any ``<think>`` block (nothing if it never closed)."""
    if "<think>" not in text:
        return text.strip()
    before, closed, after = text.partition("</think>")
    return after.strip() if closed else ""


def _cleaned(out: Callable[[str], None]) -> Callable[[str], None]:
    return lambda line: out(clean(line))


async def check(out: Callable[[str], None] = print, env=None) -> bool:
    """Check the server's model (if set) and every named endpoint; True when all can play."""
    out = _cleaned(out)  # the endpoint's words (errors, model names) reach the terminal
    names: list[str] = []
    try:
        LLMSettings.from_env(env)
        names.append(DEFAULT)
    except SettingsError as e:
        default_problem = str(e)
    else:
        default_problem = ""
    try:
        named = load_endpoints(env)
    except EndpointsError as e:
        out(f"✗ endpoints: {e}")
        return False
    names += sorted(named)
    if not names:
        out(f"✗ settings: {default_problem}")
        out(f"· endpoints: none named in {endpoints_path(env)}")
        return False
    if named:
        out(f"· endpoints: {', '.join(sorted(named))} (from {endpoints_path(env)})")
    ok = True
    for name in names:
        if len(names) > 1:
            out(f"— {name}")
        ok = await check_endpoint(name, out, env) and ok
    return ok


async def check_endpoint(name: str, out: Callable[[str], None], env=None) -> bool:
    try:
        s = endpoint_settings(name, env)
    except SettingsError as e:
        out(f"✗ settings: {e}")
        return False
    out(f"✓ settings: {s.describe()}; budget {s.max_tokens} answer + {s.reasoning_tokens} thinking")
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
        p = await probe(client, s)
        if p.problem:
            out(f"✗ streaming: {p.problem}")
            return False
        out(f"✓ streaming: first token after {p.first:.2f} s, {p.total:.2f} s in all")
        if p.thinking:
            out(
                f"· reasoning model: it thought for ~{p.thinking} characters before answering; "
                f"its thinking goes to the seat's thought pane (budget: WEREWOLF_LLM_MAX_TOKENS "
                f"{s.max_tokens} + WEREWOLF_LLM_REASONING_TOKENS {s.reasoning_tokens})"
            )
        if p.finish == "length" and not _answer(p.text):
            out(f"✗ budget: {_BUDGET}")
            return False
        line = await overlap(client, s)
        out(line)
        if line.startswith("✗"):
            return False
    finally:
        await client.close()
    return await _format_check(s, out)


async def overlap(client: openai.AsyncOpenAI, s: LLMSettings) -> str:
    """Two streamed calls, the second sent once the first is streaming: does the server
    serve both, queue the second, or cut the first (llama-cpp-python's default)?"""
    count = "Count from 1 to 40, one number per line."
    streaming = asyncio.Event()
    first = asyncio.ensure_future(probe(client, s, count, streaming))
    try:
        await asyncio.wait_for(streaming.wait(), s.token_timeout)
    except TimeoutError:
        first.cancel()
        return "· requests in flight: the first call never streamed; not checked"
    second = await probe(client, s, count)
    a = await first
    if a.problem is None and a.finish and a.ended <= second.started:
        return "· requests in flight: the first call ended before the second was sent; not told"
    if a.problem is None and a.finish is None or (a.problem and not second.problem):
        if s.concurrency == 1:
            return (
                "✓ requests in flight: the server cuts a running stream when another call "
                "arrives (llama-cpp-python's default); max_in_flight = 1 keeps them apart"
            )
        return (
            f"✗ requests in flight: the server cut the first stream when the second call "
            f"arrived (llama-cpp-python does by default): set max_in_flight = 1 for "
            f"{s.name!r} (now {s.concurrency})"
        )
    if second.problem:
        return f"· requests in flight: the second call failed ({second.problem}); set max_in_flight = 1"
    second_first = second.started + (second.first or 0)
    if second_first >= a.ended - 0.05:
        return (
            f"· requests in flight: the server queues a second call until the first ends: "
            f"max_in_flight = 1 for {s.name!r} (now {s.concurrency}) avoids waiting on a timeout"
        )
    return f"✓ requests in flight: the server streams two calls at once (max_in_flight = {s.concurrency})"


async def _format_check(s: LLMSettings, out: Callable[[str], None]) -> bool:
    """Real bot decisions of each kind: does the model keep the field format and a legal
    choice? Fewer than half usable: the model is too weak for the format."""
    import random

    from server.bots.base import Turn
    from server.game import GameConfig, new_game, pending
    from server.game.view import seat_view
    from server.typewriter import Typewriter

    from .bot import llm_bot
    from .calls import MemoryCallLog
    from .programs import PROGRAMS

    state = new_game(GameConfig(players=9, seed=1)).state
    decisions = []
    for kind in PROBE_DECISIONS:
        d = next((x for x in pending(state) if x.action == kind), None)
        if d is None:  # a day decision: asked of the same table by day
            day = state.model_copy(update={"phase": "day"})
            d = next((x for x in _day_decisions(day) if x.action == kind), None)
        if d is not None:
            decisions.append((state, d))
    usable, errors, tokens = 0, [], ""
    for game, d in decisions:
        log = MemoryCallLog()
        turn = Turn(random.Random(0), Typewriter(lambda _e: None, 0), record=log.add)
        plan = await llm_bot(seat_view(game, d.seat), d, turn, settings=s)
        first = next((r for r in log.records if r.attempt == 1), None)
        if not plan.fallback and first is not None and not first.error:
            usable += 1
            tokens = tokens or f" ({first.tokens_in} tokens in, {first.tokens_out} out)"
        else:
            errors.append(f"{PROGRAMS[d.action].labels[0]}: {first.error if first else '?'}")
    n = len(decisions)
    if usable * 2 < n:
        out(
            f"✗ bot decisions: {usable} of {n} usable at the first try: the model is too weak "
            f"to follow the answer format ({errors[0] if errors else ''}); a stronger or "
            "instruction-tuned model is needed"
        )
        return False
    mark = "✓" if usable == n else "·"
    out(f"{mark} bot decisions: {usable} of {n} usable at the first try{tokens}")
    return True


def _day_decisions(state):
    """The first day's speech and vote decisions for a fresh table (for the probe)."""
    from server.game import Decision
    from shared.events import PUBLIC

    seat = state.living()[0]
    others = [x for x in state.living() if x != seat]
    seer = next(x for x in state.living() if state.role(x) == "seer")
    return [
        Decision(
            seat=seer,
            action="check",
            kinds=("check", "skip"),
            options=[x for x in state.living() if x != seer],
        ),
        Decision(seat=seat, action="speak", kinds=("speak", "skip"), options=[], channel=PUBLIC),
        Decision(seat=seat, action="vote", kinds=("vote", "skip"), options=others),
    ]


async def _checked(env=None) -> bool:
    from server.bots import close_bots

    try:
        return await check(env=env)
    finally:
        await close_bots()


def main(env=None) -> int:
    return 0 if asyncio.run(_checked(env)) else 1
