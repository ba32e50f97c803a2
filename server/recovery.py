"""After a restart: load every game, and let the unfinished ones go on from their newest
consistent checkpoint. Nothing in the log is removed: an event a viewer may have seen
keeps its id and its words (see :class:`server.runner.Replay`)."""

from __future__ import annotations

from server.game import GameConfig, new_game
from server.graph import Table, run_config
from server.journal import Journal
from server.registry import LiveGame, Registry
from server.runner import Runner
from server.store import Store


async def recover(store: Store, registry: Registry, runner: Runner, journal: Journal) -> None:
    for stored in await store.games():
        rec = stored.record
        config = GameConfig(**rec["config"])
        g = LiveGame(
            id=stored.id,
            config=config,
            table=Table(**rec["table"]),
            tokens=rec["tokens"],
            created=stored.created,
            log=journal.log_for(stored.id),
            initial=new_game(config).state,
            spectator_token=rec.get("spectator_token"),
            public=bool(rec.get("public", False)),
            open=bool(rec.get("open", False)),
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
        if g.finished:
            g.log.close()
            g.log.evict(lambda game_id=g.id: store.events(game_id))  # the store has it
            continue
        if (await runner.graph.aget_state(run_config(g.id))).values:
            g.started = True  # it crashed before its first segment's end was recorded
        if g.started:
            await runner.take_lock(g)
            await runner.resume(g)


__all__ = ["recover"]
