"""LLM bots: HTTP requests, prompt tokens and wall time against the critical path, per 9-player game.

The scripted OpenAI-compatible server (devtools/scripted_llm.py) waits ``--ttft`` seconds
before its first chunk, then streams about one token per chunk at ``--tps`` tokens a second;
every speech is ``--speech-chars`` long (the game's cap is 500), the way a talkative model
answers. For each game we report:

* HTTP requests sent (retried ones too), the model's calls, second tries, fallbacks;
* prompt tokens sent (the scripted server counts about 4 characters a token);
* wall time, and the critical path: the sum of the calls the rules force to run one after
  another (every speech in turn; a vote round as its slowest vote; at night the wolves'
  talk and kill vote against the seer's check, whichever is longer, then the witch).
  ``wall / critical`` near 1 means nothing waits that need not.

    .venv/bin/python bench/llm_bench.py [--games 10] [--ttft 0.5] [--tps 30] [--speech-chars 500]

``BENCH_CODE=/path/to/another/checkout`` runs that checkout's game against this scripted
server (for a before → after in one run).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("BENCH_CODE") or str(HERE))
_spec = importlib.util.spec_from_file_location("scripted_llm", HERE / "devtools/scripted_llm.py")
assert _spec and _spec.loader
scripted = importlib.util.module_from_spec(_spec)
sys.modules["scripted_llm"] = scripted
_spec.loader.exec_module(scripted)

from server.bots import close_bots  # noqa: E402
from server.game import GameConfig  # noqa: E402
from server.graph import Table  # noqa: E402
from server.headless import run_game  # noqa: E402
from server.llm.calls import MemoryCallLog  # noqa: E402

SPEECHES = ("speak", "pk_speak", "last_words", "shoot")  # one after another, by rule


def critical_path(records) -> float:
    """The sum of the calls the rules force to run one after another (see the docstring)."""
    took: dict[tuple, float] = defaultdict(float)  # a decision's attempts, summed
    for r in records:
        if r.attempt:
            took[(r.day, r.phase, r.decision, r.seat)] += r.total
    by_step: dict[tuple, list[float]] = defaultdict(list)
    for (day, phase, decision, _seat), t in took.items():
        by_step[(day, phase, decision)].append(t)
    total = 0.0
    for (day, phase, decision), times in by_step.items():
        if decision in SPEECHES:
            total += sum(times)
        elif decision in ("vote", "pk_vote", "witch"):
            total += max(times)
        elif decision == "wolf_chat":
            talk = sum(times) + max(by_step.get((day, phase, "wolf_kill"), [0.0]))
            total += max(talk, max(by_step.get((day, phase, "check"), [0.0])))
    # (a wolf_kill or check with no talk that night: counted with the talk, or alone)
    for (day, phase, decision), times in by_step.items():
        if decision in ("wolf_kill", "check") and (day, phase, "wolf_chat") not in by_step:
            total += max(times)
    return total


async def one_game(seed: int) -> dict:
    log = MemoryCallLog()
    t0 = time.perf_counter()
    state = await run_game(
        GameConfig(players=9, seed=seed), Table(bots={s: "llm" for s in range(1, 10)}), call_log=log
    )
    wall = time.perf_counter() - t0
    await close_bots()
    calls = [r for r in log.records if r.attempt]
    return {
        "seed": seed,
        "days": state.day,
        "requests": sum(1 + r.retries for r in calls),
        "calls": len(calls),
        "retries": sum(1 for r in calls if r.attempt > 1),
        "fallbacks": sum(1 for r in log.records if r.fallback),
        "prompt_tokens": sum(r.tokens_in for r in calls),
        "wall": wall,
        "critical": critical_path(log.records),
    }


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--games", type=int, default=10)
    ap.add_argument("--ttft", type=float, default=0.5, help="seconds to the first chunk")
    ap.add_argument("--tps", type=float, default=30.0, help="tokens (chunks) a second")
    ap.add_argument("--speech-chars", type=int, default=500, help="every speech this long")
    args = ap.parse_args()
    from server.bots import warm

    warm("llm")  # DSPy's import (seconds) is not a game's time
    print(
        f"code: {os.environ.get('BENCH_CODE') or HERE}; {platform.machine()}, {os.cpu_count()} "
        f"cores, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}; scripted "
        f"model: {args.ttft} s to the first token, {args.tps:g} tokens/s, speeches "
        f"{args.speech_chars} chars"
    )
    print("seed days requests calls retries fallbacks prompt_tok  wall(s) critical(s) ratio")
    games = []
    with scripted.ScriptedLLM(latency=args.ttft, chunk_delay=1 / args.tps) as llm:
        os.environ.update(WEREWOLF_LLM_BASE_URL=llm.base_url, WEREWOLF_LLM_MODEL="scripted")
        if args.speech_chars:
            llm.script({"kind": "long", "chars": args.speech_chars, "times": None})
        for seed in range(1, args.games + 1):  # one at a time: a game's wall is its own
            g = asyncio.run(one_game(seed))
            games.append(g)
            print(
                f"{g['seed']:>4} {g['days']:>4} {g['requests']:>8} {g['calls']:>5} "
                f"{g['retries']:>7} {g['fallbacks']:>9} {g['prompt_tokens']:>10} "
                f"{g['wall']:>8.1f} {g['critical']:>11.1f} {g['wall'] / g['critical']:>5.2f}  "
                f"(load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
    requests = [g["requests"] for g in games]
    ratios = [g["wall"] / g["critical"] for g in games]
    print(
        f"requests: mean {statistics.mean(requests):.1f}, p95 {p95(requests)}, max "
        f"{max(requests)}; prompt tokens: mean {statistics.mean(g['prompt_tokens'] for g in games):.0f}"
        f", max {max(g['prompt_tokens'] for g in games)}; wall/critical: mean "
        f"{statistics.mean(ratios):.2f}, max {max(ratios):.2f}"
    )


if __name__ == "__main__":
    main()
