"""The lobby of a hosted game: the code, who has joined, the open seats, the rules."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from shared.events import Snapshot
from shared.strings import say
from tui import over_ssh
from tui.launch import join_command
from tui.widgets.help import rules_lines

SEAT_COLUMN = 28  # cells: a seat, its name and who sits there, then the second column


class LobbyScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("s", "start", say("lobby.key.start", "en"), tooltip=say("lobby.tip.start", "en"))
    ]

    def __init__(
        self, code: str, lang: str, host: bool, server: str = "", roles: dict | None = None
    ) -> None:
        super().__init__()
        self.code, self.lang, self.host, self.server = code, lang, host, server
        self.roles: dict[str, int] = roles or {}  # the board (the app's, once it is known)
        self.body = Static("", id="lobby-body", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical(id="lobby"):
            yield self.body

    def show(self, summary: dict, snapshot: Snapshot) -> None:
        lang = self.lang
        state = snapshot.state
        you = state.you
        humans, open_seats = set(summary.get("humans", [])), set(summary.get("open_seats", []))
        text = Text()
        text.append(say("lobby.title", lang, code=self.code) + "\n", style="bold underline")
        door = over_ssh.door()  # an ssh caller's friends come through the same door
        if door:
            join = say("lobby.join_ssh", lang, door=door, code=self.code)
        else:  # with --server when the joiners' default would miss this server
            join = say("lobby.join_command", lang, command=join_command(self.code, self.server))
        text.append(join + "\n", style="cyan")
        if summary.get("open"):  # every bot's thoughts for everyone: every player is told
            text.append(say("lobby.open_table", lang) + "\n", style="magenta")
        if summary.get("public"):
            text.append(say("lobby.public", lang) + "\n", style="yellow")
        if summary.get("spectated"):  # a token that sees every role: every player is told
            text.append(say("lobby.spectated", lang) + "\n", style="bold red")
        # (before the seats: at 24 rows the box shows no more than about 20 lines)
        text.append(say("lobby.start" if self.host else "lobby.wait", lang), style="bold yellow")
        text.append("\n\n")
        text.append(say("lobby.seats", lang) + "\n", style="bold")
        entries: list[tuple[str, str]] = []
        for seat in state.seats:
            n = seat.seat
            if n == you:
                who, style = say("lobby.you", lang), "bold cyan"
            elif n in open_seats:
                who, style = say("lobby.open", lang), "yellow"
            elif n in humans:
                who, style = say("lobby.human", lang), "green"
            else:
                who, style = say("lobby.bot", lang), "dim"
            name = seat.name  # padded by cells: a Chinese name is twice as wide
            pad = " " * max(1, 10 - cell_len(name))
            entries.append((f"{say('lobby.seat', lang, n=n, name=name)}{pad}{who}", style))
        # Two columns, down then across: at 80x24 one seat a row left no room for the rules.
        rows = (len(entries) + 1) // 2
        for i in range(rows):
            left, style = entries[i]
            text.append(f"  {left}", style=style)
            if i + rows < len(entries):
                right, other = entries[i + rows]
                text.append(" " * max(2, SEAT_COLUMN - cell_len(left)))
                text.append(right, style=other)
            text.append("\n")
        text.append("\n" + say("lobby.rules", lang) + "\n", style="bold")
        for line in rules_lines(self.roles, len(state.seats), state.options, lang):
            text.append(f"  {line}\n", style="dim")
        self.body.update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the host is offered s: the others wait for him."""
        return self.host if action == "start" else True

    async def action_start(self) -> None:
        if self.host:
            await self.app.run_action("start")
