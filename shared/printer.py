"""Prints a game's events as plain text while they stream (no Textual needed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from shared.events import (
    Event,
    GameCreated,
    SpeechEnd,
    SpeechStart,
    ThoughtEnd,
    ThoughtStart,
    ThoughtToken,
    Token,
)
from shared.strings import has, say

DIM, BOLD, RESET = "\x1b[2m", "\x1b[1m", "\x1b[0m"


class PlainPrinter:
    """Speeches stream token by token; a thought is printed whole when it ends,
    since several seats may think at once."""

    def __init__(
        self,
        lang: str,
        out: TextIO,
        narrate: Callable[[Event, str], str | None],
        color: bool | None = None,
    ) -> None:
        self.lang = lang
        self.out = out
        self.narrate = narrate
        self.color = out.isatty() if color is None else color
        self.names: dict[int, str] = {}
        self.thoughts: dict[int, list[str]] = {}
        self.speaking: int | None = None

    def _style(self, s: str, code: str) -> str:
        return f"{code}{s}{RESET}" if self.color else s

    def who(self, seat: int) -> str:
        return say("printer.who", self.lang, n=seat, name=self.names.get(seat, ""))

    def _line(self, text: str) -> None:
        if self.speaking is not None:
            self.out.write("\n")
            self.speaking = None
        self.out.write(text + "\n")
        self.out.flush()

    def feed(self, e: Event) -> None:
        if isinstance(e, GameCreated):
            self.names = {s.seat: s.name for s in e.seats}
        if isinstance(e, ThoughtStart):
            self.thoughts[e.seat] = []
            return
        if isinstance(e, ThoughtToken):
            self.thoughts.setdefault(e.seat, []).append(e.content)
            return
        if isinstance(e, ThoughtEnd):
            text = "".join(self.thoughts.pop(e.seat, []))
            thought = say("printer.thought", self.lang, who=self.who(e.seat), text=text)
            self._line(self._style(f"  {thought}", DIM))
            return
        if isinstance(e, SpeechStart):
            key = f"printer.tag.{e.kind}"
            tag = f" [{say(key, self.lang)}]" if has(key) else ""
            self._line(self._style(f"{self.who(e.seat)}{tag}:", BOLD))
            self.out.write("  ")
            self.speaking = e.seat
            return
        if isinstance(e, Token):
            self.out.write(e.content)
            self.out.flush()
            return
        if isinstance(e, SpeechEnd):
            if self.speaking is not None:
                self.out.write("\n")
                self.speaking = None
            return
        text = self.narrate(e, self.lang)
        if text:
            self._line(self._style(f"» {text}", BOLD))
