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
    typed: bool = True,
) -> GameState:
    """Play one all-bot game to the end; every event goes to ``on_event``, every call a
    bot records to ``call_log``. ``typed=False``: the bots' thoughts and speeches are not
    typed out (no ``thought_*``, ``speech_start`` or token events): the same game, for a
    caller that reads only the rules' events."""
    table = table or Table(bots={s: "builtin" for s in range(1, config.players + 1)})
    for kind in set(table.bots.values()):
        load_kind(kind)  # before the first turn: a kind may take seconds to import
    graph = graph or build_graph()
    t = new_game(config)
    if on_event:
        for e in t.events:
            on_event(e)
    # No checkpointer: the state goes from node to node as an object, the built-in bots
    # plan in the loop's thread and ``play`` runs on across phases (see ``graph._headless``).
    alone = graph.checkpointer is None and not table.humans and not table.step
    values = initial_state(t.state, table, keep_objects=graph.checkpointer is None)
    cfg = run_config(f"headless-{uuid.uuid4().hex}")
    cfg["configurable"]["headless"] = alone
    # Events go straight to ``on_event`` as the nodes write them (no stream to drain).
    cfg["configurable"]["write"] = on_event or (lambda _event: None)
    cfg["configurable"]["typed"] = typed
    if call_log is not None:  # where the bots record their calls (``add``)
        cfg["configurable"]["call_log"] = call_log
    values = await graph.ainvoke(values, cast(RunnableConfig, cfg))
    return load_game(cast(GameGraphState, values))
