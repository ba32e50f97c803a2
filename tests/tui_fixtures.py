"""A deterministic app for snapshot tests: a recorded game, stopped mid-day."""

from __future__ import annotations

import asyncio

from server.game import GameConfig
from server.headless import run_game
from shared.events import Phase, VoteResult
from tui.app import WerewolfApp


def recorded_events(seed: int = 4, lang: str = "en") -> list:
    events: list = []
    asyncio.run(run_game(GameConfig(seed=seed, lang=lang), on_event=events.append))
    return events


def up_to_second_vote(events: list) -> list:
    votes = [i for i, e in enumerate(events) if isinstance(e, VoteResult) and e.kind == "day"]
    end = votes[0] + 1 if votes else len(events)
    nights = [i for i, e in enumerate(events[end:], end) if isinstance(e, Phase)
              and e.phase == "night"]
    return events[: (nights[0] + 12) if nights else end]


class RecordedApp(WerewolfApp):
    """Applies the recorded events at mount and paints once: no clock, no worker."""

    def __init__(self, seed: int = 4, lang: str = "en", you: int | None = None) -> None:
        self._recorded = up_to_second_vote(recorded_events(seed, lang))
        super().__init__(you=you, lang=lang)

    def on_mount(self) -> None:
        self.action_bar.add_class("hidden")
        self._fit(self.size.width)
        self.localize()
        for i, e in enumerate(self._recorded):
            self.board.apply(e, i + 1)
        self.connection = self.connection.__class__("live")
        self.flush()
        self.call_after_refresh(self._repaint)  # again once the panes have their sizes

    def _repaint(self) -> None:
        self.board.dirty.update(self.panes)
        self.flush()
