"""What one client may do: how often it creates games, joins, acts and names games that
don't exist, and how many event streams it holds open (docs/protocol.md, "Limits").

A client is the peer address as uvicorn reports it, or the ssh caller's address that
``werewolf ssh-serve`` vouches for with the key the two share (:mod:`shared.door`; any
other client's header changes nothing). Behind a reverse proxy, uvicorn takes the address
its ``X-Forwarded-For`` names only from the proxies the operator lists in
``FORWARDED_ALLOW_IPS`` (server/app.py). For actions, the address and the bearer token together, so players behind one address
each have their own allowance. The rates are counted by the ``limits`` library in moving
windows held in this process's memory; a refusal is 429 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Literal

from fastapi import Depends, Request
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from server.refusals import Refused
from shared import door
from shared.settings import ServerLimits

Kind = Literal["create", "join", "action", "miss"]
STREAM_RETRY_SECONDS = 5  # a stream slot frees when one of the client's streams closes

_WHAT: dict[Kind, str] = {
    "create": "games created",
    "join": "joins",
    "action": "actions",
    "miss": "requests naming a game that does not exist",
}


def _rates(value: str) -> list[RateLimitItem]:
    return [] if value.strip().lower() == "off" else parse_many(value)


class Quotas:
    """The limits of one server, and what each client has spent of them."""

    def __init__(self, limits: ServerLimits, door_key: str | None = None) -> None:
        self.limits = limits
        # (None: the environment's; a key too short to be one trusts no door)
        self.door_key = door.usable_key(door_key or os.environ.get(door.KEY_ENV))
        self.rates: dict[Kind, list[RateLimitItem]] = {
            "create": _rates(limits.create_rate),
            "join": _rates(limits.join_rate),
            "action": _rates(limits.action_rate),
            "miss": _rates(limits.miss_rate),
        }
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.streams: Counter[str] = Counter()  # client -> streams open

    async def spend(self, kind: Kind, *client: str) -> None:
        """Count one request of ``kind`` by ``client``, or refuse it (429) and count nothing."""
        for rate in self.rates[kind]:
            if not await self.limiter.test(rate, kind, *client):
                stats = await self.limiter.get_window_stats(rate, kind, *client)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                raise Refused(
                    "too_many",
                    "rate_limited",
                    f"too many {_WHAT[kind]} from this client: at most {rate} "
                    f"(try again in {wait} s)",
                    retry_after=wait,
                )
        for rate in self.rates[kind]:
            await self.limiter.hit(rate, kind, *client)

    def open_stream(self, client: str) -> None:
        cap = self.limits.max_streams
        if cap and self.streams[client] >= cap:
            raise Refused(
                "too_many",
                "too_many_streams",
                f"this client has {cap} event streams open, the most one may hold: close one first",
                retry_after=STREAM_RETRY_SECONDS,
            )
        self.streams[client] += 1

    def close_stream(self, client: str) -> None:
        self.streams[client] -= 1
        if self.streams[client] <= 0:
            del self.streams[client]


def client_of(request: Request) -> str:
    if caller := door.vouched_caller(request.headers, quotas_of(request).door_key):
        return caller
    return request.client.host if request.client else "unknown"


def quotas_of(request: Request) -> Quotas:
    return request.app.state.quotas


# -- the dependencies routes declare (``dependencies=[...]``) -------------------------------
async def creating(request: Request) -> None:
    await quotas_of(request).spend("create", client_of(request))


async def joining(request: Request) -> None:
    await quotas_of(request).spend("join", client_of(request))


async def acting(request: Request) -> None:
    # keyed by what the client presents, digested: a long header makes no long key
    auth = request.headers.get("authorization", "").encode("latin-1", "replace")
    token = hashlib.blake2b(auth, digest_size=12).hexdigest()
    await quotas_of(request).spend("action", client_of(request), token)


async def missed(request: Request) -> None:
    """A request named a game that does not exist: count it (the caller then says 404)."""
    await quotas_of(request).spend("miss", client_of(request))


async def streaming(request: Request) -> AsyncIterator[None]:
    """Hold one of the client's stream slots while the response streams."""
    quotas, client = quotas_of(request), client_of(request)
    quotas.open_stream(client)
    try:
        yield
    finally:
        quotas.close_stream(client)


CREATE = Depends(creating)
JOIN = Depends(joining)
ACTION = Depends(acting)
STREAM = Depends(streaming)

__all__ = ["ACTION", "CREATE", "JOIN", "STREAM", "Quotas", "client_of", "missed"]
