"""A game's two seeds replay it through the API; the deal's seed alone does not.

The seat names are drawn apart from the deal's seed (they are public, and must not tell
it), and the built-in bots' tempers follow the names: a test that needs one course of a
game gives both seeds (``names_seed`` too)."""

from __future__ import annotations

import json

import httpx


def _course(c: httpx.Client, body: dict) -> list[dict]:
    """Every event of an all-bot game to its end, as its spectator reads them, without what
    differs between any two games (their times)."""
    g = c.post("/games", json=body).json()
    auth = {"Authorization": f"Bearer {g['spectator_token']}"}
    with c.stream("POST", f"/games/{g['game_id']}/start", headers=auth) as r:
        assert r.status_code == 200
        r.read()
    r = c.get(f"/games/{g['game_id']}/events", params={"after": 0}, headers=auth)
    events = [json.loads(line[5:]) for line in r.text.splitlines() if line.startswith("data:")]
    assert events[-1]["type"] == "snapshot" and events[-1]["state"]["over"]
    for e in events:
        e.pop("ts", None)
    return events


def test_both_seeds_replay_the_game_and_other_names_play_another(server):
    game = {"humans": [], "pace": 0, "seed": 40}
    with httpx.Client(base_url=server.url, timeout=60) as c:
        first = _course(c, {**game, "names_seed": 1})
        again = _course(c, {**game, "names_seed": 1})
        renamed = _course(c, {**game, "names_seed": 3})
    assert first == again
    # The same deal under other names: other tempers, other moves (not just other words).
    assert first[0]["type"] == "game_created" and first[0]["roles"] == renamed[0]["roles"]
    assert _moves(first) != _moves(renamed)


def _moves(events: list[dict]) -> list[tuple]:
    """Who died and who voted for whom, in order: the course of play, without any words."""
    return [
        (e["type"], e.get("seats"), e.get("seat"), e.get("target"))
        for e in events
        if e["type"] in ("death", "vote_cast")
    ]
