"""Where the viewer answers the game: a speech box with a live count, or a picker of the
decision's legal answers where digits and arrows select and Enter confirms. A wolf's
speech box also takes his self-destruct (自爆): ctrl+o or /destruct, then Enter again."""

from __future__ import annotations

from time import monotonic

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from shared.actions import MAX_SPEECH_CHARS, Action, Decision
from shared.strings import has, name, say
from shared.text import clean

# Answers that can't be taken back: Enter asks once more before they go.
CONFIRM = frozenset({"poison", "shoot", "kill"})
# How a decision passes, in the picker's words (any other: "skip").
PASS_WORD = {
    "vote": "abstain",
    "pk_vote": "abstain",
    "sheriff_vote": "abstain",
    "sheriff_pk_vote": "abstain",
    "wolf_kill": "no_kill",
    "witch": "no_potion",
    "stand": "no_stand",
    "withdraw": "stay",
}
# What a wolf types in his speech box to self-destruct (both languages take every one).
DESTRUCT_COMMANDS = frozenset({"/destruct", "/自爆", "/zibao"})


def number_of(option_id: str) -> int | None:
    """The seat number an option names ("poison:3" -> 3; the pass "none:0" -> 0)."""
    _, _, n = option_id.partition(":")
    return int(n) if n.isdigit() else None


class TargetPicker(OptionList):
    """A list of answers. Digits (one or two, for seat 10 and up) and arrows move the
    highlight; Enter (or ctrl+j) confirms; ``s`` goes to the witch's save."""

    BINDINGS = [
        *[Binding(str(d), f"digit({d})", show=False) for d in range(10)],
        Binding("ctrl+j", "select", show=False),
        Binding("s", "save", show=False),
        Binding("escape", "back", show=False),
    ]

    typed = ""  # the digits typed so far, for two-digit seat numbers
    asked_at = 0.0  # monotonic() when this question (or its confirmation) was shown

    def on_key(self, event: events.Key) -> None:
        if stray(event, self.asked_at):
            event.stop()
            event.prevent_default()

    def _find(self, wanted: int) -> int | None:
        for index in range(self.option_count):
            option = self.get_option_at_index(index)
            oid = option.id or ""
            if not option.disabled and not oid.startswith("save:") and number_of(oid) == wanted:
                return index
        return None

    def action_digit(self, digit: int) -> None:
        for typed in (self.typed + str(digit), str(digit)):
            index = self._find(int(typed))
            if index is not None:
                self.typed = typed if typed != "0" else ""
                self.highlighted = index
                return
        self.typed = ""
        self.app.bell()

    def action_save(self) -> None:
        for index in range(self.option_count):
            if (self.get_option_at_index(index).id or "").startswith("save:"):
                self.highlighted = index
                return

    def action_back(self) -> None:
        self.typed = ""
        bar = self.parent
        if isinstance(bar, ActionBar):
            bar.cancel_confirm()


def stray(event: events.Key, asked_at: float) -> bool:
    """A key that chooses, pressed before the question it would answer was shown: meant
    for the one before (a double Enter), never taken as an answer to this one."""
    chooses = event.key in ("enter", "ctrl+j") or (event.character or "").isdigit()
    return chooses and event.time < asked_at


class SpeechInput(Input):
    """The speech box; ctrl+o asks for a wolf's self-destruct, Esc takes the question back."""

    BINDINGS = [
        Binding("ctrl+j", "submit", say("bar.key.send", "en"), show=False),
        Binding("ctrl+o", "destruct", show=False),
        Binding("escape", "back", show=False),
    ]
    asked_at = 0.0  # monotonic() when this speech was asked

    def on_key(self, event: events.Key) -> None:
        if event.key in ("enter", "ctrl+j") and stray(event, self.asked_at):
            event.stop()  # an Enter meant for the last question: not an empty speech
            event.prevent_default()

    def action_destruct(self) -> None:
        bar = self.parent.parent if self.parent else None
        if isinstance(bar, ActionBar):
            bar.ask_destruct()

    def action_back(self) -> None:
        bar = self.parent.parent if self.parent else None
        if isinstance(bar, ActionBar):
            bar.cancel_confirm()


