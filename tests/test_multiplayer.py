"""Several people at one table: hosting, joining by code, the turn timer, and misuse."""

from __future__ import annotations

import asyncio
import json
import random

import httpx
from conftest import act, post_action
from eventually import GIVE_UP, pilot_until
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
        # (a keep-alive, sent after 15 s of silence, comes as an event without data)
        return 200, [(s.event, json.loads(s.data)) async for s in es.aiter_sse() if s.data]


async def test_join_by_code_full_started_and_wrong_code(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
        g = await host(c, humans=[2, 5], host_seat=2, seed=4)
        code = g["code"]
        assert g["spectator_token"] is None and "seed" not in g, "a playing host can't peek"
        assert g["open_seats"] == [5] and list(g["tokens"]) == ["2"]
        # Private by default: listed for whoever holds one of its tokens, not for strangers.
        own = (await c.get("/games", headers=auth(g["tokens"]["2"]))).json()["games"]
        assert {x["code"]: x for x in own}[code]["open_seats"] == [5]
        assert code not in {x["code"] for x in (await c.get("/games")).json()["games"]}

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


async def _feed(c: httpx.AsyncClient, code: str, token: str, until) -> list[dict]:
    """A seat's events from the start of the game until ``until(events)`` holds."""
    seen: list[dict] = []

    async def follow() -> None:
        async with aconnect_sse(c, "GET", f"/games/{code}/events", headers=auth(token)) as es:
            async for sse in es.aiter_sse():
                if sse.data:  # (not a keep-alive)
                    seen.append({**json.loads(sse.data), "seq": int(sse.id)})
                    if until(seen):
                        return

    await asyncio.wait_for(follow(), GIVE_UP)
    return seen


async def test_turn_timer_takes_skip_and_the_game_goes_on(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as c:
        # Seats 1 and 5 never decide one right after the other here (see the xfail below).
        g = await host(c, humans=[1, 5], host_seat=1, seed=13, turn_timeout=0.5)
        joined = (await c.post(f"/games/{g['code']}/join")).json()
        status, _ = await post_sse(c, f"/games/{g['code']}/start", g["tokens"]["1"])
        assert status == 200
        # Nobody answers: the timer answers for them, decision after decision, through the
        # night and the first day's speeches (as seat 5, a wolf, sees them).
        seen = await _feed(
            c,
            g["code"],
            joined["token"],
            until=lambda seen: (
                seen[-1]["type"] == "game_over"
                or (seen[-1]["type"] == "phase" and seen[-1]["phase"] == "vote")
            ),
        )
        mine = [
            e for e in seen if e["type"] == "waiting" and (e["decision"] or {}).get("seat") == 5
        ]
        assert [e["decision"]["action"] for e in mine] == ["wolf_chat", "wolf_kill", "speak"]
        assert all(e["deadline"] for e in mine), "a timed decision says when it runs out"
        speeches = {e["seat"]: e["text"] for e in seen if e["type"] == "speech_end"}
        assert speeches[1] == speeches[5] == "", "the timer passed the humans' turns"
        assert all(speeches[s] for s in speeches if s not in (1, 5)), "the bots spoke"
        assert [e["phase"] for e in seen if e["type"] == "phase"] == ["night", "day", "vote"]


async def test_a_human_decision_right_after_another_humans_answer_is_announced(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as c:
        # Seed 13: seat 2 is a wolf, seat 1 is not, and seat 2 speaks right after seat 1.
        g = await host(c, humans=[1, 2], host_seat=1, seed=13, turn_timeout=0)
        tokens = {
            1: g["tokens"]["1"],
            2: (await c.post(f"/games/{g['code']}/join")).json()["token"],
        }
        assert (await post_sse(c, f"/games/{g['code']}/start", tokens[1]))[0] == 200
        answers = {
            "wolf_chat": {"kind": "speak", "text": "..."},
            "wolf_kill": {"kind": "skip"},
        }
        for _ in range(4):  # the night: seat 2's wolf talk and kill vote
            (w,) = (await snapshot(c, g["code"], tokens[2]))["waiting_for"] or [None]
            if w is None or w["action"] not in answers:
                break
            await act(c, g["code"], tokens[2], {"seat": 2, **answers[w["action"]]})
        waiting = (await snapshot(c, g["code"], tokens[1]))["waiting_for"]
        assert [(w["seat"], w["action"]) for w in waiting] == [(1, "speak")], waiting
        await act(c, g["code"], tokens[1], {"seat": 1, "kind": "speak", "text": "hello"})
        after = await snapshot(c, g["code"], tokens[2])
        assert [(w["seat"], w["action"]) for w in after["waiting_for"]] == [(2, "speak")]
        seen = await _feed(
            c, g["code"], tokens[2], until=lambda seen: seen[-1]["seq"] >= after["seq"]
        )
        spoke = next(i for i, e in enumerate(seen) if e["type"] == "speech_end" and e["seat"] == 1)
        assert any(
            e["type"] == "waiting"
            and e["decision"]["seat"] == 2
            and e["decision"]["action"] == "speak"
            for e in seen[spoke:]
        ), "seat 2 was never told it is its turn"


async def _play_seat(
    c: httpx.AsyncClient,
    code: str,
    seat: int,
    token: str,
    rng: random.Random,
    seen: list,
    connected: asyncio.Event,
) -> None:
    """One human: follow the feed, answer whatever the game asks of this seat.

    The games these play have no turn timer: every answer is the player's own, however
    slow the machine.
    """

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
        # Another human's answer may hold the game's lock for a while: try again for as
        # long as the game still waits on this seat.
        while True:
            r = await post_action(c, code, token, body)
            if r.status_code != 409:
                return
            snap = await snapshot(c, code, token)
            if not any(x["seat"] == seat and x["kinds"] for x in snap["waiting_for"]):
                return
            await asyncio.sleep(0.05)

    answers: list[asyncio.Task] = []
    try:
        async with aconnect_sse(c, "GET", f"/games/{code}/events", headers=auth(token)) as es:
            async for sse in es.aiter_sse():
                if not sse.data:  # a keep-alive
                    continue
                data = json.loads(sse.data)
                seen.append(data)
                connected.set()
                if sse.event == "snapshot":
                    if data["state"]["over"]:
                        return
                    mine = [w for w in data["waiting_for"] if w["seat"] == seat and w["kinds"]]
                    answers += [asyncio.create_task(answer(w)) for w in mine]
    finally:
        for task in answers:
            task.cancel()
        await asyncio.gather(*answers, return_exceptions=True)


async def _play(c: httpx.AsyncClient, code: str, tokens: dict[int, str], seen: dict) -> None:
    """Every human follows the game (each stream is open before the start) and plays it."""
    connected = {s: asyncio.Event() for s in tokens}
    players = [
        asyncio.create_task(
            _play_seat(c, code, s, tokens[s], random.Random(s), seen[s], connected[s])
        )
        for s in tokens
    ]
    try:
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in connected.values())), GIVE_UP)
        status, _ = await post_sse(c, f"/games/{code}/start", tokens[min(tokens)])
        assert status == 200
        await asyncio.wait_for(asyncio.gather(*players), 4 * GIVE_UP)
    finally:
        for task in players:
            task.cancel()
        await asyncio.gather(*players, return_exceptions=True)


