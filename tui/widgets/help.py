"""F1 / ?: the rules of the board being played, and the keys."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from shared.narrate import role_name
from shared.strings import has, say
from tui.board import Board

ROLE_ORDER = ("werewolf", "villager", "seer", "witch", "hunter")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", say("help.key.close", "en"))]

    def __init__(self, board: Board) -> None:
        super().__init__()
        self.board = board

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(self.render_help(), markup=False)

    def render_help(self) -> Text:
        lang = self.board.lang
        text = Text()
        text.append(say("help.title", lang) + "\n\n", style="bold underline")
        roles = self.board.roles or {
            "werewolf": 3,
            "villager": 3,
            "seer": 1,
            "witch": 1,
            "hunter": 1,
        }
        text.append(say("help.board", lang) + "\n", style="bold")
        order = [r for r in ROLE_ORDER if r in roles] + [r for r in roles if r not in ROLE_ORDER]
        for role in order:
            text.append(f"  {roles[role]} × {role_name(role, lang)}", style="bold")
            key = f"help.role.{role}"
            text.append(f" — {say(key, lang)}\n" if has(key) else "\n")
        text.append("\n" + say("help.flow", lang) + "\n\n")
        text.append(say("help.keys", lang) + "\n", style="bold")
        for key in (
            "pick",
            "confirm",
            "speak",
            "destruct",
            "focus",
            "transcript",
            "maximize",
            "thoughts",
            "review",
            "new_game",
            "palette",
            "quit",
        ):
            text.append(f"  {say(f'help.keys.{key}', lang)}\n")
        return text
