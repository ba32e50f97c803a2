"""How ``werewolf ssh-serve`` vouches to the game server for its callers' addresses.

Every ssh caller's program reaches the game server from the door's machine, so the server
would count all of them as one client (one quota for everyone). The door knows each
caller's real address; it tells the server in a header, and the server believes that
header only beside a key the two share (``WEREWOLF_DOOR_KEY``, a long random string in
both environments). Without the key, or with a wrong one, the header changes nothing: any
other client, local or not, can send ``X-Werewolf-Caller`` and still counts as itself.

(Not ``X-Forwarded-For`` trusted from loopback: on a shared machine every local user is on
loopback, and could spend another address's quota or escape their own.)
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Mapping

KEY_ENV = "WEREWOLF_DOOR_KEY"  # the shared key: the door's and the game server's environment
CALLER_ENV = "WEREWOLF_CALLER_ADDRESS"  # one caller's address: their program's environment
KEY_HEADER = "x-werewolf-door-key"
CALLER_HEADER = "x-werewolf-caller"
MIN_KEY_LENGTH = 16  # a shorter key is no key: it could be guessed


def usable_key(key: str | None) -> str | None:
    key = (key or "").strip()
    return key if len(key) >= MIN_KEY_LENGTH else None


def caller_headers(env: Mapping[str, str]) -> dict[str, str]:
    """The headers a caller's program sends with every request (none outside the door)."""
    key, caller = usable_key(env.get(KEY_ENV)), env.get(CALLER_ENV, "")
    if key is None or _address(caller) is None:
        return {}
    return {KEY_HEADER: key, CALLER_HEADER: caller}


def vouched_caller(headers: Mapping[str, str], key: str | None) -> str | None:
    """The caller's address the door vouches for in ``headers``, or None: no key configured
    here, no header, a wrong key, or not an address."""
    key = usable_key(key)
    given = headers.get(KEY_HEADER)
    if key is None or given is None:
        return None
    if not hmac.compare_digest(given.encode("utf-8", "replace"), key.encode()):
        return None
    return _address(headers.get(CALLER_HEADER, ""))


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
