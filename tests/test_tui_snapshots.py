"""What the table looks like at every width, in both languages: 120×36, 80×24 and 60×20
(the compact seat strip and the transcript below 110 columns), and the action area for a
vote, a speech and the witch's potions."""

from __future__ import annotations

import pytest
from eventually import pilot_until
from tui_fixtures import RecordedApp, settle

from shared.actions import Decision
from shared.events import Waiting

SIZES = [(120, 36), (80, 24), (60, 20)]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_table_mid_game(snap_compare, size, lang):
    assert snap_compare(RecordedApp(lang=lang), terminal_size=size, run_before=settle)


ASKS = {
    "vote": Decision(seat=3, action="vote", kinds=("vote", "skip"), options=[1, 2, 4, 5, 6, 8, 9]),
    "speak": Decision(seat=3, action="speak", kinds=("speak", "skip")),
    "witch": Decision(
        seat=3,
        action="witch",
        kinds=("skip", "save", "poison"),
        options=[1, 2, 4, 5, 6, 8, 9],
        victim=6,
    ),
}


@pytest.mark.parametrize(
    ("size", "lang", "action"),
    [((120, 36), "en", "speak"), ((80, 24), "en", "vote"), ((60, 20), "zh", "witch")],
    ids=["120x36-en-speak", "80x24-en-vote", "60x20-zh-witch"],
)
def test_the_action_area(snap_compare, size, lang, action):
    app = RecordedApp(lang=lang, you=3, ask=Waiting(decision=ASKS[action]))
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_transcript_over_the_whole_screen(snap_compare, lang):
    async def open_both(pilot) -> None:
        await settle(pilot)
        await pilot.press("t")
        await pilot_until(pilot, lambda: pilot.app.timeline.size.width > 100, "full width")
        # the seat strip painted again at the screen's full width (it was painted once at
        # the width it had before the transcript opened: 80 columns' layout, seen in CI)
        strip = pilot.app.strip
        await pilot_until(
            pilot, lambda: strip.painted_width == strip.size.width > 100, "the strip at full width"
        )
        await settle(pilot)

    assert snap_compare(RecordedApp(lang=lang), terminal_size=(120, 36), run_before=open_both)
