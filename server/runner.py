"""Runs games' graphs one segment at a time, in the background.

A segment starts with ``start``, a human's action, an ``advance`` or a turn timer, and
runs until the graph waits on a human (or a pause, or the game ends); it publishes
everything it streams into the game's log and closes with a snapshot. One lock per
game: two segments never run at once (two resumes of one thread would fork it).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from server.eventlog import Entry, EventLog
from server.game import GameState, Viewer, decision_for, pending, table_snapshot
from server.graph_state import initial_state, load_game, run_config
from server.journal import Journal
from server.refusals import Refused
from server.registry import LiveGame, Registry
from shared.actions import Action, IllegalAction
from shared.events import Error, Event, Resumed, Snapshot

log = logging.getLogger("werewolf.runner")

# An action the rules refuse for its content (not its timing) is the client's mistake.
INVALID_CODES = frozenset({"bad_text"})
ACTION_LOCK_WAIT = 5.0  # seconds an action waits for the segment before it to end


class Replay:
    """A game going on from a checkpoint after a restart: the events it produces again in
    the same words are already in the log (and may have been seen), so they are not
    published twice; from the first that differs (an LLM may say something else), a
    ``resumed`` marker says that the rest of the old ones are superseded."""

    def __init__(self, log_: EventLog, expected: list[Entry], day: int, phase: str) -> None:
        self.log, self.expected, self.day, self.phase = log_, list(expected), day, phase
        self.said = 0  # how much of the first expected token's text was produced again

    def publish(self, event: Event, graph: bool = False) -> Entry | None:
        if self.expected:
            if event.type in _TOKENS:
                # The typewriter writes whatever is due per tick: the same words may come
                # cut into other events. Its text is what must match, not its cuts.
                rest = self._said_again(event)
                if not rest:
                    return None
                if rest != event.content:  # type: ignore[union-attr]
                    event = event.model_copy(update={"content": rest})
            elif not self.said and _same(self.expected[0].event, event):
                self.expected.pop(0)
                return None
            self.end()
        return self.log.publish(event, graph=graph)

    def _said_again(self, event: Any) -> str:
        """Take the token's text off the expected tokens it repeats: what is left is new."""
        text = event.content
        while text and self.expected:
            old = self.expected[0].event
            if old.type != event.type or old.seat != event.seat or old.vis != event.vis:  # type: ignore[union-attr]
                break
            left = old.content[self.said :]  # type: ignore[union-attr]
            if text.startswith(left):
                text = text[len(left) :]
                self.expected.pop(0)
                self.said = 0
            elif left.startswith(text):
                self.said += len(text)
                return ""
            else:
                break
        return text

    def catching_up(self) -> bool:
        return bool(self.expected)

    def end(self) -> None:
        """Whatever was not produced again is superseded."""
        self.said = 0
        if self.expected:
            after = self.expected[0].seq - 1
            self.expected = []
            self.log.publish(Resumed(after=after, day=self.day, phase=self.phase))  # type: ignore[arg-type]


def _storage_failure(e: BaseException) -> bool:
    """Did the run fail because the store could not be written (a full disk, I/O)?"""
    seen: set[int] = set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, OSError) or (
            isinstance(e, sqlite3.OperationalError)
            and any(w in str(e) for w in ("full", "disk", "readonly", "I/O", "locked"))
        ):
            return True
        e = e.__cause__ or e.__context__  # type: ignore[assignment]
    return False


_TOKENS = frozenset({"token", "thought_token"})


def _same(a: Event, b: Event) -> bool:
    return a.model_copy(update={"ts": None}) == b.model_copy(update={"ts": None})


def _snapshot_of(g: LiveGame, values: dict[str, Any]) -> Snapshot | None:
    """The snapshot of a run's last values: the game ended (the route is the graph's end) or
    waits in the node its route names (an interrupt, which is what the checkpoint's ``next``
    then says). None when the values say neither (then the checkpoint is read)."""
    route = values.get("route")
    if not isinstance(route, str) or "game" not in values:
        return None
    if route == _END:
        after: list[str] = []
    elif "__interrupt__" in values:
        after = [route]
    else:
        return None
    game = load_game(values)
    paused = bool(values.get("paused")) and route == "pause"
    return table_snapshot(game, g.table.humans, pending(game), after, paused, started=True)


_END = "__end__"  # langgraph.graph.END, without loading LangGraph here


def _resume(value: Any) -> Any:
    """A resume command for the graph (LangGraph is loaded by then: a game has started)."""
    from langgraph.types import Command

    return Command(resume=value)


