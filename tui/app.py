"""The terminal app: a live pane for every seat, the moderator's timeline, and the
viewer's own decisions.

One worker reads the game's stream into a :class:`~tui.board.Board`; a single
clock (``FLUSH_SECONDS``) repaints what changed inside ``batch_update()``. Nothing repaints per
token.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.geometry import Size
from textual.notifications import Notify
from textual.screen import Screen
from textual.widgets import Footer, Static

from shared.actions import Action, Decision
from shared.events import Event
from shared.strings import has, say
from shared.text import clean
from tui import over_ssh
from tui.board import Board
from tui.client import ApiError, Connection, GameClient
from tui.theme import WEREWOLF
from tui.widgets.action_bar import ActionBar, stray
from tui.widgets.kept_lines import KeptLines
from tui.widgets.seat_pane import SeatPane
from tui.widgets.seat_strip import SeatStrip
from tui.widgets.status_line import StatusLine
from tui.widgets.timeline import Timeline

# At most 40 repaints a second: a token waits 25 ms at worst. The rate is a trade between
# lag and CPU: a repaint of nine streaming panes costs about 5 ms of CPU on the machines we
# measure (a pane's tail scrolls as a line fills; the board's containers are kept,
# KeptLines). For 9 panes x 100 tokens/s: 25 Hz read 39 ms at p95, 33 Hz 30 ms, 40 Hz 25 ms
# at about a fifth of a core (bench/tui_bench.py, docs/benchmarks.md).
FLUSH_SECONDS = 0.025
LOBBY_REFRESH_SECONDS = 1.0
NARROW_BELOW = 110  # columns: fewer and a compact seat strip stands for the panes
PALETTE_IN_FOOTER_FROM = 80  # columns: fewer and the footer names no palette
# The server says "busy" while the run that asked this decision is still ending (its
# checkpoint written, its lock held): the answer is sent again, never retyped.
BUSY_RETRY_SECONDS = 0.5
BUSY_PATIENCE_SECONDS = 120.0
TOAST_GONE_SECONDS = 0.5  # how long after a toast's time is up the screen under it is redrawn


def _key(key: str, action: str, id: str, **kw) -> Binding:
    """A key of the app, labelled in English (:meth:`WerewolfApp.localize` relabels)."""
    tip = f"app.tip.{action}"
    return Binding(
        key,
        action,
        say(f"app.key.{action}", "en"),
        tooltip=say(tip, "en") if has(tip) else "",
        id=id,
        **kw,
    )


class MainArea(KeptLines, Horizontal):
    """The seats and the transcript. While the game asks for a speech, whatever is typed
    here goes to the speech box: a letter never drives a pane key instead."""

    def on_key(self, event: events.Key) -> None:
        bar = self.app.query_one(ActionBar)
        if bar.asks_speech and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            # Focus now (not later, as focus() does): the keys typed after this one, Enter
            # included, are already on their way and must reach the speech box.
            self.screen.set_focus(bar.speech)
            bar.speech.insert_text_at_cursor(event.character)
        elif bar.asks_pick and not bar.picker.has_focus:
            # A pick is asked while a pane has the focus: its keys still go to the list
            # (a digit selects, Enter confirms), never to the pane.
            picker, key = bar.picker, event.key
            if key in ("enter", "ctrl+j", "up", "down") or (event.character or "").isdigit():
                event.stop()
                event.prevent_default()
                if stray(event, picker.asked_at):
                    return  # meant for the question before
                self.screen.set_focus(picker)
                if key in ("enter", "ctrl+j"):
                    picker.action_select()
                elif key == "up":
                    picker.action_cursor_up()
                elif key == "down":
                    picker.action_cursor_down()
                else:
                    picker.action_digit(int(event.character or "0"))


class Seats(KeptLines, Grid):
    """The board: the seats' panes, in a grid."""


class Side(KeptLines, Vertical):
    """Beside the board: the seat strip, the transcript, the words being said (narrow)."""


