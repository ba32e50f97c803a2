"""The LLM calls behind a seat's decisions: prompt, raw answer, parse, fallback, costs.

Opened from the board with ``i`` on a seat (spectators; everyone after game over).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from shared.calls import CallRecord, render
from shared.strings import say
from tui.client import ApiError, GameClient


class CallsScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,i", "dismiss", say("calls.key.close", "en")),
        Binding("p", "toggle_prompts", say("calls.key.prompts", "en")),
    ]

    def __init__(self, client: GameClient, seat: int | None, title: str, lang: str = "en") -> None:
        super().__init__()
        self.client, self.seat, self.title_text, self.lang = client, seat, title, lang
        self.records: list[CallRecord] | None = None
        self.prompts = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="calls"):
            loading = say("calls.loading", self.lang)
            yield Static(f"{self.title_text}\n\n{loading}", id="calls-text", markup=False)

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        text = self.query_one("#calls-text", Static)
        try:
            data = await self.client.calls(self.seat)
        except ApiError as e:
            text.update(f"{self.title_text}\n\n{e.message}")
            return
        self.records = [CallRecord.model_validate(c) for c in data["calls"]]
        self.paint()

    def paint(self) -> None:
        body = (
            render(self.records, prompts=self.prompts, lang=self.lang)
            if self.records
            else say("calls.none", self.lang)
        )
        hint = say("calls.hide_prompts" if self.prompts else "calls.show_prompts", self.lang)
        self.query_one("#calls-text", Static).update(f"{self.title_text}   ({hint})\n\n{body}")

    def action_toggle_prompts(self) -> None:
        self.prompts = not self.prompts
        if self.records is not None:
            self.paint()