class Runner:
    def __init__(
        self,
        graph: Any | asyncio.Future,
        registry: Registry,
        journal: Journal | None = None,
        wanted: Callable[[], None] | None = None,
    ) -> None:
        """``graph``: the compiled game graph, or a future of it (the server answers while
        LangGraph loads; what needs the graph waits for it). ``wanted``: called when
        something first waits for that future (the moderator then loads the graph, if it
        has not begun already)."""
        self._graph = graph
        self._wanted = wanted
        self.registry = registry
        self.journal = journal
        self._evictions: set[asyncio.Task] = set()

    async def graph(self) -> Any:
        """The compiled game graph, once loaded."""
        if isinstance(self._graph, asyncio.Future):
            if self._wanted is not None:
                self._wanted()
            self._graph = await self._graph
        return self._graph

    # -- reading the checkpoint -------------------------------------------------------
    async def current_game(self, g: LiveGame) -> tuple[GameState, tuple[str, ...]]:
        if not g.started:
            return g.initial, ()
        state = await (await self.graph()).aget_state(run_config(g.id))
        if not state.values:  # started, but its first step is not saved yet
            return g.initial, ()
        return load_game(state.values), tuple(state.next)

    async def snapshot(self, g: LiveGame, values: dict[str, Any] | None = None) -> Snapshot:
        """The full (god) snapshot, from the checkpoint once the game has started; or from
        ``values``, what the run that just ended returned (the checkpoint's values, without
        reading them back and validating the whole game again)."""
        if values is not None and (snap := _snapshot_of(g, values)) is not None:
            return snap
        if not g.started:
            return table_snapshot(g.initial, g.table.humans, [], [], False, False)
        if g.finished and g.final is not None:  # a finished game's last word
            return Snapshot.model_validate_json(g.final)
        last = g.log.last
        if g.finished and last is not None and last.event.type == "snapshot":
            return last.event  # type: ignore[return-value]
        if (live := g.live) is not None:  # what the checkpoint at that phase's end would say
            return table_snapshot(live, g.table.humans, pending(live), ["play"], False, True)
        state = await (await self.graph()).aget_state(run_config(g.id))
        if not state.values:  # started, but its first step is not saved yet
            return table_snapshot(g.initial, g.table.humans, [], [], False, started=True)
        game = load_game(state.values)
        paused = bool(state.values.get("paused")) and "pause" in state.next
        return table_snapshot(
            game, g.table.humans, pending(game), list(state.next), paused, started=True
        )

    # -- what players and hosts ask -----------------------------------------------------
    async def start(self, g: LiveGame, viewer: Viewer) -> int:
        self.refuse_unless_writable()
        if not viewer.host:
            raise Refused("forbidden", "not_host", "only the game's host may start it")
        if g.started:
            raise Refused("conflict", "already_started", "the game has already started")
        await self.take_lock(g)
        if g.open_seats:  # started early: bots take the seats nobody took
            humans = [s for s in g.table.humans if s not in g.open_seats]
            bots = {**g.table.bots, **dict.fromkeys(g.open_seats, "builtin")}
            g.table = g.table.model_copy(update={"humans": humans, "bots": bots})
            g.open_seats = {}
        g.started = True
        await self.registry.save_record(g)
        return self.launch(g, initial_state(g.initial, g.table))

    async def advance(self, g: LiveGame) -> int:
        self.refuse_unless_writable()
        await self.take_lock(g)
        try:
            _, next_nodes = await self.current_game(g)
            if "pause" not in next_nodes:
                raise Refused("conflict", "not_paused", "the game is not paused between phases")
        except BaseException:
            g.lock.release()
            raise
        return self.launch(g, _resume({"advance": True}))

    async def act(self, g: LiveGame, viewer: Viewer, action: Action) -> int:
        """Hand a human's action to the game; return once the rules have taken it (the log's
        head before its consequences), or raise :class:`Refused` with the rules' reason."""
        if viewer.seat is None or viewer.seat != action.seat:
            raise Refused(
                "forbidden", "wrong_seat", f"this token may not act for seat {action.seat}"
            )
        self.refuse_unless_writable()
        if g.finished:
            raise Refused("conflict", "game_over", "the game is over")
        if not g.started:
            raise Refused("conflict", "not_started", "the game has not started")
        # Another human's answer may be on its way through the rules: wait for it, briefly.
        await self.take_lock(g, wait=ACTION_LOCK_WAIT)
        try:
            _, next_nodes = await self.current_game(g)
            if "human" not in next_nodes:
                raise Refused(
                    "conflict", "not_your_turn", f"the game is not waiting on seat {action.seat}"
                )
        except BaseException:
            g.lock.release()
            raise
        verdict: asyncio.Future[IllegalAction | None] = asyncio.get_running_loop().create_future()
        start = self.launch(g, _resume(action), verdict)
        refusal = await verdict
        if refusal is not None:
            if g.task is not None:
                await g.task  # the refused run ends without a word: then the game is free again
            why = "invalid" if refusal.code in INVALID_CODES else "conflict"
            raise Refused(why, refusal.code, refusal.message)
        return start

    # -- running a segment ---------------------------------------------------------------
    async def take_lock(self, g: LiveGame, wait: float = 0.0) -> None:
        """Take the game's lock, waiting at most ``wait`` seconds, or refuse: two segments
        never run at once (two resumes of one thread would fork the game)."""
        if not g.lock.locked():
            # A free asyncio.Lock is acquired without suspending: nothing slips in between.
            await g.lock.acquire()
            return
        if wait > 0:
            try:
                await asyncio.wait_for(g.lock.acquire(), wait)
                return
            except TimeoutError:
                pass
        raise Refused("busy", "busy", "another action on this game is being applied; try again")

    def config(
        self, g: LiveGame, base: dict[str, Any] | None = None, verdict: asyncio.Future | None = None
    ) -> dict[str, Any]:
        """The run's config (``base``: a checkpoint's, to resume from it): the game's thread,
        where its bots record their LLM calls, and who hears a human action's verdict."""
        cfg = base or run_config(g.id)
        configurable = {
            **cfg["configurable"],
            "call_log": self.registry.calls(g),
            "progress": lambda game: setattr(g, "live", game),
        }
        if verdict is not None:

            def hear(refusal: IllegalAction | None) -> None:
                if not verdict.done():
                    verdict.set_result(refusal)

            configurable["verdict"] = hear
        return {**cfg, "configurable": configurable}

    def launch(
        self,
        g: LiveGame,
        command: Any,
        verdict: asyncio.Future | None = None,
        base: dict[str, Any] | None = None,
        replay: Replay | None = None,
    ) -> int:
        """Run one segment in the background (the lock held); return the log's head before it."""
        start = g.log.head
        if replay is not None:
            base = {**(base or run_config(g.id))}
            base["configurable"] = {**base["configurable"], "catching_up": replay.catching_up}
        g.task = asyncio.get_running_loop().create_task(
            self._run(g, command, verdict, base, replay)
        )
        return start

    async def _run(
        self,
        g: LiveGame,
        command: Any,
        verdict: asyncio.Future | None,
        base: dict | None,
        replay: Replay | None,
    ) -> None:
        start = g.log.head
        publish = replay.publish if replay is not None else g.log.publish
        failed: Exception | None = None
        values: dict[str, Any] | None = None
        try:
            graph = await self.graph()
            cfg = self.config(g, base, verdict)
            # The nodes publish what they write themselves (``configurable["write"]``): no
            # thread-safe stream queue and no wake-up of this task per event in between.
            cfg["configurable"]["write"] = partial(publish, graph=True)  # (no frame of its own)
            values = await graph.ainvoke(command, cfg, durability="sync")
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a broken run must still end with a snapshot
            failed = e
        finally:
            g.live = None  # the checkpoint (or the snapshot below) is the newest again
            if replay is not None:
                replay.end()
            g.lock.release()
            if verdict is not None and not verdict.done():  # the run ended before the rules spoke
                verdict.set_result(IllegalAction("not_your_turn", "the game did not take it"))
        if failed is not None and self.journal is not None and _storage_failure(failed):
            self.journal.report(failed)
        if failed is not None and not self.storage_ok():
            # The disk refused the checkpoint: the game goes on from it once writes work again.
            log.warning("game %s: paused until the store can be written: %s", g.id, failed)
            asyncio.get_running_loop().create_task(self._resume_when_writable(g))
            return
        if failed is not None:
            log.error("game %s: run failed", g.id, exc_info=failed)
            g.log.publish(Error(message=f"the game's run failed: {failed}"))
        if verdict is not None and verdict.result() is not None and g.log.head == start:
            return  # a refused action: nothing happened, nothing to announce
        await self.publish_snapshot(g, values if failed is None else None)
        self.schedule_timers(g, start)

    async def publish_snapshot(self, g: LiveGame, values: dict[str, Any] | None = None) -> None:
        snap = await self.snapshot(g, values)
        state = snap.state
        g.phase, g.day, g.finished = state.phase, state.day, state.over
        g.log.publish(snap)
        if g.finished:
            g.log.close()
            self.evict_later(g)
        store = self.registry.store
        if store is not None:
            try:
                await store.update_game(
                    g.id, started=g.started, finished=g.finished, phase=g.phase, day=g.day
                )
            except Exception as e:  # noqa: BLE001 - the log and checkpoint hold the truth
                log.warning("game %s: its summary row was not updated: %s", g.id, e)

    # -- storage ------------------------------------------------------------------------------
    def evict_later(self, g: LiveGame) -> None:
        """Once a finished game's log is written, let it leave memory (the store has it)."""
        store, journal = self.registry.store, self.journal
        if store is None or journal is None:
            return

        async def evict() -> None:
            await journal.flush(g.log)
            last = g.log.entries[-1] if g.log.entries else None
            if last is not None and last.event.type == "snapshot":
                g.final = last.data  # kept as JSON only (the log forgets its last entry)
            g.log.evict(lambda: store.events(g.id), keep_last=g.final is None)
            journal.forget(g.log)
            # The deal, the LLM calls: in the store, or dealt again, when someone asks.
            g.deal = None
            if g.calls is not None:
                await g.calls.flush()
                g.calls = None
            if g.task is not None and g.task.done():
                g.task = None  # (a done task keeps its coroutine)

        task = asyncio.get_running_loop().create_task(evict())
        self._evictions.add(task)
        task.add_done_callback(self._evictions.discard)

    def storage_ok(self) -> bool:
        return self.journal is None or self.journal.healthy

    def refuse_unless_writable(self) -> None:
        """Nothing is acknowledged that could not be stored: 503 while writes fail."""
        if not self.storage_ok():
            assert self.journal is not None
            raise Refused(
                "unavailable",
                "storage",
                f"the server can't write its games right now ({self.journal.error}); try again",
            )

    async def _resume_when_writable(self, g: LiveGame) -> None:
        while not self.storage_ok():
            await asyncio.sleep(0.2)
        while True:
            try:
                await self.take_lock(g)
                break
            except Refused:
                await asyncio.sleep(0.2)
        try:
            await self.resume(g)
        except BaseException:
            if g.lock.locked():
                g.lock.release()
            raise

    async def resume(self, g: LiveGame) -> None:
        """Go on from the game's newest checkpoint whose events all reached the log (the lock
        held). Events it produces again in the same words are not published twice."""
        graph = await self.graph()
        state = await graph.aget_state(run_config(g.id))
        if not state.values:  # it never reached a checkpoint: start again
            replay = Replay(g.log, g.log.graph_entries(), g.day, g.phase)
            self.launch(g, initial_state(g.initial, g.table), replay=replay)
            return
        cfg, emitted = await self._consistent_checkpoint(g, state)
        state = await graph.aget_state(cfg)
        game = load_game(state.values)
        stand = g.log.graph_entries()
        replay = Replay(g.log, stand[emitted:], game.day, game.phase)
        waits = set(state.next) <= {"human", "pause"} and any(t.interrupts for t in state.tasks)
        if game.over or (state.next and waits):
            replay.end()  # nothing more will come from there: anything after it is superseded
            g.lock.release()
            await self.publish_snapshot(g)  # waiting on a human: it keeps waiting
            self.schedule_timers(g, 0)
            return
        self.launch(g, None, base=cfg, replay=replay)

    async def _consistent_checkpoint(self, g: LiveGame, latest: Any) -> tuple[dict[str, Any], int]:
        """The newest checkpoint whose events all reached the log, and its event count."""
        have = len(g.log.graph_entries())
        if latest.values.get("emitted", 0) <= have:
            return run_config(g.id), latest.values.get("emitted", 0)
        async for snap in (await self.graph()).aget_state_history(run_config(g.id)):
            emitted = snap.values.get("emitted", 0) if snap.values else 0
            if emitted <= have and snap.values:
                cfg = {**run_config(g.id), "configurable": dict(snap.config["configurable"])}
                return cfg, emitted
        return run_config(g.id), 0

    # -- the turn timer -------------------------------------------------------------------
    def schedule_timers(self, g: LiveGame, since: int) -> None:
        """Time every human decision announced since ``since`` that carries a deadline."""
        if g.finished or not g.table.turn_timeout:
            return
        for entry in g.log.entries[since:]:
            e = entry.event
            if e.type != "waiting" or e.decision is None or not e.deadline:
                continue
            seat = e.decision.seat
            if g.timers.get(seat) != entry.seq:
                g.timers[seat] = entry.seq
                asyncio.get_running_loop().create_task(self._expire(g, seat, entry.seq, e.deadline))

    async def _expire(self, g: LiveGame, seat: int, seq: int, deadline: float) -> None:
        """When a human's time runs out, the decision is taken as its pass."""
        await asyncio.sleep(max(0.0, deadline - time.time()))
        while True:
            if g.timers.get(seat) != seq or g.finished:
                return
            if not g.lock.locked():
                game, next_nodes = await self.current_game(g)
                d = decision_for(game, seat)
                if d is None or "human" not in next_nodes:
                    return
                try:
                    await self.take_lock(g)
                except Refused:
                    continue
                g.timers.pop(seat, None)
                self.launch(g, _resume(d.pass_action()))
                return
            await asyncio.sleep(0.1)


__all__ = ["Runner"]
