"""A hosted table's lobby under Pilot, against a real server: who is offered the start,
what a joiner is told, and what the lobby says of the table."""

from __future__ import annotations

import httpx
from eventually import pilot_until

from server.game import GameConfig, new_game
from shared.strings import say
from tui.app import WerewolfApp
from tui.client import GameClient
from tui.widgets.lobby import LobbyScreen

SEED = 34  # seat roles below are read from the deal, never assumed


def status(app) -> str:
    return str(app.status_line.render())


async def _hosted(url: str, host: int, joiner: int, **more) -> tuple[dict, str]:
    """A hosted table: the host's game, and the joiner's token."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        body = {"humans": [host, joiner], "hosted": True, "host_seat": host, "pace": 0}
        r = await c.post("/games", json={**body, "seed": SEED, **more})
        assert r.status_code == 201, r.text
        g = r.json()
        r = await c.post(f"/games/{g['code']}/join", json={"seat": joiner})
        assert r.status_code == 200, r.text
        return g, r.json()["token"]


async def test_a_joiner_is_never_offered_s_and_sees_the_game_start(server):
    # Seen in tmux: the joiner's lobby and status line said "press s to start it", s did
    # nothing, and once the host had started, a villager's status line still said "not
    # started" through the whole first night (he sees none of its events).
    deal = new_game(GameConfig(seed=SEED)).state
    seer = deal.seat_of("seer")
    me = next(s for s in deal.seats() if deal.role(s) == "villager")
    assert seer is not None
    g, token = await _hosted(server.url, host=seer, joiner=me)
    client = GameClient(server.url, token=token, game_id=g["game_id"])
    app = WerewolfApp(client=client, you=me)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_until(pilot, lambda: isinstance(app.screen, LobbyScreen), "the lobby")
        await pilot_until(pilot, lambda: say("lobby.wait", "en") in status(app), "whom we wait for")
        assert "press s" not in status(app)
        assert app.screen.check_action("start", ()) is False
        assert app.check_action("start", ()) is False
        assert not [b for b in app.screen.active_bindings.values() if b.binding.action == "start"]
        # The host starts; the game then waits on his check, and the joiner sees nothing of it.
        async with GameClient(server.url, token=g["tokens"][str(seer)], game_id=g["game_id"]) as h:
            await h.start()
        await pilot_until(pilot, lambda: not isinstance(app.screen, LobbyScreen), "lobby closed")
        await pilot_until(
            pilot,
            lambda: say("lobby.wait", "en") not in status(app) and "Night 1" in status(app),
            "the night under way on the status line",
        )
        assert "Not started" not in status(app) and app.board.waiting is None
    await client.aclose()


async def test_the_lobby_tells_how_to_join_this_server_and_the_rules_in_words(server):
    # Seen in tmux: "werewolf join CODE" without the --server the joiner needs, and the
    # rules as "players=9, special=guard, …, sheriff=None," cut at 80x24.
    from tui_fixtures import screen_text

    g, _ = await _hosted(server.url, host=1, joiner=2, win_condition="city")
    client = GameClient(server.url, token=g["tokens"]["1"], game_id=g["game_id"])
    app = WerewolfApp(client=client, you=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot_until(pilot, lambda: isinstance(app.screen, LobbyScreen), "the lobby")
        await pilot_until(pilot, lambda: "9 players:" in screen_text(app), "the board in words")
        shown = screen_text(app)
        assert f"werewolf join {g['code']} --server {server.url}" in shown
        for words in ("3 werewolf", "every good player is dead (屠城)", "no sheriff"):
            assert words in shown, words
        assert "=" not in shown and "special" not in shown
        assert say("lobby.start", "en") in shown  # the host is told his key
    await client.aclose()


async def test_the_help_screen_gives_the_rules_of_the_table_being_played():
    # F1 said "the wolves win when they kill every villager or every god" at every table,
    # 屠城 and parity tables included, and named the guard with no word of what he does.
    from shared.events import GameCreated, SeatInfo
    from tui.widgets.help import HelpScreen

    created = GameCreated(
        players=12,
        lang="en",
        seats=[SeatInfo(seat=n, name=f"P{n}") for n in range(1, 13)],
        roles={"werewolf": 4, "villager": 4, "seer": 1, "witch": 1, "hunter": 1, "guard": 1},
        options={"win_condition": "city", "sheriff": None, "witch_self_save": "never"},
    )

    async def source():
        yield 1, created

    app = WerewolfApp(you=3, players=12, events=source())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_until(pilot, lambda: app.board.roles, "the board")
        await pilot.press("f1")
        await pilot_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        shown = str(app.screen.render_help())  # type: ignore[attr-defined]
        assert "every good player is dead (屠城)" in shown
        assert "every villager or every god" not in shown
        assert "a sheriff's election" in shown  # (on by default at 12 players)
        assert "the witch never saves herself" in shown
        assert say("help.role.guard", "en") in shown
