"""The ``werewolf`` command: above both halves, it imports ``server`` and ``tui``; neither imports it."""
