"""The action area under Pilot, with a fake client: keys in, the right calls out."""

from __future__ import annotations

import asyncio

import pytest
from eventually import pilot_until

from shared.actions import Action, Decision
from shared.events import GameCreated, Phase, RoleAssigned, SeatInfo, Waiting
from tui.app import WerewolfApp
from tui.client import ApiError

NAMES = ["Ada", "Bo", "Cy", "Di", "Ed", "Fay", "Gus", "Hal", "Ivy"]


class FakeClient:
    """Records each call the app makes; refuses with ``refusal`` when one is set."""

    game_id = "FAKE01"

    def __init__(self, refusal: str | None = None) -> None:
        self.calls: list = []  # the Actions sent, or "start" / "advance"
        self.refusal = refusal

    async def _record(self, call) -> int:
        self.calls.append(call)
        if self.refusal:
            raise ApiError(409, "illegal", self.refusal)
        return 0

    async def act(self, action: Action) -> int:
        return await self._record(action)

    async def start(self):
        return await self._record("start")

    async def advance(self):
        return await self._record("advance")


KINDS = {
    "vote": ("vote", "skip"),
    "pk_vote": ("vote", "skip"),
    "wolf_kill": ("kill", "skip"),
    "check": ("check", "skip"),
    "shoot": ("shoot", "skip"),
}


def ask(seat: int, action: str, options=(), **fields) -> Waiting:
    """The game asks ``seat`` for ``action`` (speeches: speak or stay silent)."""
    kinds = fields.pop("kinds", KINDS.get(action, ("speak", "skip")))
    d = Decision(seat=seat, action=action, kinds=kinds, options=list(options), **fields)
    return Waiting(decision=d)


def table(you: int, role: str, lang: str = "en") -> list:
    return [
        GameCreated(
            players=9,
            lang=lang,
            seats=[SeatInfo(seat=i + 1, name=n) for i, n in enumerate(NAMES)],
            roles={"werewolf": 3, "villager": 3, "seer": 1, "witch": 1, "hunter": 1},
        ),
        RoleAssigned(seat=you, role=role),
        Phase(phase="night", day=1),
    ]


def make_app(you: int, role: str, *asks, client: FakeClient | None = None):
    queue: asyncio.Queue = asyncio.Queue()
    for i, e in enumerate([*table(you, role), *asks]):
        queue.put_nowait((i + 1, e))

    async def source():
        while True:
            yield await queue.get()

    client = client or FakeClient()
    return WerewolfApp(client=client, you=you, events=source()), client, queue


async def until(pilot, condition) -> None:
    await pilot_until(pilot, condition, "the app to catch up", step=0.02)


async def test_a_digit_picks_that_seat_at_once():
    app, client, _ = make_app(4, "villager", ask(4, "vote", [1, 2, 3, 5, 6, 7, 8, 9]))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.action_bar.waiting is not None)
        assert not app.action_bar.has_class("hidden")
        await pilot.press("7")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=4, kind="vote", target=7)]
        await until(pilot, lambda: app.action_bar.has_class("hidden"))


async def test_arrows_and_enter_pick_and_zero_abstains():
    app, client, _ = make_app(4, "villager", ask(4, "vote", [1, 2]))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.action_bar.waiting is not None)
        await pilot.press("down", "enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=4, kind="vote", target=2)]

    app, client, _ = make_app(4, "villager", ask(4, "vote", [1, 2]))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.action_bar.waiting is not None)
        await pilot.press("0")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=4, kind="skip")]


async def test_enter_sends_a_speech_and_so_does_ctrl_j():
    app, client, queue = make_app(2, "villager", ask(2, "speak"))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.action_bar.waiting is not None)
        await pilot.press(*"Seat 5 [/] lies", "enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=2, kind="speak", text="Seat 5 [/] lies")]
        await until(pilot, lambda: app.action_bar.has_class("hidden"))

        queue.put_nowait((99, ask(2, "last_words")))
        await until(pilot, lambda: app.action_bar.waiting is not None)
        await pilot.press(*"bye", "ctrl+j")
        await until(pilot, lambda: len(client.calls) == 2)
        assert client.calls[-1] == Action(seat=2, kind="speak", text="bye")


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["enter"], {"kind": "save", "target": 6}),
        (["down", "down", "enter"], {"kind": "poison", "target": 2}),
        (["end", "enter"], {"kind": "skip"}),
    ],
)
async def test_the_witch_saves_the_victim_poisons_or_skips(keys, expected):
    app, client, _ = make_app(
        3,
        "witch",
        ask(
            3,
            "witch",
            [1, 2, 4, 5, 6, 7, 8, 9],
            kinds=("skip", "save", "poison"),
            victim=6,
        ),
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.action_bar.waiting is not None)
        await pilot.press(*keys)
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=3, **expected)]


