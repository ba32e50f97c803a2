"""The sheriff's decisions and a wolf's 自爆 in the app, under Pilot: the same keys as every
other decision (digits select, Enter confirms, 0 passes); the 自爆 asks once more, ends the
day on a real server, and the server refuses it from anyone but a living wolf."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from conftest import post_action
from eventually import pilot_until
from test_tui_action import FakeClient, ask, asking, gone, make_app, table, until

from server.game import GameConfig, new_game
from shared.actions import Action
from shared.strings import say
from tui.app import WerewolfApp
from tui.client import GameClient


def app_in(lang: str, you: int, role: str, *asks) -> tuple[WerewolfApp, FakeClient]:
    """make_app's table, in ``lang``."""
    events = [*table(you, role, lang), *asks]

    async def source():
        for seq, event in enumerate(events, 1):
            yield seq, event
        await asyncio.Event().wait()  # the stream stays open

    client = FakeClient()
    return WerewolfApp(client=client, you=you, events=source(), lang=lang), client


def labels(app) -> dict[str, str]:
    """The picker's options: id -> the words shown."""
    picker = app.action_bar.picker
    return {
        picker.get_option_at_index(i).id or "": str(picker.get_option_at_index(i).prompt)
        for i in range(picker.option_count)
    }


def highlighted(app) -> str:
    picker = app.action_bar.picker
    return picker.get_option_at_index(picker.highlighted or 0).id or ""


# (decision, options, keys, the answer sent, the option ids shown)
SHERIFF = [
    ("stand", [], ["1", "enter"], {"kind": "stand"}, ["stand:1", "none:0"]),
    ("stand", [], ["0", "enter"], {"kind": "skip"}, ["stand:1", "none:0"]),
    ("withdraw", [], ["1", "enter"], {"kind": "withdraw"}, ["withdraw:1", "none:0"]),
    ("withdraw", [], ["0", "enter"], {"kind": "skip"}, ["withdraw:1", "none:0"]),
    ("direction", [], ["2", "enter"], {"kind": "right"}, ["left:1", "right:2"]),
    ("direction", [], ["1", "enter"], {"kind": "left"}, ["left:1", "right:2"]),
    ("direction", [], ["enter"], {"kind": "left"}, ["left:1", "right:2"]),
    (
        "badge",
        [1, 2, 11, 12],
        ["1", "1", "enter"],
        {"kind": "badge", "target": 11},
        ["badge:1", "badge:2", "badge:11", "badge:12", "tear:0"],
    ),
    (
        "badge",
        [1, 2, 11, 12],
        ["0", "enter"],
        {"kind": "tear"},
        ["badge:1", "badge:2", "badge:11", "badge:12", "tear:0"],
    ),
    ("sheriff_vote", [1, 7], ["7", "enter"], {"kind": "vote", "target": 7}, None),
    ("sheriff_vote", [1, 7], ["0", "enter"], {"kind": "skip"}, None),
    ("sheriff_pk_vote", [3, 9], ["9", "enter"], {"kind": "vote", "target": 9}, None),
]


@pytest.mark.parametrize(("action", "options", "keys", "expected", "ids"), SHERIFF)
async def test_every_sheriff_decision_takes_digits_and_enter(action, options, keys, expected, ids):
    app, client, _ = make_app(4, "villager", ask(4, action, options))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        shown = labels(app)
        if ids is not None:
            assert [i for i in shown if i] == ids
        prompt = str(app.action_bar.prompt.render())
        assert say(f"prompt.{action}", "en") in prompt and say("bar.pick_hint", "en") in prompt
        await pilot.press(*keys[:-1])
        await pilot.pause()
        assert client.calls == []  # a digit only selects
        await pilot.press(keys[-1])
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=4, **expected)]
        await until(pilot, lambda: gone(app))


