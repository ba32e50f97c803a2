"""The moderator runs every game on the server: creates it, runs its graph in the
background, hands human answers to it, publishes what happens, and recovers the
unfinished games after a restart.

It knows nothing of HTTP: the routes in ``server/api.py`` call it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.types import Command

from server.eventlog import Entry, EventLog
from server.game import Action, GameConfig, GameState, IllegalAction, new_game, validate
from server.graph import Table, build_graph, initial_state, load_game, run_config
from server.store import Store
from server.views import Viewer, full_snapshot
from shared.events import Error, Snapshot

log = logging.getLogger("werewolf.moderator")


class Refused(Exception):
    """A request the game refuses; nothing changed. ``status`` is the HTTP status to use."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass
class LiveGame:
    id: str
    config: GameConfig
    table: Table
    tokens: dict[str, int | None]  # token -> seat (None: spectator)
    created: float
    log: EventLog
    initial: GameState  # the deal, before the graph runs
    started: bool = False
    finished: bool = False
    phase: str = "night"
    day: int = 1
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    task: asyncio.Task | None = None

    def record(self) -> dict[str, Any]:
        return {"config": self.config.model_dump(), "table": self.table.model_dump(),
                "tokens": self.tokens}

    def viewer(self, token: str | None) -> Viewer:
        if token is None or token not in self.tokens:
            raise Refused(401 if token is None else 403, "bad_token",
                          "missing bearer token" if token is None
                          else "this token does not belong to this game")
        seat = self.tokens[token]
        return Viewer(seat=seat, is_wolf=seat is not None and self.initial.role(seat) == "werewolf")

    def summary(self) -> dict[str, Any]:
        return {"game_id": self.id, "players": self.config.players, "phase": self.phase,
                "day": self.day, "humans": self.table.humans, "started": self.started,
                "finished": self.finished, "created": self.created}


