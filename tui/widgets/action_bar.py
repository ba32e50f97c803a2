"""Where the viewer answers the game: a speech box, or a picker of legal targets."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from shared.actions import Action, Decision
from shared.strings import name, say
from shared.text import clean


class TargetPicker(OptionList):
    """A list of choices; a digit picks the seat of that number at once."""

    BINDINGS = [Binding(str(d), f"pick({d})", show=False) for d in range(10)]

    def action_pick(self, digit: int) -> None:
        for index in range(self.option_count):
            option = self.get_option_at_index(index)
            if option.id and option.id.split(":")[-1] == str(digit):
                self.highlighted = index
                self.action_select()
                return


class SpeechInput(Input):
    BINDINGS = [Binding("ctrl+j", "submit", say("bar.key.send", "en"), show=False)]


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
        self.waiting: Decision | None = None
        self.lang = "en"
        self.names: dict[int, str] = {}
        self.answers: dict[str, Action] = {}  # option id -> the action it stands for
        self.cursor_blink = True  # off for snapshot tests
        # Both answers live for the app's life, shown in turn: replacing widgets would
        # race their own removal when decisions follow each other quickly.
        self.speech = SpeechInput(max_length=500, id="speech-input")
        self.picker = TargetPicker(id="target-picker", markup=False)  # names are the server's
        self.speech.display = self.picker.display = False

    def compose(self) -> ComposeResult:
        yield self.prompt
        yield self.speech
        yield self.picker
        yield self.error

    @property
    def asks_speech(self) -> bool:
        return self.waiting is not None and self.speech.display

    @property
    def asks_pick(self) -> bool:
        return self.waiting is not None and self.picker.display

    def show(
        self, waiting: Decision | None, lang: str, names: dict[int, str] | None = None
    ) -> None:
        """Ask for this decision (None: hide). Same decision again: leave it as it is."""
        if waiting is not None and waiting == self.waiting:
            return
        self.waiting, self.lang = waiting, lang
        self.names = names or {}
        self.error.update("")
        self.error.display = False
        self.set_class(waiting is None, "hidden")
        if waiting is None:
            self.speech.display = self.picker.display = False
            return
        title = Text(name("prompt", waiting.action, lang), style="bold yellow")
        if not waiting.speaks:
            title.append(f"   {say('bar.pick_hint', lang)}", style="dim")
        self.prompt.update(title)
        self.speech.display, self.picker.display = waiting.speaks, not waiting.speaks
        if waiting.speaks:
            self.speech.value = ""
            self.speech.placeholder = say("bar.speak_hint", lang)
            self.speech.cursor_blink = self.cursor_blink
            self.speech.focus()
            return
        self.picker.clear_options()
        self.picker.add_options(self.options(waiting))
        self.picker.highlighted = 0 if self.picker.option_count else None
        self.picker.focus()

    def options(self, decision: Decision) -> list[Option]:
        """One option per legal answer (the decision's own choices), the pass last."""
        lang = self.lang

        def seat_word(n: int) -> str:
            return say("bar.seat", lang, n=n, name=self.names.get(n, "")).rstrip()

        pass_word = {"vote": "abstain", "pk_vote": "abstain", "wolf_kill": "no_kill"}.get(
            decision.action, "skip"
        )
        self.answers = {}
        out: list[Option] = []
        for action in decision.choices():
            if action.kind == "skip":
                option_id, label = "none:0", f"0  {say(f'bar.{pass_word}', lang)}"
            elif action.kind in ("save", "poison"):
                option_id = f"{action.kind}:{action.target}"
                label = say(f"bar.{action.kind}", lang, n=action.target)
            else:
                option_id = f"target:{action.target}"
                label = f"{action.target}  {seat_word(action.target or 0)}"
            self.answers[option_id] = action
            out.append(Option(label, id=option_id))
        return out

    def refuse(self, message: str) -> None:
        self.error.update(Text(say("bar.refused", self.lang, message=message), style="bold red"))
        self.error.display = True

    @on(Input.Submitted, "#speech-input")
    def _spoke(self, event: Input.Submitted) -> None:
        if self.waiting is None:
            return
        # A pasted control character would be refused by the server: it goes here instead.
        text = clean(event.value).strip()
        action = Action(seat=self.waiting.seat, kind="speak", text=text)
        self.post_message(self.Chosen(action, self.waiting))

    @on(OptionList.OptionSelected, "#target-picker")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        action = self.answers.get(event.option.id or "")
        if self.waiting is not None and action is not None:
            self.post_message(self.Chosen(action, self.waiting))