async def test_the_sheriff_answers_are_named_in_the_players_words():
    cases = [
        ("stand", "en", {"stand:1": "stand", "none:0": "don't stand"}),
        ("withdraw", "en", {"withdraw:1": "withdraw", "none:0": "stay in the race"}),
        ("badge", "en", {"tear:0": "tear the badge", "badge:2": "seat 2"}),
        ("direction", "zh", {"left:1": "警左", "right:2": "警右"}),
        ("stand", "zh", {"stand:1": "上警", "none:0": "不上警"}),
        ("withdraw", "zh", {"withdraw:1": "退水", "none:0": "不退水"}),
        ("badge", "zh", {"tear:0": "撕警徽"}),
        ("sheriff_vote", "en", {"none:0": "abstain"}),
    ]
    for action, lang, words in cases:
        app, _ = app_in(lang, 4, "villager", ask(4, action, [1, 2]))
        async with app.run_test(size=(120, 36)) as pilot:
            await until(pilot, lambda a=app: asking(a))
            shown = labels(app)
            for option, word in words.items():
                assert word in shown[option], (action, lang, shown)


# -- 自爆 from the speech box -----------------------------------------------------------------
WOLF_SPEECH = ("speak", "skip", "destruct")


async def test_ctrl_o_asks_once_more_then_enter_self_destructs():
    app, client, _ = make_app(4, "werewolf", ask(4, "speak", kinds=WOLF_SPEECH))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app) and app.action_bar.asks_speech)
        bar = app.action_bar
        assert "ctrl+o" in str(bar.speech.placeholder)  # (the prompt's line stays the prompt)
        assert str(bar.prompt.render()) == say("prompt.speak", "en")
        await pilot.press(*"I am good", "ctrl+o")
        await pilot.pause()
        assert client.calls == []
        assert say("bar.confirm.destruct", "en") in str(bar.prompt.render())
        await pilot.press("enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=4, kind="destruct")]
        await until(pilot, lambda: gone(app))


async def test_the_destruct_command_can_be_taken_back_and_asked_again():
    app, client = app_in("zh", 4, "werewolf", ask(4, "speak", kinds=WOLF_SPEECH))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app) and app.action_bar.asks_speech)
        bar = app.action_bar
        await pilot.press(*"/自爆", "enter")
        await until(pilot, lambda: bar.confirming is not None)
        assert say("bar.confirm.destruct", "zh") in str(bar.prompt.render())
        await pilot.press("escape")  # no: back to the speech
        await until(pilot, lambda: bar.confirming is None)
        await pilot.press("ctrl+o", "x")  # typing on takes the question back too
        await until(pilot, lambda: bar.confirming is None)
        assert client.calls == []
        await pilot.press("ctrl+u", *"/destruct", "enter")
        await until(pilot, lambda: bar.confirming is not None)
        await pilot.press("enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=4, kind="destruct")]


async def test_only_a_wolf_speech_offers_the_self_destruct():
    app, client, _ = make_app(4, "villager", ask(4, "speak"))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app) and app.action_bar.asks_speech)
        bar = app.action_bar
        assert "ctrl+o" not in str(bar.speech.placeholder)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: say("bar.no_destruct", "en") in str(bar.error.render()))
        await pilot.press(*"/destruct", "enter")
        await pilot.pause()
        assert bar.confirming is None and client.calls == []
        await pilot.press("ctrl+u", *"hello", "enter")  # the speech itself still goes
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=4, kind="speak", text="hello")]


def wolf_seed(seat: int) -> int:
    """A 9-player seed that deals a werewolf to ``seat`` (the deal depends on the seed)."""
    return next(
        s for s in range(1, 500) if new_game(GameConfig(seed=s)).state.role(seat) == "werewolf"
    )


