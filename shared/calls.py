"""The record of one LLM call, as the server keeps it and every tool shows it.

The wire format of ``GET /games/{id}/calls``: ``werewolf inspect`` and the TUI's call
view read it and render it with :func:`render`.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel, Field


class CallRecord(BaseModel):
    seat: int
    decision: str  # the decision's action name: "vote", "witch", "wolf_chat"…
    day: int
    phase: str
    attempt: int = 1  # 2 for the retry after an illegal or unparseable answer
    prompt: list[dict[str, str]] = []
    raw: str = ""
    parsed: dict[str, Any] | None = None  # the action taken from the answer, if any
    fallback: bool = False  # the built-in bot decided instead
    error: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    ttft: float | None = None
    total: float = 0.0
    retries: int = 0
    ts: float = Field(default_factory=time.time)


def summarize(records: list[CallRecord]) -> dict[str, Any]:
    """Calls, tokens, fallbacks and times over a set of records (``simulate``, ``inspect``)."""
    ttfts = [r.ttft for r in records if r.ttft is not None]
    return {
        "calls": len(records),
        "tokens_in": sum(r.tokens_in for r in records),
        "tokens_out": sum(r.tokens_out for r in records),
        "fallbacks": sum(1 for r in records if r.fallback),
        "errors": sum(1 for r in records if r.error),
        "call_seconds": round(sum(r.total for r in records), 3),
        "mean_ttft": round(sum(ttfts) / len(ttfts), 3) if ttfts else None,
    }


def _outcome(r: CallRecord) -> str:
    if r.fallback:
        return f"FALLBACK to built-in: {_action(r.parsed)}  ({r.error})"
    if r.error:
        return f"refused: {r.error}"
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


def line(n: int, r: CallRecord) -> str:
    when = f"{'N' if r.phase == 'night' else 'D'}{r.day}"
    ttft = f"{r.ttft:.2f}s" if r.ttft is not None else "  -  "
    attempt = {0: "fb", 1: "", 2: "retry"}.get(r.attempt, str(r.attempt))
    return (
        f"{n:>3} {when:>3} seat {r.seat:<2} {r.decision:<10} {attempt:<5} "
        f"{r.tokens_in:>5}/{r.tokens_out:<4} {ttft:>6} {r.total:>6.2f}s  {_outcome(r)}"
    )


def render(records: list[CallRecord], prompts: bool = False) -> str:
    s = summarize(records)
    head = (
        f"{s['calls']} calls, {s['tokens_in']} tokens in, {s['tokens_out']} out, "
        f"{s['fallbacks']} fallbacks, {s['call_seconds']} s of calls"
        + (f", mean time to first token {s['mean_ttft']} s" if s["mean_ttft"] else "")
    )
    out = [head, "", "  #  when seat    decision   try    in/out    ttft  total  outcome"]
    for n, r in enumerate(records, 1):
        out.append(line(n, r))
        if prompts and r.prompt:
            for m in r.prompt:
                out.append(f"    --- {m['role']} ---")
                out.extend("    " + x for x in m["content"].splitlines())
            out.append("    --- answer ---")
            out.extend("    " + x for x in (r.raw or "(none)").splitlines())
            out.append("")
    return "\n".join(out)
