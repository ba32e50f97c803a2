"""The stream path's figures (issue #12), each beside a bare LangGraph loop run in this process.

``bare_loop_us_per_token``: a graph whose one node writes tokens to ``get_stream_writer()``,
read with ``astream(stream_mode="custom")``: the least a streamed token can cost.
``stream_us_per_token``: the server's CPU (its whole process, every thread) for one all-bot
game at pace 1000 with one spectator reading it, per token streamed: a typewriter token
of the text (an event carries every token due at a pacing tick: the tokens are counted
in its text, not the events). ``stream_us_per_event``: the same CPU per event delivered.
``bench_us_per_event``, ``bench_us_per_token`` and ``bench_p99_ms``: bench/server_bench.py's
crowd (50 games × 5 viewers × 30 tokens/s), the server's CPU per event delivered and per
typewriter token delivered (an event carries every token due at a tick: 1.3-1.5 of them at
30 tokens/s), and the latency's p99.
``bare_wake_us``: the CPU of one wake-up of an idle loop from a 50 ms timer (a reading of
the machine's weather, not a goal: a tick pays it, the bare loop never does).
``tick_us_per_token`` and ``tick_crowd_us_per_event``: the stream path alone, in this
process, no HTTP and no game: typewriters at a pace writing into event logs that the
journal writes to a real SQLite file (one at pace 1000, per token; 50 at 30 tokens/s, per
event published). Less noisy than the server's figures: what a pacing tick costs.

    .venv/bin/python bench/perf_stream.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "tests"))
sys.path.insert(0, str(BENCH))
from conftest import ServerProcess  # noqa: E402
from raw_sse import TokenCount, cpu_seconds, watch_game  # noqa: E402

# The bare loop's figure is the median of so many rounds, and each of the server's stream
# figures the median of so many runs: the same statistic on both sides of a ratio. (The
# machine's weather moves a single run of the server by a third within minutes, and the
# bare loop, hot, hardly at all: one run against the bare loop's best was a coin toss.)
REPEATS = 3


def bare_loop_us_per_token(tokens: int = 20000, rounds: int = REPEATS) -> float:
    """CPU per token of the least LangGraph streaming there is (the median of ``rounds``)."""
    from typing import TypedDict

    from langgraph.config import get_stream_writer
    from langgraph.graph import END, START, StateGraph

    class State(TypedDict):
        n: int

    async def node(state: State) -> dict:
        write = get_stream_writer()
        for _ in range(state["n"]):
            write({"type": "token", "seat": 1, "content": "word "})
        return {"n": 0}

    g = StateGraph(State)
    g.add_node("speak", node)
    g.add_edge(START, "speak")
    g.add_edge("speak", END)
    graph = g.compile()

    async def run() -> float:
        each = []
        for _ in range(rounds):
            got = 0
            t0 = time.process_time()
            async for _chunk in graph.astream({"n": tokens}, stream_mode="custom"):
                got += 1
            each.append((time.process_time() - t0) / got * 1e6)
        return statistics.median(each)

    return asyncio.run(run())


def bare_wake_us(wakes: int = 60, period: float = 0.05) -> float:
    """CPU of one wake-up of an idle uvloop loop from a timer ``period`` s away, nothing
    done: what every pacing tick pays before it does anything. Not a goal: a reading of the
    machine's weather beside the ratios (the bare loop is hot and hardly moves with it; a
    tick is cold and does)."""
    import os

    import uvloop

    async def run() -> float:
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        left = [wakes]

        def wake() -> None:
            left[0] -= 1
            if left[0]:
                loop.call_later(period, wake)
            else:
                done.set_result(None)

        await asyncio.sleep(period)
        t0 = cpu_seconds(os.getpid())
        loop.call_later(period, wake)
        await done
        return (cpu_seconds(os.getpid()) - t0) / wakes * 1e6

    return uvloop.run(run())


async def _one_game(url: str, pid: int, pace: float, seed: int) -> tuple[float, TokenCount]:
    """Play one all-bot game read by one spectator: server CPU seconds, and what the
    spectator received (events, token events, and the typewriter tokens in them)."""
    seen = TokenCount()

    def take(chunk: bytes) -> bool:
        seen.feed(chunk)
        return seen.ended  # the chunked body's last chunk: game over

    return await watch_game(url, pid, pace, seed, take), seen


def stream_figures(games: int = 2, pace: float = 1000) -> dict[str, float]:
    """Server CPU per streamed token (a typewriter token, however many an event carries) and
    per delivered event, one game at a time at ``pace``, one spectator each; and the
    marginal cost per token beyond the same games at pace 0 (each speech one token)."""
    data_dir = Path(tempfile.mkdtemp(prefix="ww-perf-"))
    srv = ServerProcess(data_dir / "data").start()
    try:
        assert srv.proc is not None
        asyncio.run(_one_game(srv.url, srv.proc.pid, 0, 499))  # warm: lazy imports, caches
        cpu = cpu0 = 0.0
        tokens = tokens0 = events = token_events = 0
        for i in range(games):
            c, seen = asyncio.run(_one_game(srv.url, srv.proc.pid, pace, 500 + i))
            cpu, tokens = cpu + c, tokens + seen.tokens
            events, token_events = events + seen.events, token_events + seen.token_events
            c, seen = asyncio.run(_one_game(srv.url, srv.proc.pid, 0, 500 + i))
            cpu0, tokens0 = cpu0 + c, tokens0 + seen.tokens
        return {
            "stream_us_per_token": cpu / max(1, tokens) * 1e6,
            "stream_marginal_us_per_token": (cpu - cpu0) / max(1, tokens) * 1e6,
            "stream_us_per_event": cpu / max(1, events) * 1e6,
            "stream_tokens_per_token_event": tokens / max(1, token_events),
            "stream_pace0_ms_per_game": cpu0 / games * 1e3,
        }
    finally:
        srv.stop()


def _ticking(games: int, pace: float, seconds: float) -> tuple[float, int]:
    """CPU seconds of ``games`` typewriters at ``pace`` for ``seconds``, writing into logs
    the journal writes to SQLite (the server's stream path, without a game or a reader);
    and how many events they published meanwhile."""
    import uvloop

    from server.journal import Journal
    from server.store import Store
    from server.typewriter import Typewriter
    from shared.events import PUBLIC, Event

    text = "The wolves are among us, seat three is gold water; I vote for seat five. " * 500

    async def run() -> tuple[float, int]:
        store = Store(Path(tempfile.mkdtemp(prefix="ww-tick-")) / "games.sqlite")
        await store.open()
        journal = Journal(store)
        logs = [journal.log_for(f"g{i}") for i in range(games)]

        async def one(i: int) -> None:
            log = logs[i]

            def write(event: Event) -> None:
                log.publish(event, graph=True)

            await Typewriter(write, pace).speech(i + 1, "day", PUBLIC, text)

        tasks = [asyncio.create_task(one(i)) for i in range(games)]
        await asyncio.sleep(0.5)  # every typewriter under way
        cpu0, events0 = time.process_time(), sum(log.head for log in logs)
        await asyncio.sleep(seconds)
        cpu, events = time.process_time() - cpu0, sum(log.head for log in logs) - events0
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await journal.close()
        await store.close()
        return cpu, events

    return uvloop.run(run())


def tick_figures(seconds: float = 4) -> dict[str, float]:
    """The stream path's cost per tick, without HTTP or a game (see the module's doc)."""
    cpu, _ = _ticking(1, 1000, seconds)
    crowd_cpu, events = _ticking(50, 30, seconds)
    return {
        "tick_us_per_token": cpu / (1000 * seconds) * 1e6,
        "tick_crowd_us_per_event": crowd_cpu / max(1, events) * 1e6,
    }


def crowd(quick: bool) -> dict:
    """bench/server_bench.py's crowd as the issue ran it, its own defaults: 50 games × 5
    viewers × 30 tokens/s, for 30 s (``quick``: 10 s).

    The window is the issue's, not a shorter one: the CPU per token depends on
    it. A game's steps type at different rates (a speech is one seat typing; where several
    seats decide at once, their thoughts are typed together), and 50 games started together
    go through them together: over one 50 s crowd, 7,500-16,100 tokens were delivered a
    second in 5 s windows, the most from the 25th second on (session 19). Over 25 s,
    12.2-14.4 µs of the server's CPU a token in five crowds; over 30 s, 10.7-13.5 in three
    (docs/benchmarks.md)."""
    import server_bench

    args = server_bench.parser().parse_args(["--seconds", "10", "--warmup", "2"] if quick else [])
    return asyncio.run(server_bench.main(args))


def _median_run(runs: list[dict], key: str) -> dict:
    """The run whose ``key`` is the median of ``runs`` (all of its figures, together), with
    the lowest and highest ``key`` beside it (``key_lo``, ``key_hi``)."""
    ordered = sorted(runs, key=lambda r: r[key])
    out = dict(ordered[len(ordered) // 2])
    if len(runs) > 1:
        out[f"{key}_lo"], out[f"{key}_hi"] = ordered[0][key], ordered[-1][key]
    return out


def _crowd_figures(quick: bool) -> dict[str, float]:
    r = crowd(quick)
    return {
        "bench_us_per_event": r["server_cpu_us_per_event"],
        "bench_us_per_token": r["server_cpu_us_per_token"],
        "bench_tokens_per_event": r["tokens_per_event"],
        "bench_p99_ms": r["latency_ms"]["p99"],
        "bench_events_per_s": r["events_per_second"],
    }


def _bare_apart() -> float:
    """The bare loop's figure read in a fresh interpreter (as the run's own is, at its start:
    read in this one after a crowd's clients have run here, it came out half as fast again,
    which flattered the ratio)."""
    code = f"import sys; sys.path.insert(0, {str(BENCH)!r}); import perf_stream as p; "
    code += "print(p.bare_loop_us_per_token())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def _bracketed(measure: Callable[[], dict[str, float]], key: str) -> dict[str, float]:
    """``measure()`` between two rounds of the bare loop: ``key_x_bare`` is its ``key`` over
    their mean, the ratio of a pair measured in the same minute (the machine's weather
    moves the bare loop by 2x within an hour, and the server's runs with it, but not in
    step: a ratio to a bare loop read minutes earlier swung from 0.9 to 2.4, session 11)."""
    before = _bare_apart()
    out = measure()
    bare = (before + _bare_apart()) / 2
    return {**out, f"{key}_x_bare": out[key] / bare, f"{key}_bare": bare}


def figures(quick: bool = False) -> dict[str, float]:
    repeats = 1 if quick else REPEATS
    out: dict[str, float] = {"bare_loop_us_per_token": bare_loop_us_per_token(rounds=repeats)}
    out["bare_wake_us"] = bare_wake_us()
    key = "stream_us_per_token"
    runs = [
        _bracketed(lambda: stream_figures(games=1 if quick else 3), key) for _ in range(repeats)
    ]
    out.update(_median_run(runs, f"{key}_x_bare"))
    out.update(tick_figures(2 if quick else 4))
    key = "bench_us_per_token"
    crowds = [_bracketed(lambda: _crowd_figures(quick), key) for _ in range(repeats)]
    out.update(_median_run(crowds, f"{key}_x_bare"))
    # The crowd's latency goal holds "in every run": the worst run's p99.
    out["bench_p99_ms"] = max(c["bench_p99_ms"] for c in crowds)
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    print(json.dumps(figures(p.parse_args().quick), indent=2))