async def test_a_wolf_self_destructs_by_keys_and_the_day_ends(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
        r = await c.post("/games", json={"humans": [5], "pace": 0, "seed": wolf_seed(5)})
        assert r.status_code == 201
        g = r.json()
    client = GameClient(server.url, token=g["tokens"]["5"], game_id=g["game_id"])
    app = WerewolfApp(client=client, you=5, start=True)
    destructed = say("narrate.self_destruct", "en", seat=5)
    async with app.run_test(size=(120, 36)) as pilot:
        bar = app.action_bar
        for _ in range(40):  # answer by keys until the day asks for a speech
            await pilot_until(
                pilot,
                lambda: (
                    (bar.waiting is not None and not bar.has_class("hidden"))
                    or app.board.over is not None
                ),
                "a question",
            )
            assert app.board.over is None, "the game ended before the wolf's speech"
            decision = bar.waiting
            assert decision is not None
            if decision.can_destruct:
                break
            if bar.asks_speech:
                await pilot.press(*"ok", "enter")
            else:
                await pilot.press("0", "enter")  # the pass: no kill, abstain
            await pilot_until(pilot, lambda d=decision: bar.waiting != d, "the answer taken")
        assert decision.can_destruct and decision.action in ("speak", "pk_speak")
        day = app.board.day
        await pilot.press("ctrl+o", "enter")
        await pilot_until(
            pilot,
            lambda: any(destructed in line.text for line in app.board.transcript),
            "the self-destruct told",
        )
        # The day ends at once: no vote, night falls; he is dead.
        await pilot_until(
            pilot,
            lambda: (
                (app.board.phase, app.board.day) == ("night", day + 1) or app.board.over is not None
            ),
            "the night",
        )
        assert not app.board.seat(5).alive
        lines = app.board.transcript
        at = next(i for i, line in enumerate(lines) if destructed in line.text)
        night = next(i for i, line in enumerate(lines[at:], at) if line.kind == "phase")
        assert "Night" in lines[night].text
        between = [line.text for line in lines[at:night]]
        assert not any(t.startswith("Vote:") for t in between), between  # no vote that day
    await client.aclose()


async def test_the_server_refuses_a_self_destruct_from_a_villager(server):
    """A villager's day speech: 自爆 is refused with a 409 that names the problem, and the
    game is as it was (the same speech still asked, nothing new in the log)."""
    seeds = [s for s in range(1, 500) if new_game(GameConfig(seed=s)).state.role(5) == "villager"]
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as c:
        for seed in seeds[:5]:  # one where the villager lives to speak on day 1
            r = await c.post("/games", json={"humans": [5], "pace": 0, "seed": seed})
            assert r.status_code == 201
            g = r.json()
            token = g["tokens"]["5"]
            client = GameClient(server.url, token=token, game_id=g["game_id"])
            snap = await client.start()  # the first segment: up to the human's first question
            await client.aclose()
            assert snap is not None
            if snap.waiting_for and snap.waiting_for[0].action == "speak":
                break
        else:
            raise AssertionError("no villager at seat 5 lived to speak")
        decision = snap.waiting_for[0]
        assert decision.seat == 5 and not decision.can_destruct
        auth = {"Authorization": f"Bearer {token}"}
        before = (await c.get(f"/games/{g['game_id']}", headers=auth)).json()
        r = await post_action(c, g["game_id"], token, {"seat": 5, "kind": "destruct"})
        assert r.status_code == 409, r.text
        assert "destruct" in r.text and "speak" in r.text  # what was asked, what was sent
        after = (await c.get(f"/games/{g['game_id']}", headers=auth)).json()
        assert after == before  # same seq: nothing happened
        r = await post_action(c, g["game_id"], token, {"seat": 5, "kind": "speak", "text": "ok"})
        assert r.status_code == 200, r.text  # the same speech is still asked, and taken


@pytest.mark.parametrize(("lang", "word"), [("en", "self-destruct"), ("zh", "自爆")])
async def test_the_help_screen_names_the_self_destruct_key(lang, word):
    app, _ = app_in(lang, 4, "werewolf", ask(4, "speak", kinds=WOLF_SPEECH))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press("f1")
        await until(pilot, lambda: app.screen.__class__.__name__ == "HelpScreen")
        shown = str(app.screen.render_help())  # type: ignore[attr-defined]
        assert "ctrl+o" in shown and word in shown
