"""Who sees what: a token's viewer, event filtering and snapshot redaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.game import GameState, pending
from shared.events import CheckResult, Event, visible_to

PUBLIC_ACTIONS = frozenset(
    {"speak", "vote", "pk_speak", "pk_vote", "last_words", "shoot", "advance"}
)


@dataclass(frozen=True)
class Viewer:
    seat: int | None  # None: not a seat (the spectator, or a host who doesn't play)
    is_wolf: bool = False
    god: bool = False  # the spectator token: sees everything
    host: bool = False  # may start the game


def may_see(viewer: Viewer, event: Event, finished: bool) -> bool:
    if finished or viewer.god:
        return True
    return visible_to(event.vis, viewer.seat, viewer.is_wolf)


def full_snapshot(
    game: GameState, humans: list[int], next_nodes: list[str], paused: bool, started: bool
) -> dict[str, Any]:
    """The god's-eye snapshot: what the log stores; :func:`redact` cuts it per viewer."""
    checks: dict[int, bool] = {
        e.target: e.is_wolf for e in game.history if isinstance(e, CheckResult)
    }
    state = {
        "started": started,
        "day": game.day,
        "phase": game.phase,
        "over": game.over,
        "winner": game.winner,
        "reason": game.reason,
        "players": game.players,
        "lang": game.config.lang,
        "humans": list(humans),
        "you": None,
        "seats": [
            {"seat": s, "name": game.names[s - 1], "alive": game.is_alive(s), "role": game.role(s)}
            for s in game.seats()
        ],
        "checks": checks,
        "antidote": game.antidote,
        "poison": game.poison,
        "options": game.config.model_dump(),
    }
    waiting = []
    if paused:
        waiting = [{"seat": None, "action": "advance", "options": []}]
    elif started:
        for d in pending(game):
            if d.seat in humans:
                item: dict[str, Any] = {
                    "seat": d.seat,
                    "action": d.action,
                    "options": list(d.options) + ([None] if d.can_skip else []),
                }
                if d.action == "witch":
                    item.update(victim=d.victim, can_save=d.can_save, can_poison=d.can_poison)
                waiting.append(item)
    return {
        "type": "snapshot",
        "done": True,
        "state": state,
        "next": list(next_nodes),
        "waiting_for": waiting,
    }


def redact(snapshot: dict[str, Any], viewer: Viewer) -> dict[str, Any]:
    """Cut a full snapshot down to what ``viewer`` may know (nothing is cut after game over)."""
    state = snapshot["state"]
    if viewer.god or state["over"]:
        return {**snapshot, "state": {**state, "you": viewer.seat}}
    me = viewer.seat
    roles = {s["seat"]: s["role"] for s in state["seats"]}
    my_role = roles.get(me)
    wolves = {s for s, r in roles.items() if r == "werewolf"}

    def known(seat: int) -> str | None:
        if seat == me or (my_role == "werewolf" and seat in wolves):
            return roles[seat]
        return None

    options = {k: v for k, v in state["options"].items() if k != "seed"}  # the seed tells the deal
    out_state = {
        **state,
        "options": options,
        "you": me,
        "seats": [{**s, "role": known(s["seat"])} for s in state["seats"]],
        "checks": state["checks"] if my_role == "seer" else {},
        "antidote": state["antidote"] if my_role == "witch" else None,
        "poison": state["poison"] if my_role == "witch" else None,
    }
    waiting = []
    for w in snapshot["waiting_for"]:
        if w["seat"] is None or w["seat"] == me:
            waiting.append(w)
        elif w["action"] in PUBLIC_ACTIONS or (
            w["action"] in ("wolf_chat", "wolf_kill") and my_role == "werewolf"
        ):
            waiting.append({"seat": w["seat"], "action": w["action"]})
    return {**snapshot, "state": out_state, "waiting_for": waiting}
