"""The moderator runs every game on the server: creates it, runs its graph in the
background, hands human answers to it, publishes what happens, and recovers the
unfinished games after a restart.

It knows nothing of HTTP: the routes in ``server/api.py`` call it.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import random
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.types import Command

from server.bots import close_bots
from server.eventlog import Entry, EventLog
from server.game import (
    Action,
    GameConfig,
    GameState,
    IllegalAction,
    decision_for,
    new_game,
    validate,
)
from server.graph import Table, build_graph, initial_state, load_game, run_config
from server.llm.calls import CallRecord
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


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud


class GameCalls:
    """One game's LLM call records: kept in memory, written behind to SQLite."""

    def __init__(self, game_id: str, store: Store | None) -> None:
        self.game_id, self.store = game_id, store
        self.records: list[CallRecord] = []
        self._unsaved: list[tuple[int, int, str]] = []
        self._flushing: asyncio.Task | None = None

    def load(self, rows: list[str]) -> None:
        self.records = [CallRecord.model_validate_json(r) for r in rows]

    def add(self, record: CallRecord) -> None:
        self.records.append(record)
        if self.store is None:
            return
        self._unsaved.append((len(self.records), record.seat, record.model_dump_json()))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        while self._unsaved:
            rows, self._unsaved = self._unsaved, []
            await self.store.append_calls(self.game_id, rows)

    async def flush(self) -> None:
        """Wait until every record is written (at shutdown)."""
        if self._flushing is not None:
            await self._flushing
        await self._flush()


@dataclass
class LiveGame:
    id: str  # also the join code
    config: GameConfig
    table: Table
    tokens: dict[str, int | None]  # seat tokens handed out: token -> seat
    created: float
    log: EventLog
    initial: GameState  # the deal, before the graph runs
    spectator_token: str | None = None  # sees everything (None in hosted games)
    host_token: str | None = None  # may start the game
    open_seats: dict[int, str] = field(default_factory=dict)  # human seats not yet taken
    started: bool = False
    finished: bool = False
    phase: str = "night"
    day: int = 1
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    task: asyncio.Task | None = None
    timers: dict[int, int] = field(default_factory=dict)  # seat -> seq of the waiting it times
    calls: GameCalls | None = None  # the LLM bots' calls (None until the moderator sets it)

    def record(self) -> dict[str, Any]:
        return {
            "config": self.config.model_dump(),
            "table": self.table.model_dump(),
            "tokens": self.tokens,
            "spectator_token": self.spectator_token,
            "host_token": self.host_token,
            "open_seats": {str(k): v for k, v in self.open_seats.items()},
        }

    def viewer(self, token: str | None) -> Viewer:
        if token is None:
            raise Refused(401, "bad_token", "missing bearer token")
        host = token == self.host_token or (
            self.host_token is None and (token in self.tokens or token == self.spectator_token)
        )
        if token == self.spectator_token:
            return Viewer(seat=None, god=True, host=host)
        if token in self.tokens:
            seat = self.tokens[token]
            return Viewer(seat=seat, is_wolf=self.initial.role(seat) == "werewolf", host=host)
        if token == self.host_token:
            return Viewer(seat=None, host=True)
        raise Refused(403, "bad_token", "this token does not belong to this game")

    def summary(self) -> dict[str, Any]:
        return {
            "game_id": self.id,
            "code": self.id,
            "players": self.config.players,
            "phase": self.phase,
            "day": self.day,
            "humans": self.table.humans,
            "open_seats": sorted(self.open_seats),
            "hosted": self.host_token is not None,
            "started": self.started,
            "finished": self.finished,
            "created": self.created,
        }