class ActionBar(Vertical):
    class Chosen(Message):
        """The viewer answered ``decision`` with ``action``."""

        def __init__(self, action: Action, decision: Decision) -> None:
            super().__init__()
            self.action = action
            self.decision = decision

    def __init__(self) -> None:
        super().__init__(id="action-bar", classes="hidden")  # until the game asks
        self.prompt = Static("", id="action-prompt", markup=False)
        self.error = Static("", id="action-error", markup=False)
        self._error_said = ""  # what the error line says
        self.counter = Static("", id="speech-count", markup=False)
        self.waiting: Decision | None = None
        self.lang = "en"
        self.names: dict[int, str] = {}
        self.checks: dict[int, bool] = {}
        self.answers: dict[str, Action] = {}  # option id -> the action it stands for
        self.confirming: Action | None = None  # an answer waiting for its second Enter
        self.sending = False  # an answer is on its way: don't send another
        self.asked = 0  # the seq of the event that asked the decision shown
        self.destruct_over = ""  # the speech box's text when the 自爆 was asked
        self.cursor_blink = True  # off for snapshot tests
        # Both answers live for the app's life, shown in turn: replacing widgets would
        # race their own removal when decisions follow each other quickly.
        # no max_length: we count, never cut; no select-on-focus: a redirected key stays
        self.speech = SpeechInput(id="speech-input", select_on_focus=False)
        self.speech_row = Horizontal(self.speech, self.counter, id="speech-row")
        self.picker = TargetPicker(id="target-picker", markup=False)  # names are the server's
        # (the error line too: say_error shows it; hiding it there laid the whole screen out
        # again before the first game's first frame)
        self.speech_row.display = self.picker.display = self.error.display = False

    def compose(self) -> ComposeResult:
        yield self.prompt
        yield self.speech_row
        yield self.picker
        yield self.error

    @property
    def asks_speech(self) -> bool:
        return self.waiting is not None and self.speech_row.display

    @property
    def asks_pick(self) -> bool:
        return self.waiting is not None and self.picker.display

    def show(
        self,
        waiting: Decision | None,
        lang: str,
        names: dict[int, str] | None = None,
        checks: dict[int, bool] | None = None,
        asked: int = 0,
    ) -> None:
        """Ask for this decision (None: hide). Same decision again: leave it as it is,
        unless a later event (``asked``: its seq) asked it while the answer to the first
        was on its way: that is a new question (a speech on day 2 is the same decision as
        day 1's, and at pace 0 it can come before the server's answer to day 1's)."""
        if waiting is not None and waiting == self.waiting:
            if asked == self.asked or not self.sending:
                return
        self.waiting, self.lang, self.asked = waiting, lang, asked
        self.names = names or {}
        self.checks = checks or {}
        self.confirming, self.sending = None, False
        self.speech.asked_at = self.picker.asked_at = monotonic()
        self.say_error("")
        self.set_class(waiting is None, "hidden")
        if waiting is None:
            self.speech_row.display = self.picker.display = False
            if self.speech.has_focus or self.picker.has_focus:
                self.screen.set_focus(None)  # nothing hidden keeps the keys
                restore = getattr(self.app, "_default_focus", None)
                if restore is not None:  # and the focus shows again somewhere
                    self.app.call_after_refresh(restore)
            return
        self._title()
        self.speech_row.display, self.picker.display = waiting.speaks, not waiting.speaks
        if waiting.speaks:
            self.speech.value = ""
            hint = "bar.destruct_hint" if waiting.can_destruct else "bar.speak_hint"
            self.speech.placeholder = say(hint, lang)
            self.speech.cursor_blink = self.cursor_blink
            self._count("")
            self.screen.set_focus(self.speech)  # now: the next key typed is a word
            return
        self.picker.clear_options()
        self.picker.add_options(self.options(waiting))
        self.picker.typed = ""
        first = next(
            (i for i in range(self.picker.option_count) if self.picker.get_option_at_index(i).id),
            None,
        )
        self.picker.highlighted = first
        self.screen.set_focus(self.picker)  # now, not after keys already on their way

    def _title(self) -> None:
        waiting = self.waiting
        if waiting is None:
            return
        lang = self.lang
        title = Text(name("prompt", waiting.action, lang), style="bold yellow")
        if self.confirming is not None:
            title = Text(
                say("bar.ask", lang, what=self.describe(self.confirming)), style="bold red"
            )
            title.append(f"   {say('bar.confirm_hint', lang)}", style="bold")
        elif not waiting.speaks:
            title.append(f"   {say('bar.pick_hint', lang)}", style="dim")
        self.prompt.update(title)

    def describe(self, action: Action) -> str:
        """An answer in words: "poison seat 3 (Cy)"."""
        lang = self.lang
        key = f"bar.confirm.{action.kind}"
        who = self.seat_word(action.target or 0)
        return say(key, lang, seat=who) if has(key) else f"{action.kind} {who}"

    def seat_word(self, n: int) -> str:
        return say("bar.seat", self.lang, n=n, name=self.names.get(n, "")).rstrip()

    def options(self, decision: Decision) -> list[Option | None]:
        """One option per legal answer (the decision's own choices), the pass last. The
        witch's save and poison stand apart, each under its own heading. Answers that name
        nobody take digits too: where seats are numbered, the pass (tear the badge) is 0;
        where none is (stand, withdraw, 警左/警右), they count 1, 2… and the skip is 0."""
        lang = self.lang
        self.answers = {}
        out: list[Option | None] = []
        heading: str | None = None
        choices = decision.choices()
        seats = any(a.target is not None for a in choices)
        passing = decision.pass_action()
        counted = 0
        for action in choices:
            if action.kind == "skip":
                word = PASS_WORD.get(decision.action, "skip")
                option_id, label = "none:0", Text(f"0  {say(f'bar.{word}', lang)}")
                out.append(None)
            elif action.kind == "save":
                option_id = f"save:{action.target}"
                label = Text(f"s  {say('bar.save', lang, n=action.target)}", style="green")
            else:
                if action.kind != heading and decision.action == "witch":
                    heading = action.kind
                    out.append(None)
                    head = f"bar.heading.{action.kind}"
                    out.append(Option(say(head, lang) if has(head) else action.kind, disabled=True))
                option_id = f"{action.kind}:{action.target}"
                if action.target is None:  # an answer that names nobody: its digit
                    key: int | None = None
                    if seats and action == passing:
                        key = 0
                        out.append(None)  # the pass stands apart, last, as a skip does
                    elif not seats:
                        key = counted = counted + 1
                    option_id = f"{action.kind}:{'' if key is None else key}"
                    word = name("answer", action.kind, lang)
                    self.answers[option_id] = action
                    out.append(
                        Option(Text(f"{'·' if key is None else key:>2} {word}"), id=option_id)
                    )
                    continue
                word = (
                    say("bar.poison", lang, n=action.target)
                    if action.kind == "poison"
                    else self.seat_word(action.target)
                )
                label = Text(
                    f"{action.target:>2} {word}", style="red" if action.kind in CONFIRM else ""
                )
                if decision.action == "check" and action.target in self.checks:
                    verdict = (
                        "pane.checked_wolf" if self.checks[action.target] else "pane.checked_good"
                    )
                    label.append(f"   ✓ {say(verdict, lang)}", style="dim")
            self.answers[option_id] = action
            out.append(Option(label, id=option_id))
        if out and out[0] is None:
            out.pop(0)
        return out

    def say_error(self, message: str) -> None:
        """One line under the prompt (empty: none)."""
        if message == self._error_said and self.error.display == bool(message):
            # Nothing new: a Static's update lays the whole screen out again, and the app
            # hides its prompt (show(None)) on every change of the status line.
            return
        self._error_said = message
        self.error.update(Text(message, style="bold red", no_wrap=True, overflow="ellipsis"))
        self.error.display = bool(message)

    def refuse(self, message: str) -> None:
        self.sending = False
        self.say_error(say("bar.refused", self.lang, message=message))

    def not_sent(self) -> None:
        self.sending = False

    def cancel_confirm(self) -> None:
        if self.confirming is not None:
            self.confirming = None
            self._title()

    def _send(self, action: Action) -> None:
        if self.waiting is None or self.sending:
            return
        self.sending = True
        self.confirming = None
        self._title()
        self.post_message(self.Chosen(action, self.waiting))

    # -- the speech box -----------------------------------------------------------------
    def ask_destruct(self) -> None:
        """ctrl+o or /destruct: a wolf's 自爆 asks once more (it can't be taken back)."""
        waiting = self.waiting
        if waiting is None or not waiting.speaks or self.sending:
            return
        if not waiting.can_destruct:
            self.say_error(say("bar.no_destruct", self.lang))
            return
        self.confirming = Action(seat=waiting.seat, kind="destruct")
        self.destruct_over = self.speech.value  # (a change still queued is no new typing)
        self.say_error("")
        self._title()

    def _count(self, value: str) -> None:
        n = len(clean(value).strip())
        over = n > MAX_SPEECH_CHARS
        self.counter.update(
            Text(f"{n}/{MAX_SPEECH_CHARS}", style="bold red" if over else "dim", no_wrap=True)
        )

    @on(Input.Changed, "#speech-input")
    def _typed(self, event: Input.Changed) -> None:
        self._count(event.value)
        if self.error.display and not self.sending:
            self.say_error("")
        if event.value != self.destruct_over:  # typing on means speaking, not the 自爆
            self.cancel_confirm()

    @on(Input.Submitted, "#speech-input")
    def _spoke(self, event: Input.Submitted) -> None:
        if self.waiting is None:
            return
        if self.confirming is not None and self.confirming.kind == "destruct":
            self._send(self.confirming)  # the second Enter: 自爆
            return
        # A pasted control character would be refused by the server: it goes here instead.
        text = clean(event.value).strip()
        if text.lower() in DESTRUCT_COMMANDS:
            self.ask_destruct()
            return
        if len(text) > MAX_SPEECH_CHARS:
            self.say_error(say("bar.too_long", self.lang, n=len(text), limit=MAX_SPEECH_CHARS))
            return
        self._send(Action(seat=self.waiting.seat, kind="speak", text=text))

    # -- the picker ---------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#target-picker")
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        action = self.answers.get(event.option.id or "")
        if self.confirming is not None and action != self.confirming:
            self.cancel_confirm()

    @on(OptionList.OptionSelected, "#target-picker")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        action = self.answers.get(event.option.id or "")
        if self.waiting is None or action is None:
            return
        if action.kind in CONFIRM and action.target is not None and self.confirming != action:
            self.confirming = action  # one more Enter: these can't be taken back
            self.picker.asked_at = monotonic()  # (pressed after the question shows)
            self._title()
            return
        self._send(action)
