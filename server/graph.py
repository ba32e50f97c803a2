"""The game as a LangGraph graph: one thread per game, checkpointed, humans as interrupts.

Nodes:
- ``play`` runs every pending bot decision (concurrently when they are simultaneous)
  until a human must decide, the game ends, or the phase changes after a model's
  decision (or any phase, in step mode): each end of a node is a checkpoint, and a
  phase of built-in bots alone is cheaper to play again after a crash than to
  checkpoint. Events and tokens go to the graph's custom stream as they happen; in a
  paced game of built-in bots, a phase's turns are worked out at once and typed after
  (server/script.py).
- ``human`` interrupts with the human decisions pending; the resume value is one
  seat's :class:`Action`. The rules check it (the only check it gets); the run's
  ``verdict`` callback hears at once whether it was taken, so the caller can answer
  the player. An illegal answer changes nothing: the node interrupts again.
- ``pause`` (step mode only) interrupts after each phase until ``advance``.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.config import get_config, get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

from server.bots import Turn, get_bot
from server.bots.base import SPEECH_KINDS, Plan
from server.bots.builtin import plan as builtin_plan
from server.game import Action, Decision, GameState, IllegalAction, apply, pending
from server.game.view import seat_view
from server.graph_state import (
    GameGraphState,
    Table,
    dump_game,
    initial_state,
    load_game,
    run_config,
)
from server.script import Script, together
from server.typewriter import Typewriter
from shared.calls import CallRecord
from shared.events import PUBLIC, Error, Event, Waiting, only


def _configured(key: str) -> Any:
    """``configurable[key]`` of the running graph's config: what the run was handed; None
    when it wasn't, or outside a run."""
    try:
        return get_config().get("configurable", {}).get(key)
    except Exception:  # outside a run
        return None


class _CountingWriter:
    """The graph's stream writer, counting what it writes (see ``emitted``). A run may pass
    its own (``configurable["write"]``: a headless game hands its events straight to its
    caller, without LangGraph's thread-safe stream queue in between)."""

    def __init__(self) -> None:
        write = _configured("write")
        if write is None:
            try:
                write = get_stream_writer()
            except Exception:  # outside a streaming run
                write = lambda _event: None  # noqa: E731
        self._write = write
        self.count = 0

    def __call__(self, event: Event) -> None:
        self.count += 1
        self._write(event)


def _call_log() -> Callable[[CallRecord], None] | None:
    """Where this game's bots record their calls: ``add`` of the log passed in the run's
    config (``configurable["call_log"]``), never checkpointed; None when nobody keeps them."""
    log = _configured("call_log")
    return log.add if log is not None else None


def _bot_rng(game: GameState, d: Decision) -> random.Random:
    return random.Random(f"{game.config.seed}:{game.day}:{d.seat}:{d.action}:{len(game.history)}")


def _builtin_only(table: Table) -> bool:
    """Are all the bots at the table built in (no model: nothing slow, nothing streamed)?"""
    return all(kind == "builtin" for seat, kind in table.bots.items() if seat not in table.humans)


def _typed() -> bool:
    """Whether the run types out the bots' thoughts and speeches (``configurable["typed"]``,
    default yes). A run whose caller reads only the rules' events (``simulate``: who won,
    the table's moments, the errors) asks for none: the game is the same, event for event
    in its history, without the tokens nobody reads (a model's own stream still goes out)."""
    return _configured("typed") is not False


def _headless() -> bool:
    """Whether the run is a headless one (``configurable["headless"]``: no checkpointer, no
    human, no step mode, nobody else waiting on the loop). Then ``play`` goes on across
    phases (a phase's end is where a checkpoint is taken: there is none)."""
    return bool(_configured("headless"))


async def _bot_decides(
    game: GameState,
    table: Table,
    d: Decision,
    tw: Typewriter,
    record: Callable[[CallRecord], None] | None,
    typed: bool = True,
) -> Action:
    kind = table.bots.get(d.seat, "builtin")
    if kind == "builtin":
        plan = _builtin_decides(game, d)
    else:
        turn = Turn(_bot_rng(game, d), tw, record, game=str(_configured("thread_id") or ""))
        plan = await get_bot(kind)(seat_view(game, d.seat), d, turn)
    if typed and not plan.streamed:
        await _say(tw, d, plan)
    return plan.action


def _at_once(table: Table, d: Decision, pace: float, typed: bool) -> bool:
    """Whether ``d`` is decided without waiting on anything: a built-in bot's plan, its
    words typed at once (pace 0) or not at all. Simultaneous decisions that all are (a
    vote's, a night's) are taken one after the other, as gather's tasks would run them
    (each to its end, in order), without a task and a turn of the loop each."""
    return table.bots.get(d.seat, "builtin") == "builtin" and (pace <= 0 or not typed)


