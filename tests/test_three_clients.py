"""Three people at one 9-player table: two through tui/client.py, one in the app under Pilot.

The deal is known from the seed, so the test seats two humans as the wolves' pair and one
as a good player. Along the way: simultaneous votes, the human wolves agreeing on a kill,
the turn timer answering for a player who doesn't, and a dropped connection restored
with the token kept on this machine.
"""

from __future__ import annotations

import asyncio

from server.game import GameConfig, new_game
from shared.actions import Action, Decision
from shared.events import SpeechEnd, VoteResult
from tui import tokens
from tui.app import WerewolfApp
from tui.client import ApiError, GameClient

SEED = 61


async def answer(client: GameClient, w: Decision, *, kill: int | None, stay_silent: set) -> None:
    seat, action, options = w.seat, w.action, w.options
    if (seat, action) in stay_silent:  # let the turn timer answer this one
        stay_silent.discard((seat, action))
        return
    if w.speaks:
        text = f"Seat {seat}: kill {kill}" if action == "wolf_chat" else f"Seat {seat} speaking."
        act = Action(seat=seat, kind="speak", text=text)
    elif action in ("vote", "pk_vote"):
        act = Action(seat=seat, kind="vote", target=options[0]) if options else w.pass_action()
    elif action == "wolf_kill":
        act = Action(seat=seat, kind="kill", target=kill) if kill in options else w.pass_action()
    elif action == "check":
        act = Action(seat=seat, kind="check", target=options[0])
    else:  # the witch and the hunter pass
        act = w.pass_action()
    assert w.allows(act)
    for _ in range(80):
        try:
            await client.act(act)
            return
        except ApiError as e:
            if e.code != "busy":
                return  # the decision moved on (answered by the timer, say)
            await asyncio.sleep(0.05)


async def drive(
    client: GameClient,
    seat: int,
    kill: int,
    seen: list,
    stay_silent: set,
    drop_after: int | None = None,
) -> int:
    """Follow the game and answer for ``seat``; stop early after ``drop_after`` events."""
    tasks = []
    async for seq, event in client.follow(after=seen[-1][0] if seen else 0):
        seen.append((seq, event))
        if event.type == "snapshot":
            if event.state.over:
                break
            for w in event.waiting_for:
                if w.seat == seat and w.kinds:
                    tasks.append(
                        asyncio.create_task(answer(client, w, kill=kill, stay_silent=stay_silent))
                    )
        if drop_after is not None and len(seen) >= drop_after:
            return seq
    await asyncio.gather(*tasks)
    return seen[-1][0]


async def test_three_clients_play_one_game(server, tmp_path, monkeypatch):
    monkeypatch.setenv("WEREWOLF_CLIENT_DIR", str(tmp_path))
    roles = new_game(GameConfig(players=9, seed=SEED)).state.roles
    wolves = [s for s in range(1, 10) if roles[s - 1] == "werewolf"]
    good = next(s for s in range(1, 10) if roles[s - 1] in ("villager", "seer"))
    victim = next(s for s in range(1, 10) if roles[s - 1] == "villager" and s != good)
    host_seat, mate = wolves[0], wolves[1]

    lobby = GameClient(server.url)
    g = await lobby.create_game(
        players=9,
        humans=[host_seat, mate, good],
        hosted=True,
        host_seat=host_seat,
        seed=SEED,
        pace=0,
        turn_timeout=2,
    )
    code = g["code"]
    mate_seat = await lobby.join(code, seat=mate)
    good_seat = await lobby.join(code, seat=good)
    tokens.save(server.url, code, mate, mate_seat["token"])
    await lobby.aclose()

    mate_client = GameClient(server.url, token=mate_seat["token"], game_id=code)
    good_client = GameClient(server.url, token=good_seat["token"], game_id=code)
    mate_seen: list = []
    good_seen: list = []
    silent = {(good, "speak")}  # the good player lets the timer take their first speech

    app = WerewolfApp(
        client=GameClient(server.url, token=g["tokens"][str(host_seat)], game_id=code),
        you=host_seat,
    )
    async with app.run_test(size=(120, 36)) as pilot:
        good_task = asyncio.create_task(drive(good_client, good, victim, good_seen, silent))
        dropped: dict = {}

        async def mate_flow() -> None:
            # The wolf's connection drops after 40 events; it comes back with the kept token.
            client = mate_client
            dropped["at"] = await drive(client, mate, victim, mate_seen, set(), drop_after=40)
            await client.aclose()
            kept = tokens.load(server.url, code)
            dropped["kept"] = kept
            client = GameClient(server.url, token=kept["token"], game_id=code)
            try:
                await drive(client, mate, victim, mate_seen, set())
            finally:
                await client.aclose()

        mate_task = asyncio.create_task(mate_flow())
        from tui.widgets.lobby import LobbyScreen

        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, LobbyScreen):
                break
        assert isinstance(app.screen, LobbyScreen)
        await pilot.press("s")  # the host starts from the lobby

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 150
        while app.board.over is None:
            assert loop.time() < deadline, "the game did not finish"
            await pilot.pause(0.05)
            bar = app.action_bar
            if bar.has_class("hidden") or bar.waiting is None:
                continue
            if bar.asks_speech:
                text = f"kill {victim}" if bar.waiting.action == "wolf_chat" else "Host here."
                await pilot.press(*text, "enter")
            elif bar.asks_pick:
                options = bar.waiting.options
                if bar.waiting.action == "wolf_kill" and victim in options:
                    await pilot.press(str(victim))
                elif options and bar.waiting.action != "witch":
                    await pilot.press(str(options[0]))
                else:
                    await pilot.press("enter")
            await pilot.pause(0.1)
        await asyncio.wait_for(asyncio.gather(good_task, mate_task), 60)
    await good_client.aclose()
    last = dropped["at"]
    assert dropped["kept"]["seat"] == mate

    # The dropped connection lost nothing and repeated nothing.
    ids = [seq for seq, _ in mate_seen]
    assert ids == sorted(set(ids)) and ids[-1] > last
    # The human wolves agreed on the first night's kill.
    first_kill = next(e for _, e in mate_seen if isinstance(e, VoteResult) and e.kind == "wolf")
    assert first_kill.votes[host_seat] == first_kill.votes[mate] == victim
    assert first_kill.chosen == victim
    # The good player never saw the wolves' channel, and the timer spoke for them once.
    over_at = next(i for i, (_, e) in enumerate(good_seen) if e.type == "game_over")
    assert all(e.vis.scope != "wolves" for _, e in good_seen[:over_at])
    assert any(
        isinstance(e, SpeechEnd) and e.seat == good and e.text == "" for _, e in good_seen
    ), "the timer passed the silent player's speech"
    # Votes were simultaneous: every living human voted in the first day's vote.
    day_vote = next(e for _, e in good_seen if isinstance(e, VoteResult) and e.kind == "day")
    assert len([s for s in (host_seat, mate, good) if s in day_vote.votes]) >= 2
