"""After a restart: load every game, and let the unfinished ones go on from their newest
consistent checkpoint. Nothing in the log is removed: an event a viewer may have seen
keeps its id and its words (see :class:`server.runner.Replay`)."""

from __future__ import annotations

from server.game import GameConfig, new_game
from server.graph_state import Table, run_config
from server.journal import Journal
from server.registry import LiveGame, Registry
from server.runner import Runner
from server.store import Store


async def recover(store: Store, registry: Registry, journal: Journal) -> list[LiveGame]:
    """Put every kept game in the registry; return the unfinished ones, for :func:`resume`.
    Needs no game graph: a server does it before it starts loading LangGraph, and 500
    finished games cost it a few dozen milliseconds (so a restart over them starts as fast
    as one over an empty data directory)."""
    # A finished game is read no further than its last event (the snapshot that closed it):
    # its log, its LLM calls and its deal are read back when someone asks for them.
    last = await store.last_events(finished_only=True)
    unfinished = []
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
        registry.games[g.id] = g
        if g.finished and stored.id in last:
            seq, graph, data = last[stored.id]
            g.log.load([(seq, graph, data)])
            g.log.close()
            final = g.log.entries[-1].event.type == "snapshot"
            g.final = data if final else None  # the snapshot that closed it, as JSON
            # the store has the rest
            g.log.evict(lambda game_id=g.id: store.events(game_id), keep_last=not final)
            journal.forget(g.log)
            continue
        g.deal = new_game(config).state
        g.log.load(await store.events(stored.id))
        registry.calls(g).load(await store.calls(stored.id))
        if g.finished:  # (no event kept: nothing to read back)
            g.log.close()
            continue
        unfinished.append(g)
    return unfinished


async def resume(games: list[LiveGame], runner: Runner) -> None:
    """Let the unfinished games go on from their newest consistent checkpoint (waits for
    the game graph)."""
    for g in games:
        if (await (await runner.graph()).aget_state(run_config(g.id))).values:
            g.started = True  # it crashed before its first segment's end was recorded
        if g.started:
            await runner.take_lock(g)
            await runner.resume(g)


__all__ = ["recover", "resume"]
