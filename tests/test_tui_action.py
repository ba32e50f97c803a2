"""The action area under Pilot, with a fake client: keys in, the right calls out."""

from __future__ import annotations

import asyncio

import pytest
from eventually import pilot_until
from tui_fixtures import screen_text

from shared.actions import Action, Decision
from shared.events import GameCreated, Phase, RoleAssigned, SeatInfo, Waiting
from tui.app import WerewolfApp
from tui.client import ApiError

NAMES = ["Ada", "Bo", "Cy", "Di", "Ed", "Fay", "Gus", "Hal", "Ivy"]


class FakeClient:
    """Records each call the app makes; refuses with ``refusal`` when one is set."""

    game_id = "FAKE01"

    def __init__(self, refusal: str | None = None, head: int = 10**6) -> None:
        self.calls: list = []  # the Actions sent, or "start" / "advance"
        self.refusal = refusal
        self.head = head  # the log's head the server answers an accepted action with
        self.gate: asyncio.Event | None = None  # set: answers wait for it (a slow server)
        self.busy = 0  # this many answers first find the game busy (its last run ending)

    async def _record(self, call) -> int:
        self.calls.append(call)
        if self.gate is not None:
            await self.gate.wait()
        if self.busy:
            self.busy -= 1
            raise ApiError(409, "busy", "another action on this game is being applied")
        if self.refusal:
            raise ApiError(409, "illegal", self.refusal)
        return self.head

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
    "witch": ("skip", "save", "poison"),
    "stand": ("stand", "skip"),
    "withdraw": ("withdraw", "skip"),
    "sheriff_vote": ("vote", "skip"),
    "sheriff_pk_vote": ("vote", "skip"),
    "badge": ("badge", "tear"),
    "direction": ("left", "right"),
    "protect": ("guard", "skip"),
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


def asking(app) -> bool:
    return app.action_bar.waiting is not None and not app.action_bar.has_class("hidden")


def gone(app) -> bool:
    """The prompt and "your turn" are both off the screen."""
    return app.action_bar.has_class("hidden") and "Your turn" not in str(app.status_line.render())


