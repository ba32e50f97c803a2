"""The record of one LLM call, as the server keeps it and every tool shows it.

The wire format of ``GET /games/{id}/calls``: ``werewolf inspect`` and the TUI's call
view read it and render it with :func:`render`.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel, Field

from shared.strings import say
from shared.text import clean


class CallRecord(BaseModel):
    seat: int
    decision: str  # the decision's action name: "vote", "witch", "wolf_chat"…
    day: int
    phase: str
    attempt: int = 1  # 2 for the retry after an illegal or unparseable answer
    prompt: list[dict[str, str]] = []
    raw: str = ""  # the content as received, failed or not (think blocks included)
    thinking: str = ""  # what the server streamed as reasoning (``reasoning_content``)
    model: str = ""  # the model that answered
    endpoint: str = ""  # its endpoint's name ("default": the server's WEREWOLF_LLM_* model)
    parsed: dict[str, Any] | None = None  # the action taken from the answer, if any
    fallback: bool = False  # the built-in bot decided instead
    error: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_estimated: bool = False  # no usage from the server: the counts are estimates
    finish: str | None = None  # the stream's finish reason ("cap": the game stopped it)
    cost: float | None = None  # in the endpoint's currency, when it names its prices
    ttft: float | None = None
    total: float = 0.0
    retries: int = 0
    ts: float = Field(default_factory=time.time)


def summarize(records: list[CallRecord]) -> dict[str, Any]:
    """Calls, tokens, fallbacks and times over a set of records (``simulate``, ``inspect``)."""
    ttfts = [r.ttft for r in records if r.ttft is not None]
    attempts = [r for r in records if r.attempt]
    return {
        "calls": len(attempts),  # the model's answers asked for (a fallback is no call)
        # every HTTP request sent, the ones refused before a first token (and retried) too
        "requests": sum(1 + r.retries for r in attempts),
        "retries": sum(1 for r in attempts if r.attempt > 1),
        "tokens_estimated": any(r.tokens_estimated for r in attempts),
        "cost": round(sum(r.cost for r in attempts if r.cost is not None), 6)
        if any(r.cost is not None for r in attempts)
        else None,
        "tokens_in": sum(r.tokens_in for r in records),
        "tokens_out": sum(r.tokens_out for r in records),
        "fallbacks": sum(1 for r in records if r.fallback),
        "errors": sum(1 for r in records if r.error),
        "call_seconds": round(sum(r.total for r in records), 3),
        "mean_ttft": round(sum(ttfts) / len(ttfts), 3) if ttfts else None,
    }


def _outcome(r: CallRecord, lang: str) -> str:
    if r.fallback:
        return say("calls.fallback", lang, action=_action(r.parsed), error=r.error)
    if r.error:
        return say("calls.refused", lang, error=r.error)
    return _action(r.parsed)


def _action(parsed: dict | None) -> str:
    if not parsed:
        return "-"
    kind = parsed.get("kind", "?")
    if kind == "speak":
        text = parsed.get("text") or ""
        return f'speak "{text[:60]}{"…" if len(text) > 60 else ""}"'
    target = parsed.get("target")
    return kind if target is None else f"{kind} {target}"


def line(n: int, r: CallRecord, lang: str = "en") -> str:
    when = say("calls.night" if r.phase == "night" else "calls.day", lang, day=r.day)
    ttft = f"{r.ttft:.2f}s" if r.ttft is not None else "  -  "
    tries = {0: say("calls.fallback_try", lang), 1: "", 2: say("calls.retry", lang)}
    return say(
        "calls.line",
        lang,
        n=n,
        when=when,
        seat=r.seat,
        decision=r.decision,
        attempt=tries.get(r.attempt, str(r.attempt)),
        # "~": the server sent no usage, the counts are estimates
        tokens_in=f"~{r.tokens_in}" if r.tokens_estimated else r.tokens_in,
        tokens_out=f"~{r.tokens_out}" if r.tokens_estimated else r.tokens_out,
        ttft=ttft,
        total=r.total,
        outcome=_outcome(r, lang)
        + (f"  [{r.endpoint}]" if r.endpoint not in ("", "default") else ""),
    )


def render(records: list[CallRecord], prompts: bool = False, lang: str = "en") -> str:
    """The records as text for a terminal: a prompt or a model's raw answer may carry
    escape sequences (kept in the record, as the model sent them), never shown."""
    s = summarize(records)
    head = say(
        "calls.summary",
        lang,
        calls=s["calls"],
        tokens_in=s["tokens_in"],
        tokens_out=s["tokens_out"],
        fallbacks=s["fallbacks"],
        seconds=s["call_seconds"],
    ) + (say("calls.summary_ttft", lang, ttft=s["mean_ttft"]) if s["mean_ttft"] else "")
    out = [head, "", say("calls.columns", lang)]
    for n, r in enumerate(records, 1):
        out.append(line(n, r, lang))
        if prompts and r.prompt:
            for m in r.prompt:
                out.append(say("calls.message", lang, role=m["role"]))
                out.extend("    " + x for x in m["content"].splitlines())
            out.append(say("calls.answer", lang))
            out.extend("    " + x for x in (r.raw or say("calls.no_answer", lang)).splitlines())
            out.append("")
    return clean("\n".join(out), one_line=False)
