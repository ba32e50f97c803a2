"""Seat tokens kept on this machine, so ``werewolf join CODE`` gets the same seat back."""

from __future__ import annotations

import json
import os
from pathlib import Path

from shared.settings import Settings


def _path() -> Path:
    return Settings.from_env().client_dir / "seats.json"


def _key(server: str, code: str, role: str = "seat") -> str:
    # The host's seat is kept apart: a `join` on the host's machine takes a seat of its own.
    key = f"{server.rstrip('/')}/{code.upper()}"
    return key if role == "seat" else f"{key}#{role}"


def load(server: str, code: str, role: str = "seat") -> dict | None:
    """The seat and token this machine holds at that game as ``role``, if any."""
    try:
        data = json.loads(_path().read_text())
    except (OSError, ValueError):
        return None
    return data.get(_key(server, code, role))


def held(server: str) -> dict[str, dict]:
    """Code -> seat, token and role ("as"), for every game this machine holds a token of at
    ``server`` (oldest first; of a game held both as host and as a joiner, the first kept)."""
    try:
        data = json.loads(_path().read_text())
    except (OSError, ValueError):
        return {}
    prefix = server.rstrip("/") + "/"
    found: dict[str, dict] = {}
    for k, v in data.items():
        if k.startswith(prefix):
            found.setdefault(k.removeprefix(prefix).partition("#")[0], v)
    return found


def save(server: str, code: str, seat: int | None, token: str, role: str = "seat") -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data[_key(server, code, role)] = {"seat": seat, "token": token, "as": role}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.chmod(tmp, 0o600)  # a token is a password to a seat
    tmp.replace(path)