class TableScreen(Screen):
    """The app's own screen (the table). Textual lays a screen out whole for each Resize it
    is sent, and its own first layouts send the screen Resizes of the size it was laid out
    at already (three before the first game's frame, each a layout and a paint of the whole
    board): a Resize of the size the last one let through had is let go. A new size is laid
    out as ever. (Not ``self.size``: the screen's size is the app's, which is the new one
    before the Resize for it reaches the screen.)"""

    _laid_out_at: Size | None = None  # the size of the last Resize let through

    def on_mount(self) -> None:
        self._laid_out_at = self.app.size  # (the first layout, when the screen shows)

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self._laid_out_at:
            event.prevent_default()  # (Screen's own handler: the whole layout again)
        else:
            self._laid_out_at = event.size


class Keys(Footer):
    """The footer, laid out again only when the keys it shows change. Textual's Footer
    removes and mounts all its keys (a new layout of the whole screen) whenever anything
    may have changed them: a focus moving, a question asked, the app's own
    refresh_bindings — mostly to show the very same keys (three times before the first
    screen of ``werewolf play``)."""

    _shown: tuple | None = None  # what the keys said when last composed

    def compose(self) -> ComposeResult:
        # Textual's footer shows no key until the screen first tells it that its bindings
        # changed, then composes again: a layout of the whole screen before the first frame
        # for keys known from the start.
        self._bindings_ready = True
        self._shown = self._keys()
        yield from super().compose()

    def _keys(self) -> tuple:
        app = self.app
        return (
            self._bindings_ready,
            self.show_command_palette,
            tuple(
                (
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    binding.show,
                    binding.group,
                    enabled,
                    tooltip,
                )
                for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            ),
        )

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning:
            return
        if self._keys() == self._shown:
            return
        await super().recompose()  # (compose notes what it shows)


@dataclass(frozen=True)
class NewTable:
    """What the app exits with when the player asks for another game: where to sit."""

    game_id: str
    token: str
    you: int | None


