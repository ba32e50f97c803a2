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

ROLE_ORDER = ("werewolf", "villager", "seer", "witch", "hunter", "guard", "idiot")


def rules_lines(roles: dict[str, int], players: int, options: dict, lang: str) -> list[str]:
    """The table's rules in the players' words: the board, how each side wins, the sheriff,
    the witch's self-save (the lobby and the help screen say the same)."""
    lines = []
    if roles:
        order = [r for r in ROLE_ORDER if r in roles] + [r for r in roles if r not in ROLE_ORDER]
        board = say("narrate.board_sep", lang).join(
            say("narrate.board_item", lang, count=roles[r], role=role_name(r, lang)) for r in order
        )
        lines.append(say("lobby.rule.board", lang, players=players, board=board))
    win = options.get("win_condition") or "sides"
    if has(f"lobby.rule.win.{win}"):
        lines.append(
            say("lobby.rule.village_wins", lang) + say("lobby.rule.sep", lang)
            + say(f"lobby.rule.win.{win}", lang)
        )  # fmt: skip
    sheriff = options.get("sheriff")
    if sheriff is None:  # the default: on at 12 players
        sheriff = players == 12
    saves = f"lobby.rule.self_save.{options.get('witch_self_save') or 'first_night'}"
    more = [say("lobby.rule.sheriff" if sheriff else "lobby.rule.no_sheriff", lang)]
    if "witch" in roles or not roles:
        more.append(say(saves, lang) if has(saves) else "")
    lines.append(say("lobby.rule.sep", lang).join(m for m in more if m))
    return lines


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
        text.append(say("help.rules", lang) + "\n", style="bold")
        players = sum(roles.values())
        for line in rules_lines(roles, players, self.board.options, lang)[1:]:  # (the board:
            text.append(f"  {line}\n")  # above, role by role)
        text.append("\n")
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
