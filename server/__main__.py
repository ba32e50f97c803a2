"""``python -m server serve`` runs the game server alone; ``werewolf`` (``cli/``) does the rest."""

import sys

from server.heap import loading

# The collector off from the very start (server/heap.py): the command's own imports
# (pydantic, the settings) come before ``serve`` turns it off otherwise.
loading()

from server.command import main  # noqa: E402

sys.exit(main())
