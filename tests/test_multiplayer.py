"""Several people at one table: hosting, joining by code, the turn timer, and misuse."""

from __future__ import annotations

import asyncio
import json
import random

import httpx
from conftest import post_action
from httpx_sse import aconnect_sse


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def host(c: httpx.AsyncClient, **body) -> dict:
    r = await c.post("/games", json={"hosted": True, "pace": 0, **body})
    assert r.status_code == 201, r.text
    return r.json()


async def snapshot(c: httpx.AsyncClient, game_id: str, token: str) -> dict:
    r = await c.get(f"/games/{game_id}", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


async def post_sse(
    c: httpx.AsyncClient, path: str, token: str, body: dict | None = None
) -> tuple[int, list[tuple[str, dict]]]:
    async with aconnect_sse(c, "POST", path, json=body, headers=auth(token)) as es:
        if es.response.status_code != 200:
            await es.response.aread()
            return es.response.status_code, [("error", es.response.json())]
        return 200, [(s.event, json.loads(s.data)) async for s in es.aiter_sse()]


async def test_join_by_code_full_started_and_wrong_code(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
        g = await host(c, humans=[2, 5], host_seat=2, seed=4)
        code = g["code"]
        assert g["spectator_token"] is None and "seed" not in g, "a playing host can't peek"
        assert g["open_seats"] == [5] and list(g["tokens"]) == ["2"]
        listed = {x["code"]: x for x in (await c.get("/games")).json()}
        assert listed[code]["open_seats"] == [5]

        assert (await c.post("/games/NOPE42/join")).status_code == 404
        joined = (await c.post(f"/games/{code}/join")).json()
        assert joined["seat"] == 5
        full = await c.post(f"/games/{code}/join")
        assert full.status_code == 409 and full.json()["detail"]["code"] == "full"

        # A joined player is not the host: only the host starts.
        status, _ = await post_sse(c, f"/games/{code}/start", joined["token"])
        assert status == 403
        # A seat token can't act for another seat.
        r = await post_action(c, code, joined["token"], {"seat": 2, "kind": "vote", "target": 5})
        assert r.status_code == 403

        status, events = await post_sse(c, f"/games/{code}/start", g["tokens"]["2"])
        assert status == 200 and events[-1][0] == "snapshot"
        late = await c.post(f"/games/{code}/join")
        assert late.status_code == 409 and late.json()["detail"]["code"] == "started"


async def test_starting_early_gives_the_open_seats_to_bots(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as c:
        g = await host(c, humans=[1, 2, 3], host_seat=None, seed=8, spectate=True)
        assert g["open_seats"] == [1, 2, 3] and g["host_token"]
        status, events = await post_sse(c, f"/games/{g['code']}/start", g["host_token"])
        assert status == 200
        final = events[-1][1]
        assert final["state"]["over"], "with every seat a bot the game runs to its end"
        assert final["state"]["humans"] == []


async def test_turn_timer_takes_skip_and_the_game_goes_on(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as c:
        g = await host(c, humans=[1, 2], host_seat=1, seed=13, turn_timeout=0.5)
        joined = (await c.post(f"/games/{g['code']}/join")).json()
        status, events = await post_sse(c, f"/games/{g['code']}/start", g["tokens"]["1"])
        assert status == 200
        waiting = [e for t, e in events if t == "waiting"]
        assert all(w["deadline"] for w in waiting), "a timed decision says when it runs out"
        # Nobody answers: the timer answers for them, decision after decision.
        before = events[-1][1]["state"]
        await asyncio.sleep(4)
        after = await snapshot(c, g["code"], joined["token"])
        assert (after["state"]["day"], after["state"]["phase"]) != (
            before["day"],
            before["phase"],
        ) or after["state"]["over"]


async def _play_seat(
    c: httpx.AsyncClient, code: str, seat: int, token: str, rng: random.Random, seen: list
) -> None:
    """One human: follow the feed, answer whatever the game asks of this seat."""

    async def answer(w: dict) -> None:
        action, targets = w["action"], w["options"]
        if action in ("speak", "pk_speak", "last_words", "wolf_chat"):
            body = {"seat": seat, "kind": "speak", "text": f"Seat {seat} here, I suspect everyone."}
        elif action in ("vote", "pk_vote"):
            body = {
                "seat": seat,
                "kind": "vote",
                "target": rng.choice(targets) if targets else None,
            }
        elif action == "wolf_kill":
            body = {"seat": seat, "kind": "kill", "target": min(targets)}
        elif action == "check":
            body = {"seat": seat, "kind": "check", "target": rng.choice(targets)}
        elif action == "witch":
            body = {"seat": seat, "kind": "skip"}
        else:
            body = {
                "seat": seat,
                "kind": "shoot",
                "target": rng.choice(targets) if targets else None,
            }
        for _ in range(50):  # another human's answer may hold the game's lock for a moment
            r = await post_action(c, code, token, body)
            if r.status_code != 409:
                return
            snap = await snapshot(c, code, token)
            if not any(x["seat"] == seat and x["kinds"] for x in snap["waiting_for"]):
                return
            await asyncio.sleep(0.05)

    async with aconnect_sse(c, "GET", f"/games/{code}/events", headers=auth(token)) as es:
        async for sse in es.aiter_sse():
            data = json.loads(sse.data)
            seen.append(data)
            if sse.event == "snapshot":
                if data["state"]["over"]:
                    return
                mine = [w for w in data["waiting_for"] if w["seat"] == seat and w["kinds"]]
                for w in mine:
                    asyncio.get_running_loop().create_task(answer(w))


async def test_three_humans_play_a_whole_game_and_never_see_each_others_secrets(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=httpx.Timeout(30, read=120)) as c:
        g = await host(c, humans=[1, 4, 7], host_seat=1, seed=99)
        code = g["code"]
        tokens = {1: g["tokens"]["1"]}
        for _ in range(2):
            j = (await c.post(f"/games/{code}/join")).json()
            tokens[j["seat"]] = j["token"]
        roles = {}
        for seat, tok in tokens.items():
            snap = await snapshot(c, code, tok)
            roles[seat] = next(s["role"] for s in snap["state"]["seats"] if s["seat"] == seat)
            assert sum(s["role"] is not None for s in snap["state"]["seats"]) in (1, 3)
        seen: dict[int, list] = {s: [] for s in tokens}
        rngs = {s: random.Random(s) for s in tokens}
        players = [
            asyncio.create_task(_play_seat(c, code, s, tokens[s], rngs[s], seen[s])) for s in tokens
        ]
        await asyncio.sleep(0.3)
        status, _ = await post_sse(c, f"/games/{code}/start", tokens[1])
        assert status == 200
        await asyncio.wait_for(asyncio.gather(*players), 90)

        for seat, events in seen.items():
            over_at = next(i for i, e in enumerate(events) if e["type"] == "game_over")
            for e in events[:over_at]:
                scope = e["vis"]["scope"]
                assert scope != "god", (seat, e)
                if scope == "seat":
                    assert e["vis"]["seat"] == seat, (seat, e)
                if scope == "wolves":
                    assert roles[seat] == "werewolf", (seat, e)
                if e["type"] == "role":
                    assert e["seat"] == seat
            assert events[-1]["state"]["over"]


async def test_nine_humans_every_seat_sees_only_its_own_secrets(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=httpx.Timeout(30, read=120)) as c:
        r = await c.post("/games", json={"humans": list(range(1, 10)), "pace": 0, "seed": 5})
        g = r.json()
        code, tokens = g["game_id"], {int(s): t for s, t in g["tokens"].items()}
        roles = {}
        for seat, tok in tokens.items():
            snap = await snapshot(c, code, tok)
            assert "seed" not in snap["state"]["options"]
            roles[seat] = next(s["role"] for s in snap["state"]["seats"] if s["seat"] == seat)
        seen: dict[int, list] = {s: [] for s in tokens}
        players = [
            asyncio.create_task(_play_seat(c, code, s, tokens[s], random.Random(s), seen[s]))
            for s in tokens
        ]
        await asyncio.sleep(0.3)
        assert (await post_sse(c, f"/games/{code}/start", tokens[1]))[0] == 200
        await asyncio.wait_for(asyncio.gather(*players), 120)
        for seat, events in seen.items():
            over_at = next(i for i, e in enumerate(events) if e["type"] == "game_over")
            for e in events[:over_at]:
                scope = e["vis"]["scope"]
                assert scope != "god" and not e["type"].startswith("thought"), (seat, e)
                assert scope != "seat" or e["vis"]["seat"] == seat, (seat, e)
                assert scope != "wolves" or roles[seat] == "werewolf", (seat, e)
                if e["type"] == "snapshot" and not e["state"]["over"]:
                    known = {s["seat"] for s in e["state"]["seats"] if s["role"]}
                    mates = {s for s, r in roles.items() if r == "werewolf"}
                    allowed = {seat} | (mates if roles[seat] == "werewolf" else set())
                    assert known <= allowed, (seat, known)
            # After game over, the review: a replay shows every role.
            replay = []
            async with aconnect_sse(
                c, "GET", f"/games/{code}/events", headers=auth(tokens[seat])
            ) as es:
                async for sse in es.aiter_sse():
                    replay.append(json.loads(sse.data))
            assert {e["seat"] for e in replay if e["type"] == "role"} == set(range(1, 10))


async def test_the_lobby_shows_who_joined_and_the_host_starts_from_it(server):
    from tui.app import WerewolfApp
    from tui.client import GameClient
    from tui.widgets.lobby import LobbyScreen

    async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
        g = await host(c, humans=[1, 6], host_seat=1, seed=21)
    host_client = GameClient(server.url, token=g["tokens"]["1"], game_id=g["code"])
    app = WerewolfApp(client=host_client, you=1)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(60):
            await pilot.pause(0.05)
            if isinstance(app.screen, LobbyScreen):
                break
        assert isinstance(app.screen, LobbyScreen)
        await pilot.pause(0.2)
        assert "open" in str(app.screen.body.render())
        guest = GameClient(server.url)
        joined = await guest.join(g["code"])
        assert joined["seat"] == 6
        await pilot.pause(1.5)
        text = str(app.screen.body.render())
        assert "joined" in text and "open" not in text.split("Rules")[0]
        await pilot.press("s")
        for _ in range(100):
            await pilot.pause(0.05)
            if not isinstance(app.screen, LobbyScreen) and app.board.started:
                break
        assert not isinstance(app.screen, LobbyScreen)
        await guest.aclose()
    await host_client.aclose()
