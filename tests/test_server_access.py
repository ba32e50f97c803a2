"""Who may do what, how often: per-client rates (429 with Retry-After), the caps on
streams per client and live games per server, the private-by-default listing and its
pages, the host who can't both play and see everything, and the Host / Origin checks.

The servers here run with their limits set low through the environment, as an operator
sets them. Each test speaks as clients of its own: told to (``FORWARDED_ALLOW_IPS``, as an
operator behind a reverse proxy on this machine does), uvicorn takes the client's address
from ``X-Forwarded-For`` when the request comes from 127.0.0.1, so one server tells the
tests' clients apart. Nothing here measures time.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from contextlib import AsyncExitStack

import httpx
import pytest
from conftest import ROOT, ServerProcess, free_port
from eventually import until

from server.api.hosts import HostPolicy, split_host

LOW = {
    "WEREWOLF_RATE_CREATE": "3/minute",
    "WEREWOLF_RATE_JOIN": "2/minute",
    "WEREWOLF_RATE_ACTIONS": "3/minute",
    "WEREWOLF_RATE_MISSES": "3/minute",
    "WEREWOLF_MAX_STREAMS_PER_CLIENT": "2",
    "WEREWOLF_ALLOWED_HOSTS": "games.example.org, .party.example",
    "WEREWOLF_ALLOWED_ORIGINS": "https://friendly.example",
    "FORWARDED_ALLOW_IPS": "127.0.0.1",  # a proxy on this machine (off unless named)
}
_addresses = itertools.count(1)


def client() -> dict[str, str]:
    """The headers of a client no other test speaks as."""
    n = next(_addresses)
    return {"X-Forwarded-For": f"10.{n // 250}.{n % 250}.7"}


def auth(token: str, who: dict[str, str]) -> dict[str, str]:
    return {**who, "Authorization": f"Bearer {token}"}


def refusal(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert detail["code"] == code and detail["message"], detail
    return detail


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    proc = ServerProcess(tmp_path_factory.mktemp("limited"), env=LOW).start()
    yield proc
    proc.stop()


async def create(c: httpx.AsyncClient, who: dict[str, str], **body) -> dict:
    r = await c.post("/games", json={"pace": 0, **body}, headers=who)
    assert r.status_code == 201, r.text
    return r.json()


# -- rates ------------------------------------------------------------------------------
async def test_creating_games_is_rate_limited_per_client(limited):
    async with httpx.AsyncClient(base_url=limited.url, timeout=30) as c:
        me, other = client(), client()
        for _ in range(3):
            await create(c, me, humans=[1])
        r = await c.post("/games", json={"humans": [1]}, headers=me)
        detail = refusal(r, 429, "rate_limited")
        assert "3 per 1 minute" in detail["message"]
        assert int(r.headers["Retry-After"]) >= 1
        # An invalid body counts as an attempt too, and is refused the same way.
        bad = await c.post("/games", json={"players": 7}, headers=me)
        refusal(bad, 429, "rate_limited")
        # Another client is not held back by the first.
        await create(c, other, humans=[1])


async def test_joining_is_rate_limited_per_client(limited):
    async with httpx.AsyncClient(base_url=limited.url, timeout=30) as c:
        g = await create(c, client(), humans=[1, 2, 3, 4, 5], hosted=True, host_seat=1)
        guest, other = client(), client()
        for _ in range(2):
            assert (await c.post(f"/games/{g['code']}/join", headers=guest)).status_code == 200
        r = await c.post(f"/games/{g['code']}/join", headers=guest)
        refusal(r, 429, "rate_limited")
        assert int(r.headers["Retry-After"]) >= 1
        # Nothing was taken by the refused join: the other client gets the next seat.
        joined = await c.post(f"/games/{g['code']}/join", headers=other)
        assert joined.status_code == 200 and joined.json()["seat"] == 4


async def test_actions_are_rate_limited_per_client_and_token(limited):
    async with httpx.AsyncClient(base_url=limited.url, timeout=30) as c:
        me = client()
        mine = await create(c, me, humans=[2])
        theirs = await create(c, me, humans=[2])
        body = {"seat": 2, "kind": "skip"}
        for _ in range(3):  # the game has not started: refused, but counted
            r = await c.post(
                f"/games/{mine['game_id']}/actions",
                json=body,
                headers=auth(mine["tokens"]["2"], me),
            )
            refusal(r, 409, "not_started")
        r = await c.post(
            f"/games/{mine['game_id']}/actions", json=body, headers=auth(mine["tokens"]["2"], me)
        )
        refusal(r, 429, "rate_limited")
        assert "actions" in r.json()["detail"]["message"]
        # Another token from the same address has its own allowance.
        r = await c.post(
            f"/games/{theirs['game_id']}/actions",
            json=body,
            headers=auth(theirs["tokens"]["2"], me),
        )
        refusal(r, 409, "not_started")


async def test_guessing_codes_is_rate_limited(limited):
    async with httpx.AsyncClient(base_url=limited.url, timeout=30) as c:
        me = client()
        g = await create(c, me, humans=[1])
        refusal(await c.post("/games/NOPE22/join", headers=me), 404, "unknown_game")
        for code in ("NOPE23", "NOPE24"):  # any route naming a game counts
            refusal(await c.get(f"/games/{code}/events", headers=me), 404, "unknown_game")
        r = await c.get("/games/NOPE25", headers=me)
        refusal(r, 429, "rate_limited")
        assert "does not exist" in r.json()["detail"]["message"]
        # A game the client knows still answers: only misses are counted.
        r = await c.get(f"/games/{g['game_id']}", headers=auth(g["tokens"]["1"], me))
        assert r.status_code == 200, r.text


# -- streams --------------------------------------------------------------------------
async def test_a_client_holds_at_most_so_many_streams(limited):
    async with httpx.AsyncClient(base_url=limited.url, timeout=30) as c:
        me, other = client(), client()
        g = await create(c, me, humans=[1])
        path = f"/games/{g['game_id']}/events"
        headers = auth(g["tokens"]["1"], me)
        async with AsyncExitStack() as held:
            first = await held.enter_async_context(c.stream("GET", path, headers=headers))
            second = await held.enter_async_context(c.stream("GET", path, headers=headers))
            assert first.status_code == second.status_code == 200
            third = await c.get(path, headers=headers)
            refusal(third, 429, "too_many_streams")
            assert int(third.headers["Retry-After"]) >= 1
            # Another client may still stream.
            async with c.stream("GET", path, headers=auth(g["tokens"]["1"], other)) as theirs:
                assert theirs.status_code == 200
            # A start is a stream too: refused while two are open.
            r = await c.post(f"/games/{g['game_id']}/start", headers=headers)
            refusal(r, 429, "too_many_streams")
            await held.aclose()  # both close: the server frees their slots

        async def reopen() -> bool:
            async with c.stream("GET", path, headers=headers) as again:
                return again.status_code == 200

        await until(reopen, "a slot freed by the closed streams")


async def test_the_server_takes_so_many_live_games(tmp_path):
    srv = ServerProcess(tmp_path, env={"WEREWOLF_MAX_LIVE_GAMES": "2"}).start()
    try:
        async with httpx.AsyncClient(base_url=srv.url, timeout=httpx.Timeout(30, read=120)) as c:
            bots = await create(c, client(), humans=[])
            await create(c, client(), humans=[1])
            r = await c.post("/games", json={"humans": [1]}, headers=client())
            refusal(r, 503, "server_full")
            assert int(r.headers["Retry-After"]) >= 1
            # A game that finishes frees its place.
            spectator = auth(bots["spectator_token"], client())
            async with c.stream(
                "POST", f"/games/{bots['game_id']}/start", headers=spectator
            ) as started:
                assert started.status_code == 200
                await started.aread()

            async def finished() -> bool:
                s = await c.get(f"/games/{bots['game_id']}/summary", headers=spectator)
                return s.json()["finished"]

            await until(finished, "the all-bot game to finish")
            await create(c, client(), humans=[1])
    finally:
        srv.stop()


# -- who sees which tables ---------------------------------------------------------------
async def test_tables_are_private_unless_public_and_the_code_is_the_invitation(limited):
    async with httpx.AsyncClient(base_url=limited.url, timeout=30) as c:
        host, stranger = client(), client()
        private = await create(c, host, humans=[1, 2], hosted=True, host_seat=1)
        public = await create(c, host, humans=[1, 2], hosted=True, host_seat=1, public=True)
        listed = (await c.get("/games?limit=100", headers=stranger)).json()
        codes = {g["code"]: g for g in listed["games"]}
        assert private["code"] not in codes
        assert codes[public["code"]]["public"] and codes[public["code"]]["open_seats"] == [2]
        # The host (any token of the game) sees its own private table listed.
        own = await c.get("/games?limit=100", headers=auth(private["tokens"]["1"], host))
        assert private["code"] in {g["code"] for g in own.json()["games"]}
        # A stranger's token of another game shows nothing more.
        mine = await create(c, stranger, humans=[1])
        theirs = await c.get("/games?limit=100", headers=auth(mine["tokens"]["1"], stranger))
        assert private["code"] not in {g["code"] for g in theirs.json()["games"]}
        # Whoever has the code may still join: the code is the invitation.
        joined = await c.post(f"/games/{private['code']}/join", headers=stranger)
        assert joined.status_code == 200 and joined.json()["seat"] == 2


async def test_the_listing_comes_in_pages_newest_first(limited):
    async with httpx.AsyncClient(base_url=limited.url, timeout=30) as c:
        made = [(await create(c, client(), humans=[1], public=True))["code"] for _ in range(5)]
        seen: list[str] = []
        after = None
        pages = 0
        while True:
            params = {"limit": 2, **({"after": after} if after else {})}
            page = (await c.get("/games", params=params, headers=client())).json()
            assert len(page["games"]) <= 2
            seen += [g["code"] for g in page["games"]]
            pages += 1
            after = page["next"]
            if after is None:
                break
        assert len(seen) == len(set(seen)), "no game twice"
        ours = [code for code in seen if code in made]
        assert ours == made[::-1], "every game once, newest first"
        created = [g["created"] for g in (await c.get("/games?limit=100")).json()["games"]]
        assert created == sorted(created, reverse=True)
        assert pages >= 3

        for bad, code in (
            ({"limit": 0}, None),
            ({"limit": 101}, None),
            ({"after": "not-a-cursor"}, "bad_cursor"),
        ):
            r = await c.get("/games", params=bad, headers=client())
            assert r.status_code == 422, r.text
            if code:
                assert r.json()["detail"]["code"] == code


async def test_the_summary_is_for_the_games_tokens(limited):
    async with httpx.AsyncClient(base_url=limited.url, timeout=30) as c:
        me = client()
        g = await create(c, me, humans=[1, 2], hosted=True, host_seat=1)
        other = await create(c, me, humans=[1])
        path = f"/games/{g['code']}/summary"
        refusal(await c.get(path, headers=me), 401, "bad_token")
        refusal(await c.get(path, headers=auth(other["tokens"]["1"], me)), 403, "bad_token")
        s = (await c.get(path, headers=auth(g["tokens"]["1"], me))).json()
        assert s["code"] == g["code"] and s["open_seats"] == [2] and s["hosted"]
        assert not s["public"] and not s["spectated"] and not s["started"]


async def test_a_host_who_plays_cannot_see_everything(limited):
    async with httpx.AsyncClient(base_url=limited.url, timeout=30) as c:
        me = client()
        body = {"hosted": True, "humans": [1, 2], "host_seat": 1, "spectate": True}
        r = await c.post("/games", json=body, headers=me)
        assert r.status_code == 422
        assert "spectate" in r.text and "host_seat" in r.text
        # A host who doesn't play may watch everything, and the players are told.
        g = await create(c, me, hosted=True, humans=[1, 2], spectate=True)
        assert g["spectator_token"] and "seed" in g
        joined = (await c.post(f"/games/{g['code']}/join", headers=client())).json()
        s = await c.get(f"/games/{g['code']}/summary", headers=auth(joined["token"], me))
        assert s.json()["spectated"]


# -- Host and Origin -----------------------------------------------------------------------
async def test_a_foreign_host_is_refused(limited):
    port = limited.port
    async with httpx.AsyncClient(base_url=limited.url, timeout=30) as c:
        for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example"):
            r = await c.get("/healthz", headers={"Host": host})
            refusal(r, 400, "unknown_host")
        for host in (
            f"127.0.0.1:{port}",
            f"localhost:{port}",
            f"[::1]:{port}",
            "games.example.org",
            f"table.party.example:{port}",
        ):
            r = await c.get("/healthz", headers={"Host": host})
            assert r.status_code == 200, (host, r.text)


async def test_a_foreign_origin_changes_nothing(limited):
    async with httpx.AsyncClient(base_url=limited.url, timeout=30) as c:
        me = client()
        g = await create(c, me, humans=[1, 2], hosted=True, host_seat=1)
        join = f"/games/{g['code']}/join"
        for origin in ("http://evil.example", "null", f"http://localhost:{limited.port + 1}"):
            r = await c.post(join, headers={**me, "Origin": origin})
            refusal(r, 403, "foreign_origin")
        r = await c.post("/games", json={"humans": [1]}, headers={**me, "Origin": "null"})
        refusal(r, 403, "foreign_origin")
        s = await c.get(f"/games/{g['code']}/summary", headers=auth(g["tokens"]["1"], me))
        assert s.json()["open_seats"] == [2], "the refused joins took no seat"
        # Reading is not a change; a listed origin, or the server's own, may post.
        r = await c.get("/games", headers={**me, "Origin": "http://evil.example"})
        assert r.status_code == 200
        r = await c.post(join, headers={**client(), "Origin": "https://friendly.example"})
        assert r.status_code == 200, r.text
        own = {"Origin": limited.url}
        r = await c.post("/games", json={"humans": [1]}, headers={**client(), **own})
        assert r.status_code == 201, r.text


def test_the_allowed_hosts_by_bind_address():
    local = HostPolicy.make("127.0.0.1")
    for ok in ("127.0.0.1:8765", "localhost", "LOCALHOST:1", "[::1]:8765", "a.localhost"):
        assert local.host_ok(ok), ok
    for bad in ("evil.example", "192.168.1.5:8765", "", "localhost.evil.example"):
        assert not local.host_ok(bad), bad

    lan = HostPolicy.make("192.168.1.5")
    assert lan.host_ok("192.168.1.5:8765") and not lan.host_ok("10.0.0.1")

    import socket

    everywhere = HostPolicy.make("0.0.0.0")
    name = socket.gethostname()
    for ok in (f"{name}:8765", "10.0.0.1", "[fe80::1]:8765", "localhost"):
        assert everywhere.host_ok(ok), ok
    assert not everywhere.host_ok("evil.example")

    assert HostPolicy.make("127.0.0.1", ["*"]).host_ok("anything.example")
    assert split_host("[::1]:80") == "::1" and split_host("Example.ORG.:80") == "example.org"


def test_a_bad_limit_stops_the_server_with_its_name():
    out = subprocess.run(
        [sys.executable, "-m", "server", "serve", "--port", str(free_port())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"WEREWOLF_RATE_CREATE": "lots", "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 2
    assert "WEREWOLF_RATE_CREATE='lots'" in out.stderr


def test_a_public_table_stays_public_after_a_restart(fresh_server):
    srv = fresh_server.start()
    made = httpx.post(
        f"{srv.url}/games", json={"humans": [1, 2], "hosted": True, "public": True}, timeout=10
    ).json()
    private = httpx.post(f"{srv.url}/games", json={"humans": [1], "pace": 0}, timeout=10).json()
    srv.kill()
    srv.start()
    codes = {g["code"] for g in httpx.get(f"{srv.url}/games", timeout=10).json()["games"]}
    assert made["code"] in codes and private["code"] not in codes


async def test_the_lobby_tells_players_when_someone_sees_every_role(server):
    from eventually import pilot_until

    from tui.app import WerewolfApp
    from tui.client import GameClient
    from tui.widgets.lobby import LobbyScreen

    async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
        g = await create(c, {}, hosted=True, humans=[2, 5], spectate=True, seed=8)
        joined = (await c.post(f"/games/{g['code']}/join")).json()
    guest = GameClient(server.url, token=joined["token"], game_id=g["code"])
    app = WerewolfApp(client=guest, you=joined["seat"])

    def lobby() -> str:
        return str(app.screen.body.render()) if isinstance(app.screen, LobbyScreen) else ""

    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot_until(pilot, lambda: "Seats" in lobby(), "the lobby")
            assert "Someone here sees every role" in lobby()
    finally:
        await guest.aclose()