async def test_the_seer_checks_and_the_hunter_may_hold_fire():
    app, client, _ = make_app(1, "seer", ask(1, "check", [2, 3, 8]))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.action_bar.waiting is not None)
        await pilot.press("8")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=1, kind="check", target=8)]

    app, client, _ = make_app(9, "hunter", ask(9, "shoot", [1, 2]))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.action_bar.waiting is not None)
        await pilot.press("0")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=9, kind="skip")]


async def test_a_refusal_shows_the_servers_reason_and_keeps_asking():
    client = FakeClient(refusal="seat 7 is already dead")
    app, client, _ = make_app(5, "werewolf", ask(5, "wolf_kill", [1, 7]), client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.action_bar.waiting is not None)
        await pilot.press("7")
        await until(pilot, lambda: app.last_refusal)
        assert client.calls == [Action(seat=5, kind="kill", target=7)]
        await until(pilot, lambda: "seat 7 is already dead" in str(app.action_bar.error.render()))
        assert not app.action_bar.has_class("hidden")  # still the player's turn
        client.refusal = None
        await pilot.press("1")
        await until(pilot, lambda: len(client.calls) == 2)
        assert client.calls[-1] == Action(seat=5, kind="kill", target=1)


async def test_start_advance_and_review_are_offered_only_when_they_mean_something():
    app, client, queue = make_app(4, "villager", ask(2, "speak"))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.board.started)
        await pilot.pause()  # until the app is idle

        def offered(key: str) -> bool:
            return key in app.active_bindings and app.active_bindings[key].enabled

        def palette() -> set[str]:
            return {c.title for c in app.get_system_commands(app.screen)}

        assert not offered("s") and not offered("a") and not offered("r")
        assert "Show or hide thoughts" in palette() and "Advance" not in palette()

        queue.put_nowait((50, Waiting(decision=None)))  # step mode pauses
        await until(pilot, lambda: app.board.paused and offered("a") and "Advance" in palette())
        await pilot.press("a")
        await until(pilot, lambda: client.calls)
        assert client.calls == ["advance"]


async def test_hiding_thoughts_is_one_class_on_the_app():
    from shared.events import ThoughtStart, ThoughtToken

    app, _, _ = make_app(4, "villager", ThoughtStart(seat=2), ThoughtToken(seat=2, content="hmm"))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "hmm" in str(app.panes[2].body.render()))
        await pilot.press("ctrl+t")
        await until(pilot, lambda: "hmm" not in str(app.panes[2].body.render()))
        assert app.has_class("no-thoughts")
        await pilot.press("ctrl+t")
        await until(pilot, lambda: "hmm" in str(app.panes[2].body.render()))
        assert not app.has_class("no-thoughts")


async def test_decisions_in_quick_succession_reuse_the_answer_widgets():
    """Before: each decision removed the old input and mounted a new one with the same id;
    two decisions within one tick crashed the app with DuplicateIds (seen with LLM bots)."""
    from textual.app import App

    from tui.widgets.action_bar import ActionBar, SpeechInput, TargetPicker

    class Bare(App[None]):
        def compose(self):
            yield ActionBar()

    app = Bare()
    async with app.run_test() as pilot:
        bar = app.query_one(ActionBar)
        for action, options in [
            ("speak", []),
            ("last_words", []),
            ("vote", [1, 2]),
            ("wolf_chat", []),
            ("check", [3, 4]),
            ("speak", []),
        ]:
            bar.show(ask(1, action, options).decision, "en", {})
        await pilot.pause()
        assert bar.asks_speech and not bar.asks_pick
        assert len(bar.query(SpeechInput)) == 1 and len(bar.query(TargetPicker)) == 1
        bar.show(ask(1, "vote", [5, 6]).decision, "en", {})
        await pilot.pause()
        assert bar.asks_pick and bar.picker.option_count == 3
        bar.show(None, "en", {})
        await pilot.pause()
        assert not bar.asks_pick and not bar.asks_speech
