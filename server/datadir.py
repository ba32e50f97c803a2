"""A server's data directory: one server at a time, and nobody else may read it.

The directory holds every game's tokens and seeds: it is made 0700 and its files 0600.
A second server on the same directory would run every unfinished game a second time:
it refuses to start, saying which directory and why.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_NAME = "server.lock"


class DataDirInUse(RuntimeError):
    """Another server holds this data directory."""


class DataDirLock:
    """An exclusive lock on ``directory`` for as long as this server runs (released by the
    OS if the process dies, so a SIGKILLed server never leaves it stale)."""

    def __init__(self, directory: Path) -> None:
        old = os.umask(0o077)  # every file the server makes here is its own alone
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        finally:
            os.umask(old)
        os.chmod(directory, 0o700)
        self.path = directory / LOCK_NAME
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise DataDirInUse(
                f"another werewolf server is using {directory} (its lock is {self.path}); "
                "stop it, or give this one another --data-dir"
            ) from None
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"{os.getpid()}\n".encode())

    def release(self) -> None:
        if self._fd >= 0:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = -1


def private_files(directory: Path) -> None:
    """Make every file in ``directory`` readable by this user alone (0600)."""
    for path in directory.iterdir():
        if path.is_file():
            os.chmod(path, 0o600)


__all__ = ["DataDirInUse", "DataDirLock", "private_files"]
