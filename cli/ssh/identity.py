"""Who an ssh caller is: their public key's hash, or a guest code, each with a folder of seat
tokens kept in the data dir (so a dropped connection gets its seats back)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

# A guest code is the guest's password to their seats: 10 characters of a 32-letter
# alphabet without look-alikes (50 bits), easy to read off a screen and type back.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


@dataclass(frozen=True)
class Identity:
    """One caller: ``key`` (a public key's hash) or ``guest``, and where their seats are kept."""

    kind: str  # "key" | "guest"
    name: str  # the folder's name: a hash, never the key or the code itself
    folder: Path
    code: str | None = None  # a guest's code, to show them (never stored in clear)

    def settle(self) -> None:
        """Make the folder (private to this process's user) before a session uses it."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def holds_nothing(self) -> bool:
        return not (self.folder / "seats.json").exists()


def _folder(data_dir: Path, name: str) -> Path:
    # Made when a session starts (Identity.settle), not at login: a refused command or a
    # probe leaves nothing behind.
    return data_dir / "ssh" / "identities" / name


def of_key(data_dir: Path, key_blob: bytes) -> Identity:
    """The identity of a public key (its wire encoding): the same key, the same folder."""
    name = "key-" + hashlib.sha256(key_blob).hexdigest()[:32]
    return Identity("key", name, _folder(data_dir, name))


def _guest_name(code: str) -> str:
    return "guest-" + hashlib.sha256(code.encode()).hexdigest()[:32]


def code_in(username: str) -> str | None:
    """The guest code in a login name such as ``play+K7QX2MPA4R`` (any case), if any."""
    _, plus, code = username.partition("+")
    code = code.strip().upper()
    return code if plus and _CODE.fullmatch(code) else None


def guest(data_dir: Path, code: str | None) -> Identity:
    """The guest of ``code`` if that guest exists here, else a new guest with a new code."""
    if code is not None:
        folder = data_dir / "ssh" / "identities" / _guest_name(code)
        if folder.is_dir():
            return Identity("guest", folder.name, folder, code)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    name = _guest_name(code)
    return Identity("guest", name, _folder(data_dir, name), code)


def host_key_path(data_dir: Path) -> Path:
    """The server's host key, generated on first start and kept (0600) ever after."""
    return data_dir / "ssh" / "ssh_host_ed25519_key"


def load_or_make_host_key(data_dir: Path):
    import asyncssh

    path = host_key_path(data_dir)
    if path.exists():
        return asyncssh.read_private_key(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = asyncssh.generate_private_key("ssh-ed25519")
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.export_private_key())
    tmp.replace(path)
    return key


def follow_server(data_dir: Path, url: str) -> int:
    """Callers' seats are kept by the game server's URL (tui/tokens.py), and the server
    ssh-serve starts for itself gets a new port each run: on start, every seat kept here
    moves to this run's URL, so a restart loses nobody's seats (the games themselves are
    in the data dir). Every seat here is one taken through this door, so each is at the
    door's game server, whatever port it had. Returns how many callers' files changed."""
    url = url.rstrip("/")
    return sum(
        _move_seats(seats, url) for seats in (data_dir / "ssh" / "identities").glob("*/seats.json")
    )


def _move_seats(seats: Path, url: str) -> int:
    try:
        data = json.loads(seats.read_text())
    except (OSError, ValueError):
        return 0
    if not isinstance(data, dict):
        return 0
    # a key is "<server URL>/<CODE>[#role]"; the code and role never hold a "/"
    moved = {f"{url}/{k.rpartition('/')[2]}": v for k, v in data.items()}
    if moved == data:
        return 0
    tmp = seats.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # tokens: private
    with os.fdopen(fd, "w") as f:
        json.dump(moved, f, indent=1)
    tmp.replace(seats)
    return 1
