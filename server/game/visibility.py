"""Who may see what: the one place that decides it, for events, histories and snapshots.

A :class:`Viewer` is whoever looks: a seat (a wolf also sees the wolves' channel), the
spectator with god rights, or nobody in particular. While the game runs an event is
seen by its audience (``vis``); once it is over, everything is public.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import get_args

from shared.actions import Decision, DecisionKind
from shared.audience import Visibility
from shared.events import CheckResult, Event, SeatState, Snapshot, TableState

from .engine import NIGHT_GODS
from .state import GameState

# The night's secret work: that a seat owes one would tell another seat who is a wolf or
# which god still lives. Every other decision is taken in the open: the table may know
# whom it waits on (a new kind of decision is public unless it is named here).
WOLF_DECISIONS = frozenset({"wolf_chat", "wolf_kill"})
SECRET_DECISIONS = WOLF_DECISIONS | {"check", "witch", "protect"}
PUBLIC_DECISIONS = frozenset(get_args(DecisionKind)) - SECRET_DECISIONS


@dataclass(frozen=True)
class Viewer:
    seat: int | None  # None: not a seat (the spectator, or a host who doesn't play)
    is_wolf: bool = False
    god: bool = False  # the spectator token: sees everything
    host: bool = False  # may start the game
    minds: bool = False  # an open table: every bot's thoughts stream to every viewer


GOD_VIEWER = Viewer(seat=None, god=True)


def viewer_of(state: GameState, seat: int | None) -> Viewer:
    """The viewer sitting at ``seat`` (an unknown seat sees what a spectator sees)."""
    if seat is None or seat not in state.seats():
        return Viewer(seat=None)
    return _seat_viewer(seat, state.role(seat) == "werewolf")


@lru_cache(maxsize=64)
def _seat_viewer(seat: int, is_wolf: bool) -> Viewer:
    # One object per seat and side, shared (it is frozen): every bot's decision looks through one.
    return Viewer(seat=seat, is_wolf=is_wolf)


def can_see(viewer: Viewer, vis: Visibility, over: bool = False) -> bool:
    """May ``viewer`` see something for this audience?"""
    if over or viewer.god or vis.scope == "public":
        return True
    if vis.scope == "wolves":
        return viewer.is_wolf
    if vis.scope == "seat":
        return viewer.seat is not None and vis.seat == viewer.seat
    return False


# What an open table shows everyone beyond their own audience: the bots' thoughts.
THOUGHTS = frozenset({"thought_start", "thought_token", "thought_end"})


def can_see_event(viewer: Viewer, event: Event, over: bool = False) -> bool:
    """May ``viewer`` see ``event``? Its audience decides, and an open table adds the
    bots' thoughts (announced to everyone at the table when it was created)."""
    return can_see(viewer, event.vis, over) or (viewer.minds and event.type in THOUGHTS)


def view_events(state: GameState, seat: int | None, god: bool = False) -> list[Event]:
    """The history as ``seat`` may see it (everything once the game is over)."""
    viewer = GOD_VIEWER if god else viewer_of(state, seat)
    if viewer.god or state.over:
        return list(state.history)
    return _shown(state.history, viewer)


class _Shown:
    """What one viewer was shown of one game's history, as far as it had gone."""

    __slots__ = ("first", "last", "n", "events")

    def __init__(self, first: Event) -> None:
        self.first = first  # the game's first event (its key is only this event's id)
        self.last: Event | None = None  # history[n - 1] when it was filtered
        self.n = 0  # how many events of the history were filtered
        self.events: list[Event] = []  # those the viewer may see


# Each seat's view of a running game, kept between its decisions: a bot decides ~70
# times a game and filtering the whole history each time cost ~6% of an all-bot game.
# The history only grows (the rules copy the list and append to it), so a view is
# extended by the events past the ones already filtered. The history continues the one
# filtered when its event at n - 1 is the very object filtered there: events are made
# once, by the rule that appends them. (A history put together otherwise at worst shows
# a stale view of events this viewer may see: never one of another audience.)
_SHOWN: OrderedDict[tuple[int, Viewer], _Shown] = OrderedDict()
_SHOWN_LOCK = threading.Lock()
_SHOWN_KEEP = 144  # 16 tables of 9 at once, as the bots' memories; past that: filtered again


