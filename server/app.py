"""The FastAPI application and how to serve it with uvicorn."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from contextlib import asynccontextmanager
from pathlib import Path
from types import FrameType

import uvicorn
from fastapi import FastAPI

from server.api import add_routes, install_error_handlers
from server.api.guard import BodyGuard
from server.api.hosts import HostGuard, HostPolicy
from server.api.quotas import Quotas
from server.datadir import DataDirLock
from server.moderator import Moderator
from shared.settings import ServerLimits, Settings

GRACEFUL_SHUTDOWN_SECONDS = 3  # an open SSE stream would otherwise hold shutdown forever
TICK_SECONDS = 1.0  # how often the server's main loop wakes (uvicorn's: 0.1)


class Server(uvicorn.Server):
    """uvicorn's server, whose main loop wakes once a second (the ``Date`` header is to the
    second) instead of ten times, and at once on a signal. A wake-up of an idle process
    costs about 100 µs here: ten a second were a third of a paced game's (20 ticks a
    second) and most of an idle server's CPU."""

    _wake: asyncio.Future[None] | None = None
    lifeline: int | None = None  # a pipe's read end: its end of file stops the server

    async def main_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self.lifeline is not None:
            loop.add_reader(self.lifeline, self._lifeline_read, loop)
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 10) % 864000  # uvicorn's ticks: a multiple of 10 each second
            self._wake = wake = loop.create_future()
            timer = loop.call_later(TICK_SECONDS, _wake_up, wake)
            try:
                await wake
            finally:
                timer.cancel()
            should_exit = await self.on_tick(counter)

    def _lifeline_read(self, loop: asyncio.AbstractEventLoop) -> None:
        """The lifeline readable: its writer (whoever started the server) wrote, or is gone,
        however it ended (``kill -9`` included). Gone: stop as on SIGTERM."""
        assert self.lifeline is not None
        try:
            if os.read(self.lifeline, 512):
                return  # (nothing is ever written: ignored)
        except OSError:
            pass
        loop.remove_reader(self.lifeline)
        self.handle_exit(signal.SIGTERM, None)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        wake = self._wake
        if wake is not None:  # a signal handler: the loop is woken the thread-safe way
            wake.get_loop().call_soon_threadsafe(_wake_up, wake)


def _wake_up(wake: asyncio.Future[None]) -> None:
    if not wake.done():
        wake.set_result(None)


def create_app(
    data_dir: Path | None,
    max_body_bytes: int | None = None,
    lock: DataDirLock | None = None,
    limits: ServerLimits | None = None,
    bind: str = "127.0.0.1",
) -> FastAPI:
    """``data_dir`` None keeps everything in memory (tests, throwaway games).
    ``max_body_bytes``: the largest request body read (default: ``WEREWOLF_MAX_BODY_BYTES``);
    ``lock``: the data directory's, if the caller holds it already. ``limits`` (default: from
    the environment) are the clients' quotas and the names the server answers to; ``bind``
    is the address it listens on (it answers to that name too)."""
    if max_body_bytes is None:
        max_body_bytes = Settings.from_env().input_limits().max_body_bytes
    limits = limits or Settings.from_env().server_limits()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        mod = Moderator(data_dir, lock, max_live_games=limits.max_live_games)
        await mod.open()
        app.state.moderator = mod
        try:
            yield
        finally:
            await mod.close()

    app = FastAPI(
        title="Werewolf",
        version="0.1.0",
        lifespan=lifespan,
        description="Terminal Werewolf (狼人杀): games streamed over SSE.",
    )
    add_routes(app)
    install_error_handlers(app)
    app.add_middleware(BodyGuard, max_body_bytes=max_body_bytes)
    app.state.quotas = Quotas(limits)
    # Outermost: a request for another name, or a foreign page's POST, goes no further.
    app.add_middleware(HostGuard, policy=HostPolicy.make(bind, limits.hosts(), limits.origins()))
    return app


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    data_dir: Path | None = None,
    log_level: str = "warning",
    max_body_bytes: int | None = None,
    lock: DataDirLock | None = None,
    sock: socket.socket | None = None,
    lifeline: int | None = None,
) -> None:
    """Serve until stopped: on ``host``:``port``, or on ``sock``, a socket already bound and
    listening (its connections wait in its backlog while the app loads). ``lifeline``: a
    descriptor (a pipe's read end) whose end of file stops the server: the end of the
    process that holds the write end, however it ended."""
    config = uvicorn.Config(
        create_app(data_dir, max_body_bytes, lock, bind=host),
        host=host,
        port=port,
        log_level=log_level,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        # No websocket route: uvicorn's websocket protocol is not even loaded (30 ms of
        # the start), and an upgrade request is answered as plain HTTP.
        ws="none",
        # X-Forwarded-For only from the proxies the operator names: uvicorn's default trusts
        # it from 127.0.0.1, where on a shared machine every local user is (server/api/quotas)
        proxy_headers=bool(os.environ.get("FORWARDED_ALLOW_IPS", "").strip()),
    )
    server = Server(config)
    server.lifeline = lifeline
    server.run(sockets=None if sock is None else [sock])
