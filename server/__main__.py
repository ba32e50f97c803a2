"""``python -m server`` is the ``werewolf`` command."""

import sys

from server.cli import main

sys.exit(main())
