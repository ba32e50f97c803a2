"""``python -m server serve`` runs the game server alone; ``werewolf`` (``cli/``) does the rest."""

import sys

from server.heap import loading

# The collector off before the command's own imports (pydantic, the settings), which come
# before ``serve`` would turn it off (server/heap.py); only the package and asyncio precede.
loading()

from server.command import main  # noqa: E402

sys.exit(main())
