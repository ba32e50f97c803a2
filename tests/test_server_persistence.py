"""The server keeps games across a SIGKILL, and streams resume without gaps."""

from __future__ import annotations

import json

import httpx
from httpx_sse import connect_sse


def _create(url: str, **body) -> dict:
    r = httpx.post(f"{url}/games", json=body, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _summary(url: str, game_id: str, token: str) -> dict:
    r = httpx.get(f"{url}/games/{game_id}/summary", headers=_auth(token), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def _feed(
    url: str,
    game_id: str,
    token: str,
    after: int = 0,
    limit: int | None = None,
    last_event_id: int | None = None,
) -> list[tuple[int, str, dict]]:
    """Read the events feed (up to ``limit`` events), as (id, type, data)."""
    headers = _auth(token)
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    out = []
    with httpx.Client(timeout=httpx.Timeout(10, read=60)) as c:
        with connect_sse(
            c, "GET", f"{url}/games/{game_id}/events?after={after}", headers=headers
        ) as es:
            assert es.response.status_code == 200
            for sse in es.iter_sse():
                if not sse.data:  # a keep-alive, sent after 15 s of silence
                    continue
                out.append((int(sse.id), sse.event, json.loads(sse.data)))
                if limit is not None and len(out) >= limit:
                    break
    return out


def _start(url: str, game_id: str, token: str) -> None:
    """Start the game and drop the answer's stream at once: the game runs on regardless."""
    with httpx.Client(timeout=10) as c:
        with c.stream("POST", f"{url}/games/{game_id}/start", headers=_auth(token)) as r:
            assert r.status_code == 200


def test_reconnect_with_last_event_id_has_no_gap_and_no_duplicate(server):
    g = _create(server.url, humans=[], pace=400, seed=11)
    spectator = g["spectator_token"]
    _start(server.url, g["game_id"], spectator)
    first = _feed(server.url, g["game_id"], spectator, limit=150)
    resumed = _feed(server.url, g["game_id"], spectator, last_event_id=first[-1][0])
    joined = first + resumed
    ids = [i for i, _, _ in joined]
    assert ids == list(range(1, len(ids) + 1)), "the spectator's ids are dense: no gap, no repeat"
    assert joined[-1][1] == "snapshot" and joined[-1][2]["state"]["over"]
    whole = _feed(server.url, g["game_id"], spectator)
    assert [(i, t) for i, t, _ in whole] == [(i, t) for i, t, _ in joined]


def test_sigkill_mid_game_then_restart_finishes_the_game(fresh_server):
    srv = fresh_server.start()
    g = _create(srv.url, humans=[], pace=300, seed=7)
    game_id, spectator = g["game_id"], g["spectator_token"]
    _start(srv.url, game_id, spectator)
    before = _feed(srv.url, game_id, spectator, limit=300)
    assert not any(t == "game_over" for _, t, _ in before)
    srv.kill()

    srv.start()
    summary = _summary(srv.url, game_id, spectator)
    assert summary["started"]
    # The feed replays from any position and then follows the resumed game to its end.
    whole = _feed(srv.url, game_id, spectator)
    ids = [i for i, _, _ in whole]
    assert ids == list(range(1, len(ids) + 1))
    assert any(t == "game_over" for _, t, _ in whole)
    assert whole[-1][1] == "snapshot" and whole[-1][2]["state"]["over"]
    middle = len(ids) // 2
    later = _feed(srv.url, game_id, spectator, after=ids[middle])
    assert [i for i, _, _ in later] == ids[middle + 1 :]
    # What was delivered before the kill and survived is the same game: the deal matches.
    roles_before = {d["seat"]: d["role"] for _, t, d in before if t == "role"}
    roles_after = {d["seat"]: d["role"] for _, t, d in whole if t == "role"}
    assert roles_before == roles_after
    assert _summary(srv.url, game_id, spectator)["finished"]


def test_a_game_waiting_on_a_human_keeps_waiting_after_sigkill(fresh_server):
    srv = fresh_server.start()
    g = _create(srv.url, humans=[3], pace=0, seed=3)
    game_id, token = g["game_id"], g["tokens"]["3"]
    with httpx.Client(timeout=30) as c:
        with connect_sse(c, "POST", f"{srv.url}/games/{game_id}/start", headers=_auth(token)) as es:
            snaps = [json.loads(s.data) for s in es.iter_sse() if s.event == "snapshot"]
    waiting = snaps[-1]["waiting_for"]
    assert waiting and waiting[0]["seat"] == 3
    srv.kill()
    srv.start()
    snap = httpx.get(f"{srv.url}/games/{game_id}", headers=_auth(token), timeout=10).json()
    assert snap["waiting_for"] == waiting
    assert snap["state"]["phase"] == snaps[-1]["state"]["phase"]
