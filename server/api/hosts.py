"""Which names the server answers to, and which web pages may change anything.

**Host.** A web page on a name its author controls can have that name resolve to this
machine (DNS rebinding) and so reach a server on 127.0.0.1; the browser then sends the
page's own name as ``Host``. The server answers only to the names it is meant to have:

- always: ``localhost`` (and ``*.localhost``), ``127.0.0.1`` (any 127.x), ``::1``, and
  the address it is bound to;
- bound to every interface (``0.0.0.0`` or ``::``): also this machine's host name and
  fully qualified name, and any IP address (an address can't be rebound: only a name
  can be made to point elsewhere);
- the names in ``WEREWOLF_ALLOWED_HOSTS`` (comma-separated; ``.example.org`` or
  ``*.example.org`` for every subdomain; ``*`` turns the check off).

Another ``Host`` is refused with 400 ``unknown_host``.

**Origin.** The server serves no web pages, so a browser's ``POST`` (``PUT``, ``PATCH``,
``DELETE``) that carries an ``Origin`` other than the server's own comes from someone
else's page: refused with 403 ``foreign_origin``, unless the origin is listed in
``WEREWOLF_ALLOWED_ORIGINS`` (``*``: any). Clients that are not browsers send no
``Origin`` and are not affected; reading (``GET``) changes nothing and a browser shows a
cross-origin answer to no page (the server sends no CORS headers).

Starlette's ``TrustedHostMiddleware`` checks the host the same way but answers in plain
text; this answers with the project's refusal body.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from server.refusals import Refused

from .errors import refusal_response

WILDCARD_BINDS = {"", "0.0.0.0", "::", "*"}
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _machine_names() -> set[str]:
    names = {socket.gethostname(), socket.getfqdn()}
    names |= {f"{n.split('.')[0]}.local" for n in list(names) if n}  # mDNS
    return {n.lower().rstrip(".") for n in names if n}


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def split_host(value: str) -> str:
    """``Host`` without its port, lower-case: ``[::1]:8765`` -> ``::1``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


@dataclass
class HostPolicy:
    names: set[str] = field(default_factory=set)
    suffixes: tuple[str, ...] = ()
    any_ip: bool = False
    any_host: bool = False
    origins: set[str] = field(default_factory=set)
    any_origin: bool = False

    @classmethod
    def make(cls, bind: str, hosts: Iterable[str] = (), origins: Iterable[str] = ()) -> HostPolicy:
        bind = split_host(bind) if bind not in WILDCARD_BINDS else bind
        names = set(LOOPBACK_NAMES)
        suffixes = [".localhost"]
        any_ip = bind in WILDCARD_BINDS
        if any_ip:
            names |= _machine_names()
        else:
            names.add(bind)
        any_host = False
        for h in hosts:
            h = h.strip().lower()
            if h == "*":
                any_host = True
            elif h.startswith("*.") or h.startswith("."):
                suffixes.append("." + h.lstrip("*."))
            elif h:
                names.add(split_host(h))
        origin_set = {o.strip().rstrip("/").lower() for o in origins if o.strip()}
        return cls(
            names=names,
            suffixes=tuple(suffixes),
            any_ip=any_ip,
            any_host=any_host,
            origins=origin_set - {"*"},
            any_origin="*" in origin_set,
        )

    def host_ok(self, host_header: str) -> bool:
        if self.any_host:
            return True
        host = split_host(host_header)
        if not host:
            return False
        if host in self.names or host.endswith(self.suffixes):
            return True
        ip = _ip(host)
        return ip is not None and (self.any_ip or ip.is_loopback)

    def origin_ok(self, origin: str, scheme: str, host_header: str) -> bool:
        origin = origin.strip().rstrip("/").lower()
        if self.any_origin or origin in self.origins:
            return True
        parts = urlsplit(origin)  # the server's own pages, were it to serve any
        return parts.scheme == scheme and parts.netloc == host_header.strip().lower()


class HostGuard:
    """ASGI middleware: refuse a foreign ``Host``, and a foreign ``Origin`` on a change."""

    def __init__(self, app: ASGIApp, policy: HostPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        refusal = None
        if not self.policy.host_ok(host):
            refusal = Refused(
                "bad_request",
                "unknown_host",
                f"this server does not answer to the name {host[:100]!r} "
                "(WEREWOLF_ALLOWED_HOSTS lists more names)",
            )
        elif scope.get("method", "GET") not in SAFE_METHODS and "origin" in headers:
            scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
            if not self.policy.origin_ok(headers["origin"], scheme, host):
                refusal = Refused(
                    "forbidden",
                    "foreign_origin",
                    f"a page from {headers['origin'][:100]!r} may not change anything here "
                    "(WEREWOLF_ALLOWED_ORIGINS lists the pages that may)",
                )
        if refusal is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await refusal_response(refusal)(scope, receive, send)
        else:  # a websocket: close before accepting (the server has none today)
            await send({"type": "websocket.close", "code": 1008})


__all__ = ["HostGuard", "HostPolicy", "split_host"]
