"""``python -m cli`` is the ``werewolf`` command."""

import sys

from cli.main import main

sys.exit(main())
