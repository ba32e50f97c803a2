"""The terminal app under Pilot: against a real server, and fed recorded events."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from conftest import ServerProcess
from eventually import pilot_until, until
from textual import events
from textual.widgets import Static

from server.game import GameConfig
from server.headless import run_game
from shared.events import SpeechEnd, ThoughtToken, Token
from shared.strings import say
from tui.app import NewTable, WerewolfApp
from tui.board import Board
from tui.client import GameClient


# -- the board: routing and buffering, no Textual ------------------------------------------
def test_tokens_buffer_per_seat_and_mark_only_that_seat_dirty():
    board = Board(you=2)
    board.apply(Token(seat=3, content="Hello "), 1)
    board.apply(Token(seat=3, content="there"), 2)
    board.apply(ThoughtToken(seat=5, content="hmm [/] "), 3)
    assert board.take_dirty() == {3, 5}
    assert board.seat(3).speech == "Hello there" and board.seat(3).speaking
    assert board.seat(5).thought == "hmm [/] "
    board.apply(SpeechEnd(seat=3, text="Hello there", day=1), 4)
    assert board.seat(3).said[-1].text == "Hello there" and not board.seat(3).speaking
    assert board.take_dirty() == {3}
    assert board.take_dirty() == set()


def test_a_decision_is_marked_without_what_was_chosen_until_the_reveal():
    from shared.events import Decided, VoteResult

    board = Board(you=1)
    board.apply(Decided(seat=4, action="vote"), 1)
    assert board.seat(4).decided
    board.apply(VoteResult(kind="day", day=1, votes={4: 2}, tally={2: 1}, chosen=2), 2)
    assert not board.seat(4).decided


async def test_the_app_gives_the_collector_back_what_it_kept_out_of_its_way():
    # The app freezes what it is made of once it is up (the collector's full passes skip
    # it) and unfreezes it when it ends: a next game's app frees this one.
    import gc

    app = WerewolfApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_until(pilot, lambda: gc.get_freeze_count() > 0, "the app's objects frozen")
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("painted", [True, False])
async def test_the_collector_the_command_turned_off_is_on_once_the_game_is_painted(painted):
    # ``werewolf play`` turns the collector off from its start (cli/tables.py); the app
    # turns it on at its game's first painted screen, or when it ends without one.
    import gc

    gate = asyncio.Event()

    async def source():
        await gate.wait()
        yield 1, Token(seat=1, content="first words")
        await asyncio.Event().wait()

    gc.disable()
    try:
        app = WerewolfApp(events=source())
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            off_while_waiting = not gc.isenabled()
            if painted:
                gate.set()
                await pilot_until(pilot, lambda: app.painted_seq >= 1, "the token on screen")
                assert gc.isenabled()
        assert off_while_waiting
        assert gc.isenabled()
    finally:
        gc.enable()


async def test_news_after_a_quiet_spell_is_painted_at_once_not_at_the_next_ring():
    # The app's clock rings every FLUSH_SECONDS whether anything came or not. News that
    # comes between two rings after a quiet spell goes on screen at the end of the loop's
    # turn that read it: a game's server writes a tick's tokens every 50 ms, and each write
    # is painted as it comes. (A ring on nothing used to count as a repaint: the news then
    # waited for the next ring, up to a whole period.)
    from tui.app import FLUSH_SECONDS

    news: asyncio.Queue = asyncio.Queue()

    async def source():
        while True:
            yield await news.get()

    app = WerewolfApp(events=source())
    async with app.run_test(size=(120, 36)) as pilot:
        news.put_nowait((1, Token(seat=1, content="first words")))
        await pilot_until(pilot, lambda: app.painted_seq >= 1, "the first token on screen")
        await pilot.pause(4 * FLUSH_SECONDS)  # the clock rings on nothing meanwhile
        # Two tokens in one read, as one write of the server brings them.
        news.put_nowait((2, Token(seat=1, content=" and more")))
        news.put_nowait((3, Token(seat=2, content="from seat two")))
        for _ in range(4):  # a few turns of the loop, no clock: the read, then its flush
            await asyncio.sleep(0)
        assert app.painted_seq == 3
        assert "and more" in str(app.panes[1].body.render())


# -- recorded events ---------------------------------------------------------------------
async def recorded(seed: int = 4, lang: str = "en") -> list:
    events: list = []
    await run_game(GameConfig(seed=seed, lang=lang), on_event=events.append)
    return events


async def test_model_text_with_markup_characters_is_shown_verbatim():
    async def source():
        yield 1, Token(seat=1, content="[bold]not bold[/] and [/]")

    app = WerewolfApp(events=source())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_until(pilot, lambda: app.painted_seq >= 1, "the token on screen")
        body = app.panes[1].body.render()
        assert "[bold]not bold[/] and [/]" in str(body)


async def test_thoughts_can_be_hidden_and_a_pane_maximized():
    events = await recorded()

    async def source():
        for i, e in enumerate(events[:120]):
            yield i + 1, e

    app = WerewolfApp(events=source())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_until(pilot, lambda: app.painted_seq >= 120, "the events on screen")
        thinker = next(e.seat for e in events[:120] if isinstance(e, ThoughtToken))
        # (a pane shows the tail of a long thought)
        thought = app.board.seat(thinker).thought[-40:]
        assert thought and thought in str(app.panes[thinker].body.render())
        await pilot.press("ctrl+t")
        await pilot_until(
            pilot,
            lambda: thought not in str(app.panes[thinker].body.render()),
            "the thoughts hidden",
        )
        app.panes[thinker].focus()
        await pilot.press("m")
        assert app.maximized_seat == thinker and app.panes[thinker].maximized
        await pilot.press("m")
        assert app.maximized_seat is None


async def test_a_maximized_pane_shows_its_seats_whole_history_to_the_latest_words():
    """A pane shows its seat's latest speeches; maximized, the header over every speech,
    scrolled to the latest (its widgets made the first time: none before, in any pane)."""
    from tui_fixtures import screen_text

    from tui.widgets.seat_pane import PANE_SPEECHES

    events = await recorded()
    said: dict[int, list[str]] = {}
    for e in events:
        if isinstance(e, SpeechEnd):
            said.setdefault(e.seat, []).append(e.text)
    seat, speeches = max(said.items(), key=lambda kv: len(kv[1]))
    assert len(speeches) > PANE_SPEECHES  # (more than the pane shows)

    async def source():
        for i, e in enumerate(events):
            yield i + 1, e

    app = WerewolfApp(events=source())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_until(pilot, lambda: app.painted_seq >= len(events), "the game on screen")
        assert not app.query(".seat-scroll") and not app.query(".seat-header")
        pane = app.panes[seat]
        assert speeches[0][:30] not in str(pane.body.render())
        pane.focus()
        await pilot.press("m")
        await pilot_until(pilot, lambda: pane.query(".seat-scroll"), "the history made")
        history = str(pane.query_one(".seat-history", Static).render())
        assert all(text[:30] in history for text in speeches)
        last = " ".join(speeches[-1].split()[-3:])
        await pilot_until(pilot, lambda: last in " ".join(screen_text(app).split()), "the end")
        assert len(app.query(".seat-scroll")) == 1  # (this pane's only)
        await pilot.press("m")
        await pilot_until(pilot, lambda: not pane.maximized, "back to the board")
        assert pane.body.display and speeches[-1][:20] in str(pane.body.render())


# -- against a real server ------------------------------------------------------------------
async def _create(url: str, seat: int, seed: int) -> dict:
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        r = await c.post("/games", json={"humans": [seat], "pace": 0, "seed": seed})
        assert r.status_code == 201
        return r.json()


async def _play_by_keys(app: WerewolfApp, pilot, limit: float = 120) -> None:
    """Answer whatever the game asks, by key presses only, until game over."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while app.board.over is None:
        assert loop.time() < deadline, "the game did not finish"
        await pilot.pause(0.05)
        bar = app.action_bar
        if bar.has_class("hidden") or bar.waiting is None:
            continue
        if bar.asks_speech:
            await pilot.press(*"ok", "enter")
        elif bar.asks_pick:
            options = bar.waiting.options
            if options and bar.waiting.action != "witch":
                await pilot.press(str(options[-1]), "enter")  # a digit selects, Enter sends
                if bar.confirming is not None:  # a kill or a shot: once more
                    await pilot.press("enter")
            else:
                await pilot.press("end", "enter")  # the witch uses no potion
        await pilot.pause(0.1)


