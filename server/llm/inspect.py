"""Renders a game's LLM call records as text: ``werewolf inspect`` and the TUI's call view."""

from __future__ import annotations

from .calls import CallRecord, summarize


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
    return (f"{n:>3} {when:>3} seat {r.seat:<2} {r.decision:<10} {attempt:<5} "
            f"{r.tokens_in:>5}/{r.tokens_out:<4} {ttft:>6} {r.total:>6.2f}s  {_outcome(r)}")


def render(records: list[CallRecord], prompts: bool = False) -> str:
    s = summarize(records)
    head = (f"{s['calls']} calls, {s['tokens_in']} tokens in, {s['tokens_out']} out, "
            f"{s['fallbacks']} fallbacks, {s['call_seconds']} s of calls"
            + (f", mean time to first token {s['mean_ttft']} s" if s["mean_ttft"] else ""))
    out = [head, "",
           "  #  when seat    decision   try    in/out    ttft  total  outcome"]
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