def _builtin_decides(game: GameState, d: Decision) -> Plan:
    # In the loop's own thread: a plan takes ~0.13 ms (2.7 ms at most in 2,700 decisions
    # of 12-player games), less than the hop to a worker thread and back costs.
    return builtin_plan(seat_view(game, d.seat), d, _bot_rng(game, d))


async def _say(tw: Typewriter, d: Decision, plan: Plan) -> None:
    """Type a plan's thought, and its speech if the decision was to speak."""
    await tw.thought(d.seat, plan.label, plan.thought)
    if d.action in SPEECH_KINDS and plan.action.kind == "speak":
        channel = d.channel or PUBLIC
        await tw.speech(d.seat, SPEECH_KINDS[d.action], channel, plan.action.text or "")


def waiting_events(
    game: GameState, humans: list[int], timeout: float | None = None
) -> list[Waiting]:
    """One ``waiting`` event per human decision pending, seen only by that seat."""
    deadline = time.time() + timeout if timeout else None
    return [
        Waiting(decision=d, deadline=deadline, vis=only(d.seat))
        for d in pending(game)
        if d.seat in humans
    ]


def _ahead(game: GameState, table: Table) -> list[tuple[GameState, Decision]]:
    """Bot decisions of a later step tonight that nothing before them can change, with the
    state to decide them in: the seer's check, while the wolves talk (only wolves hear the
    talk, and the check's options are the living). Found by passing the talk in a copy."""
    if game.step is None or game.step.kind != "wolf_chat":
        return []
    if _builtin_only(table):
        return []  # nothing to start early: the walk below would find no seat to keep
    ahead = game
    while (ds := pending(ahead)) and ds[0].action == "wolf_chat":
        ahead = apply(ahead, ds[0].pass_action()).state
    return [
        (ahead, d)
        for d in pending(ahead)
        if d.action == "check"
        and d.seat not in table.humans
        and table.bots.get(d.seat, "builtin") != "builtin"  # (a rule of thumb takes no time)
    ]


async def play(state: GameGraphState) -> dict[str, Any]:
    write = _CountingWriter()
    table = Table.model_validate(state["table"])
    game = load_game(state)
    tw = Typewriter(write, table.pace, _catching_up())
    record = _call_log()
    headless = _headless()
    typed = _typed()
    start_phase = phase_now = (game.phase, game.day)
    # Whether a decision since this node began was not the built-in bot's (a model's: slow,
    # paid for, and not the same when asked again). A phase's end is a checkpoint only then
    # (or in step mode): the built-in bots' phases are played again word for word and at
    # once (no pacing while catching up) by a game going on after a crash, so checkpointing
    # each of them (~1.5 ms of the server's CPU each) buys nothing.
    costly = False
    progress = _progress()
    # Decisions started early (see _ahead), used if the step comes as foreseen.
    early: dict[tuple[int, int, str], tuple[Decision, asyncio.Future[Action]]] = {}

    def decide(d: Decision) -> Awaitable[Action]:
        started = early.pop((game.day, d.seat, d.action), None)
        if started is not None and started[0] == d:
            return started[1]
        if started is not None:
            started[1].cancel()
        return _bot_decides(game, table, d, tw, record, typed)

    # A paced game of built-in bots works its turns out ahead of their typing (server/script.py):
    # what they say and do, and what the rules answer, is queued and played back in order.
    script = Script() if table.pace > 0 and _builtin_only(table) else None
    emit: Callable[[Event], None] = write
    if script is not None:
        emit = lambda event: script.then(lambda: write(event))  # noqa: E731

    try:
        while not game.over:
            decisions = pending(game)
            bot_decisions = [d for d in decisions if d.seat not in table.humans]
            if not bot_decisions:
                break
            if script is not None:
                plans = [(d, _builtin_decides(game, d)) for d in bot_decisions]
                script.then(partial(together, [partial(_say, tw, d, p) for d, p in plans]))
                actions = [p.action for _, p in plans]
            else:
                for then, d in _ahead(game, table):
                    if (game.day, d.seat, d.action) not in early:
                        task = asyncio.ensure_future(
                            _bot_decides(then, table, d, tw, record, typed)
                        )
                        early[(game.day, d.seat, d.action)] = (d, task)
                if len(bot_decisions) == 1 or all(
                    _at_once(table, d, tw.pace, typed) for d in bot_decisions
                ):  # most decisions: no gather, no task
                    actions = [await decide(d) for d in bot_decisions]
                else:
                    actions = await asyncio.gather(*(decide(d) for d in bot_decisions))
            for action in actions:
                try:
                    t = apply(game, action)
                except IllegalAction as e:  # a bot bug must never stall the game
                    emit(Error(message=f"bot at seat {action.seat}: {e.message}", seat=action.seat))
                    d = next(x for x in bot_decisions if x.seat == action.seat)
                    t = apply(game, d.pass_action())
                game = t.state
                for event in t.events:
                    emit(event)
                if game.over:
                    break
            costly = costly or any(
                table.bots.get(d.seat, "builtin") != "builtin" for d in bot_decisions
            )
            if (game.phase, game.day) != phase_now:
                if not headless and (table.step or costly):
                    break  # a checkpoint: the phase's answers are not cheap to ask again
                phase_now = (game.phase, game.day)
                if script is not None:  # a phase at a time: worked out, then played
                    script.then(partial(progress, game))
                    await script.played()
                else:
                    progress(game)
        if script is not None:
            await script.played()
    except BaseException:
        for _, task in early.values():
            task.cancel()
        if script is not None:
            script.cancel()
        raise
    for _, task in early.values():  # foreseen wrongly (the game went another way)
        task.cancel()
    paused = table.step and not game.over and (game.phase, game.day) != start_phase
    if not game.over and not paused:
        for w in waiting_events(game, table.humans, table.turn_timeout):
            write(w)
    if paused:
        write(Waiting(decision=None))
    return {
        "game": dump_game(game, state["game"]),
        "paused": paused,
        "route": next_node(game, table, paused),
        "emitted": state["emitted"] + write.count,
    }