def _shown(history: list[Event], viewer: Viewer) -> list[Event]:
    if not history:
        return []
    key = (id(history[0]), viewer)
    with _SHOWN_LOCK:
        kept = _SHOWN.get(key)
        n = kept.n if kept is not None else 0
        if (
            kept is None
            or kept.first is not history[0]
            or n > len(history)
            or history[n - 1] is not kept.last
        ):
            kept = _SHOWN[key] = _Shown(history[0])
            n = 0
            while len(_SHOWN) > _SHOWN_KEEP:
                _SHOWN.popitem(last=False)
        else:
            _SHOWN.move_to_end(key)
        if n < len(history):
            kept.events += [e for e in history[n:] if can_see(viewer, e.vis)]
            kept.n, kept.last = len(history), history[-1]
        return list(kept.events)


def table_snapshot(
    game: GameState,
    humans: list[int],
    pending: list[Decision],
    next_nodes: list[str],
    paused: bool,
    started: bool,
) -> Snapshot:
    """The god's-eye snapshot: what the log stores; :func:`redact` cuts it per viewer."""
    checks = {e.target: e.is_wolf for e in game.history if isinstance(e, CheckResult)}
    state = TableState(
        started=started,
        day=game.day,
        phase=game.phase,
        over=game.over,
        winner=game.winner,
        reason=game.reason,
        players=game.players,
        lang=game.config.lang,
        humans=list(humans),
        seats=[
            SeatState(seat=s, name=game.names[s - 1], alive=game.is_alive(s), role=game.role(s))
            for s in game.seats()
        ],
        checks=checks,
        antidote=game.antidote,
        poison=game.poison,
        sheriff=game.sheriff,
        revealed_idiot=game.revealed_idiot,
        protected=game.last_protected,
        options=game.config.model_dump(),
    )
    waiting = [] if paused or not started else [d for d in pending if d.seat in humans]
    return Snapshot(
        state=state,
        next=list(next_nodes),
        waiting_for=waiting,
        paused=paused,
        night_open=night_open(game) if started and not paused else 0,
    )


def night_open(game: GameState) -> int:
    """How many of the night's jobs the table still waits on, as anyone may know it: the
    wolves' kill counts once for the pack and a dead god's job stays open until the step
    ends, so the count tells neither how many wolves live nor which god has died."""
    step = game.step
    if game.over or step is None or game.phase != "night":
        return 0
    if step.kind in ("wolf_chat", "witch"):
        return 1
    if step.kind != "night_actions":
        return 0
    pack = any(s not in game.answers for s in game.living_wolves())
    board = game.config.board()
    # (a god's job is open while he has not answered: dead or deciding, the same to anyone)
    gods = [r for r in NIGHT_GODS if r in board and game.seat_of(r) not in game.answers]
    return int(pack) + len(gods)


def redact(snapshot: Snapshot, viewer: Viewer) -> Snapshot:
    """Cut a full snapshot down to what ``viewer`` may know (nothing is cut after game over)."""
    state = snapshot.state
    if viewer.god or state.over:
        return snapshot.model_copy(update={"state": state.model_copy(update={"you": viewer.seat})})
    me = viewer.seat
    roles = {s.seat: s.role for s in state.seats}
    my_role = roles.get(me) if me is not None else None
    wolves = {s for s, r in roles.items() if r == "werewolf"}

    def known(seat: int) -> SeatState:
        s = next(x for x in state.seats if x.seat == seat)
        if seat == me or (my_role == "werewolf" and seat in wolves):
            return s
        return s.model_copy(update={"role": None})

    waiting: list[Decision] = []
    for d in snapshot.waiting_for:
        if d.seat == me:
            waiting.append(d)
        elif d.action in PUBLIC_DECISIONS or (d.action in WOLF_DECISIONS and my_role == "werewolf"):
            waiting.append(Decision(seat=d.seat, action=d.action))
    return snapshot.model_copy(
        update={
            "state": state.model_copy(
                update={
                    # the seed tells the deal
                    "options": {k: v for k, v in state.options.items() if k != "seed"},
                    "you": me,
                    "seats": [known(s.seat) for s in state.seats],
                    "checks": state.checks if my_role == "seer" else {},
                    "antidote": state.antidote if my_role == "witch" else None,
                    "poison": state.poison if my_role == "witch" else None,
                    "protected": state.protected if my_role == "guard" else None,
                }
            ),
            "waiting_for": waiting,
        }
    )


__all__ = [
    "Viewer",
    "can_see",
    "can_see_event",
    "redact",
    "table_snapshot",
    "view_events",
    "viewer_of",
]
