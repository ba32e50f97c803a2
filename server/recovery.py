"""After a restart: load every game, and resume the unfinished ones from their last
consistent checkpoint (a crash may have lost the last few events of the log)."""

from __future__ import annotations

from typing import Any

from server.game import GameConfig, new_game
from server.graph import Table, initial_state, run_config
from server.registry import LiveGame, Registry
from server.runner import Runner
from server.store import Store


async def recover(store: Store, registry: Registry, runner: Runner) -> None:
    for stored in await store.games():
        rec = stored.record
        config = GameConfig(**rec["config"])
        g = LiveGame(
            id=stored.id,
            config=config,
            table=Table(**rec["table"]),
            tokens=rec["tokens"],
            created=stored.created,
            log=registry.new_log(stored.id),
            initial=new_game(config).state,
            spectator_token=rec.get("spectator_token"),
            host_token=rec.get("host_token"),
            open_seats={int(k): v for k, v in rec.get("open_seats", {}).items()},
            started=stored.started,
            finished=stored.finished,
            phase=stored.phase,
            day=stored.day,
        )
        g.log.load(await store.events(stored.id))
        registry.calls(g).load(await store.calls(stored.id))
        registry.games[g.id] = g
        if not g.finished:
            await _resume(g, store, runner)


async def _resume(g: LiveGame, store: Store, runner: Runner) -> None:
    state = await runner.graph.aget_state(run_config(g.id))
    if not state.values:
        if g.started:  # it crashed before its first checkpoint: start again
            g.log.truncate_to_graph_count(0)
            await store.truncate_events(g.id, g.log.head)
            await runner.take_lock(g)
            runner.launch(g, initial_state(g.initial, g.table))
        return
    g.started = True
    resume_cfg, emitted = await _consistent_checkpoint(g, runner, state)
    head = g.log.truncate_to_graph_count(emitted)
    await store.truncate_events(g.id, head)
    state = await runner.graph.aget_state(resume_cfg)
    waits = set(state.next) <= {"human", "pause"} and any(t.interrupts for t in state.tasks)
    if state.next and waits:
        await runner.publish_snapshot(g)  # waiting on a human: it keeps waiting
        runner.schedule_timers(g, 0)
        return
    await runner.take_lock(g)
    runner.launch(g, None, base=resume_cfg)


async def _consistent_checkpoint(
    g: LiveGame, runner: Runner, latest: Any
) -> tuple[dict[str, Any], int]:
    """The newest checkpoint whose events all reached the log, and its event count."""
    have = g.log.graph_count()
    if latest.values.get("emitted", 0) <= have:
        return run_config(g.id), latest.values.get("emitted", 0)
    async for snap in runner.graph.aget_state_history(run_config(g.id)):
        emitted = snap.values.get("emitted", 0) if snap.values else 0
        if emitted <= have and snap.values:
            cfg = {**run_config(g.id), "configurable": dict(snap.config["configurable"])}
            return cfg, emitted
    return run_config(g.id), 0


__all__ = ["recover"]
