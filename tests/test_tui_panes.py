"""A seat pane's lines: kept between frames and wrapped again only where the text grew,
yet always the lines a whole wrap of the text gives; and Chinese wrapping that never
starts a line with a closing mark."""

from __future__ import annotations

import asyncio
import random

from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.geometry import Region
from textual.widget import Widget

from tui.widgets.seat_pane import PaneLines
from tui.wrap import CLOSING, wrap

WORDS = "the wolves are among us and seat [5] looks nervous [/] tonight, I say".split()
HANZI = "我是预言家，昨晚查验了3号：金水。好人跟我走（别乱投）！"


class Two(App):
    CSS = "PaneLines { width: 23; height: 6; }"

    def compose(self) -> ComposeResult:
        yield PaneLines(classes="seat-body")  # streamed into, token by token


def seen(pane: PaneLines) -> list[list[tuple[str, object]]]:
    """What the pane's lines look like, character by character (the offsets Textual keeps
    for selecting text are left out: a kept piece counts them from its own start)."""
    return [
        [
            (char, segment.style.clear_meta_and_links() if segment.style else None)
            for segment in strip
            for char in segment.text
        ]
        for strip in pane._lines
    ]


def growing(tokens: list[str]) -> list[list[tuple[Text, Text | None]]]:
    """The paragraphs a pane shows after each token: a finished speech, then a speech
    being spoken (with its cursor)."""
    done = Text.assemble(("[last words] ", "dim"), "an earlier speech, wrapped once")
    frames, speech = [], ""
    for token in tokens:
        speech += token
        frames.append([(done, None), (Text(speech, style="bold"), Text("▌", style="yellow"))])
    return frames


async def check_streaming_matches_a_whole_wrap(tokens: list[str]) -> tuple[str, list]:
    """Each frame of ``tokens`` streamed wraps as the whole text does; the growing speech
    at the end, and the streamed pane's anchors (``_growth``)."""
    app = Two()
    async with app.run_test(size=(60, 20)) as pilot:
        streamed = app.query_one(PaneLines)
        await pilot.pause()
        for paragraphs in growing(tokens):
            streamed.show(paragraphs)
            fresh = PaneLines(classes="seat-body")  # no history: wraps everything
            await app.mount(fresh)
            await pilot.pause()
            fresh.show(paragraphs)
            assert fresh._lines and seen(streamed) == seen(fresh), (
                [s.text for s in streamed._lines],
                [s.text for s in fresh._lines],
            )
            await fresh.remove()
        assert streamed._growth, "the growing speech was anchored"
        return paragraphs[-1][0].plain, streamed._growth


async def test_streamed_english_reads_as_the_whole_text_wrapped():
    rng = random.Random(7)
    await check_streaming_matches_a_whole_wrap([rng.choice(WORDS) + " " for _ in range(60)])


async def test_streamed_chinese_reads_as_the_whole_text_wrapped():
    await check_streaming_matches_a_whole_wrap([HANZI[i : i + 2] for i in range(0, 58, 2)] * 2)


async def test_chinese_with_spaces_stays_anchored_as_it_streams():
    # The Chinese wrap may cut before a space: the next line starts with it. Such a line
    # still anchors the speech (it used not to, and from there on every frame wrapped the
    # whole rest of the speech again: 30 ms a frame at 9 panes, and it only grew).
    words = "我是 预言家， 昨晚 查验了 3号： 金水。 好人 跟我走 （别乱投）！ 狼人 就在 我们 中间".split()
    tokens = [words[i % len(words)] + " " for i in range(60)]
    speech, growth = await check_streaming_matches_a_whole_wrap(tokens)
    _, anchors, _ = next(g for g in growth if speech.startswith(g[0]))
    assert len(speech) - anchors[-1] <= 2 * 23, "only the last lines are wrapped again"


async def test_a_line_of_latin_in_a_chinese_speech_wraps_as_the_whole_speech_does():
    # A piece after an anchor is wrapped the way its whole speech is (the Chinese way),
    # even when the piece itself holds no Chinese.
    tokens = ["我是预言家，昨晚查验了3号：金水。"] + [w + " " for w in WORDS * 3] + ["好人跟我走！"]
    await check_streaming_matches_a_whole_wrap(tokens)


async def test_the_pane_shows_the_latest_lines_and_marks_the_cut():
    app = Two()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query(PaneLines).first()
        await pilot.pause()
        pane.show(growing(["word "] * 80)[-1])
        await pilot.pause()
        lines = [strip.text.rstrip() for strip in pane._lines]
        assert len(lines) == 6
        assert lines[0].startswith("…")
        assert lines[-1].endswith("word▌") or lines[-1].endswith("word ▌")


class Shaded(App):
    CSS = "PaneLines { width: 23; height: 6; background: $boost; color: $text-muted; }"

    def compose(self) -> ComposeResult:
        yield PaneLines(classes="seat-body")


def cells(strips: list) -> list[list[tuple[str, object]]]:
    return [[(char, seg.style) for seg in strip for char in seg.text] for strip in strips]


async def test_the_header_heads_the_pane_and_lines_go_out_as_textual_would_draw_them():
    app = Shaded()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one(PaneLines)
        await pilot.pause()
        header = Text.assemble(("Werewolf", "magenta"), (" · ", "dim"), "alive · speaking now")
        pane.show(growing(["word "] * 40)[-1], header)
        await pilot.pause()
        lines = [strip.text for strip in pane._lines]
        assert len(lines) == 6
        assert lines[0].rstrip() == "Werewolf · alive · spe…"  # cut to the width, as nowrap
        assert lines[1].startswith("…") and "word" in lines[-1]
        # The body's own drawing equals Textual's styles-cache drawing of the same lines:
        # the same cells, the same padding colour, whole or cropped.
        for crop in (Region(0, 0, 23, 6), Region(3, 1, 12, 4)):
            assert cells(pane.render_lines(crop)) == cells(Widget.render_lines(pane, crop))
        pane.show([(Text("short"), None)], header)  # fewer lines than the pane: blank rest
        await pilot.pause()
        crop = Region(0, 0, 23, 6)
        assert cells(pane.render_lines(crop)) == cells(Widget.render_lines(pane, crop))


