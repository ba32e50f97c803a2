"""One game's LLM call records: kept in memory, written behind to SQLite."""

from __future__ import annotations

import asyncio

from server.store import Store
from shared.calls import CallRecord


class GameCalls:
    def __init__(self, game_id: str, store: Store | None, stored: bool = False) -> None:
        """``stored``: the records are in the store (a finished game's), read back when
        first asked for (:meth:`loaded`)."""
        self.game_id, self.store = game_id, store
        self.records: list[CallRecord] = []
        self._unsaved: list[tuple[int, int, str]] = []
        self._flushing: asyncio.Task | None = None
        self._stored = stored and store is not None

    def load(self, rows: list[str]) -> None:
        self.records = [CallRecord.model_validate_json(r) for r in rows]
        self._stored = False

    async def loaded(self) -> list[CallRecord]:
        """Every record, read back from the store first if they are kept only there."""
        if self._stored and self.store is not None:
            self.load(await self.store.calls(self.game_id))
        return self.records

    def add(self, record: CallRecord) -> None:
        self.records.append(record)
        if self.store is None:
            return
        self._unsaved.append((len(self.records), record.seat, record.model_dump_json()))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        while self._unsaved and self.store is not None:
            rows, self._unsaved = self._unsaved, []
            await self.store.append_calls(self.game_id, rows)

    async def flush(self) -> None:
        """Wait until every record is written (at shutdown)."""
        if self._flushing is not None:
            await self._flushing
        await self._flush()


__all__ = ["GameCalls"]
