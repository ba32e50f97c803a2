"""The ``werewolf`` command: above both halves, it imports ``server`` and ``tui``; neither imports it.

Importing it first keeps httpx's own command line out of every ``werewolf`` process until
something runs it (cli/lazy_httpx_cli.py): 90 ms of CPU in each."""

from cli.lazy_httpx_cli import install

install()
