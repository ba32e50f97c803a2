"""The moderator: the game layer the HTTP routes call. It opens the store and the
checkpointer, holds the games (:mod:`server.registry`), runs them
(:mod:`server.runner`) and brings them back after a restart (:mod:`server.recovery`).

It knows nothing of HTTP: refusals are :class:`server.refusals.Refused`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiosqlite
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from server.bots import close_bots, unavailable, warm
from server.datadir import DataDirLock, private_files
from server.game import GameConfig
from server.graph import build_graph, checkpoint_serde
from server.journal import Journal
from server.recovery import recover
from server.registry import Registry
from server.runner import Runner
from server.store import Store


class Moderator:
    def __init__(
        self, data_dir: Path | None, lock: DataDirLock | None = None, max_live_games: int = 0
    ) -> None:
        self.data_dir = data_dir
        self._held = lock  # the data directory's lock, if the caller took it
        self.store: Store | None = None
        self.registry = Registry(None, max_live=max_live_games)
        self._checkpoints: aiosqlite.Connection | None = None
        self.journal: Journal | None = None
        self._lock: DataDirLock | None = None
        self._runner: Runner | None = None
        self._importing: asyncio.Future | None = None  # DSPy, loading in the background

    @property
    def runner(self) -> Runner:
        if self._runner is None:
            raise RuntimeError("the moderator is not open")
        return self._runner

    async def open(self) -> None:
        await self._warm_up()
        if self.data_dir is None:
            self._runner = Runner(
                build_graph(InMemorySaver(serde=checkpoint_serde())), self.registry
            )
            return
        # One server per data directory (the caller may hold the lock already).
        self._lock = self._held or DataDirLock(self.data_dir)
        self.store = Store(self.data_dir / "games.sqlite")
        await self.store.open()
        self.journal = Journal(self.store)
        self.registry.store, self.registry.journal = self.store, self.journal
        self._checkpoints = await aiosqlite.connect(str(self.data_dir / "checkpoints.sqlite"))
        saver = AsyncSqliteSaver(self._checkpoints, serde=checkpoint_serde())
        self._runner = Runner(build_graph(saver), self.registry, self.journal)
        await recover(self.store, self.registry, self._runner, self.journal)
        private_files(self.data_dir)

    async def _warm_up(self) -> None:
        """Play one quick all-bot game in memory before serving: the first game otherwise
        pays for lazy imports and first calls, stalling every stream for a moment."""
        from server.headless import run_game

        await run_game(GameConfig(players=6, seed=0))
        if unavailable(["llm"]) is None:  # DSPy takes seconds to import: not in a game's
            # first turn, and not before the server answers (a thread of its own, not awaited)
            self._importing = asyncio.get_running_loop().run_in_executor(None, warm, "llm")

    async def close(self) -> None:
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
            await self._checkpoints.close()
        if self.store is not None:
            await self.store.close()
        if self._lock is not None and self._held is None:
            self._lock.release()


__all__ = ["Moderator"]