class Framed(App):
    CSS = """
    Vertical { width: 23; height: 6; }
    Vertical.lit { background: red; color: yellow; }
    Vertical.faded { opacity: 0.5; }
    PaneLines { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield PaneLines(classes="seat-body")


async def test_a_pane_whose_colours_change_above_it_draws_in_the_new_ones():
    # The pane keeps how it draws (its colours, its ancestors') from frame to frame: a class
    # changed on the widget around it (a seat's pane as the seat dies, or is yours) must
    # reach it, and so must a change that takes it off its own drawing (an opacity).
    app = Framed()
    async with app.run_test(size=(60, 20)) as pilot:
        pane, box = app.query_one(PaneLines), app.query_one(Vertical)
        await pilot.pause()
        pane.show(growing(["word "] * 12)[-1])
        await pilot.pause()
        crop = Region(0, 0, 23, 6)
        before = cells(pane.render_lines(crop))
        assert before == cells(Widget.render_lines(pane, crop))
        for cls in ("lit", "faded"):
            box.add_class(cls)
            await pilot.pause()
            now = cells(pane.render_lines(crop))
            assert now == cells(Widget.render_lines(pane, crop)) and now != before, cls
            before = now


async def test_words_are_wrapped_into_the_very_lines_textual_makes():
    # The pane's own wrap of a line of words (every growing pane, every frame) gives the
    # lines Textual's Content gives: the same text, segments, styles (selection offsets too).
    rng = random.Random(11)
    words = WORDS + ["", "…", "supercalifragilistic", "a", "I'm", "(well)", "  ", "—"]
    app = Shaded()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one(PaneLines)
        await pilot.pause()
        checked = 0
        for _ in range(1500):
            text = Text()
            if rng.random() < 0.3:
                text.append("[last words] ", style="dim")
            body = " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
            text.append(body, style=rng.choice(["bold", "italic dim cyan", ""]))
            if rng.random() < 0.3 and len(text):
                a = rng.randrange(len(text))
                text.stylize(rng.choice(["red", "bold", "dim"]), a, rng.randint(a, len(text)))
            width = rng.randint(1, 40)
            ours = pane._wrap_words(text, width)
            if ours is None:
                continue
            checked += 1
            theirs = pane._wrap_textual(text, width)
            assert [(list(s), s.cell_length) for s in ours] == [
                (list(s), s.cell_length) for s in theirs
            ], (text, width)
        assert checked > 1000


def test_no_line_starts_with_a_closing_mark():
    rng = random.Random(3)
    chars = "我是预言家好人刀口统一，。）”"
    for _ in range(2000):
        width = rng.randint(8, 30)
        text = "我" + "".join(rng.choice(chars) for _ in range(rng.randint(1, 80)))
        if any(
            a in CLOSING and b in CLOSING and c in CLOSING
            for a, b, c in zip(text, text[1:], text[2:], strict=False)
        ):
            continue  # three marks in a row do not fit a hanging margin: out of scope
        lines = wrap(Text(text), width).plain.split("\n")
        assert "".join(lines) == text
        for line in lines:
            assert cell_len(line) <= width, (width, lines)
            assert line[:1] not in CLOSING, (width, lines)


def test_the_boards_kept_lines_are_what_textual_would_draw_through_every_change():
    # The board's containers keep their drawn lines from frame to frame (KeptLines): after
    # each change that draws them otherwise, what they hand the compositor must be what
    # Textual's own drawing makes of them now.
    from tui_fixtures import RecordedApp

    app = RecordedApp()  # (a recorded game: played before the app's loop runs)
    asyncio.run(_kept_lines_follow_every_change(app))


async def _kept_lines_follow_every_change(app) -> None:
    from tui_fixtures import settle

    from tui.widgets.kept_lines import KeptLines

    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        kept = [w for w in app.query("*") if isinstance(w, KeptLines)]
        assert {type(w).__name__ for w in kept} == {"MainArea", "Seats", "Side", "SeatPane"}
        pane = app.panes[4]

        def drawn_now(what: str) -> None:
            for w in kept:
                if not w.display or not w.outer_size:
                    continue
                crop = Region(0, 0, *w.outer_size)
                assert cells(w.render_lines(crop)) == cells(Widget.render_lines(w, crop)), (
                    what,
                    w,
                )

        drawn_now("settled")
        changes = [
            ("a new title", lambda: setattr(pane, "border_title", "#4 someone else")),
            ("a class", lambda: pane.add_class("active")),
            ("its seat dies", lambda: pane.add_class("dead")),
            ("the focus", lambda: pane.focus()),
            ("a style set on it", lambda: setattr(pane.styles, "background", "darkred")),
            (
                "a style set above it",
                lambda: setattr(app.query_one("#board").styles, "background", "navy"),
            ),
            ("the theme", lambda: setattr(app, "theme", "textual-light")),
            ("the terminal's own colours", lambda: setattr(app, "ansi_color", True)),
        ]
        for what, change in changes:
            change()
            await pilot.pause()
            drawn_now(what)
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        drawn_now("a new size")
