"""Seat tokens kept on this machine, so ``werewolf join CODE`` gets the same seat back."""

from __future__ import annotations

import json
import os
from pathlib import Path

from shared.settings import Settings


def _path() -> Path:
    return Settings.from_env().client_dir / "seats.json"


def _key(server: str, code: str) -> str:
    return f"{server.rstrip('/')}/{code.upper()}"


def load(server: str, code: str) -> dict | None:
    """The seat and token this machine holds at that game, if any."""
    try:
        data = json.loads(_path().read_text())
    except (OSError, ValueError):
        return None
    return data.get(_key(server, code))


def held(server: str) -> dict[str, dict]:
    """Code -> seat and token, for every game this machine holds a token of at ``server``
    (oldest first)."""
    try:
        data = json.loads(_path().read_text())
    except (OSError, ValueError):
        return {}
    prefix = server.rstrip("/") + "/"
    return {k.removeprefix(prefix): v for k, v in data.items() if k.startswith(prefix)}


def save(server: str, code: str, seat: int | None, token: str, role: str = "seat") -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data[_key(server, code)] = {"seat": seat, "token": token, "as": role}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.chmod(tmp, 0o600)  # a token is a password to a seat
    tmp.replace(path)
