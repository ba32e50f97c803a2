"""Bodies no route should have to read: too big, not strict JSON, lists without end.
Each gets a 4xx in the one error shape, nothing of it echoed, and the game untouched."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest
from conftest import ROOT, ServerProcess

CAP = 4096  # this server's WEREWOLF_MAX_BODY_BYTES
VARIANTS = {  # (raw JSON with the problem, in the field the route reads)
    "NaN": b'{"seat": NaN, "kind": "skip"}',
    "Infinity": b'{"seat": Infinity, "kind": "skip"}',
    "-Infinity": b'{"seat": -Infinity, "kind": "skip"}',
    "1e999": b'{"seat": 1e999, "kind": "skip"}',
    "lone surrogate": b'{"seat": 2, "kind": "speak", "text": "\\ud800"}',
    "lone low surrogate": b'{"seat": 2, "kind": "speak", "text": "a\\udc00b"}',
    "surrogate key": b'{"\\ud800": 1}',
    "not UTF-8": b'{"seat": 2, "kind": "speak", "text": "\xff\xfe"}',
    "too deep": b'{"seat": ' + b"[" * 300 + b"]" * 300 + b"}",
}


@pytest.fixture(scope="module")
def guarded(tmp_path_factory) -> ServerProcess:
    proc = ServerProcess(
        tmp_path_factory.mktemp("guarded"), env={"WEREWOLF_MAX_BODY_BYTES": str(CAP)}
    ).start()
    yield proc
    proc.stop()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_refusal(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    detail = r.json()["detail"]
    assert set(detail) == {"code", "message", "fields"}, detail
    assert detail["code"] == code, detail
    assert detail["message"], detail
    return detail


@pytest.fixture(scope="module")
def game(guarded) -> dict:
    with httpx.Client(base_url=guarded.url, timeout=30) as c:
        g = c.post("/games", json={"humans": [2], "pace": 0, "seed": 40}).json()
        # Read to the segment's end: the game then waits on its human, its state saved.
        r = c.post(f"/games/{g['game_id']}/start", headers=auth(g["tokens"]["2"]))
        assert r.status_code == 200 and "event: snapshot" in r.text
        return g


def snapshot(c: httpx.Client, g: dict) -> dict:
    return c.get(f"/games/{g['game_id']}", headers=auth(g["spectator_token"])).json()


@pytest.mark.parametrize("name", list(VARIANTS))
def test_json_that_python_accepts_and_nothing_can_encode_is_422(guarded, game, name):
    raw = VARIANTS[name]
    gid, tok = game["game_id"], game["tokens"]["2"]
    with httpx.Client(base_url=guarded.url, timeout=30) as c:
        before = snapshot(c, game)
        headers = {**auth(tok), "content-type": "application/json"}
        for path in ("/games", f"/games/{gid}/join", f"/games/{gid}/actions"):
            r = c.post(path, content=raw, headers=headers)
            detail = assert_refusal(r, 422, "invalid_json")
            assert detail["fields"] == [{"loc": ["body"], "msg": detail["message"]}]
        assert snapshot(c, game) == before
        assert c.get("/games").status_code == 200  # and the server is fine
    log = guarded.log_path.read_text()
    assert "Traceback" not in log and "Exception" not in log, log[-2000:]


def test_a_body_over_the_cap_is_refused_unread(guarded, game):
    gid, tok = game["game_id"], game["tokens"]["2"]
    with httpx.Client(base_url=guarded.url, timeout=60) as c:
        before = snapshot(c, game)
        # A 10 MB field: refused by its Content-Length, never echoed.
        big = {"seat": 2, "kind": "speak", "text": "x" * (10 * 1024 * 1024)}
        r = c.post(f"/games/{gid}/actions", json=big, headers=auth(tok))
        detail = assert_refusal(r, 413, "too_large")
        assert len(r.content) < 1024 and str(CAP) in detail["message"]
        # A 5 MB list of seats, the same.
        r = c.post("/games", content=json.dumps({"humans": [1] * 1_700_000}).encode())
        assert_refusal(r, 413, "too_large")
        # Sent in chunks without a length: refused once it passes the cap.
        chunks = (b'{"seat": 2, "kind": "speak", "text": "' + b"y" * 1000 for _ in range(50))
        r = c.post(f"/games/{gid}/actions", content=chunks, headers=auth(tok))
        assert_refusal(r, 413, "too_large")
        # Just under the cap is read (and then refused for what it says, not its size).
        near = {"seat": 2, "kind": "speak", "text": "z" * (CAP - 100)}
        r = c.post(f"/games/{gid}/actions", json=near, headers=auth(tok))
        assert r.status_code in (409, 422) and r.json()["detail"]["code"] != "too_large"
        assert snapshot(c, game) == before
        assert c.get("/healthz").json()["ok"]


def test_lists_and_maps_of_seats_are_capped(guarded):
    with httpx.Client(base_url=guarded.url, timeout=30) as c:
        for body, field in (
            ({"humans": list(range(1, 11))}, "humans"),
            ({"humans": ["x"] * 1000}, "humans"),
            ({"bots": {str(n): "builtin" for n in range(1, 11)}}, "bots"),
            ({"seat_bots": {str(n): "builtin" for n in range(1, 11)}}, "seat_bots"),
        ):
            detail = assert_refusal(c.post("/games", json=body), 422, "invalid")
            assert all(f["loc"][:2] == ["body", field] for f in detail["fields"]), detail
            assert len(detail["fields"]) <= 20  # a list of problems, never a flood


def test_every_refusal_has_one_shape(guarded, game):
    gid = game["game_id"]
    with httpx.Client(base_url=guarded.url, timeout=30) as c:
        assert_refusal(c.get("/no/such/path"), 404, "not_found")
        assert_refusal(c.put("/games"), 405, "method_not_allowed")
        assert_refusal(c.get(f"/games/{gid}"), 401, "bad_token")
        assert_refusal(c.get(f"/games/{gid}", headers=auth("nope")), 403, "bad_token")
        assert_refusal(c.get("/games/NOSUCH", headers=auth("x")), 404, "unknown_game")
        spec = auth(game["spectator_token"])
        detail = assert_refusal(
            c.get(f"/games/{gid}/events?after=-1", headers=spec), 422, "invalid"
        )
        assert detail["fields"][0]["loc"] == ["query", "after"]
        detail = assert_refusal(
            c.post("/games", json={"players": 7, "pace": "fast"}), 422, "invalid"
        )
        assert {tuple(f["loc"]) for f in detail["fields"]} == {
            ("body", "players"),
            ("body", "pace"),
        }
        # Strict, as the schema says: 0 is not false and "9" is not 9.
        assert_refusal(c.post("/games", json={"spectate": 0}), 422, "invalid")
        assert_refusal(c.post("/games", json={"players": "9"}), 422, "invalid")
        # A speech with an escape sequence names the field and the character.
        body = {"seat": 2, "kind": "speak", "text": "hi \x1b]0;PWNED\x07"}
        r = c.post(f"/games/{gid}/actions", json=body, headers=auth(game["tokens"]["2"]))
        detail = assert_refusal(r, 422, "invalid")
        assert detail["fields"][0]["loc"] == ["body", "text"] and "U+001B" in detail["message"]
        assert "\x1b" not in r.text and "PWNED" not in r.text  # nothing sent is echoed


def test_the_document_lists_every_error_with_its_body(guarded):
    doc = httpx.get(f"{guarded.url}/openapi.json").json()
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            statuses = {int(s) for s in op["responses"] if s.isdigit()}
            if op.get("parameters") or op.get("requestBody"):
                assert 422 in statuses, (method, path)
            if method == "post":
                assert {413, 422} <= statuses, (method, path)
            if "{game_id}" in path and path != "/games/{game_id}/join":
                assert {401, 403, 404} <= statuses, (method, path)
            for status in statuses - {200, 201}:
                schema = op["responses"][str(status)]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/RefusalBody"}, (path, status)


def test_a_malformed_body_cap_stops_the_server_with_its_name(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "server", "serve", "--port", "1", "--data-dir", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "WEREWOLF_MAX_BODY_BYTES": "lots"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert "WEREWOLF_MAX_BODY_BYTES" in r.stderr and "Traceback" not in r.stderr
