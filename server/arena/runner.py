"""Plays a run's scheduled games, up to K at once, and counts each finished game in the store.

Games run in this process's event loop (``server.headless``: the graph without a server);
a game that was under way when the run was killed left nothing in the store and is played
again from its seed on ``--resume``. What the store keeps of a game is its god's-eye record
minus the streamed tokens (each speech's text is in its ``speech_end``; each thought is in
the call record's raw answer).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from server.arena.models import ModelSpec, seat_bots
from server.arena.store import ArenaStore, Result, Run, Slot
from server.game import GameConfig
from shared.events import Event, ThoughtEnd, ThoughtStart, ThoughtToken

# Streamed pieces, said again whole by the events that close them (a speech's text is in its
# speech_end; a thought's tokens are kept as one token), and the waits on the bots.
SKIPPED = frozenset({"token", "waiting"})


class ModelUnavailable(RuntimeError):
    """A model can't be seated here (its endpoint's key is not set, …); says which and why."""


@dataclass
class Progress:
    total: int
    done: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)


def game_config(plan: dict, seed: int) -> GameConfig:
    return GameConfig(**{**plan["config"], "seed": seed})


async def play_one(
    slot: Slot, plan: dict, specs: dict[str, ModelSpec], graph
) -> tuple[Result, list[dict], list[tuple[int, str]]]:
    """One scheduled game to its end: its result, kept events and call records."""
    from server.graph import Table
    from server.headless import run_game
    from server.llm.calls import MemoryCallLog

    config = game_config(plan, slot.seed)
    events: list[dict] = []
    thinking: dict[int, tuple[dict, list[str]]] = {}  # seat -> its thought_start, its tokens

    def keep(e: Event) -> None:
        if isinstance(e, ThoughtStart):
            thinking[e.seat] = (e.model_dump(mode="json"), [])
        elif isinstance(e, ThoughtToken):
            if e.seat in thinking:
                thinking[e.seat][1].append(e.content)
        elif isinstance(e, ThoughtEnd):
            start, parts = thinking.pop(e.seat, (None, []))
            if start is not None:  # the whole thought in one token, where it ended
                whole = ThoughtToken(seat=e.seat, content="".join(parts), vis=e.vis)
                events.extend([start, whole.model_dump(mode="json"), e.model_dump(mode="json")])
        elif e.type not in SKIPPED:
            events.append(e.model_dump(mode="json"))

    calls = MemoryCallLog()
    t0 = time.perf_counter()
    table = Table(bots=seat_bots(specs, slot.seats))
    state = await run_game(config, table, on_event=keep, graph=graph, call_log=calls)
    result = Result(
        n=slot.n,
        winner=state.winner or "none",
        days=state.day,
        seconds=round(time.perf_counter() - t0, 3),
        finished=time.time(),
    )
    return result, events, [(r.seat, r.model_dump_json()) for r in calls.records]


async def run_arena(
    store: ArenaStore,
    run: Run,
    specs: list[ModelSpec],
    parallel: int = 4,
    on_game: Callable[[Progress, Result], None] | None = None,
) -> Progress:
    """Play every game of ``run`` not yet counted, ``parallel`` at once."""
    from server.bots import close_bots, load_kind, unavailable, warm
    from server.graph import build_graph

    by_name = {s.name: s for s in specs}
    kinds = {s.kind for s in specs}
    if (problem := unavailable(kinds)) is not None:
        raise ModelUnavailable(problem)
    for kind in kinds:
        load_kind(kind)
        await asyncio.to_thread(warm, kind)  # DSPy's import takes seconds: not on the loop
    todo = run.todo()
    progress = Progress(total=len(run.schedule), done=len(run.results))
    graph = build_graph()
    queue: asyncio.Queue[Slot] = asyncio.Queue()
    for slot in todo:
        queue.put_nowait(slot)

    async def worker() -> None:
        while True:
            try:
                slot = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                result, events, calls = await play_one(slot, run.plan, by_name, graph)
            except Exception as e:  # one broken game must not stop the run; resume retries it
                progress.failed.append((slot.n, f"{type(e).__name__}: {e}"))
                continue
            if store.finish(run.id, result, events, calls):
                progress.done += 1
                run.results[slot.n] = result
                if on_game:
                    on_game(progress, result)

    try:
        await asyncio.gather(*(worker() for _ in range(max(1, parallel))))
    finally:
        await close_bots()
    return progress


__all__ = ["SKIPPED", "ModelUnavailable", "Progress", "game_config", "play_one", "run_arena"]