async def test_a_digit_selects_and_only_enter_sends():
    app, client, _ = make_app(4, "villager", ask(4, "vote", [1, 2, 3, 5, 6, 7, 8, 9]))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        assert "Your turn" in str(app.status_line.render())
        await pilot.press("7")
        await pilot.pause()
        assert client.calls == []  # a slip of the finger sends nothing
        picker = app.action_bar.picker
        assert picker.get_option_at_index(picker.highlighted or 0).id == "vote:7"
        await pilot.press("enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=4, kind="vote", target=7)]
        await until(pilot, lambda: gone(app))


async def test_two_digits_reach_seat_twelve_and_zero_then_enter_abstains():
    app, client, _ = make_app(4, "villager", ask(4, "vote", [1, 2, 11, 12]))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        picker = app.action_bar.picker
        await pilot.press("1")
        assert picker.get_option_at_index(picker.highlighted or 0).id == "vote:1"
        await pilot.press("2")
        assert picker.get_option_at_index(picker.highlighted or 0).id == "vote:12"
        await pilot.press("0", "enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=4, kind="skip")]


async def test_arrows_and_enter_pick():
    app, client, _ = make_app(4, "villager", ask(4, "vote", [1, 2]))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press("down", "enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=4, kind="vote", target=2)]


async def test_enter_sends_a_speech_and_so_does_ctrl_j():
    app, client, queue = make_app(2, "villager", ask(2, "speak"))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press(*"Seat 5 [/] lies", "enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=2, kind="speak", text="Seat 5 [/] lies")]
        await until(pilot, lambda: gone(app))

        queue.put_nowait((99, ask(2, "last_words")))
        await until(pilot, lambda: asking(app))
        assert app.action_bar.speech.value == ""  # the old speech is not kept
        await pilot.press(*"bye", "ctrl+j")
        await until(pilot, lambda: len(client.calls) == 2)
        assert client.calls[-1] == Action(seat=2, kind="speak", text="bye")


async def test_the_speech_counter_counts_and_a_speech_over_the_limit_is_not_sent():
    from shared.actions import MAX_SPEECH_CHARS

    app, client, _ = make_app(2, "villager", ask(2, "speak"))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press(*"abc")
        await until(pilot, lambda: f"3/{MAX_SPEECH_CHARS}" in str(app.action_bar.counter.render()))
        # On the screen, not only in the widget: the box once took the whole row.
        await until(pilot, lambda: f"3/{MAX_SPEECH_CHARS}" in screen_text(app))
        app.action_bar.speech.value = "x" * (MAX_SPEECH_CHARS + 1)
        await pilot.press("enter")
        await until(pilot, lambda: "Too long" in str(app.action_bar.error.render()))
        assert client.calls == [] and asking(app)
        assert app.action_bar.speech.value == "x" * (MAX_SPEECH_CHARS + 1)  # nothing cut
        await pilot.press("backspace", "enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=2, kind="speak", text="x" * MAX_SPEECH_CHARS)]


async def test_typing_goes_to_the_speech_box_wherever_the_focus_is():
    app, client, _ = make_app(2, "villager", ask(2, "speak"))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        app.panes[5].focus()
        await pilot.pause()
        await pilot.press(*"I am good", "enter")  # "m" and "t" are pane keys elsewhere
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=2, kind="speak", text="I am good")]
        assert app.maximized_seat is None and not app.has_class("transcript")


async def test_maximize_keeps_the_prompt_in_view():
    app, client, _ = make_app(4, "villager", ask(4, "vote", [1, 2, 3]))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        app.panes[2].focus()
        await pilot.press("m")
        await until(pilot, lambda: app.maximized_seat == 2)
        await pilot.pause()
        assert app.action_bar.region.height > 0 and app.panes[2].region.height > 0
        assert app.panes[5].region.height == 0  # the others are out of sight
        await pilot.press("escape")
        await until(pilot, lambda: app.maximized_seat is None)
        app.action_bar.picker.focus()
        await pilot.press("2", "enter")
        await until(pilot, lambda: client.calls == [Action(seat=4, kind="vote", target=2)])


WITCH = dict(kinds=("skip", "save", "poison"), victim=6)


async def test_the_witchs_save_is_its_own_key_and_a_digit_never_saves():
    app, client, _ = make_app(3, "witch", ask(3, "witch", [1, 2, 4, 5, 6, 7, 8, 9], **WITCH))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        picker = app.action_bar.picker
        await pilot.press("6")  # the victim's number: poison 6 is selected, not the save
        assert picker.get_option_at_index(picker.highlighted or 0).id == "poison:6"
        await pilot.press("s", "enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=3, kind="save", target=6)]


async def test_poison_asks_for_confirmation_and_escape_takes_it_back():
    app, client, _ = make_app(3, "witch", ask(3, "witch", [1, 2, 4, 5, 6, 7, 8, 9], **WITCH))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press("2", "enter")
        await until(pilot, lambda: "Poison seat 2" in str(app.action_bar.prompt.render()))
        assert client.calls == []
        await pilot.press("escape")
        await until(pilot, lambda: "Poison seat 2" not in str(app.action_bar.prompt.render()))
        await pilot.press("enter", "enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=3, kind="poison", target=2)]
        await until(pilot, lambda: gone(app))


async def test_the_witch_may_use_no_potion_without_confirming():
    app, client, _ = make_app(3, "witch", ask(3, "witch", [1, 2], **WITCH))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press("end", "enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=3, kind="skip")]


@pytest.mark.parametrize(
    ("role", "action", "kind", "words"),
    [
        ("werewolf", "wolf_kill", "kill", "Kill seat 7"),
        ("hunter", "shoot", "shoot", "Shoot seat 7"),
    ],
)
async def test_a_kill_and_a_shot_ask_for_confirmation(role, action, kind, words):
    app, client, _ = make_app(5, role, ask(5, action, [1, 7]))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press("7", "enter")
        await until(pilot, lambda: words in str(app.action_bar.prompt.render()))
        assert client.calls == []
        await pilot.press("down")  # moving on takes the question back
        await until(pilot, lambda: words not in str(app.action_bar.prompt.render()))
        await pilot.press("7", "enter", "enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=5, kind=kind, target=7)]


async def test_the_seers_checked_seats_are_marked():
    from shared.events import CheckResult

    app, client, _ = make_app(
        1, "seer", CheckResult(seat=1, target=3, is_wolf=False, day=1), ask(1, "check", [2, 3, 8])
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        picker = app.action_bar.picker
        labels = {
            picker.get_option_at_index(i).id: str(picker.get_option_at_index(i).prompt)
            for i in range(picker.option_count)
        }
        assert "checked" in labels["check:3"] and "checked" not in labels["check:2"]
        await pilot.press("8", "enter")
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=1, kind="check", target=8)]


# Every kind of decision: asked, answered by keys, accepted, gone.
EVERY = [
    ("speak", "villager", [], ["enter"], {"kind": "speak", "text": ""}),
    ("wolf_chat", "werewolf", [1, 2], [*"kill 1", "enter"], {"kind": "speak", "text": "kill 1"}),
    ("pk_speak", "villager", [], [*"hi", "enter"], {"kind": "speak", "text": "hi"}),
    ("last_words", "villager", [], [*"bye", "enter"], {"kind": "speak", "text": "bye"}),
    ("vote", "villager", [1, 2], ["2", "enter"], {"kind": "vote", "target": 2}),
    ("pk_vote", "villager", [1, 2], ["1", "enter"], {"kind": "vote", "target": 1}),
    ("wolf_kill", "werewolf", [1, 2], ["0", "enter"], {"kind": "skip"}),
    ("check", "seer", [1, 2], ["1", "enter"], {"kind": "check", "target": 1}),
    ("witch", "witch", [1, 2], ["s", "enter"], {"kind": "save", "target": 6}),
    ("shoot", "hunter", [1, 2], ["0", "enter"], {"kind": "skip"}),
    # the sheriff's election and badge, the guard (issue 15)
    ("stand", "villager", [], ["enter"], {"kind": "stand"}),
    ("withdraw", "villager", [], ["0", "enter"], {"kind": "skip"}),
    ("sheriff_speak", "villager", [], [*"me", "enter"], {"kind": "speak", "text": "me"}),
    ("sheriff_pk_speak", "villager", [], [*"me", "enter"], {"kind": "speak", "text": "me"}),
    ("sheriff_vote", "villager", [1, 2], ["2", "enter"], {"kind": "vote", "target": 2}),
    ("sheriff_pk_vote", "villager", [1, 2], ["1", "enter"], {"kind": "vote", "target": 1}),
    ("badge", "villager", [1, 2], ["2", "enter"], {"kind": "badge", "target": 2}),
    ("direction", "villager", [], ["down", "enter"], {"kind": "right"}),
    ("protect", "guard", [1, 2], ["1", "enter"], {"kind": "guard", "target": 1}),
]


@pytest.mark.parametrize(("action", "role", "options", "keys", "expected"), EVERY)
async def test_every_decision_kind_is_asked_answered_and_gone(
    action, role, options, keys, expected
):
    from typing import get_args

    from shared.actions import DecisionKind

    assert {e[0] for e in EVERY} == set(get_args(DecisionKind))  # a new kind: add it here
    fields = {"victim": 6} if action == "witch" else {}
    app, client, _ = make_app(4, role, ask(4, action, options, **fields))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press(*keys)
        await until(pilot, lambda: client.calls)
        assert client.calls == [Action(seat=4, **expected)]
        await until(pilot, lambda: gone(app))


async def test_a_refusal_keeps_the_prompt_and_says_why_in_one_line():
    client = FakeClient(refusal="seat 7 is already dead")
    app, client, _ = make_app(5, "villager", ask(5, "vote", [1, 7]), client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press("7", "enter")
        await until(pilot, lambda: app.last_refusal)
        assert client.calls == [Action(seat=5, kind="vote", target=7)]
        await until(pilot, lambda: "seat 7 is already dead" in str(app.action_bar.error.render()))
        assert app.action_bar.error.region.height == 1
        assert asking(app) and "Your turn" in str(app.status_line.render())
        client.refusal = None
        await pilot.press("1", "enter")
        await until(pilot, lambda: len(client.calls) == 2)
        assert client.calls[-1] == Action(seat=5, kind="vote", target=1)
        await until(pilot, lambda: gone(app))


async def test_a_speech_refused_keeps_its_words_for_another_try():
    client = FakeClient(refusal="not your turn")
    app, client, _ = make_app(2, "villager", ask(2, "speak"), client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press(*"hello", "enter")
        await until(pilot, lambda: app.last_refusal)
        assert app.action_bar.speech.value == "hello" and asking(app)


async def test_a_speech_sent_while_the_game_is_busy_goes_again_by_itself():
    # The prompt shows as the run that asked it writes its checkpoint; an answer in that
    # instant finds the game busy. The player typed it once: it goes again, untouched.
    client = FakeClient()
    client.busy = 2
    app, client, _ = make_app(2, "villager", ask(2, "speak"), client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press(*"hello", "enter")
        await until(pilot, lambda: gone(app))
        assert client.calls == [Action(seat=2, kind="speak", text="hello")] * 3
        assert not app.last_refusal


async def test_busy_is_said_once_the_question_is_gone():
    client = FakeClient()
    client.busy = 10**6
    client.gate = asyncio.Event()
    app, client, queue = make_app(2, "villager", ask(2, "vote", [1, 3]), client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press("1", "enter")
        await until(pilot, lambda: client.calls)
        queue.put_nowait((50, ask(2, "pk_vote", [1, 3])))  # another question meanwhile
        await until(pilot, lambda: app.board.waiting and app.board.waiting.action == "pk_vote")
        client.gate.set()
        await until(pilot, lambda: app.last_refusal)
        assert len(client.calls) == 1  # the old answer is not pressed on the new question


async def test_one_answer_at_a_time_while_the_server_takes_it():
    client = FakeClient()
    client.gate = asyncio.Event()
    app, client, _ = make_app(4, "villager", ask(4, "vote", [1, 2]), client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press("1", "enter")
        await until(pilot, lambda: client.calls)
        await pilot.press("enter", "2", "enter")
        await pilot.pause()
        assert len(client.calls) == 1
        client.gate.set()
        await until(pilot, lambda: gone(app))
        assert len(client.calls) == 1


async def test_a_question_asked_after_the_answer_was_taken_stays():
    client = FakeClient(head=20)  # the server took the answer when its log stood at 20
    client.gate = asyncio.Event()
    app, client, queue = make_app(4, "villager", ask(4, "speak"), client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press("enter")
        await until(pilot, lambda: client.calls)
        queue.put_nowait((30, ask(4, "vote", [1, 2])))  # the next question, already here
        await until(pilot, lambda: app.board.waiting is not None and app.board.waiting_seq == 30)
        client.gate.set()
        await until(pilot, lambda: app.action_bar.asks_pick)
        await pilot.pause()
        assert asking(app) and app.action_bar.waiting.action == "vote"


@pytest.mark.parametrize("why", ["timer", "phase", "death", "game_over"])
async def test_a_prompt_never_outlives_its_decision(why):
    from shared.events import Death, Decided, GameOver

    end = {
        "timer": Decided(seat=4, action="vote"),  # the turn timer passed for the seat
        "phase": Phase(phase="night", day=2),
        "death": Death(seats=[4], cause="shot", day=1),
        "game_over": GameOver(winner="wolves", roles={}, reason="every villager is dead", day=1),
    }[why]
    app, client, queue = make_app(4, "villager", ask(4, "vote", [1, 2]))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        queue.put_nowait((50, end))
        await until(pilot, lambda: gone(app))
        await pilot.press("1", "enter")
        await pilot.pause()
        assert client.calls == []


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
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert len([t for t in titles if "Maximize" in t]) == 1, titles

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


async def test_a_speech_the_turn_timer_passed_is_no_longer_asked():
    from shared.events import SpeechEnd

    app, client, queue = make_app(4, "villager", ask(4, "speak"))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        queue.put_nowait((50, SpeechEnd(seat=4, text="", kind="day", day=1)))
        await until(pilot, lambda: gone(app))
        await pilot.press(*"late", "enter")
        await pilot.pause()
        assert client.calls == []


async def test_a_key_meant_for_the_last_question_never_answers_the_next():
    # Enter pressed twice: the second reaches the app late (a busy machine), once the next
    # question shows. It was meant for the first: no empty speech, no vote for seat 1.
    from textual import events

    app, client, queue = make_app(4, "villager", ask(4, "vote", [1, 2]))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        doubles = [events.Key("enter", None), events.Key("enter", None)]
        await pilot.press("enter")
        await until(pilot, lambda: client.calls)
        queue.put_nowait((50, ask(4, "speak")))
        await until(pilot, lambda: app.action_bar.asks_speech)
        app.post_message(doubles[0])
        await pilot.pause()
        await pilot.pause(0.2)
        assert len(client.calls) == 1 and app.action_bar.asks_speech
        await pilot.press(*"hi", "enter")
        await until(pilot, lambda: len(client.calls) == 2)
        assert client.calls[-1] == Action(seat=4, kind="speak", text="hi")
        queue.put_nowait((60, ask(4, "pk_vote", [1, 2])))
        await until(pilot, lambda: app.action_bar.asks_pick)
        app.post_message(doubles[1])
        await pilot.pause()
        await pilot.pause(0.2)
        assert len(client.calls) == 2 and app.action_bar.asks_pick
        await pilot.press("2", "enter")
        await until(pilot, lambda: len(client.calls) == 3)
        assert client.calls[-1] == Action(seat=4, kind="vote", target=2)


def status(app) -> str:
    return str(app.status_line.render())


async def test_the_status_line_never_waits_on_a_seat_that_has_answered():
    # The game's snapshot named who it waits on; no snapshot follows an answer until a human
    # is asked again. Seen in tmux: "waiting for 4" on seat 4's own screen through every
    # bot's speech after 4 had spoken, and on into the night.
    from shared.events import Decided, SeatState, Snapshot, SpeechEnd, SpeechStart, TableState

    snap = Snapshot(
        state=TableState(
            started=True,
            day=1,
            phase="day",
            over=False,
            players=9,
            lang="en",
            you=4,
            seats=[SeatState(seat=i + 1, name=n, alive=True) for i, n in enumerate(NAMES)],
        ),
        waiting_for=[
            Decision(seat=4, action="speak", kinds=("speak", "skip")),
            Decision(seat=7, action="vote"),  # another human's question
        ],
    )
    app, client, queue = make_app(4, "villager", snap)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.action_bar.asks_speech)
        await pilot.press(*"hi", "enter")
        await until(pilot, lambda: client.calls and gone(app))
        await until(pilot, lambda: "waiting for 7" in status(app))
        assert "4" not in status(app).split("waiting for")[1]
        queue.put_nowait((60, Decided(seat=7, action="vote")))
        await until(pilot, lambda: "waiting for" not in status(app))
        # Nor does a speech, or a new phase, leave a stale name behind.
        app.board.waiting_on = [5]
        queue.put_nowait((61, SpeechStart(seat=5)))
        await until(pilot, lambda: "#5 Ed speaking" in status(app))
        queue.put_nowait((62, SpeechEnd(seat=5, text="done", day=1)))
        await until(pilot, lambda: "speaking" not in status(app))
        assert "waiting for" not in status(app)
        app.board.waiting_on = [4]
        queue.put_nowait((63, Phase(phase="night", day=2)))
        await until(pilot, lambda: "Night 2" in status(app))
        assert "waiting for" not in status(app)


async def test_while_the_game_starts_nobody_is_told_to_press_s():
    # `werewolf play` starts its game itself: for the seconds the server takes, the status
    # line said "Not started yet: press s to start it" and the footer offered s.
    gate = asyncio.Event()
    client = FakeClient()
    client.gate = gate
    queue: asyncio.Queue = asyncio.Queue()
    for i, e in enumerate(table(4, "villager")[:1]):  # the game exists; nothing has happened
        queue.put_nowait((i + 1, e))

    async def source():
        while True:
            yield await queue.get()

    app = WerewolfApp(client=client, you=4, events=source())  # type: ignore[arg-type]
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: "Not started" in status(app))
        assert app.check_action("start", ())
        app.begin()
        await until(pilot, lambda: client.calls == ["start"])
        await until(pilot, lambda: "Starting the game" in status(app))
        assert "press s" not in status(app) and not app.check_action("start", ())
        gate.set()
        await until(pilot, lambda: "Starting" not in status(app))
        assert "Not started" not in status(app) and not app.check_action("start", ())


async def test_chinese_questions_and_the_live_line_use_chinese_punctuation():
    # Seen in tmux (zh, 80x24): "毒3号 婷婷?" and, under the transcript, "5号 大伟: 女巫…".
    from shared.events import SpeechStart, Token

    queue: asyncio.Queue = asyncio.Queue()
    for i, e in enumerate([*table(3, "witch", "zh"), ask(3, "witch", [1, 2, 4], **WITCH)]):
        queue.put_nowait((i + 1, e))

    async def source():
        while True:
            yield await queue.get()

    app = WerewolfApp(client=FakeClient(), you=3, events=source())  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press("2", "enter")
        await until(pilot, lambda: "毒2号" in str(app.action_bar.prompt.render()))
        prompt = str(app.action_bar.prompt.render())
        assert "？" in prompt and "?" not in prompt
        queue.put_nowait((20, SpeechStart(seat=5)))
        queue.put_nowait((21, Token(seat=5, content="女巫昨晚")))
        await until(pilot, lambda: "女巫昨晚" in str(app.live.render()))
        assert "5号 Ed：女巫昨晚" in str(app.live.render())


async def test_the_same_question_asked_again_before_the_first_answer_came_back_is_asked_afresh():
    """Day 2's speech is the same decision as day 1's. At pace 0 it can arrive before the
    server's answer to day 1's speech: the box must empty and take the new speech."""
    client = FakeClient(head=50)  # the log stood at 50 when the rules took the speech
    client.gate = asyncio.Event()
    app, client, queue = make_app(2, "villager", ask(2, "speak"), client=client)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: asking(app))
        await pilot.press(*"day one", "enter")
        await until(pilot, lambda: client.calls)
        queue.put_nowait((99, ask(2, "speak")))  # asked again, after 50: a new question
        await until(pilot, lambda: app.board.waiting_seq == 99)
        client.gate.set()  # and only now the answer to day one's
        await until(pilot, lambda: app.action_bar.speech.value == "")
        assert asking(app)
        await pilot.press(*"day two", "enter")
        await until(pilot, lambda: len(client.calls) == 2)
        assert client.calls[-1] == Action(seat=2, kind="speak", text="day two")
