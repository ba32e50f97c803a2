"""The game server's HTTP and SSE client. It knows nothing of Textual.

``follow`` yields a game's events as they stream and survives dropped
connections: it reconnects with ``Last-Event-ID`` and exponential backoff, and
reports each change of connection state through a callback.

Everything read from the wire goes through :func:`wire` first: every string in it is
cleaned of escape sequences, control and bidi characters (``shared/text.py``), so
whatever a server sends, nothing in it can act on the terminal that shows it.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import json
import os
import re
import ssl
import sys
import types
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Literal

# httpx's package imports its own command-line client (click, pygments) whenever click is
# installed: 0.2-0.4 s of the first screen's 2 s, for a command we never run. An empty
# module in its place makes httpx fall back to its stub ``main`` (its ImportError path).
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", types.ModuleType("httpx._main"))

import httpx  # noqa: E402
from httpx_sse import aconnect_sse  # noqa: E402

from shared.actions import Action  # noqa: E402
from shared.door import caller_headers  # noqa: E402
from shared.events import EVENT_TYPES, Event, GameView, Snapshot, parse_event  # noqa: E402
from shared.text import clean, clean_json  # noqa: E402

ConnectionState = Literal["connecting", "live", "reconnecting", "closed"]


class ApiError(Exception):
    """The server refused a request; ``message`` says why in its own words."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Connection:
    state: ConnectionState
    attempt: int = 0
    error: str = ""


