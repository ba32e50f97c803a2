"""Run whole games through the graph without a server: for ``simulate`` and the narrated CLI."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from langchain_core.runnables import RunnableConfig

from server.bots import load_kind
from server.game import GameConfig, GameState, new_game
from server.graph import GameGraphState, Table, build_graph, initial_state, load_game, run_config
from shared.events import Event

if TYPE_CHECKING:
    from server.llm.calls import CallLog


async def run_game(
    config: GameConfig,
    table: Table | None = None,
    on_event: Callable[[Event], None] | None = None,
    graph=None,
    call_log: CallLog | None = None,
) -> GameState:
    """Play one all-bot game to the end; every event goes to ``on_event``, every call a
    bot records to ``call_log``."""
    table = table or Table(bots={s: "builtin" for s in range(1, config.players + 1)})
    for kind in set(table.bots.values()):
        load_kind(kind)  # before the first turn: a kind may take seconds to import
    graph = graph or build_graph()
    t = new_game(config)
    if on_event:
        for e in t.events:
            on_event(e)
    values = initial_state(t.state, table)
    cfg = run_config(f"headless-{uuid.uuid4().hex}")
    if call_log is not None:  # where the bots record their calls (``add``)
        cfg["configurable"]["call_log"] = call_log
    stream = graph.astream(values, cast(RunnableConfig, cfg), stream_mode=["custom", "values"])
    async for mode, chunk in stream:
        if mode == "custom":
            if on_event:
                on_event(cast(Event, chunk))
        else:
            values = cast(GameGraphState, chunk)
    return load_game(values)
