"""``python -m server serve`` runs the game server alone; ``werewolf`` (``cli/``) does the rest."""

import sys

from server.command import main

sys.exit(main())