async def test_one_human_plays_a_whole_game_by_key_presses(server):
    g = await _create(server.url, seat=5, seed=31)
    client = GameClient(server.url, token=g["tokens"]["5"], game_id=g["game_id"])
    app = WerewolfApp(client=client, you=5, start=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await _play_by_keys(app, pilot)
        assert app.board.over.winner in ("wolves", "villagers")
        # A seat saw no bot's thoughts during the game; the review reads them afterwards.
        assert not any(s.thought or s.thoughts for s in app.board.seats.values())
        await pilot_until(pilot, lambda: app.review_board is not None, "the review's events")
        review = app.review_board
        assert len([s for s in review.seats.values() if s.thoughts]) >= 8
        await pilot.press("r")
        await pilot_until(
            pilot, lambda: app.screen.__class__.__name__ == "ReviewScreen", "the review"
        )
        screen = app.screen
        shown = str(screen.render_review())
        assert all(s.role and s.name in shown for s in review.seats.values())
        # Night by night, day by day, with each bot's thoughts at that moment.
        assert "Night 1 falls" in shown and "Day 1 breaks" in shown and "thinks:" in shown
        assert "You saved" not in shown and "You poisoned" not in shown  # said of a seat
        await pilot.press("right", "right")
        assert screen.at == 1
        await pilot.press("3")  # one seat's thoughts only
        only = str(screen.render_review())
        assert "#3 " in only and "thinks" in only
        assert all(f"#{n} {review.seats[n].name} (" not in only for n in review.seats if n != 3)
        await pilot.press("escape")
        await pilot_until(pilot, lambda: app.screen is not screen, "the review closed")
        await pilot.press("n")  # another game, like this one
        await until(lambda: app.return_value is not None, "the new table")
    again = app.return_value
    assert isinstance(again, NewTable) and again.you == 5 and again.game_id != g["game_id"]
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
        r = await c.get(
            f"/games/{again.game_id}", headers={"Authorization": f"Bearer {again.token}"}
        )
        assert r.status_code == 200 and r.json()["state"]["you"] == 5
    await client.aclose()


async def test_at_an_open_table_a_player_watches_every_bot_think(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
        r = await c.post("/games", json={"humans": [5], "pace": 0, "seed": 33, "open": True})
        assert r.status_code == 201
        g = r.json()
        summary = (
            await c.get(
                f"/games/{g['game_id']}/summary",
                headers={"Authorization": f"Bearer {g['tokens']['5']}"},
            )
        ).json()
        assert summary["open"] is True
    client = GameClient(server.url, token=g["tokens"]["5"], game_id=g["game_id"])
    app = WerewolfApp(client=client, you=5, start=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_until(
            pilot,
            lambda: sum(1 for s in app.board.seats.values() if s.thought or s.thoughts) >= 3,
            "the bots' thoughts, live, for a player",
        )
        await pilot_until(
            pilot, lambda: "open table" in str(app.status_line.render()), "the table said open"
        )
        # Thoughts only: the roles stay hidden while the game runs.
        assert app.board.over is None
        mine = app.board.seat(5).role
        hidden = [s for n, s in app.board.seats.items() if n != 5 and s.role is None]
        known = [s for n, s in app.board.seats.items() if n != 5 and s.role is not None]
        assert hidden and all(mine == s.role == "werewolf" for s in known)  # teammates only
    await client.aclose()


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_open_table_mark_is_never_cut_at_narrow_widths(server, size):
    """At 80 columns the mark was cut ('◆ open table: every bot's th…'): it is said whole,
    or in its short form when the turn leaves no room for the whole."""
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
        r = await c.post("/games", json={"humans": [5], "pace": 0, "seed": 33, "open": True})
        g = r.json()
    client = GameClient(server.url, token=g["tokens"]["5"], game_id=g["game_id"])
    app = WerewolfApp(client=client, you=5, start=True)
    seen: set[str] = set()

    def marked() -> bool:
        line = str(app.status_line.render())
        if "◆" in line:
            seen.add(line)
        return len(seen) >= 1

    async with app.run_test(size=size) as pilot:
        await pilot_until(pilot, marked, "a status line with the open-table mark")
    for line in seen:
        assert "◆ open table" in line, line
        assert "every bot's th" not in line or "every bot's thoughts shown" in line, line
    await client.aclose()


async def test_a_refusal_is_shown_in_the_action_bar(server):
    g = await _create(server.url, seat=1, seed=32)
    client = GameClient(server.url, token=g["tokens"]["1"], game_id=g["game_id"])
    app = WerewolfApp(client=client, you=1, start=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_until(pilot, lambda: app.action_bar.waiting is not None, "a question")
        # An answer the server must refuse whatever it waits on: a vote for oneself.
        from shared.actions import Action

        app.send(Action(seat=1, kind="vote", target=1))
        await pilot_until(pilot, lambda: app.last_refusal, "the server's reason shown")
        # Said in one line under the prompt, which stays: the question is still open.
        await pilot_until(
            pilot, lambda: app.last_refusal in str(app.action_bar.error.render()), "the line"
        )
        assert app.action_bar.waiting is not None
    await client.aclose()


async def test_the_app_reconnects_after_the_server_drops_the_stream(tmp_path):
    srv = ServerProcess(tmp_path).start()
    try:
        async with httpx.AsyncClient(base_url=srv.url, timeout=30) as c:
            g = (await c.post("/games", json={"humans": [], "pace": 60, "seed": 5})).json()
        client = GameClient(
            srv.url, token=g["spectator_token"], game_id=g["game_id"], max_backoff=0.5
        )
        app = WerewolfApp(client=client, start=True)
        try:
            async with app.run_test(size=(120, 36)) as pilot:
                await pilot_until(pilot, lambda: app.board.seq > 50, "the game under way")
                seen = app.board.seq
                srv.kill()
                # (the status line repaints at the next flush, a moment after the state)
                await pilot_until(
                    pilot,
                    lambda: (
                        app.connection.state == "reconnecting"
                        and "reconnecting" in str(app.status_line.render())
                    ),
                    "the app to say it is reconnecting",
                )
                srv.start()
                await pilot_until(
                    pilot,
                    lambda: app.connection.state == "live" and app.board.seq > seen,
                    "the stream to resume after the restart",
                )
        finally:
            await client.aclose()
    finally:
        srv.stop()


def test_chinese_games_speak_chinese_in_the_app():
    from tui_fixtures import RecordedApp

    app = RecordedApp(seed=4, lang="zh")

    async def check() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot_until(
                pilot, lambda: app.painted_seq >= app.expected, "every recorded event on screen"
            )
            labels = {b.binding.description for b in app.active_bindings.values()}
            assert "思考" in labels and "退出" in labels, labels
            assert "号" in app.panes[1].border_title
            assert any("第" in line for line in app.timeline.lines_text())

    asyncio.run(check())


async def test_a_night_says_how_many_decisions_it_waits_on_never_whose(server):
    from server.game import new_game

    seed = 34
    deal = new_game(GameConfig(seed=seed)).state
    seer = deal.seat_of("seer")
    assert seer is not None
    me = next(s for s in deal.seats() if deal.role(s) == "villager")
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
        r = await c.post("/games", json={"humans": [me, seer], "pace": 0, "seed": seed})
        assert r.status_code == 201
        g = r.json()
    client = GameClient(server.url, token=g["tokens"][str(me)], game_id=g["game_id"])
    app = WerewolfApp(client=client, you=me, start=True)
    async with app.run_test(size=(120, 36)) as pilot:
        # The bots' night is done; the human seer's check is the one job left.
        await pilot_until(
            pilot,
            lambda: "night — waiting on 1 decision" in str(app.status_line.render()),
            "the night's count on the status line",
        )
        status = str(app.status_line.render())
        assert app.board.waiting is None and app.board.waiting_on == []
        assert app.board.seat(seer).name not in status
        view = await client.snapshot()
        assert view.night_open == 1 and view.waiting_for == []
    await client.aclose()


def test_every_reason_the_rules_give_for_an_end_is_said_in_chinese():
    # The rules say why in English (server/game/engine.py); a Chinese table reads Chinese.
    import re
    from pathlib import Path

    from shared.events import GameOver

    source = (Path(__file__).parent.parent / "server/game/engine.py").read_text()
    reasons = re.findall(r'self\.finish\(\s*"\w+",\s*f?"([^"]+)"', source)
    assert len(reasons) >= 5, reasons
    board = Board(lang="zh")
    for reason in reasons:
        reason = re.sub(r"\{[^}]*\}", "7", reason)  # an f-string's value
        said = board.reason_text(GameOver(winner="wolves", roles={}, reason=reason, day=3))
        assert said and not re.search(r"[a-z]{3}", said), (reason, said)


async def test_the_transcript_follows_lines_pouring_in_until_the_reader_scrolls_up():
    more = asyncio.Event()

    async def source():
        for i in range(300):  # a game at pace 0: the lines come faster than repaints
            yield i + 1, SpeechEnd(seat=i % 9 + 1, text=f"line {i} " * 12, kind="day", day=1)
        await more.wait()
        for i in range(300, 320):
            yield i + 1, SpeechEnd(seat=1, text=f"line {i}", kind="day", day=1)

    app = WerewolfApp(events=source())
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.timeline
        await pilot_until(pilot, lambda: app.painted_seq >= 300, "the lines written")
        await pilot_until(
            pilot,
            lambda: timeline.max_scroll_y > 0 and timeline.scroll_y >= timeline.max_scroll_y - 1,
            "the last line in view",
        )
        timeline.focus()
        await pilot.press("pageup")
        await pilot.pause()
        held = timeline.scroll_y
        assert held < timeline.max_scroll_y - 1
        more.set()
        await pilot_until(pilot, lambda: app.painted_seq >= 320, "more lines")
        await pilot.pause(0.2)
        assert timeline.scroll_y == held  # the reader's place is kept


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_after_game_over_the_footer_shows_the_review_a_new_game_and_help(size, lang):
    # Seen in tmux: at 80 columns the footer was cut at "n New gam", and at 60 it showed
    # neither the review nor a new game nor help.
    from tui_fixtures import screen_text

    events: list = []
    await run_game(GameConfig(seed=4, lang=lang), on_event=events.append)

    async def source():
        for seq, event in enumerate(events, 1):
            yield seq, event

    app = WerewolfApp(you=4, lang=lang, events=source())
    async with app.run_test(size=size) as pilot:
        await pilot_until(pilot, lambda: app.board.over is not None, "game over")
        # As the app of a game on a server (no recorded feed): a new game is offered.
        app.events, app.client = None, GameClient("http://127.0.0.1:9")
        app.refresh_bindings()
        for key in ("review", "new_game", "help"):
            label = say(f"app.key.{key}", lang)
            await pilot_until(
                pilot,
                lambda label=label: label in screen_text(app).splitlines()[-1],
                f"{label!r} in the footer",
            )
        await app.client.aclose()


async def test_the_chinese_review_never_starts_a_line_with_a_closing_mark():
    # Seen over ssh (zh, 80x24): a thought wrapped as "…没有突出目标" / "，随便刀一个好人。",
    # and "想: " with an English colon.
    from tui_fixtures import screen_text

    from tui.widgets.review import ReviewScreen
    from tui.wrap import CLOSING

    events: list = []
    await run_game(GameConfig(seed=4, lang="zh"), on_event=events.append)
    board = Board(you=4, lang="zh", keep_all=True)
    for seq, event in enumerate(events, 1):
        board.apply(event, seq)

    async def source():
        for seq, event in enumerate(events, 1):
            yield seq, event

    app = WerewolfApp(you=4, lang="zh", events=source())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot_until(pilot, lambda: app.board.over is not None, "game over")
        app.review_board = board
        await pilot.press("r")
        await pilot_until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        screen = app.screen
        assert "想：" in str(screen.render_review())  # type: ignore[attr-defined]
        starts: list[str] = []
        for _ in range(len(screen.parts)):  # type: ignore[attr-defined]
            await pilot.pause()
            for row in screen_text(app).splitlines()[1:-3]:
                inside = row.split("█")[1] if row.count("█") >= 2 else ""
                if inside.strip() and inside.strip()[0] in CLOSING:
                    starts.append(inside)
            await pilot.press("right")
        assert starts == []


async def test_the_app_opens_before_its_game_is_made_and_makes_it(server):
    """``werewolf play`` opens the app while its private server starts: the board is drawn
    first, then ``make_game`` makes the game on the server and the app plays it."""
    made = asyncio.Event()
    drawn_before = []

    async def make_game(client: GameClient) -> None:
        drawn_before.append(app.painted_seq == 0 and app.is_running)
        g = await client.create_game(humans=[5], pace=0, seed=34)
        client.game_id, client.token = g["game_id"], g["tokens"]["5"]
        made.set()

    client = GameClient(server.url)
    app = WerewolfApp(client=client, you=5, start=True, make_game=make_game)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_until(pilot, made.is_set, "the game made")
        await pilot_until(pilot, lambda: app.board.started, "the game started by the app")
        assert app.board.seat(5).role is not None  # this seat's own deal, read from the game
    assert drawn_before == [True]
    await client.aclose()


async def test_an_app_that_starts_its_game_itself_says_so_and_keeps_its_first_footer(server):
    """Told to start its game, the app says from its first frame that the game is starting
    and does not offer the start key (it did, for the second before it started the game
    itself). Its footer shows its keys from the first frame and keeps them while the game
    is made (Textual's footer composes empty, then again once the screen's bindings are
    ready: a layout of the whole screen more before the first game's first frame)."""
    from textual.widgets._footer import FooterKey
    from tui_fixtures import screen_text

    go = asyncio.Event()

    async def make_game(client: GameClient) -> None:
        await go.wait()
        g = await client.create_game(humans=[5], pace=0, seed=34)
        client.game_id, client.token = g["game_id"], g["tokens"]["5"]

    client = GameClient(server.url)
    app = WerewolfApp(client=client, you=5, start=True, make_game=make_game)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_until(pilot, lambda: app.query(FooterKey), "the footer's keys")
        first = {id(k): k.action for k in app.query(FooterKey)}
        assert "start" not in first.values() and not app.check_action("start", ())
        # focus set, the screen's bindings told: what made Textual's footer compose again
        await pilot_until(pilot, lambda: app.focused is not None, "the focus")
        for _ in range(5):
            await pilot.pause()
        assert {id(k): k.action for k in app.query(FooterKey)} == first
        assert say("status.starting", "en") in screen_text(app)
        go.set()
        await pilot_until(pilot, lambda: app.board.started, "the game started by the app")
    await client.aclose()


async def test_the_app_starts_its_game_once_the_table_is_on_the_screen(server):
    """As a moderator waits for everyone to sit: the game starts after the first frame that
    shows it (at pace 0 a whole night could otherwise pass before the player sees the
    board), and then runs."""
    painted_at_start: list[int] = []

    class Watched(GameClient):  # (the real client; it notes when the app asks to start)
        async def start(self, game_id=None):
            painted_at_start.append(app.painted_seq)
            return await super().start(game_id)

    async def make_game(client: GameClient) -> None:
        g = await client.create_game(humans=[5], pace=0, seed=34)
        client.game_id, client.token = g["game_id"], g["tokens"]["5"]

    client = Watched(server.url)
    app = WerewolfApp(client=client, you=5, start=True, make_game=make_game)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_until(pilot, lambda: app.board.started, "the game started by the app")
        assert len(painted_at_start) == 1 and painted_at_start[0] > 0
        await pilot_until(pilot, lambda: app.painted_seq > painted_at_start[0], "the game on")
    await client.aclose()


async def test_the_table_is_laid_out_again_for_a_new_size_only():
    """Textual's first layouts send the screen Resizes of the size it has, each laid out in
    full (three before the first game's frame): the table lets those go, and lays out a new
    size as ever (narrow: the seat strip instead of the panes; wide again: the panes)."""
    from textual.screen import Screen

    layouts: list[object] = []
    laid_out = Screen._refresh_layout

    def counted(screen, *args, **kwargs):  # (Textual's, counted: not ours)
        layouts.append(screen.size)
        return laid_out(screen, *args, **kwargs)

    Screen._refresh_layout = counted
    try:
        app = WerewolfApp()
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            before = len(layouts)
            app.screen.post_message(events.Resize(app.screen.size, app.screen.size))
            await pilot.pause()
            assert len(layouts) == before  # the same size: not laid out again
            await pilot.resize_terminal(70, 30)
            await pilot_until(pilot, lambda: app.has_class("narrow"), "narrow")
            await pilot_until(pilot, lambda: app.strip.region.width > 0, "the strip shown")
            assert app.panes[1].region.height == 0
            await pilot.resize_terminal(120, 36)
            await pilot_until(pilot, lambda: app.panes[1].region.height > 0, "the panes back")
        assert len(layouts) > before
    finally:
        Screen._refresh_layout = laid_out


def test_after_a_resize_the_status_line_is_the_one_made_for_the_new_width():
    """Nothing paints the header on a resize: the status line makes its line when Textual
    draws it, at its width then. Narrowed and widened, the terminal shows the line made for
    each width (the connection at its right edge)."""
    from tui_fixtures import RecordedApp, screen_text, settle

    from tui.widgets.status_line import line

    app = RecordedApp(seed=4)  # (plays its game here: not inside a running loop)

    async def check() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            for width in (70, 100, 120):
                await pilot.resize_terminal(width, 30)

                def shown(width: int = width) -> bool:
                    status = app.status_line
                    if status.region.width != width:
                        return False
                    row = screen_text(app).splitlines()[status.region.y].rstrip()
                    made = line(app.board, app.connection, width).plain.rstrip()
                    label = say(f"status.{app.connection.state}", "en")
                    return row == made and len(row) == width - 1 and row.endswith(label)

                await pilot_until(pilot, shown, f"the status line made for {width} columns")

    asyncio.run(check())


async def test_a_toast_still_shows_over_a_rack_hidden_before_the_first_frame():
    """The toast rack is hidden inline before the first layout (Textual hides it again when
    the screen shows, which laid the whole screen out once more): a notice still shows."""
    from tui_fixtures import screen_text

    app = WerewolfApp()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        rack = app.screen.query_one("#textual-toastrack")
        assert not rack.display
        app.notify("a notice for the rack")
        await pilot_until(pilot, lambda: rack.display, "the rack shown")
        await pilot_until(pilot, lambda: "a notice for the rack" in screen_text(app), "toast")


async def test_a_game_the_app_cannot_make_ends_the_app_with_the_reason(capsys):
    """A refusal (or a private server that died) ends the app with return code 2, the
    reason said as plain text: an escape sequence in it never reaches the terminal."""

    async def make_game(client: GameClient) -> None:
        raise RuntimeError("the server refused the game (429): slow down\x1b]0;owned\x07")

    client = GameClient("http://127.0.0.1:9")
    app = WerewolfApp(client=client, you=5, start=True, make_game=make_game)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot_until(pilot, lambda: app.return_code == 2, "the app's end")
    said = capsys.readouterr().err  # what the terminal shows once the app has gone
    assert "the server refused the game (429): slow down" in said and "\x1b" not in said
    await client.aclose()
