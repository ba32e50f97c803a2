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
from server.game import GameConfig
from server.graph import build_graph, checkpoint_serde
from server.recovery import recover
from server.registry import Registry
from server.runner import Runner
from server.store import Store


class Moderator:
    def __init__(self, data_dir: Path | None, max_live_games: int = 0) -> None:
        self.data_dir = data_dir
        self.store: Store | None = None
        self.registry = Registry(None, max_live=max_live_games)
        self._checkpoints: aiosqlite.Connection | None = None
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
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.data_dir / "games.sqlite")
        await self.store.open()
        self.registry.store = self.store
        self._checkpoints = await aiosqlite.connect(str(self.data_dir / "checkpoints.sqlite"))
        saver = AsyncSqliteSaver(self._checkpoints, serde=checkpoint_serde())
        self._runner = Runner(build_graph(saver), self.registry)
        await recover(self.store, self.registry, self._runner)
        await self._restore_listing()

    async def _restore_listing(self) -> None:
        """Whether each game is listed for everyone: kept in its record (older records, and
        recovery, know nothing of it: private)."""
        assert self.store is not None
        for stored in await self.store.games():
            if g := self.registry.games.get(stored.id):
                g.public = bool(stored.record.get("public", False))

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
            await g.log.flush()
            if g.calls is not None:
                await g.calls.flush()
        await close_bots()  # the LLM bots' connections, if any played
        if self._checkpoints is not None:
            await self._checkpoints.close()
        if self.store is not None:
            await self.store.close()


__all__ = ["Moderator"]
