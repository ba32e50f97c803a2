"""The moderator: the game layer the HTTP routes call. It opens the store and the
checkpointer, holds the games (:mod:`server.registry`), runs them
(:mod:`server.runner`) and brings them back after a restart (:mod:`server.recovery`).

It knows nothing of HTTP: refusals are :class:`server.refusals.Refused`.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sqlite3
from pathlib import Path
from typing import Any

from server.bots import close_bots, load_kind, unavailable, warm
from server.datadir import DataDirLock, private_files
from server.game import GameConfig
from server.heap import HeapKeeper, loaded, settle
from server.journal import Journal
from server.pacing import pacing_clock
from server.recovery import recover, resume
from server.registry import LiveGame, Registry
from server.runner import Runner
from server.store import Store

# Seconds after the server opens that the game graph loads, if no game has needed it yet
# (:meth:`Moderator._load_graph`): ready for the first game a server is asked for later,
# and out of the way of the first requests of a game made at once.
LOAD_GRAPH_AFTER = 1.0


class Moderator:
    def __init__(
        self, data_dir: Path | None, lock: DataDirLock | None = None, max_live_games: int = 0
    ) -> None:
        self.data_dir = data_dir
        self._held = lock  # the data directory's lock, if the caller took it
        self.store: Store | None = None
        self.registry = Registry(None, max_live=max_live_games)
        self._checkpoints: sqlite3.Connection | None = None
        self.journal: Journal | None = None
        self._lock: DataDirLock | None = None
        self._runner: Runner | None = None
        self._importing: asyncio.Future | None = None  # DSPy, loading in the background
        self._loading: asyncio.Future | None = None  # the game graph, loading in the background
        self._graph: asyncio.Future | None = None  # the game graph, once built
        self._graph_checkpoints: tuple[sqlite3.Connection, Path] | None = None
        self._load_later: asyncio.TimerHandle | None = None  # _load_graph, if nothing needs it
        self._warming: asyncio.Task | None = None
        self._heap: asyncio.Task | None = None  # the collector's keeper (server/heap.py)

    @property
    def runner(self) -> Runner:
        if self._runner is None:
            raise RuntimeError("the moderator is not open")
        return self._runner

    async def open(self) -> None:
        """Open the store and bring back the games kept there. The game graph (LangGraph:
        most of the server's import time) loads later, in a thread of its own
        (:meth:`_load_graph`): the server answers, takes games and shows them before it is
        ready; what runs a game waits for it (:meth:`Runner.graph`)."""
        loop = asyncio.get_running_loop()
        graph: asyncio.Future[Any] = loop.create_future()
        self._graph = graph
        unfinished: list[LiveGame] = []
        checkpoints: tuple[sqlite3.Connection, Path] | None = None  # (in memory without)
        if self.data_dir is not None:
            # One server per data directory (the caller may hold the lock already).
            self._lock = self._held or DataDirLock(self.data_dir)
            self.store = Store(self.data_dir / "games.sqlite")
            await self.store.open()
            self.journal = Journal(self.store)
            self.registry.store, self.registry.journal = self.store, self.journal
            # The kept games first, before the import's thread competes for the interpreter.
            unfinished = await recover(self.store, self.registry, self.journal)
            path = self.data_dir / "checkpoints.sqlite"
            self._checkpoints = _checkpoints_db(path)
            checkpoints = (self._checkpoints, path)
        self._graph_checkpoints = checkpoints
        self._load_later = loop.call_later(LOAD_GRAPH_AFTER, self._load_graph)
        self._runner = Runner(graph, self.registry, self.journal, wanted=self._load_graph)
        self._warming = loop.create_task(self._warm_up(graph))
        if self.data_dir is not None:
            await resume(unfinished, self._runner)
            private_files(self.data_dir)

    def _load_graph(self) -> None:
        """Import and build the game graph, in a thread of its own, once: when a game first
        needs it (started, resumed, read from its checkpoint), or ``LOAD_GRAPH_AFTER``
        seconds after the server opened, whichever comes first.

        Not at once: until a game starts nothing needs it, and its import (0.35 s of CPU,
        LangGraph and langchain_core) shared the interpreter with the requests that show a
        new game (``werewolf play`` asks for its health, the game, its snapshot and its
        feed before it starts it), which then ran at half speed. The game's first move
        waits for the graph either way (docs/benchmarks.md, "Issue 12 in session 16")."""
        if self._loading is not None or self._graph is None:  # (loading, or not open)
            return
        if self._load_later is not None:
            self._load_later.cancel()
        graph, checkpoints = self._graph, self._graph_checkpoints
        self._loading = asyncio.get_running_loop().run_in_executor(None, _import_graph)
        self._loading.add_done_callback(lambda f: _build(f, graph, checkpoints))
        self._loading.add_done_callback(lambda _: loaded())  # (server/heap.py: loading)

    async def _warm_up(self, graph: asyncio.Future) -> None:
        """Once the graph is loaded, play one quick all-bot game in memory: the first game
        otherwise pays for lazy imports and first calls, stalling every stream a moment."""
        try:
            await asyncio.shield(graph)
            from server.headless import run_game  # (LangGraph: imported by then)

            # A game already running pays for the first calls itself (``werewolf play``
            # starts its game at once): a warm-up beside it would only slow it down.
            busy = any(g.started for g in self.registry.games.values())
            if not busy:
                await run_game(GameConfig(players=6, seed=0))
        except Exception:  # noqa: BLE001 - a game started meanwhile will say what is wrong
            log.exception("warming up failed")
            return
        settle(collect=not busy)  # (a game that plays already is not stopped for it)
        loop = asyncio.get_running_loop()
        self._heap = loop.create_task(HeapKeeper(pacing_clock().idle).run())
        if unavailable(["llm"]) is None:  # DSPy takes seconds to import: not in a game's
            # first turn (a thread of its own, not awaited)
            # (what it loads is frozen by the keeper's next round)
            self._importing = loop.run_in_executor(None, warm, "llm")

    async def close(self) -> None:
        if self._load_later is not None:
            self._load_later.cancel()
        if self._warming is not None and not self._warming.done():
            self._warming.cancel()
        if self._heap is not None:
            self._heap.cancel()
        if self._loading is not None:
            try:  # the graph's import holds the interpreter's import lock: let it end
                await asyncio.shield(self._loading)
            except Exception:  # noqa: BLE001
                pass
        games = self.registry.games.values()
        for g in games:
            if g.task and not g.task.done():
                g.task.cancel()
        for g in games:
            if g.task:
                try:
                    await g.task
                except (asyncio.CancelledError, Exception):
                    pass
            if g.calls is not None:
                await g.calls.flush()
        if self.journal is not None:
            await self.journal.close()
        await close_bots()  # the LLM bots' connections, if any played
        if self._checkpoints is not None:
            self._checkpoints.close()
        if self.store is not None:
            await self.store.close()
        if self._lock is not None and self._held is None:
            self._lock.release()


def _import_graph() -> None:
    """Import LangGraph and the game graph (run in a thread: about a second of imports).
    The built-in bots first: a game's creation asks for its bots' kind, and ``werewolf
    play`` creates its game as soon as the server answers (imported then, they took a
    tenth of a second of the first screen, the import's thread beside them)."""
    load_kind("builtin")
    for name in ("langgraph.checkpoint.memory", "server.checkpoint_saver", "server.graph"):
        importlib.import_module(name)


def _checkpoints_db(path: Path) -> sqlite3.Connection:
    """The checkpoints' connection, used on the loop's thread (server/checkpoint_saver.py):
    WAL like the events' store, without a sync per commit (a killed server loses nothing
    written; a power cut may lose the last checkpoints, and a game goes on from the newest
    one whose events are all in the log); the WAL is moved into the database off the loop."""
    conn = sqlite3.connect(path, check_same_thread=False)  # the saver's own lock guards it
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    return conn


def _build(
    imported: asyncio.Future,
    graph: asyncio.Future,
    checkpoints: tuple[sqlite3.Connection, Path] | None,
) -> None:
    """Compile the game graph once its modules are imported, on the event loop; with the
    checkpoints' connection (a data directory) or in memory."""
    if graph.done():
        return
    if (error := imported.exception()) is not None:
        graph.set_exception(error)
        return
    from langgraph.checkpoint.memory import InMemorySaver

    from server.checkpoint_saver import InlineSqliteSaver
    from server.graph import build_graph, checkpoint_serde

    try:
        if checkpoints is None:
            saver: Any = InMemorySaver(serde=checkpoint_serde())
        else:
            saver = InlineSqliteSaver(*checkpoints, serde=checkpoint_serde())
        graph.set_result(build_graph(saver))
    except Exception as e:  # noqa: BLE001 - whoever waits for the graph hears it
        graph.set_exception(e)


log = logging.getLogger("werewolf.moderator")

__all__ = ["Moderator"]
