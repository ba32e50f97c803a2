"""tui/client.py against a scripted transport: errors, and a feed that survives drops."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest
from conftest import ROOT

from shared.actions import Action
from shared.events import GameCreated, Phase, SeatInfo, Snapshot, TableState
from tui.client import ApiError, Connection, GameClient


def sse(seq: int, event) -> bytes:
    data = event if isinstance(event, str) else event.model_dump_json()
    kind = json.loads(data)["type"]
    return f"id: {seq}\nevent: {kind}\ndata: {data}\n\n".encode()


CREATED = GameCreated(
    players=2,
    lang="en",
    seats=[SeatInfo(seat=1, name="Ada"), SeatInfo(seat=2, name="Bo")],
    roles={"werewolf": 1, "villager": 1},
)


def snapshot(over: bool) -> str:
    state = TableState(started=True, day=1, phase="day", over=over, players=2, lang="en", seats=[])
    return Snapshot(state=state).model_dump_json()


OVER = snapshot(over=True)
PAUSED = snapshot(over=False)


def stream(*chunks: bytes, drop: bool = False) -> httpx.Response:
    async def body():
        for chunk in chunks:
            yield chunk
        if drop:
            raise httpx.ReadError("the server went away")

    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body())


def test_the_client_module_imports_nothing_from_textual():
    code = "import sys, tui.client; print(sorted(m for m in sys.modules if 'textual' in m))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr


async def test_follow_resumes_after_a_drop_with_last_event_id_and_reports_the_connection():
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if len(requests) == 1:
            return stream(
                sse(1, CREATED), b": keep-alive\n\n", sse(2, Phase(phase="night", day=1)), drop=True
            )
        if len(requests) == 2:
            return httpx.Response(503, json={"detail": "restarting"})
        return stream(
            sse(3, '{"type": "brand_new_event", "x": 1}'),
            sse(4, Phase(phase="day", day=1)),
            sse(5, OVER),
        )

    states: list[Connection] = []
    client = GameClient(
        "http://test",
        token="tok",
        game_id="ABC123",
        max_backoff=0.01,
        transport=httpx.MockTransport(handler),
    )
    got = [(seq, e.type) async for seq, e in client.follow(on_connection=states.append)]
    await client.aclose()

    assert got == [(1, "game_created"), (2, "phase"), (4, "phase"), (5, "snapshot")]
    assert [r.headers.get("last-event-id") for r in requests] == [None, "2", "2"]
    assert all(r.headers["authorization"] == "Bearer tok" for r in requests)
    assert all(r.url.path == "/games/ABC123/events" for r in requests)
    assert [(s.state, s.attempt) for s in states] == [
        ("connecting", 0),
        ("live", 0),
        ("reconnecting", 1),
        ("reconnecting", 2),
        ("live", 0),
        ("closed", 0),
    ]


async def test_follow_stops_on_a_refusal_with_a_readable_error():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"detail": {"code": "forbidden", "message": "wrong token"}})

    states: list[Connection] = []
    client = GameClient("http://test", token="bad", transport=httpx.MockTransport(handler))
    with pytest.raises(ApiError) as err:
        async for _ in client.follow("ABC123", on_connection=states.append):
            pass
    await client.aclose()
    assert err.value.status == 403 and err.value.message == "wrong token"
    assert states[-1] == Connection("closed", error="wrong token")


async def test_refused_actions_and_bad_fields_become_typed_errors():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/actions"):
            return httpx.Response(
                409, json={"detail": {"code": "illegal_target", "message": "seat 9 is dead"}}
            )
        if request.method == "POST" and request.url.path == "/games":
            return httpx.Response(
                422,
                json={
                    "detail": [
                        {"loc": ["body", "players"], "msg": "Input should be 9", "type": "x"}
                    ]
                },
            )
        return httpx.Response(500, text="boom")

    client = GameClient(
        "http://test", token="t", game_id="G", transport=httpx.MockTransport(handler)
    )
    with pytest.raises(ApiError) as err:
        await client.act(Action(seat=1, kind="vote", target=9))
    assert (err.value.status, err.value.code, err.value.message) == (
        409,
        "illegal_target",
        "seat 9 is dead",
    )
    with pytest.raises(ApiError) as err:
        await client.create_game(players=3)
    assert err.value.status == 422 and err.value.message == "players: Input should be 9"
    with pytest.raises(ApiError) as err:
        await client.list_games()
    assert err.value.status == 500 and "boom" in err.value.message
    await client.aclose()


async def test_an_action_posts_the_rules_action_and_returns_once_it_is_taken():
    bodies: list[dict] = []
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json={"seq": 7})

    client = GameClient("http://test", token="t", transport=httpx.MockTransport(handler))
    seq = await client.act(Action(seat=3, kind="poison", target=5), game_id="XYZ")
    await client.aclose()
    assert paths == ["/games/XYZ/actions"]
    assert bodies == [{"seat": 3, "kind": "poison", "target": 5}]
    assert seq == 7


async def test_the_first_snapshot_is_asked_again_while_the_server_fails():
    answers = [
        httpx.Response(503, json={"detail": {"code": "x", "message": "restarting"}}),
        httpx.Response(200, content=snapshot(over=False)),
    ]
    refused = httpx.Response(403, json={"detail": {"code": "bad_token", "message": "no"}})

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0) if answers else refused

    states: list[Connection] = []
    client = GameClient(
        "http://test",
        token="t",
        game_id="G",
        max_backoff=0.01,
        transport=httpx.MockTransport(handler),
    )
    view = await client.snapshot_when_up(states.append)
    assert view.state.over is False and [s.state for s in states] == ["reconnecting"]
    with pytest.raises(ApiError) as err:  # a refusal is final: not asked again
        await client.snapshot_when_up(states.append)
    await client.aclose()
    assert err.value.status == 403 and len(states) == 1


def test_only_a_server_on_this_machine_gets_a_client_without_cas_or_proxies():
    """The CA bundle (110 ms of CPU before ``werewolf play``'s first frame) and the proxies
    the environment names are skipped only for a plain-HTTP server on loopback; the context
    it gets lets no certificate through, should TLS ever go through it."""
    import ssl

    from tui.client import _trusting_nothing, on_this_machine

    for url in ("http://127.0.0.1:8765", "http://localhost:1", "http://[::1]:8765/"):
        assert on_this_machine(url), url
    for url in ("https://127.0.0.1:8765", "http://werewolf.example", "http://10.0.0.1", "nope"):
        assert not on_this_machine(url), url
    nothing = _trusting_nothing()
    assert nothing.cert_store_stats()["x509_ca"] == 0
    assert nothing.verify_mode == ssl.CERT_REQUIRED and nothing.check_hostname


async def test_a_proxy_in_the_environment_is_used_for_other_servers_never_for_this_machine(
    server, monkeypatch
):
    """With ``HTTP_PROXY`` set (here: our own server, standing in for a proxy), a client of a
    server elsewhere goes through it; a client of the server on loopback does not (a proxy
    could not reach it)."""
    monkeypatch.setenv("HTTP_PROXY", server.url)
    monkeypatch.setenv("NO_PROXY", "")
    local = GameClient(server.url)
    try:
        assert (await local.health())["ok"] is True  # straight to the server
    finally:
        await local.aclose()
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nobody there
    local = GameClient(server.url)
    try:
        assert (await local.health())["ok"] is True  # the proxy is not even tried
    finally:
        await local.aclose()
    monkeypatch.setenv("HTTP_PROXY", server.url)
    far = GameClient("http://werewolf.invalid")
    try:
        # Through the "proxy": our server answers (and refuses a host it isn't), where
        # without one the name would not even resolve.
        with pytest.raises(ApiError):
            await far.health()
    finally:
        await far.aclose()