class Moderator:
    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self.games: dict[str, LiveGame] = {}
        self.store: Store | None = None
        self._saver_cm = None
        self.graph = None

    # -- lifecycle ------------------------------------------------------------
    async def open(self) -> None:
        if self.data_dir is None:
            self.graph = build_graph(InMemorySaver())
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.data_dir / "games.sqlite")
        await self.store.open()
        self._saver_cm = AsyncSqliteSaver.from_conn_string(str(self.data_dir / "checkpoints.sqlite"))
        saver = await self._saver_cm.__aenter__()
        self.graph = build_graph(saver)
        await self.recover()

    async def close(self) -> None:
        for g in self.games.values():
            if g.task and not g.task.done():
                g.task.cancel()
        for g in self.games.values():
            if g.task:
                try:
                    await g.task
                except (asyncio.CancelledError, Exception):
                    pass
            await g.log.flush()
        if self._saver_cm is not None:
            await self._saver_cm.__aexit__(None, None, None)
        if self.store is not None:
            await self.store.close()

    def _new_log(self, game_id: str) -> EventLog:
        store = self.store
        if store is None:
            return EventLog()

        async def flush(rows):
            await store.append_events(game_id, rows)

        return EventLog(flush=flush)

    # -- games ------------------------------------------------------------------
    def get(self, game_id: str) -> LiveGame:
        try:
            return self.games[game_id]
        except KeyError:
            raise Refused(404, "unknown_game", f"no game {game_id!r} on this server") from None

    async def create(self, config: GameConfig, humans: list[int], bots: dict[int, str],
                     pace: float, step: bool) -> tuple[LiveGame, dict[int, str], str]:
        game_id = uuid.uuid4().hex[:12]
        table = Table(humans=sorted(humans), bots=bots, pace=pace, step=step)
        seat_tokens = {s: secrets.token_urlsafe(18) for s in table.humans}
        spectator = secrets.token_urlsafe(18)
        tokens: dict[str, int | None] = {t: s for s, t in seat_tokens.items()}
        tokens[spectator] = None
        t = new_game(config)
        g = LiveGame(id=game_id, config=config, table=table, tokens=tokens, created=time.time(),
                     log=self._new_log(game_id), initial=t.state)
        if self.store:
            await self.store.add_game(game_id, g.created, g.record())
        for e in t.events:
            if e.type == "game_created":
                e = e.model_copy(update={"humans": table.humans})
            g.log.publish(e)
        await g.log.flush()
        self.games[game_id] = g
        return g, seat_tokens, spectator

    async def snapshot(self, g: LiveGame) -> dict[str, Any]:
        """The full (god) snapshot, from the checkpoint once the game has started."""
        if not g.started:
            return full_snapshot(g.initial, g.table.humans, [], False, False)
        state = await self.graph.aget_state(run_config(g.id))
        game = load_game(state.values)
        paused = bool(state.values.get("paused")) and "pause" in state.next
        return full_snapshot(game, g.table.humans, list(state.next), paused, True)

    async def current_game(self, g: LiveGame) -> tuple[GameState, tuple[str, ...]]:
        if not g.started:
            return g.initial, ()
        state = await self.graph.aget_state(run_config(g.id))
        return load_game(state.values), tuple(state.next)

    # -- running ----------------------------------------------------------------
    async def _take_lock(self, g: LiveGame) -> None:
        """Take the game's lock or refuse at once: two actions never run together."""
        if g.lock.locked():
            raise Refused(409, "busy", "another action on this game is being applied; try again")
        # An unlocked asyncio.Lock is acquired without suspending, so nothing slips in between.
        await g.lock.acquire()

    def _launch(self, g: LiveGame, command: Any) -> int:
        """Run one segment of the graph in the background; return the log position before it."""
        start = g.log.head
        g.task = asyncio.get_running_loop().create_task(self._run(g, command))
        return start

    async def _run(self, g: LiveGame, command: Any) -> None:
        try:
            async for chunk in self.graph.astream(command, run_config(g.id),
                                                  stream_mode="custom", durability="sync"):
                g.log.publish(chunk, graph=True)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a broken run must still end with a snapshot
            log.exception("game %s: run failed", g.id)
            g.log.publish(Error(message=f"the game's run failed: {e}"))
        finally:
            g.lock.release()
        await self._publish_snapshot(g)

    async def _publish_snapshot(self, g: LiveGame) -> Entry:
        snap = await self.snapshot(g)
        state = snap["state"]
        g.phase, g.day, g.finished = state["phase"], state["day"], state["over"]
        entry = g.log.publish(Snapshot(state=snap["state"], next=snap["next"],
                                       waiting_for=snap["waiting_for"]))
        await g.log.flush()
        if self.store:
            await self.store.update_game(g.id, started=g.started, finished=g.finished,
                                         phase=g.phase, day=g.day)
        return entry

    async def start(self, g: LiveGame) -> int:
        if g.started:
            raise Refused(409, "already_started", "the game has already started")
        await self._take_lock(g)
        g.started = True
        return self._launch(g, initial_state(g.initial, g.table))

    async def advance(self, g: LiveGame) -> int:
        await self._take_lock(g)
        try:
            _, next_nodes = await self.current_game(g)
            if "pause" not in next_nodes:
                raise Refused(409, "not_paused", "the game is not paused between phases")
        except BaseException:
            g.lock.release()
            raise
        return self._launch(g, Command(resume={"advance": True}))

    async def act(self, g: LiveGame, viewer: Viewer, action: Action) -> int:
        if viewer.seat is None or viewer.seat != action.seat:
            raise Refused(403, "wrong_seat", f"this token may not act for seat {action.seat}")
        if g.finished:
            raise Refused(409, "game_over", "the game is over")
        if not g.started:
            raise Refused(409, "not_started", "the game has not started")
        await self._take_lock(g)
        try:
            game, next_nodes = await self.current_game(g)
            if "human" not in next_nodes:
                raise Refused(409, "not_your_turn", f"the game is not waiting on seat {action.seat}")
            try:
                validate(game, action)
            except IllegalAction as e:
                raise Refused(409, e.code, e.message) from None
        except BaseException:
            g.lock.release()
            raise
        return self._launch(g, Command(resume=action.model_dump()))

    # -- recovery ---------------------------------------------------------------
    async def recover(self) -> None:
        """Load every game; resume the unfinished ones from their last consistent checkpoint."""
        assert self.store is not None
        for stored in await self.store.games():
            rec = stored.record
            config = GameConfig(**rec["config"])
            g = LiveGame(id=stored.id, config=config, table=Table(**rec["table"]),
                         tokens=rec["tokens"], created=stored.created,
                         log=self._new_log(stored.id), initial=new_game(config).state,
                         started=stored.started, finished=stored.finished, phase=stored.phase,
                         day=stored.day)
            g.log.load(await self.store.events(stored.id))
            self.games[g.id] = g
            if g.finished:
                continue
            state = await self.graph.aget_state(run_config(g.id))
            if not state.values:
                if g.started:  # it crashed before its first checkpoint: start again
                    g.log.truncate_to_graph_count(0)
                    await self.store.truncate_events(g.id, g.log.head)
                    await self._take_lock(g)
                    self._launch(g, initial_state(g.initial, g.table))
                continue
            g.started = True
            config_to_resume = await self._consistent_checkpoint(g, state)
            head = g.log.truncate_to_graph_count(config_to_resume[1])
            await self.store.truncate_events(g.id, head)
            resume_cfg, _ = config_to_resume
            state = await self.graph.aget_state(resume_cfg)
            if state.next and set(state.next) <= {"human", "pause"} and state.tasks and any(
                t.interrupts for t in state.tasks
            ):
                await self._publish_snapshot(g)  # waiting on a human: it keeps waiting
                continue
            await self._take_lock(g)
            g.task = asyncio.get_running_loop().create_task(self._run_from(g, resume_cfg))

    async def _consistent_checkpoint(self, g: LiveGame, latest) -> tuple[dict, int]:
        """The newest checkpoint whose events all reached the log (a crash may lose the last few)."""
        have = g.log.graph_count()
        if latest.values.get("emitted", 0) <= have:
            return run_config(g.id), latest.values.get("emitted", 0)
        async for snap in self.graph.aget_state_history(run_config(g.id)):
            emitted = snap.values.get("emitted", 0) if snap.values else 0
            if emitted <= have and snap.values:
                cfg = {**run_config(g.id), "configurable": dict(snap.config["configurable"])}
                return cfg, emitted
        return run_config(g.id), 0

    async def _run_from(self, g: LiveGame, cfg: dict) -> None:
        try:
            async for chunk in self.graph.astream(None, {**cfg, "recursion_limit": 10_000},
                                                  stream_mode="custom", durability="sync"):
                g.log.publish(chunk, graph=True)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            log.exception("game %s: resumed run failed", g.id)
            g.log.publish(Error(message=f"the game's run failed: {e}"))
        finally:
            g.lock.release()
        await self._publish_snapshot(g)


def choose_humans(humans: list[int] | int, players: int, seed: int) -> list[int]:
    if isinstance(humans, int):
        return sorted(random.Random(f"humans:{seed}").sample(range(1, players + 1), humans))
    return sorted(humans)
