"""A deterministic app for snapshot tests: a recorded game, stopped mid-day, fed through
the app's injected event source (no server, no clock of ours in the picture)."""

from __future__ import annotations

import asyncio

from eventually import pilot_until

from server.game import GameConfig
from server.headless import run_game
from shared.events import Phase, VoteResult, Waiting
from tui.app import WerewolfApp


def recorded_events(seed: int = 4, lang: str = "en") -> list:
    events: list = []
    asyncio.run(run_game(GameConfig(seed=seed, lang=lang), on_event=events.append))
    return events


def up_to_second_vote(events: list) -> list:
    votes = [i for i, e in enumerate(events) if isinstance(e, VoteResult) and e.kind == "day"]
    end = votes[0] + 1 if votes else len(events)
    nights = [
        i for i, e in enumerate(events[end:], end) if isinstance(e, Phase) and e.phase == "night"
    ]
    return events[: (nights[0] + 12) if nights else end]


class RecordedApp(WerewolfApp):
    """The app fed a recorded game up to the second night, and maybe a question."""

    def __init__(
        self, seed: int = 4, lang: str = "en", you: int | None = None, ask: Waiting | None = None
    ) -> None:
        events = up_to_second_vote(recorded_events(seed, lang))
        if ask is not None:  # the game asks the viewer something
            events.append(ask)
        self.expected = len(events)

        async def source():
            for seq, event in enumerate(events, 1):
                yield seq, event

        super().__init__(you=you, lang=lang, events=source())
        self.action_bar.cursor_blink = False
        self.board.clock = lambda: 1000.0  # the status line's phase clock stands still
        self.board.phase_since = 1000.0


def screen_text(app) -> str:
    """What the terminal shows, as plain text (for reading a layout, and for asserts)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def settle(pilot) -> None:
    """Until every recorded event is on screen and the layout has stopped moving."""
    app = pilot.app
    await pilot_until(
        pilot, lambda: app.painted_seq >= app.expected, "every recorded event on screen"
    )
    for _ in range(3):  # the refreshes a paint sets off: layout, then scrolling into view
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