class Moderator:
    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self.games: dict[str, LiveGame] = {}
        self.store: Store | None = None
        self._saver_cm = None
        self.graph = None
        self._importing: asyncio.Future | None = None  # DSPy, loading in the background

    # -- lifecycle ------------------------------------------------------------
    async def open(self) -> None:
        await self._warm_up()
        if self.data_dir is None:
            self.graph = build_graph(InMemorySaver())
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.data_dir / "games.sqlite")
        await self.store.open()
        self._saver_cm = AsyncSqliteSaver.from_conn_string(
            str(self.data_dir / "checkpoints.sqlite")
        )
        saver = await self._saver_cm.__aenter__()
        self.graph = build_graph(saver)
        await self.recover()

    async def _warm_up(self) -> None:
        """Play one quick all-bot game in memory before serving: the first game otherwise
        pays for lazy imports and first calls, stalling every stream for a moment."""
        from server.headless import run_game

        await run_game(GameConfig(players=6, seed=0))
        from server.llm.settings import LLMSettings

        if LLMSettings.configured():  # DSPy takes seconds to import: not in a game's first
            # turn, and not before the server answers (a thread of its own, not awaited)
            self._importing = asyncio.get_running_loop().run_in_executor(
                None, importlib.import_module, "server.llm.bot"
            )

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
            if g.calls is not None:
                await g.calls.flush()
        await close_bots()  # the LLM bots' connections, if any played
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

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
            if code not in self.games:
                return code

    async def create(
        self,
        config: GameConfig,
        humans: list[int],
        bots: dict[int, str],
        pace: float,
        step: bool,
        turn_timeout: float | None = None,
        hosted: bool = False,
        host_seat: int | None = None,
        spectate: bool = True,
    ) -> LiveGame:
        """A new game. Unhosted: every human seat's token goes to the creator. Hosted: the
        creator gets a host token (its own seat's, if it plays) and the other human seats
        wait, open, for ``join``."""
        game_id = self._new_code()
        table = Table(
            humans=sorted(humans), bots=bots, pace=pace, step=step, turn_timeout=turn_timeout
        )
        seat_tokens = {s: secrets.token_urlsafe(18) for s in table.humans}
        t = new_game(config)
        g = LiveGame(
            id=game_id,
            config=config,
            table=table,
            tokens={},
            created=time.time(),
            log=self._new_log(game_id),
            initial=t.state,
        )
        if spectate:
            g.spectator_token = secrets.token_urlsafe(18)
        if hosted:
            g.open_seats = dict(seat_tokens)
            if host_seat is not None:
                g.host_token = g.open_seats.pop(host_seat)
                g.tokens[g.host_token] = host_seat
            else:
                g.host_token = secrets.token_urlsafe(18)
        else:
            g.tokens = {tok: s for s, tok in seat_tokens.items()}
        if self.store:
            await self.store.add_game(game_id, g.created, g.record())
        for e in t.events:
            if e.type == "game_created":
                e = e.model_copy(update={"humans": table.humans})
            g.log.publish(e)
        await g.log.flush()
        self.games[game_id] = g
        return g

    def seat_tokens(self, g: LiveGame) -> dict[int, str]:
        return {s: tok for tok, s in g.tokens.items()}

    async def join(self, g: LiveGame, seat: int | None) -> tuple[int, str]:
        """Take an open seat (the lowest, unless one is asked for) and its token."""
        if g.started:
            raise Refused(409, "started", "the game has already started")
        if not g.open_seats:
            raise Refused(409, "full", "every seat is taken")
        if seat is None:
            seat = min(g.open_seats)
        elif seat not in g.open_seats:
            raise Refused(
                409, "seat_taken", f"seat {seat} is not open (open: {sorted(g.open_seats)})"
            )
        token = g.open_seats.pop(seat)
        g.tokens[token] = seat
        await self._save_record(g)
        return seat, token

    async def _save_record(self, g: LiveGame) -> None:
        if self.store:
            await self.store.update_record(g.id, g.record())

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

    def _calls(self, g: LiveGame) -> GameCalls:
        if g.calls is None:
            g.calls = GameCalls(g.id, self.store)
        return g.calls

    def _config(self, g: LiveGame, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """The run's config (``base``: a checkpoint's, to resume from it): the game's thread,
        and where its bots record their LLM calls."""
        cfg = base or run_config(g.id)
        return {**cfg, "configurable": {**cfg["configurable"], "call_log": self._calls(g)}}

    async def calls(self, g: LiveGame) -> list[CallRecord]:
        return list(self._calls(g).records)

    def _launch(self, g: LiveGame, command: Any) -> int:
        """Run one segment of the graph in the background; return the log position before it."""
        start = g.log.head
        g.task = asyncio.get_running_loop().create_task(self._run(g, command))
        return start

    async def _run(self, g: LiveGame, command: Any) -> None:
        start = g.log.head
        try:
            async for chunk in self.graph.astream(
                command, self._config(g), stream_mode="custom", durability="sync"
            ):
                g.log.publish(chunk, graph=True)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a broken run must still end with a snapshot
            log.exception("game %s: run failed", g.id)
            g.log.publish(Error(message=f"the game's run failed: {e}"))
        finally:
            g.lock.release()
        await self._publish_snapshot(g)
        self._schedule_timers(g, start)

    # -- the turn timer -------------------------------------------------------------
    def _schedule_timers(self, g: LiveGame, since: int) -> None:
        """Time every human decision announced since ``since`` that carries a deadline."""
        if g.finished or not g.table.turn_timeout:
            return
        for entry in g.log.entries[since:]:
            e = entry.event
            if (
                e.type == "waiting"
                and e.seats
                and e.deadline
                and g.timers.get(e.seats[0]) != entry.seq
            ):
                g.timers[e.seats[0]] = entry.seq
                asyncio.get_running_loop().create_task(
                    self._expire(g, e.seats[0], entry.seq, e.deadline)
                )

    async def _expire(self, g: LiveGame, seat: int, seq: int, deadline: float) -> None:
        """When a human's time runs out, the decision is taken as skip / abstain."""
        await asyncio.sleep(max(0.0, deadline - time.time()))
        while True:
            if g.timers.get(seat) != seq or g.finished:
                return
            if not g.lock.locked():
                game, next_nodes = await self.current_game(g)
                d = decision_for(game, seat)
                if d is None or "human" not in next_nodes:
                    return
                action = (
                    Action(seat=seat, kind="skip")
                    if "skip" in d.kinds
                    else Action(seat=seat, kind="speak", text="")
                )
                try:
                    await self._take_lock(g)
                except Refused:
                    continue
                g.timers.pop(seat, None)
                self._launch(g, Command(resume=action.model_dump()))
                return
            await asyncio.sleep(0.1)

    async def _publish_snapshot(self, g: LiveGame) -> Entry:
        snap = await self.snapshot(g)
        state = snap["state"]
        g.phase, g.day, g.finished = state["phase"], state["day"], state["over"]
        entry = g.log.publish(
            Snapshot(state=snap["state"], next=snap["next"], waiting_for=snap["waiting_for"])
        )
        await g.log.flush()
        if self.store:
            await self.store.update_game(
                g.id, started=g.started, finished=g.finished, phase=g.phase, day=g.day
            )
        return entry

    async def start(self, g: LiveGame, viewer: Viewer) -> int:
        if not viewer.host:
            raise Refused(403, "not_host", "only the game's host may start it")
        if g.started:
            raise Refused(409, "already_started", "the game has already started")
        await self._take_lock(g)
        if g.open_seats:  # started early: bots take the seats nobody took
            humans = [s for s in g.table.humans if s not in g.open_seats]
            bots = {**g.table.bots, **{s: "builtin" for s in g.open_seats}}
            g.table = g.table.model_copy(update={"humans": humans, "bots": bots})
            g.open_seats = {}
        g.started = True
        await self._save_record(g)
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
                raise Refused(
                    409, "not_your_turn", f"the game is not waiting on seat {action.seat}"
                )
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
            g = LiveGame(
                id=stored.id,
                config=config,
                table=Table(**rec["table"]),
                tokens=rec["tokens"],
                created=stored.created,
                log=self._new_log(stored.id),
                initial=new_game(config).state,
                spectator_token=rec.get("spectator_token"),
                host_token=rec.get("host_token"),
                open_seats={int(k): v for k, v in rec.get("open_seats", {}).items()},
                started=stored.started,
                finished=stored.finished,
                phase=stored.phase,
                day=stored.day,
            )
            g.log.load(await self.store.events(stored.id))
            self._calls(g).load(await self.store.calls(stored.id))
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
            if (
                state.next
                and set(state.next) <= {"human", "pause"}
                and state.tasks
                and any(t.interrupts for t in state.tasks)
            ):
                await self._publish_snapshot(g)  # waiting on a human: it keeps waiting
                self._schedule_timers(g, 0)
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
        start = g.log.head
        try:
            async for chunk in self.graph.astream(
                None, self._config(g, cfg), stream_mode="custom", durability="sync"
            ):
                g.log.publish(chunk, graph=True)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            log.exception("game %s: resumed run failed", g.id)
            g.log.publish(Error(message=f"the game's run failed: {e}"))
        finally:
            g.lock.release()
        await self._publish_snapshot(g)
        self._schedule_timers(g, start)


def choose_humans(humans: list[int] | int, players: int, seed: int) -> list[int]:
    if isinstance(humans, int):
        return sorted(random.Random(f"humans:{seed}").sample(range(1, players + 1), humans))
    return sorted(humans)
