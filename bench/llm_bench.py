"""LLM bots: calls, prompt tokens and wall time per 9-player game, against a scripted model.

The scripted OpenAI-compatible server (devtools/scripted_llm.py) answers every call after a
fixed latency, then streams its answer in small chunks. For each game we report the calls
made, the prompt tokens sent (the server counts ~4 characters a token), the game's wall
time, and the sum of its calls' own times: wall / sum shows what running independent calls
at once (the night's roles together, every vote together) saves. The same seeds run again
with the per-server concurrency limit at 1, as the serial baseline, in the same run.

    .venv/bin/python bench/llm_bench.py [--games 5] [--latency 0.25] [--chunk-delay 0.002]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.scripted_llm import ScriptedLLM  # noqa: E402
from server.bots import close_bots  # noqa: E402
from server.game import GameConfig  # noqa: E402
from server.graph import Table  # noqa: E402
from server.headless import run_game  # noqa: E402
from server.llm.calls import MemoryCallLog  # noqa: E402


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
        "calls": len(calls),
        "prompt_tokens": sum(r.tokens_in for r in calls),
        "completion_tokens": sum(r.tokens_out for r in calls),
        "fallbacks": sum(r.fallback for r in log.records),
        "wall": wall,
        "call_sum": sum(r.total for r in calls),
        "ttft": statistics.mean(r.ttft for r in calls if r.ttft is not None),
    }


def run(games: int, concurrency: int) -> list[dict]:
    os.environ["WEREWOLF_LLM_CONCURRENCY"] = str(concurrency)
    return [asyncio.run(one_game(seed)) for seed in range(1, games + 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--games", type=int, default=5)
    ap.add_argument("--latency", type=float, default=0.25, help="seconds before the first chunk")
    ap.add_argument("--chunk-delay", type=float, default=0.002, help="seconds between chunks")
    args = ap.parse_args()
    with ScriptedLLM(latency=args.latency, chunk_delay=args.chunk_delay) as llm:
        os.environ.update(WEREWOLF_LLM_BASE_URL=llm.base_url, WEREWOLF_LLM_MODEL="scripted")
        concurrent = run(args.games, 8)
        serial = run(args.games, 1)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; scripted model: {args.latency} s to the first chunk, "
        f"{args.chunk_delay * 1000:g} ms between chunks"
    )
    print(
        "seed days calls prompt_tok compl_tok fallbacks  wall(s) calls(s) wall/calls serial wall(s)"
    )
    for c, s in zip(concurrent, serial, strict=True):
        print(
            f"{c['seed']:>4} {c['days']:>4} {c['calls']:>5} {c['prompt_tokens']:>10} "
            f"{c['completion_tokens']:>9} {c['fallbacks']:>9} {c['wall']:>8.1f} "
            f"{c['call_sum']:>8.1f} {c['wall'] / c['call_sum']:>10.2f} {s['wall']:>14.1f}"
        )
    mean = {
        k: statistics.mean(g[k] for g in concurrent)
        for k in ("calls", "prompt_tokens", "wall", "call_sum")
    }
    print(
        f"mean: {mean['calls']:.1f} calls, {mean['prompt_tokens']:.0f} prompt tokens, "
        f"{mean['wall']:.1f} s wall, {mean['call_sum']:.1f} s of calls "
        f"(wall/calls {mean['wall'] / mean['call_sum']:.2f}); max calls "
        f"{max(g['calls'] for g in concurrent)}, max prompt tokens "
        f"{max(g['prompt_tokens'] for g in concurrent)}; serial (concurrency 1) wall "
        f"{statistics.mean(g['wall'] for g in serial):.1f} s"
    )


if __name__ == "__main__":
    main()