def _progress() -> Callable[[GameState], None]:
    """Who hears the game at each phase's end that is not a checkpoint (``configurable
    ["progress"]``): the server's snapshot of a running game shows what that checkpoint
    would have held."""
    return _configured("progress") or (lambda _game: None)


def _catching_up() -> Callable[[], bool]:
    """Whether the run is replaying what the game said before a restart (then no pauses)."""
    return _configured("catching_up") or (lambda: False)


def _verdict() -> Callable[[IllegalAction | None], None]:
    """Who hears whether a human's action was taken (passed in the run's config)."""
    return _configured("verdict") or (lambda _refusal: None)


async def human(state: GameGraphState) -> dict[str, Any]:
    table = Table.model_validate(state["table"])
    game = load_game(state)
    waiting = [d for d in pending(game) if d.seat in table.humans]
    answer = interrupt({"waiting_for": [d.seat for d in waiting]})
    verdict = _verdict()
    try:
        action = answer if isinstance(answer, Action) else Action.model_validate(answer)
        t = apply(game, action)
    except IllegalAction as e:
        verdict(e)
        return {"route": "human"}  # nothing changed: ask again
    except ValueError as e:
        verdict(IllegalAction("wrong_action", f"not an action: {e}"))
        return {"route": "human"}
    verdict(None)
    write = _CountingWriter()
    d = next(x for x in waiting if x.seat == action.seat)
    if action.kind == "speak" and d.action in SPEECH_KINDS:
        await Typewriter(write, 0).speech(
            action.seat, SPEECH_KINDS[d.action], d.channel or PUBLIC, action.text or ""
        )
    for event in t.events:
        write(event)
    route = next_node(t.state, table)
    if route == "human":  # the game goes from one human to another: say whose turn it is
        asked = {(x.seat, x.action) for x in waiting}
        for w in waiting_events(t.state, table.humans, table.turn_timeout):
            if w.decision is not None and (w.decision.seat, w.decision.action) not in asked:
                write(w)
    return {
        "game": dump_game(t.state, state["game"]),
        "route": route,
        "emitted": state["emitted"] + write.count,
    }


async def pause(state: GameGraphState) -> dict[str, Any]:
    interrupt({"waiting_for": "advance"})
    return {"paused": False, "route": "play"}


def next_node(game: GameState, table: Table, paused: bool = False) -> str:
    if game.over:
        return END
    if paused:
        return "pause"
    decisions = pending(game)
    if decisions and all(d.seat in table.humans for d in decisions):
        return "human"
    return "play"


async def _route(state: GameGraphState) -> str:
    # async: LangGraph runs a synchronous edge in its thread pool, a hop per node
    return state["route"]


def build_graph(checkpointer=None):
    """Compile the game graph. Pass a checkpointer for games with humans or persistence."""
    g = StateGraph(GameGraphState)
    g.add_node("play", play)
    g.add_node("human", human)
    g.add_node("pause", pause)
    g.add_conditional_edges(START, _route, ["play", "human", "pause", END])
    for node in ("play", "human", "pause"):
        g.add_conditional_edges(node, _route, ["play", "human", "pause", END])
    return g.compile(checkpointer=checkpointer)


def checkpoint_serde() -> JsonPlusSerializer:
    """How checkpoints are written: a human's resume value is our :class:`Action`, the one
    type of ours a checkpoint holds, so it is the one type allowed back in."""
    return JsonPlusSerializer(allowed_msgpack_modules=[Action])


__all__ = [
    "GameGraphState",
    "Table",
    "build_graph",
    "initial_state",
    "load_game",
    "run_config",
]