async def test_three_humans_play_a_whole_game_and_never_see_each_others_secrets(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=httpx.Timeout(30, read=120)) as c:
        g = await host(c, humans=[1, 4, 7], host_seat=1, seed=99, turn_timeout=0)
        assert g["turn_timeout"] is None
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
        await _play(c, code, tokens, seen)

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
        r = await c.post(
            "/games",
            json={"humans": list(range(1, 10)), "pace": 0, "seed": 5, "turn_timeout": 0},
        )
        g = r.json()
        assert g["turn_timeout"] is None
        code, tokens = g["game_id"], {int(s): t for s, t in g["tokens"].items()}
        roles = {}
        for seat, tok in tokens.items():
            snap = await snapshot(c, code, tok)
            assert "seed" not in snap["state"]["options"]
            roles[seat] = next(s["role"] for s in snap["state"]["seats"] if s["seat"] == seat)
        seen: dict[int, list] = {s: [] for s in tokens}
        await _play(c, code, tokens, seen)
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
                    if sse.data:  # (not a keep-alive)
                        replay.append(json.loads(sse.data))
            assert {e["seat"] for e in replay if e["type"] == "role"} == set(range(1, 10))


async def test_the_lobby_shows_who_joined_and_the_host_starts_from_it(server):
    from tui.app import WerewolfApp
    from tui.client import GameClient
    from tui.widgets.lobby import LobbyScreen

    async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
        g = await host(c, humans=[1, 6], host_seat=1, seed=21)
    host_client = GameClient(server.url, token=g["tokens"]["1"], game_id=g["code"])
    guest = GameClient(server.url)
    app = WerewolfApp(client=host_client, you=1)

    def lobby() -> str:
        shown = str(app.screen.body.render()) if isinstance(app.screen, LobbyScreen) else ""
        return shown.partition("Seats")[2].partition("Rules")[0]  # the seats' rows

    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot_until(pilot, lambda: "open" in lobby(), "the lobby showing an open seat")
            joined = await guest.join(g["code"])
            assert joined["seat"] == 6
            # The lobby polls the server: wait for it to show the guest, however long it takes.
            await pilot_until(
                pilot,
                lambda: "joined" in lobby() and "open" not in lobby(),
                "the lobby showing the guest joined and no open seat",
            )
            await pilot.press("s")
            await pilot_until(
                pilot,
                lambda: not isinstance(app.screen, LobbyScreen) and app.board.started,
                "the game to start from the lobby",
            )
    finally:
        await guest.aclose()
        await host_client.aclose()