class WerewolfApp(App[NewTable | None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = say("app.title", "en")
    # In the footer in this order, which a narrow terminal cuts from the end: what the
    # moment needs first (start, advance, the review, a new game), help, then the rest.
    BINDINGS = [
        _key("ctrl+q", "quit", id="quit", priority=True),
        _key("s", "start", id="start"),
        _key("a", "advance", id="advance"),
        _key("t", "transcript", id="transcript"),
        _key("r", "review", id="review"),
        _key("n", "new_game", id="new_game"),
        _key("f1", "help", id="help"),
        Binding("question_mark", "help", show=False),
        _key("ctrl+t", "toggle_thoughts", id="thoughts"),
        _key("m", "maximize_pane", id="maximize"),
        _key("i", "inspect_calls", id="calls"),
    ]

    def __init__(
        self,
        client: GameClient | None = None,
        you: int | None = None,
        players: int = 9,
        events: AsyncIterator[tuple[int, Event]] | None = None,
        start: bool = False,
        lang: str = "en",
        make_game: Callable[[GameClient], Awaitable[None]] | None = None,
    ) -> None:
        """``make_game``: awaited before the app reads its game, to make it (the client's
        game and token set by then): ``werewolf play`` opens the app while its private
        server starts. What it raises ends the app with a message (return code 2)."""
        super().__init__()
        self.register_theme(WEREWOLF)
        self.theme = WEREWOLF.name
        self.client = client
        self.board = Board(you=you, lang=lang)
        # Told to start the game, the app starts it itself, as soon as it has read it: from
        # the first frame the start is on its way (the status line says so, and no key
        # offers it meanwhile: the footer would show it, then hide it, a second later).
        self.board.starting = start and client is not None
        self.players = players
        self.events = events
        self.start_on_mount = start
        self.make_game = make_game
        self.connection = Connection("connecting")
        self.show_thoughts = True
        self.panes = {n: SeatPane(n) for n in range(1, players + 1)}
        self.timeline = Timeline(self.board.transcript)
        self.strip = SeatStrip()
        self.live = Static("", id="live", markup=False)  # narrow: the words being spoken
        self.maximized_seat: int | None = None  # our own maximize: the prompt stays in view
        self.action_bar = ActionBar()
        self.status_line = StatusLine()
        self.footer = Keys()
        self.painted_seq = 0  # the last event the screen shows (for tests and benchmarks)
        self._begin_when_painted = False  # start the game at its first painted frame
        self._painted_at = 0.0  # perf_counter() of the last flush that painted anything
        self._flush_soon = False  # a flush is asked for the end of this turn of the loop
        self.last_refusal = ""  # the server's reason the last time it refused an answer
        self.review_board: Board | None = None  # the whole game, read again after game over
        self._offered: tuple[bool, bool, bool] | None = None

    def compose(self) -> ComposeResult:
        with MainArea(id="main"):
            with Seats(id="board"):
                yield from self.panes.values()
            with Side(id="side"):
                yield self.strip
                yield self.timeline
                yield self.live
        yield self.action_bar
        yield self.status_line
        yield self.footer

    AUTO_FOCUS = None  # chosen below: never a pane the layout hides

    def get_default_screen(self) -> Screen:
        return TableScreen(id="_default")

    def on_mount(self) -> None:
        # Hidden by its style already, Textual's toast rack is hidden again, inline, when
        # the screen first shows (``App._refresh_notifications``): a change of style, and
        # a layout of the whole screen before the first game's first frame. Hidden inline
        # now, before the first layout, that later hiding changes nothing; a toast shows it.
        for rack in self.screen.query("#textual-toastrack"):
            rack.display = False
        self._fit(self.size.width)
        self.call_after_refresh(self._default_focus)
        self.localize()
        self.set_interval(FLUSH_SECONDS, self.flush)
        self.set_interval(1.0, self._tick)
        self.read_stream()
        # What the app is made of (the imports, the widgets, the styles: ~100k objects) lives
        # as long as the app: out of the collector's way, or each of its full passes walks
        # them all (~70 ms each on a slow machine, every few seconds while tokens stream).
        # Given back to it when the app ends (on_unmount), so a next game's app frees this one.
        self.call_after_refresh(gc.freeze)

    def on_unmount(self) -> None:
        gc.unfreeze()
        gc.enable()  # (a game never painted: see _painted)

    def _painted(self) -> None:
        """The game's first screen is up. The command may have turned the collector off
        for the start (``werewolf play``: cli/tables.py): what was made until now lives as
        long as the app, so it is frozen out of the collector's way, and the collector on."""
        gc.freeze()
        gc.enable()

    def on_notify(self, event: Notify) -> None:
        """A toast is up: once it has gone, the screen under it is drawn again, whole."""
        self.set_timer(event.notification.time_left + TOAST_GONE_SECONDS, self._after_toasts)

    def _after_toasts(self) -> None:
        # Textual redraws only the rectangle a toast covered, and a wide (Chinese) character
        # across its edge comes back as two blanks: the toast stops 2 columns short of the
        # right edge (its rack's scrollbar), where the status line ends "● 已结束 ". The
        # status line and the panes repaint as the game goes on, and the cut heals; after
        # game over nothing does, and "● 已结" stayed (seen in tmux, 80x24 zh).
        if self.screen.query("Toast"):
            self.set_timer(TOAST_GONE_SECONDS, self._after_toasts)
        else:
            self.screen.refresh()

    def localize(self) -> None:
        """Footer and palette labels in the game's language."""
        lang = self.board.lang
        if lang == "en":
            return
        table = self._bindings.key_to_bindings
        for key, bindings in table.items():
            table[key] = [
                replace(
                    b,
                    description=say(f"app.key.{b.action}", lang),
                    tooltip=say(f"app.tip.{b.action}", lang) if b.tooltip else b.tooltip,
                )
                if has(f"app.key.{b.action}")
                else b
                for b in bindings
            ]
        self.refresh_bindings()

    # The game's commands in the palette, in this order (app.palette.* and
    # app.palette_help.* in the strings).
    PALETTE = (
        "inspect_calls",
        "toggle_thoughts",
        "maximize_pane",
        "transcript",
        "help",
        "review",
        "new_game",
        "start",
        "advance",
    )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The game's commands in the command palette, in the game's language."""
        yield from (c for c in super().get_system_commands(screen) if over_ssh.offered(c.title))
        lang = self.board.lang
        for action in self.PALETTE:
            if not self.check_action(action, ()):
                continue
            yield SystemCommand(
                say(f"app.palette.{action}", lang),
                say(f"app.palette_help.{action}", lang),
                getattr(self, f"action_{action}"),
            )

    def on_resize(self, event) -> None:
        self._fit(event.size.width)

    def _default_focus(self) -> None:
        if self.focused is not None:
            return
        if self.has_class("narrow"):
            self.timeline.focus()
        else:
            self.panes[self.board.you if self.board.you in self.panes else 1].focus()

    def _fit(self, width: int) -> None:
        self.set_class(width < NARROW_BELOW, "narrow")
        # Below 80 columns the footer's room goes to the game's keys (ctrl+p still works,
        # and F1 names it): at 60, "^p palette" hid the help key.
        self.footer.show_command_palette = width >= PALETTE_IN_FOOTER_FROM
        if width < NARROW_BELOW and isinstance(self.focused, SeatPane):
            self.timeline.focus()  # the panes are out of sight: focus stays where it shows
        # The panes and the strip are painted again at the new width. (Not the header: the
        # status line makes its line when it is drawn, at its width then, and the action
        # bar's rows are laid out by Textual.)
        self.board.dirty.update(self.panes)

    # -- reading -----------------------------------------------------------------------
    @work(exclusive=True, group="stream", exit_on_error=False)
    async def read_stream(self) -> None:
        if self.client is not None and self.events is None:
            if self.make_game is not None:
                try:
                    await self.make_game(self.client)
                except Exception as e:  # noqa: BLE001 - said on the terminal the app leaves
                    self.exit(return_code=2, message=Text(clean(str(e))))
                    return
            try:
                view = await self.client.snapshot_when_up(self._on_connection)
            except ApiError as e:
                self.board.starting = False  # (nor will it be: nothing was read)
                self.board.header_dirty = True
                self.notify(
                    e.message,
                    severity="error",
                    title=say("app.cant_open", self.board.lang),
                    markup=False,
                )
                return
            self.board.apply_snapshot(view)
            self.board.may_start = view.host  # nobody else is offered s, nor told of it
            self.localize()
            self.read_summary()
            if self.start_on_mount:
                self._begin_when_painted = True  # (flush: once the table is on the screen)
            else:
                self.open_lobby()
            source = self.client.follow(after=0, on_connection=self._on_connection)
        elif self.events is not None:
            self.connection = Connection("live")
            source = self.events
        else:
            return  # nothing to show: a test paints the board itself
        try:
            async for seq, event in source:
                lang = self.board.lang
                self.board.apply(event, seq)
                if self.board.lang != lang:  # the table's language arrived
                    self.localize()
                # The first news after a quiet spell goes on screen at once, with all that
                # came in the same read (the flush runs at the end of this turn of the loop,
                # once the read's events are all in: a game's server writes what a tick
                # typed at once, every 50 ms, and each such write is painted as it comes);
                # while tokens stream faster, at most one repaint per FLUSH_SECONDS (the
                # clock does the rest).
                if not self._flush_soon and time.perf_counter() - self._painted_at >= FLUSH_SECONDS:
                    self._flush_soon = True
                    asyncio.get_running_loop().call_soon(self.flush)
        except ApiError as e:
            self.notify(
                e.message,
                severity="error",
                title=say("app.feed_closed", self.board.lang),
                markup=False,
            )
            return
        if self.board.over and self.client is not None and self.events is None:
            self.fetch_review()

    @work(exclusive=True, group="review", exit_on_error=False)
    async def fetch_review(self) -> None:
        """Once the game is over everything is public: read the whole feed again for the
        review, with every role, night action and thought this viewer could not see."""
        if self.client is None:
            return
        board = Board(you=self.board.you, lang=self.board.lang, keep_all=True)
        try:
            async for seq, event in self.client.follow(after=0):
                board.apply(event, seq)
        except ApiError as e:
            self.notify(
                e.message,
                severity="warning",
                title=say("app.no_review", self.board.lang),
                markup=False,
            )
            return
        self.review_board = board

    @work(exclusive=True, group="summary", exit_on_error=False)
    async def read_summary(self) -> None:
        """What the table is (an open table: every bot's thoughts for everyone), said on
        the status line to everyone at it."""
        if self.client is None:
            return
        try:
            summary = await self.client.summary()
        except Exception:  # the stream says what matters; this is a courtesy
            return
        self.board.open_table = bool(summary.get("open"))
        self.board.header_dirty = True

    @work(exclusive=True, group="lobby", exit_on_error=False)
    async def open_lobby(self) -> None:
        """Before a hosted game starts: show who has joined until the host starts it."""
        if self.client is None or self.board.started:
            return
        summary = await self.client.summary()
        if not summary.get("hosted"):
            return
        snap = await self.client.snapshot()
        from tui.widgets.lobby import LobbyScreen  # (lazy: the first screen comes sooner)

        lobby = LobbyScreen(
            self.client.game_id or "",
            self.board.lang,
            host=snap.host,
            server=str(self.client.base_url),
            roles=self.board.roles,
        )
        await self.push_screen(lobby)
        while not self.board.started and not summary.get("started"):
            lobby.roles = self.board.roles  # (from the feed's first event)
            lobby.show(summary, snap)
            await asyncio.sleep(LOBBY_REFRESH_SECONDS)
            summary = await self.client.summary()
        lobby.dismiss()
        # The host started it: a villager sees no event of the first night, so the stream
        # alone would leave "not started" on his status line until the dawn.
        self.board.started = True
        self.board.header_dirty = True
        self.refresh_bindings()

    def _on_connection(self, connection: Connection) -> None:
        self.connection = connection
        self.board.header_dirty = True
        if connection.state == "reconnecting" and connection.attempt == 1:
            self.notify(say("app.lost", self.board.lang), severity="warning")

    # -- painting -----------------------------------------------------------------------
    def flush(self) -> None:
        """Repaint what changed since the last flush, all at once."""
        self._flush_soon = False
        dirty = self.board.take_dirty()
        self.board.timeline.clear()  # (the timeline reads the transcript itself)
        lines = self.timeline.behind
        narrow = self.has_class("narrow")
        stripped = narrow or self.has_class("transcript")  # the strip is in view
        # (a strip resized with no new event, as when the transcript opens after the game,
        # is painted again at its new width all the same)
        resized = stripped and self.strip.dirty
        if not dirty and not lines and not self.board.header_dirty and not resized:
            return  # (the clock rang on nothing: the next news is still news)
        self._painted_at = time.perf_counter()
        if dirty and (stripped or self.board.header_dirty):
            self.strip.dirty = True
        shown = self.maximized_seat
        if shown is None and narrow:
            shown = -1  # no pane in sight: the strip stands for them
        if shown is not None:  # the others are out of sight: paint them later
            self.board.dirty.update(dirty - {shown})
            dirty &= {shown}
        with self.batch_update():
            for n in dirty:
                pane = self.panes.get(n)
                if pane is not None:
                    pane.paint(self.board, self.show_thoughts)
            if lines:
                self.timeline.catch_up()
            if stripped and self.strip.dirty:
                self.strip.paint(self.board)
            if narrow:
                self._paint_live()
            if self.board.header_dirty:
                self._paint_header()
        if self.board.seq and not self.painted_seq:
            self._painted()
            if self._begin_when_painted:
                # The game starts once its table is on the screen, as a moderator waits for
                # everyone to sit: nothing happens before the player can see it (at pace 0, a
                # whole night could), and the game graph, which the server loads when a game
                # first starts (a third of a second of CPU), does not share the machine with
                # this first frame.
                self._begin_when_painted = False
                self.call_after_refresh(self.begin)
        self.painted_seq = self.board.seq
        offered = (self.board.started, self.board.paused, self.board.over is not None)
        if offered != self._offered:  # start / advance / review come and go in the footer
            self._offered = offered
            self.refresh_bindings()
        if self.board.over and not getattr(self, "_reviewed", False):
            self._reviewed = True
            lang = self.board.lang
            self.notify(say("app.game_over", lang), title=say("app.title", lang))

    def _paint_live(self) -> None:
        """Narrow: the tail of what is being said (or thought) right now, under the
        transcript, where the speech will land whole once it ends."""
        from rich.text import Text

        from tui.widgets.seat_pane import tail
        from tui.wrap import wrap

        doing, seats = self.board.turn()
        text = Text()
        for s in seats[:2]:
            body = s.speech if doing == "speaking" else (s.thought if self.show_thoughts else "")
            if not body:
                continue
            who = say("transcript.speaker", self.board.lang, n=s.seat, name=s.name)
            said = say("transcript.said", self.board.lang, who=who, text="")  # "who：" in zh
            text.append(said, style="bold yellow" if doing == "speaking" else "cyan")
            text.append(body, style="" if doing == "speaking" else "italic dim cyan")
            text.append("▌\n", style="yellow")
        text.rstrip()
        width = self.live.size.width or self.size.width
        self.live.update(wrap(tail(text, width, 4), width))
        self.live.set_class(not text.plain, "empty")

    def _paint_header(self) -> None:
        """The prompt and the status line: what the game asks of this viewer now."""
        self.board.header_dirty = False
        self.action_bar.show(
            self.board.waiting,
            self.board.lang,
            {n: s.name for n, s in self.board.seats.items()},
            self.board.checks,
            self.board.waiting_seq,
        )
        self.status_line.paint(self.board, self.connection)

    def _tick(self) -> None:
        # the turn timer's countdown, and the clock of a night the table spends deciding
        if (self.board.waiting and self.board.deadline) or (
            self.board.started and not self.board.over
        ):
            self.status_line.paint(self.board, self.connection)

    # -- answering ----------------------------------------------------------------------
    @on(ActionBar.Chosen)
    def _chosen(self, message: ActionBar.Chosen) -> None:
        self.send(message.action, message.decision)

    @work(group="actions", exit_on_error=False)
    async def send(self, action: Action, decision: Decision | None = None) -> None:
        """Answer the game; the prompt goes as soon as the rules take the answer."""
        if self.client is None:
            return
        patience = time.monotonic() + BUSY_PATIENCE_SECONDS
        while True:
            try:
                accepted = await self.client.act(action)
                break
            except ApiError as e:
                # "busy": the game took nothing; while it still asks the same question,
                # the same answer goes again (a player never retypes a speech for it).
                if (
                    e.code == "busy"
                    and decision is not None
                    and self.board.waiting == decision
                    and time.monotonic() < patience
                ):
                    await asyncio.sleep(BUSY_RETRY_SECONDS)
                    continue
                self._refused(e)
                self.action_bar.refuse(e.message)
                return
            except Exception as e:  # the network: say so, don't crash
                self._not_sent(e)
                self.action_bar.not_sent()
                return
        # Gone at once, unless the game has asked something new meanwhile (after the
        # log's head at the moment the rules took the answer).
        self.board.answered(accepted)
        if self.board.header_dirty:
            self._paint_header()

    @work(group="actions", exit_on_error=False)
    async def begin(self) -> None:
        """Start the game (the host, or the creator of an unhosted game)."""
        self.board.starting = self.board.header_dirty = True
        self.refresh_bindings()
        try:
            if await self._segment("start"):
                self.board.started = True  # (a villager's first night shows no event)
        finally:
            self.board.starting = False
            self.board.header_dirty = True
            self.refresh_bindings()

    @work(group="actions", exit_on_error=False)
    async def step(self) -> None:
        """Step mode: run the next phase."""
        await self._segment("advance")

    async def _segment(self, call: str) -> bool:
        """Whether the server took ``call``."""
        if self.client is None:
            return False
        try:
            await getattr(self.client, call)()
        except ApiError as e:
            self._refused(e)
        except Exception as e:
            self._not_sent(e)
        else:
            return True
        return False

    def _refused(self, e: ApiError) -> None:
        self.last_refusal = e.message
        if self.board.waiting is None:  # no prompt to say it in: a toast
            self.notify(
                e.message,
                severity="warning",
                title=say("app.refused", self.board.lang),
                markup=False,
            )

    def _not_sent(self, e: Exception) -> None:
        self.notify(
            clean(str(e)) or type(e).__name__,
            severity="error",
            title=say("app.not_sent", self.board.lang),
            markup=False,
        )

    # -- bindings -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer start, advance and review only when they mean something."""
        if action == "start":
            board = self.board
            return (
                self.client is not None
                and not board.started
                and board.may_start
                and not board.starting
            )
        if action == "advance":
            return self.board.paused
        if action == "review":
            return self.board.over is not None
        if action == "new_game":
            return self.board.over is not None and self.client is not None and not self.events
        if action in ("maximize_pane", "transcript", "inspect_calls", "start", "advance"):
            if self.action_bar.asks_speech and self.focused is self.action_bar.speech:
                return False  # letters are words in the speech box
        if action == "inspect_calls":  # the server decides; this only hides a useless key
            return self.client is not None and (
                self.board.you is None or self.board.over is not None
            )
        return True

    def action_toggle_thoughts(self) -> None:
        self.show_thoughts = not self.show_thoughts
        self.set_class(not self.show_thoughts, "no-thoughts")
        self.board.dirty.update(self.panes)

    def action_maximize_pane(self) -> None:
        """The focused seat's whole history over the board; the prompt and the status line
        stay where they are. Again (or Escape): back to the board."""
        focused = self.focused
        while focused is not None and not isinstance(focused, SeatPane):
            focused = focused.parent  # type: ignore[assignment]
        if self.maximized_seat is not None:
            self._maximize(None)
        elif isinstance(focused, SeatPane):
            self._maximize(focused.seat_no)
        else:  # nothing focused (or the strip): the seat whose turn it is, else your own
            _, seats = self.board.turn()
            seat = seats[0].seat if seats else self.board.you
            if seat in self.panes:
                self._maximize(seat)

    def _maximize(self, seat: int | None) -> None:
        old, self.maximized_seat = self.maximized_seat, seat
        for n in (old, seat):
            if n is not None and n in self.panes:
                self.panes[n].set_class(n == seat, "maximized")
                self.board.dirty.add(n)
        self.set_class(seat is not None, "maxi")
        self.set_class(False, "transcript")
        if seat is not None and not self.action_bar.asks_speech:
            self.panes[seat].focus()

    def action_transcript(self) -> None:
        """The transcript over the whole screen (every speech in full, votes, deaths and
        what this seat learned at night), scrollable; again: back."""
        on = not self.has_class("transcript")
        if on and self.maximized_seat is not None:
            self._maximize(None)
        self.set_class(on, "transcript")
        self.board.dirty.update(self.panes)
        if on and not self.action_bar.asks_speech:
            self.timeline.focus()

    def key_escape(self) -> None:
        if self.maximized_seat is not None:
            self._maximize(None)
        elif self.has_class("transcript"):
            self.action_transcript()

    def action_help(self) -> None:
        from tui.widgets.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.board))

    def action_review(self) -> None:
        if self.board.over:
            from tui.widgets.review import ReviewScreen

            self.push_screen(ReviewScreen(self.review_board or self.board))

    def action_inspect_calls(self) -> None:
        if self.client is None:
            return
        pane = self.focused
        while pane is not None and not isinstance(pane, SeatPane):
            pane = pane.parent  # type: ignore[assignment]
        seat = pane.seat_no if isinstance(pane, SeatPane) else None
        lang = self.board.lang
        if seat is None:
            title = say("app.calls_every_seat", lang)
        else:
            title = say("app.calls_of_seat", lang, seat=seat)
        from tui.widgets.calls import CallsScreen

        self.push_screen(CallsScreen(self.client, seat, title, lang))

    @work(group="actions", exit_on_error=False)
    async def action_new_game(self) -> None:
        """After game over: another game like this one (same size, language, seat or
        watching, open or not), in a new app on the same server."""
        if self.client is None or self.board.over is None:
            return
        you = self.board.you
        body = {
            "players": self.players,
            "humans": [you] if you is not None else [],
            "lang": self.board.lang,
            "open": self.board.open_table,
        }
        try:
            g = await self.client.create_game(**body)
        except ApiError as e:
            self._refused(e)
            return
        except Exception as e:
            self._not_sent(e)
            return
        token = g["tokens"][str(you)] if you is not None else g.get("spectator_token")
        if token:
            self.exit(NewTable(g["game_id"], token, you))

    def action_start(self) -> None:
        if not self.board.started:
            self.begin()
            self.board.started = True  # the lobby closes; the stream confirms

    def action_advance(self) -> None:
        self.board.paused = False
        self.step()