# A JSON text whose strings may hold something to clean: an escape (``\u001b``, ``\r``…)
# or a raw C1 or bidi control. The rest is decoded as it is, at no extra cost.
_MAY_NEED_CLEANING = re.compile(r"\\[ubfr]|[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def wire(data: str | bytes) -> Any:
    """A JSON text from the server, decoded, with every string in it cleaned."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    value = json.loads(text)
    return clean_json(value) if _MAY_NEED_CLEANING.search(text) else value


def _message(item: Any) -> str:
    where = ".".join(str(x) for x in item.get("loc", []) if x != "body")
    return f"{where}: {item.get('msg', '')}" if where else str(item.get("msg", ""))


def api_error(response: httpx.Response) -> ApiError:
    """The refusal in a response from our server, in its own words: ``{"detail": {"code",
    "message", "fields"?}}`` (and, from an older server, FastAPI's list of errors)."""
    status = response.status_code
    try:
        body = wire(response.content)
    except ValueError:
        return ApiError(status, "error", clean(response.text[:200]))
    detail = body.get("detail") if isinstance(body, dict) else body
    if isinstance(detail, dict):
        message = str(detail.get("message") or "")
        fields = [f for f in detail.get("fields") or [] if isinstance(f, dict)]
        if fields and not message:
            message = "; ".join(_message(f) for f in fields)
        return ApiError(status, str(detail.get("code", "error")), message or str(detail))
    if isinstance(detail, list):  # an older server: FastAPI's validation errors
        parts = [_message(item) for item in detail if isinstance(item, dict)]
        return ApiError(status, "invalid", "; ".join(parts))
    return ApiError(status, "error", str(detail))


@functools.cache
def _tls() -> ssl.SSLContext:
    """httpx's default TLS context (certifi's CAs, or SSL_CERT_FILE / SSL_CERT_DIR), made
    once for every client of the process: httpx makes one per client otherwise, reading
    every CA certificate again, ~30 ms of CPU each."""
    return httpx.create_ssl_context()


@functools.cache
def _trusting_nothing() -> ssl.SSLContext:
    """A TLS context with no CA, for a client that never uses TLS (httpx wants a context all
    the same). Nothing is read to make it (httpx's default reads the whole CA bundle: 110 ms
    of CPU before ``werewolf play``'s first frame), and should a TLS connection ever go
    through it, no certificate would pass."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def on_this_machine(url: str) -> bool:
    """Is ``url`` a plain-HTTP server on this machine's loopback (``werewolf play``'s private
    server, or one the user started here)? Its client goes to it directly, never through a
    proxy from the environment (``HTTP_PROXY``, ``ALL_PROXY``: nothing to proxy on
    loopback, and a proxy would not reach it), and so never uses TLS."""
    try:
        u = httpx.URL(url)
    except httpx.InvalidURL:
        return False
    if u.scheme != "http":
        return False
    if u.host.lower() == "localhost":
        return True
    try:  # (as the server's host check reads an address: server/api/hosts.py)
        return ipaddress.ip_address(u.host).is_loopback
    except ValueError:  # a name
        return False


class GameClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        game_id: str | None = None,
        max_backoff: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.game_id = game_id
        self.max_backoff = max_backoff
        local = on_this_machine(self.base_url)
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(10.0, read=None),
            transport=transport,
            headers=caller_headers(os.environ),  # (behind the ssh door only: shared/door.py)
            # Elsewhere, any proxy the environment names, and the CAs (an https proxy needs
            # them even for a plain-HTTP server).
            trust_env=not local,
            verify=_trusting_nothing() if local else _tls(),
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    def _headers(self) -> dict[str, str]:
        # A fresh dict every time: aconnect_sse writes into the one it is given.
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    # -- plain requests ------------------------------------------------------------
    async def create_game(self, **body: Any) -> dict:
        r = await self._http.post("/games", json=body)
        if r.status_code != 201:
            raise api_error(r)
        return wire(r.content)

    async def join(self, code: str, seat: int | None = None) -> dict:
        r = await self._http.post(f"/games/{code}/join", json={"seat": seat} if seat else None)
        if r.status_code != 200:
            raise api_error(r)
        return wire(r.content)

    async def list_games(self, limit: int | None = None, after: str | None = None) -> dict:
        """One page of the server's listing, newest first: ``{"games": [...], "next"}``,
        where ``next`` (None on the last page) is the ``after`` of the next page. It holds
        the public games and, with this client's token, the game the token belongs to."""
        params = {k: v for k, v in (("limit", limit), ("after", after)) if v is not None}
        r = await self._http.get("/games", params=params, headers=self._headers())
        if r.status_code != 200:
            raise api_error(r)
        return r.json()

    async def summary(self, game_id: str | None = None) -> dict:
        """The game's row of the listing (its lobby: humans, open seats, started), for any
        token of the game."""
        r = await self._http.get(f"/games/{self._game(game_id)}/summary", headers=self._headers())
        if r.status_code != 200:
            raise api_error(r)
        return wire(r.content)

    def _game(self, game_id: str | None) -> str:
        game_id = game_id or self.game_id
        if not game_id:
            raise ValueError("which game? pass game_id or construct the client with one")
        return game_id

    async def snapshot(self, game_id: str | None = None) -> GameView:
        r = await self._http.get(f"/games/{self._game(game_id)}", headers=self._headers())
        if r.status_code != 200:
            raise api_error(r)
        return GameView.model_validate(wire(r.content))

    async def _back_off(self, attempt: int) -> None:
        """Wait before the ``attempt``-th retry: 0.2 s, doubling, at most ``max_backoff``."""
        await asyncio.sleep(min(self.max_backoff, 0.2 * 2 ** (attempt - 1)))

    async def snapshot_when_up(
        self,
        on_connection: Callable[[Connection], None] | None = None,
        game_id: str | None = None,
    ) -> GameView:
        """The snapshot; a server failing for a moment (5xx, no connection) is asked again
        with backoff, as the feed is, and ``on_connection`` hears it. A refusal is final."""
        attempt = 0
        while True:
            try:
                return await self.snapshot(game_id)
            except ApiError as e:
                if e.status < 500:
                    raise
                error = e.message
            except httpx.TransportError as e:
                error = str(e) or type(e).__name__
            attempt += 1
            if on_connection is not None:
                on_connection(Connection("reconnecting", attempt=attempt, error=error))
            await self._back_off(attempt)

    async def calls(self, seat: int | None = None, game_id: str | None = None) -> dict:
        """The LLM bots' call records (spectators; everyone after game over)."""
        r = await self._http.get(
            f"/games/{self._game(game_id)}/calls",
            params={"seat": seat} if seat else None,
            headers=self._headers(),
        )
        if r.status_code != 200:
            raise api_error(r)
        return wire(r.content)

    async def health(self, timeout: float = 5.0) -> dict:
        """The server's ``/healthz`` answer; a transport error if nobody answers in time."""
        r = await self._http.get("/healthz", timeout=timeout)
        if r.status_code != 200:
            raise api_error(r)
        return wire(r.content)

    async def __aenter__(self) -> GameClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    # -- acting -------------------------------------------------------------------------
    async def act(self, action: Action, game_id: str | None = None) -> int:
        """Answer the decision the game asks of ``action.seat``. Returns once the rules have
        taken it (the log's head before its consequences); raises :class:`ApiError` with
        the rules' reason when they refuse it."""
        r = await self._http.post(
            f"/games/{self._game(game_id)}/actions",
            json=action.model_dump(exclude_none=True),
            headers=self._headers(),
        )
        if r.status_code != 200:
            raise api_error(r)
        return wire(r.content)["seq"]

    async def _segment(self, path: str, game_id: str | None = None) -> Snapshot | None:
        """POST start/advance and read its answer (one segment) to the end; return the
        segment's closing snapshot."""
        last = None
        async with aconnect_sse(
            self._http, "POST", f"/games/{self._game(game_id)}/{path}", headers=self._headers()
        ) as es:
            if es.response.status_code != 200:
                await es.response.aread()
                raise api_error(es.response)
            async for sse in es.aiter_sse():
                if sse.event == "snapshot":
                    last = Snapshot.model_validate(wire(sse.data))
        return last

    async def start(self, game_id: str | None = None) -> Snapshot | None:
        return await self._segment("start", game_id)

    async def advance(self, game_id: str | None = None) -> Snapshot | None:
        return await self._segment("advance", game_id)

    # -- the feed -----------------------------------------------------------------
    async def follow(
        self,
        game_id: str | None = None,
        after: int = 0,
        on_connection: Callable[[Connection], None] | None = None,
    ) -> AsyncIterator[tuple[int, Event]]:
        """The game's events from ``after`` on, as ``(seq, event)``, until game over.

        A dropped stream is resumed with ``Last-Event-ID``; nothing is lost or repeated.
        """
        game_id = self._game(game_id)
        last = after
        attempt = 0
        notify = on_connection or (lambda _c: None)
        notify(Connection("connecting"))
        while True:
            try:
                headers = self._headers()
                if last:
                    headers["Last-Event-ID"] = str(last)
                async with aconnect_sse(
                    self._http, "GET", f"/games/{game_id}/events", headers=headers
                ) as es:
                    if es.response.status_code != 200:
                        await es.response.aread()
                        error = api_error(es.response)
                        # (429: this client holds too many streams; one may close soon)
                        if es.response.status_code < 500 and es.response.status_code != 429:
                            notify(Connection("closed", error=error.message))
                            raise error
                        raise httpx.HTTPStatusError(
                            error.message, request=es.response.request, response=es.response
                        )
                    attempt = 0
                    notify(Connection("live"))
                    async for sse in es.aiter_sse():
                        if not sse.data:  # keep-alive comments carry no event
                            continue
                        seq = int(sse.id) if sse.id else last
                        if sse.id and seq <= last:
                            continue  # already had it (a server resending after a restart)
                        last = max(last, seq)
                        if sse.event != "message" and sse.event not in EVENT_TYPES:
                            continue  # from a newer server: not ours to show
                        event = parse_event(wire(sse.data))
                        yield seq, event
                        if event.type == "snapshot" and event.state.over:
                            notify(Connection("closed"))
                            return
                # The server ended the stream without game over (it restarted): go again.
                raise httpx.RemoteProtocolError("stream ended")
            except (httpx.TransportError, httpx.HTTPStatusError) as e:
                attempt += 1
                why = clean(str(e)) or type(e).__name__
                notify(Connection("reconnecting", attempt=attempt, error=why))
                await self._back_off(attempt)
