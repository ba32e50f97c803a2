"""Step mode: the game pauses after every phase and goes on with /advance."""

from __future__ import annotations

import json

import httpx
from httpx_sse import connect_sse


def _segment(c: httpx.Client, path: str, token: str) -> tuple[int, list[tuple[str, dict]]]:
    with connect_sse(c, "POST", path, headers={"Authorization": f"Bearer {token}"}) as es:
        if es.response.status_code != 200:
            es.response.read()
            return es.response.status_code, []
        # (a keep-alive, sent after 15 s of silence, comes as an event without data)
        return 200, [(s.event, json.loads(s.data)) for s in es.iter_sse() if s.data]


def test_step_mode_pauses_after_each_phase_until_advance(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        g = c.post("/games", json={"humans": [], "pace": 0, "seed": 2, "step": True}).json()
        gid, tok = g["game_id"], g["spectator_token"]
        status, events = _segment(c, f"/games/{gid}/start", tok)
        assert status == 200
        phases_seen = []
        for _ in range(200):
            snap = events[-1][1]
            phases = [e["phase"] for t, e in events if t == "phase"]
            phases_seen.extend(phases)
            if snap["state"]["over"]:
                break
            # Each segment covers one phase and stops at a pause the whole table can see.
            assert len(set(phases)) <= 2, phases
            assert snap["paused"] and snap["waiting_for"] == []
            assert events[-2] == ("waiting", events[-2][1]) and events[-2][1]["decision"] is None
            assert snap["next"] == ["pause"]
            status, events = _segment(c, f"/games/{gid}/advance", tok)
            assert status == 200
        assert events[-1][1]["state"]["over"]
        assert phases_seen.count("night") >= 1 and "vote" in phases_seen
        # Advancing a finished game is refused and changes nothing.
        status, _ = _segment(c, f"/games/{gid}/advance", tok)
        assert status == 409


def test_advance_when_not_paused_is_refused(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        g = c.post("/games", json={"humans": [1], "pace": 0, "seed": 3}).json()
        gid, tok = g["game_id"], g["tokens"]["1"]
        assert _segment(c, f"/games/{gid}/start", tok)[0] == 200
        before = c.get(f"/games/{gid}", headers={"Authorization": f"Bearer {tok}"}).json()
        assert _segment(c, f"/games/{gid}/advance", tok)[0] == 409
        after = c.get(f"/games/{gid}", headers={"Authorization": f"Bearer {tok}"}).json()
        assert before == after
