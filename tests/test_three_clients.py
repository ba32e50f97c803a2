"""Three people at one 9-player table: two through tui/client.py, one in the app under Pilot.

The deal is known from the seed, so the test seats two humans as the wolves' pair and one
as a good player. Along the way: simultaneous votes, the human wolves agreeing on a kill,
and a dropped connection restored with the token kept on this machine. The game has no
turn timer: every answer is a player's own, however slow the machine (the timer answering
for a silent player is test_multiplayer's).
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing

from eventually import GIVE_UP, pilot_until

from server.game import GameConfig, new_game
from shared.actions import Action, Decision
from shared.events import SpeechEnd, VoteResult
from tui import tokens
from tui.app import WerewolfApp
from tui.client import ApiError, GameClient

SEED = 61


async def answer(client: GameClient, w: Decision, *, kill: int | None) -> None:
    seat, action, options = w.seat, w.action, w.options
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
    while True:  # another player's answer may hold the game for a while: try again
        try:
            await client.act(act)
            return
        except ApiError as e:
            if e.code != "busy":
                return  # the decision moved on (answered already, say)
            await asyncio.sleep(0.05)


async def drive(
    client: GameClient, seat: int, kill: int, seen: list, drop_after: int | None = None
) -> int:
    """Follow the game and answer for ``seat``; stop early after ``drop_after`` events.

    Answers already sent are seen through before a drop, so none is lost with the stream.
    """
    tasks: list[asyncio.Task] = []
    last = seen[-1][0] if seen else 0
    try:
        async with aclosing(client.follow(after=last)) as feed:
            async for seq, event in feed:
                last = seq
                seen.append((seq, event))
                if event.type == "snapshot":
                    if event.state.over:
                        break
                    for w in event.waiting_for:
                        if w.seat == seat and w.kinds:
                            tasks.append(asyncio.create_task(answer(client, w, kill=kill)))
                if drop_after is not None and len(seen) >= drop_after:
                    break
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    await asyncio.gather(*tasks)
    return last


async def play_the_host(app: WerewolfApp, pilot, victim: int) -> None:
    """The host, by key presses: start from the lobby, then answer until game over."""
    from tui.widgets.lobby import LobbyScreen

    await pilot_until(pilot, lambda: isinstance(app.screen, LobbyScreen), "the lobby")
    await pilot.press("s")  # the host starts from the lobby
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 3 * GIVE_UP  # a whole game: only to give up on one that hangs
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
            # a digit selects, Enter sends; a kill or a shot asks once more (Enter again)
            if bar.waiting.action == "wolf_kill" and victim in options:
                await pilot.press(*str(victim), "enter", "enter")
            elif options and bar.waiting.action != "witch":
                again = ["enter"] if bar.waiting.action in ("wolf_kill", "shoot") else []
                await pilot.press(*str(options[0]), "enter", *again)
            else:
                await pilot.press("enter")
        await pilot.pause(0.1)


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
        turn_timeout=0,  # none: this test is about the players' own answers
    )
    assert g["turn_timeout"] is None
    code = g["code"]
    mate_seat = await lobby.join(code, seat=mate)
    good_seat = await lobby.join(code, seat=good)
    tokens.save(server.url, code, mate, mate_seat["token"])
    await lobby.aclose()

    mate_client = GameClient(server.url, token=mate_seat["token"], game_id=code)
    good_client = GameClient(server.url, token=good_seat["token"], game_id=code)
    mate_seen: list = []
    good_seen: list = []

    host_client = GameClient(server.url, token=g["tokens"][str(host_seat)], game_id=code)
    app = WerewolfApp(client=host_client, you=host_seat)
    dropped: dict = {}

    async def mate_flow() -> None:
        # The wolf's connection drops after 40 events; it comes back with the kept token.
        try:
            dropped["at"] = await drive(mate_client, mate, victim, mate_seen, drop_after=40)
        finally:
            await mate_client.aclose()
        kept = tokens.load(server.url, code)
        dropped["kept"] = kept
        client = GameClient(server.url, token=kept["token"], game_id=code)
        try:
            await drive(client, mate, victim, mate_seen)
        finally:
            await client.aclose()

    players: list[asyncio.Task] = []
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            players.append(asyncio.create_task(drive(good_client, good, victim, good_seen)))
            players.append(asyncio.create_task(mate_flow()))
            await play_the_host(app, pilot, victim)
            await asyncio.wait_for(asyncio.gather(*players), GIVE_UP)
    finally:
        for task in players:
            task.cancel()
        await asyncio.gather(*players, return_exceptions=True)
        await good_client.aclose()
        await host_client.aclose()
    last = dropped["at"]

    assert dropped["kept"]["seat"] == mate

    # The dropped connection lost nothing and repeated nothing.
    ids = [seq for seq, _ in mate_seen]
    assert ids == sorted(set(ids)) and ids[-1] > last
    # The human wolves agreed on the first night's kill.
    first_kill = next(e for _, e in mate_seen if isinstance(e, VoteResult) and e.kind == "wolf")
    assert first_kill.votes[host_seat] == first_kill.votes[mate] == victim
    assert first_kill.chosen == victim
    # The good player never saw the wolves' channel, and spoke in their own words.
    over_at = next(i for i, (_, e) in enumerate(good_seen) if e.type == "game_over")
    assert all(e.vis.scope != "wolves" for _, e in good_seen[:over_at])
    assert any(
        isinstance(e, SpeechEnd) and e.seat == good and e.text == f"Seat {good} speaking."
        for _, e in good_seen
    )
    # Votes were simultaneous: every living human voted in the first day's vote.
    day_vote = next(e for _, e in good_seen if isinstance(e, VoteResult) and e.kind == "day")
    assert len([s for s in (host_seat, mate, good) if s in day_vote.votes]) >= 2
