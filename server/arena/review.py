"""A stored game told as plain lines: the moderator's narration, each speech, and who played whom.

The arena keeps a game's god's-eye record; this is how ``werewolf arena show`` and the HTML
report let anyone read any game of a run. Every line passes through ``clean()``: a model's
speech is data, never terminal control.
"""

from __future__ import annotations

from shared.events import SpeechEnd, ThoughtToken, parse_event
from shared.narrate import narrate, role_name
from shared.text import clean


def game_lines(
    events: list[dict],
    seats: dict[int, str],
    roles: dict[int, str],
    lang: str = "en",
    thoughts: bool = False,
) -> list[str]:
    """The game's record, one line per thing that happened (with each bot's thoughts too)."""
    out = [
        "Seats: "
        + ", ".join(f"{s} {seats[s]} ({role_name(roles[s], lang)})" for s in sorted(seats))
    ]
    for data in events:
        e = parse_event(data)
        if isinstance(e, ThoughtToken):
            if thoughts and e.content.strip():
                out.append(f"    ({e.seat} {seats.get(e.seat, '?')} thinks) {e.content}")
            continue
        if isinstance(e, SpeechEnd):
            tag = "" if e.kind == "day" else f" [{e.kind}]"
            who = f"{e.seat} {seats.get(e.seat, '?')}/{role_name(roles.get(e.seat, 'villager'), lang)}"
            out.append(f"  {who}{tag}: {e.text}")
            continue
        text = narrate(e, lang)
        if text:
            out.append(f"» {text}")
    return [clean(line) for line in out]


__all__ = ["game_lines"]
