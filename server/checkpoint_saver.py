"""LangGraph's SQLite checkpoint saver, written on the event loop's own thread.

``AsyncSqliteSaver`` sends every statement of a checkpoint (cursor, insert, commit) to
aiosqlite's thread and back: three or four trips a checkpoint, each a wake-up of that
thread and of the loop. In a paced game the loop sleeps between them, so every trip costs
a cold wake-up (about 100-150 µs of CPU on this machine), more than the write. Here the
same SQL (the sync ``SqliteSaver``'s) runs inline: the checkpoint is serialised on the loop
anyway; its write in WAL mode without a sync is a few hundred µs at most. The WAL is
moved into the database (a sync) off the loop, every :data:`server.store.WAL_MOVE_EVERY` writes (:class:`server.store.WalMover`).
Imported with LangGraph (slow): only once the game graph is built.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver

from server.store import WalMover


class InlineSqliteSaver(SqliteSaver):
    """``SqliteSaver`` whose async methods run its sync ones in place."""

    def __init__(self, conn: sqlite3.Connection, path: Path, serde: Any = None) -> None:
        super().__init__(conn, serde=serde)
        self.path = path
        self.wal = WalMover(path, "checkpoints'")

    async def aget_tuple(self, config: Any) -> Any:
        return self.get_tuple(config)

    async def alist(  # type: ignore[override]
        self,
        config: Any,
        *,
        filter: dict[str, Any] | None = None,  # noqa: A002 - LangGraph's name
        before: Any = None,
        limit: int | None = None,
    ) -> AsyncIterator[Any]:
        # Read whole before the first yield: ``list`` holds the saver's (thread) lock while it
        # iterates, and a consumer suspended between items while anything else on this loop
        # writes a checkpoint would wait on that lock for ever.
        items = list(self.list(config, filter=filter, before=before, limit=limit))
        for item in items:
            yield item

    async def aput(self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
        saved = self.put(config, checkpoint, metadata, new_versions)
        self.wal.wrote()
        return saved

    async def aput_writes(
        self, config: Any, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = ""
    ) -> None:
        self.put_writes(config, writes, task_id, task_path)
        self.wal.wrote()

    async def adelete_thread(self, thread_id: str) -> None:
        self.delete_thread(thread_id)

    async def aget_delta_channel_history(
        self, *, config: Any, channels: Sequence[str]
    ) -> Mapping[str, Any]:
        return self.get_delta_channel_history(config=config, channels=channels)


__all__ = ["InlineSqliteSaver"]
