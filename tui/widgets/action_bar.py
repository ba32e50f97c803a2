"""Where the viewer answers the game: a speech box, or a picker of legal targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import prompt, t

SPEECHES = {"speak", "wolf_chat", "pk_speak", "last_words"}


@dataclass(frozen=True)
class Answer:
    """What the viewer chose: the client call to make."""

    call: str  # speak | vote | night | shoot | advance
    args: dict[str, Any]
    decision: dict[str, Any] | None = None  # the waiting it answers


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
    BINDINGS = [Binding("ctrl+j", "submit", "Send", show=False)]


class ActionBar(Vertical):
    class Chosen(Message):
        def __init__(self, answer: Answer) -> None:
            super().__init__()
            self.answer = answer

    def __init__(self) -> None:
        super().__init__(id="action-bar", classes="hidden")  # until the game asks
        self.prompt = Static("", id="action-prompt", markup=False)
        self.error = Static("", id="action-error", markup=False)
        self.waiting: dict[str, Any] | None = None
        self.lang = "en"
        self.witch: dict[str, Any] = {}
        self.names: dict[int, str] = {}
        self.cursor_blink = True  # off for snapshot tests
        # Both answers live for the app's life, shown in turn: replacing widgets would
        # race their own removal when decisions follow each other quickly.
        self.speech = SpeechInput(max_length=500, id="speech-input")
        self.picker = TargetPicker(id="target-picker")
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
        self,
        waiting: dict[str, Any] | None,
        lang: str,
        witch: dict[str, Any],
        names: dict[int, str] | None = None,
    ) -> None:
        """Ask for this decision (None: hide). Same decision again: leave it as it is."""
        key = (waiting or {}).get("action"), tuple((waiting or {}).get("options") or [])
        old = (self.waiting or {}).get("action"), tuple((self.waiting or {}).get("options") or [])
        if waiting is not None and self.waiting is not None and key == old:
            return
        self.waiting, self.lang, self.witch = waiting, lang, witch
        self.names = names or {}
        self.error.update("")
        self.error.display = False
        self.set_class(waiting is None, "hidden")
        if waiting is None:
            self.speech.display = self.picker.display = False
            return
        action = waiting["action"]
        title = Text(prompt(action, lang), style="bold yellow")
        if action not in SPEECHES:
            title.append(f"   {t('pick_hint', lang)}", style="dim")
        self.prompt.update(title)
        speaks = action in SPEECHES
        self.speech.display, self.picker.display = speaks, not speaks
        if speaks:
            self.speech.value = ""
            self.speech.placeholder = t("speak_hint", lang)
            self.speech.cursor_blink = self.cursor_blink
            self.speech.focus()
            return
        self.picker.clear_options()
        self.picker.add_options(self.options(waiting))
        self.picker.highlighted = 0 if self.picker.option_count else None
        self.picker.focus()

    def options(self, waiting: dict[str, Any]) -> list[Option]:
        lang, action = self.lang, waiting["action"]

        def seat_word(n: int) -> str:
            name = self.names.get(n, "")
            return f"{n}号 {name}".rstrip() if lang == "zh" else f"seat {n}  {name}".rstrip()

        targets = [o for o in waiting.get("options", []) if o is not None]
        skippable = None in waiting.get("options", [])
        out: list[Option] = []
        if action == "witch":
            victim = self.witch.get("victim") if self.witch.get("can_save") else None
            if victim is not None:
                out.append(Option(t("save", lang, n=victim), id=f"save:{victim}"))
            if self.witch.get("can_poison", True):
                out += [Option(t("poison", lang, n=n), id=f"poison:{n}") for n in targets]
            out.append(Option(t("skip", lang), id="skip:-"))
            return out
        if action == "advance":
            return [Option("advance", id="advance:-")]
        out = [Option(f"{n}  {seat_word(n)}", id=f"target:{n}") for n in targets]
        if skippable:
            word = {"vote": "abstain", "pk_vote": "abstain", "wolf_kill": "no_kill"}.get(
                action, "skip"
            )
            out.append(Option(f"0  {t(word, lang)}", id="none:0"))
        return out

    def refuse(self, message: str) -> None:
        self.error.update(Text(t("refused", self.lang, m=message), style="bold red"))
        self.error.display = True

    @on(Input.Submitted, "#speech-input")
    def _spoke(self, event: Input.Submitted) -> None:
        if self.waiting is None:
            return
        self.post_message(
            self.Chosen(
                Answer(
                    "speak",
                    {"seat": self.waiting["seat"], "text": event.value.strip()},
                    self.waiting,
                )
            )
        )

    @on(OptionList.OptionSelected, "#target-picker")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if self.waiting is None:
            return
        seat, action = self.waiting["seat"], self.waiting["action"]
        kind, _, value = (event.option.id or "").partition(":")
        target = int(value) if value.isdigit() and kind != "none" else None
        if action in ("vote", "pk_vote"):
            answer = Answer("vote", {"seat": seat, "target": target})
        elif action == "shoot":
            answer = Answer("shoot", {"seat": seat, "target": target})
        elif action == "wolf_kill":
            answer = Answer("night", {"seat": seat, "action": "kill", "target": target})
        elif action == "check":
            answer = Answer(
                "night", {"seat": seat, "action": "check" if target else "skip", "target": target}
            )
        elif action == "witch":
            answer = Answer(
                "night",
                {
                    "seat": seat,
                    "action": kind if kind in ("save", "poison") else "skip",
                    "target": target,
                },
            )
        else:
            answer = Answer("advance", {})
        self.post_message(self.Chosen(Answer(answer.call, answer.args, self.waiting)))
