"""Whether this app runs for a caller of ``werewolf ssh-serve`` (cli/ssh/), and what
changes for them: others join through the same door, and nothing writes files here."""

from __future__ import annotations

import os

DOOR_ENV = "WEREWOLF_SSH_DOOR"  # set by the door: "ssh -p PORT play@HOST"
# Textual's own palette commands that act on this machine, not the caller's: a screenshot
# is a file written on the server, where the caller can never open it.
LOCAL_ONLY_COMMANDS = frozenset({"Screenshot"})


def door() -> str | None:
    """The ssh command that reaches these tables, when this app runs behind the door."""
    return os.environ.get(DOOR_ENV) or None


def offered(command_title: str) -> bool:
    """Whether a palette command makes sense for this user."""
    return door() is None or command_title not in LOCAL_ONLY_COMMANDS
