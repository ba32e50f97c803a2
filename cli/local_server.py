"""The private game server ``werewolf play`` starts for one session, on a free loopback port.

Light to import (the standard library only): ``werewolf play`` starts the server first, a
fork of itself once the modules both sides need are loaded, and imports the rest of the
client while the server loads the rest of its own."""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import multiprocessing.process

START_SECONDS = 90  # generous: a loaded machine starts slowly


def _listening() -> socket.socket:
    """A socket on a free loopback port, listening: the server's, handed to it. A client can
    connect at once; its request waits in the backlog until the server has loaded and
    accepts it, so nobody polls, and no other program can take the port meanwhile."""
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock


class Starting:
    """A private server on its way up: ``url`` answers once :meth:`ready` returns."""

    def __init__(
        self, url: str, proc: subprocess.Popen | ForkedServer, log: Path, log_kept: bool = True
    ) -> None:
        self.url, self.proc, self.log, self.log_kept = url, proc, log, log_kept

    def ready(self) -> str:
        """Wait until the server answers; its URL."""
        import asyncio  # (not before the server is started)

        asyncio.run(self.up())
        return self.url

    async def up(self) -> None:
        """Wait until the server answers (on the caller's event loop). Its socket listens
        from the start: the request waits in the backlog while the server loads, and is
        answered as soon as it serves. A refused or broken connection means the server has
        exited (or is exiting)."""
        import asyncio

        import httpx

        from tui.client import ApiError, GameClient

        deadline = time.monotonic() + START_SECONDS
        async with GameClient(self.url) as client:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(self._exited())
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(f"the local server did not start in {START_SECONDS} s")
                try:
                    # (a few seconds at a time: its exit is looked for between two tries)
                    await client.health(timeout=min(left, 5.0))
                    return
                except httpx.TimeoutException:
                    continue  # (a slow start; the deadline says when it is too slow)
                except (httpx.TransportError, ApiError):
                    pass
                await asyncio.sleep(0.02)  # (the server exiting: seen next time round)

    def _exited(self) -> str:
        """What to say of a server that exited before it served: the last line of its log
        (why, as a rule: a bad variable, a traceback's last line), and the log's path if it
        stays."""
        try:
            said = [ln for ln in self.log.read_text(errors="replace").splitlines() if ln.strip()]
        except OSError:
            said = []
        from shared.text import clean  # (the log is the server's: still, no terminal controls)

        why = f": {clean(said[-1]).strip()}" if said else ""
        return f"the local server exited{why}" + (
            f" (its log: {self.log})" if self.log_kept else ""
        )

    def create_apart(self, body: dict[str, Any]) -> Future[dict[str, Any]]:
        """Create a game (``POST /games`` with ``body``) as soon as the server answers, in a
        thread of its own (its own event loop and client): the caller opens the terminal
        app meanwhile, and neither waits for the other. The future holds the server's
        answer, or what was raised (``ApiError``: refused)."""
        made: Future[dict[str, Any]] = Future()

        def create() -> None:
            import asyncio

            from tui.client import GameClient

            async def once() -> dict[str, Any]:
                await self.up()
                async with GameClient(self.url) as client:
                    return await client.create_game(**body)

            try:
                made.set_result(asyncio.run(once()))
            except BaseException as e:  # noqa: BLE001 - handed to whoever waits for the game
                made.set_exception(e)

        threading.Thread(target=create, name="create-game", daemon=True).start()
        return made


# What the server and the terminal app both import, loaded before the server is forked
# (``_forked``): about 0.45 s of imports the two processes would otherwise each pay (pydantic,
# the event vocabulary and the strings, asyncio, ssl, anyio: Starlette's and httpcore's).
# tests/test_cli.py checks that both sides import them.
SHARED_MODULES = (
    "asyncio",
    "ssl",
    "email.utils",
    "http.client",
    "http.cookiejar",
    "urllib.request",
    "mimetypes",
    "idna",
    "anyio",
    "anyio._backends._asyncio",
    "shared.actions",
    "shared.audience",
    "shared.calls",
    "shared.door",
    "shared.events",
    "shared.settings",
    "shared.strings",
    "shared.text",
)


def _serve_on(
    sock: socket.socket,
    lifeline: Lifeline,
    data_dir: Path,
    log: IO[bytes],
    env: dict[str, str] | None,
) -> subprocess.Popen | ForkedServer:
    """The game server on the listening ``sock``, passed down to it with the ``lifeline``'s
    read end: a fork of this process where that is safe, else ``python -m server serve``.

    Either way it runs in a session of its own, as a server does. What the terminal sends
    its foreground (Ctrl-C or Ctrl-Z before the app takes the keys, the hang-up when it
    closes) reaches ``play``, which stops its server itself, or the lifeline does. And
    where the kernel groups processes by session for its scheduler (autogroups, on by
    default in most desktop kernels), the server is a group of its own: on a busy machine
    the terminal app and its server each get a group's share of the CPU instead of
    splitting one (``play``'s first screen at load 4: docs/benchmarks.md, "Issue 12 in
    session 18")."""
    argv = [
        "serve",
        *("--fd", str(sock.fileno())),
        *("--lifeline", str(lifeline.read)),
        *("--data-dir", str(data_dir)),
    ]
    if _may_fork():
        return _forked(argv, lifeline, log, env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "server", *argv],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"},
        pass_fds=(sock.fileno(), lifeline.read),
        start_new_session=True,
    )


class Lifeline:
    """A pipe no one writes to: the server holds the read end (``serve --lifeline``), this
    process the write end, until it ends, however it ends (``kill -9`` included): the
    server then reads the end of the file, and stops."""

    def __init__(self) -> None:
        self.read, self.write = os.pipe()  # (neither inherited by what either side starts)

    def handed_over(self) -> None:
        """The server has the read end: this process's copy is closed."""
        os.close(self.read)

    def cut(self) -> None:
        os.close(self.write)


def _may_fork() -> bool:
    """A fork that goes on running Python (no exec) is safe on Linux with one thread: no
    other thread holds a lock the child would inherit held. (macOS's system libraries are
    not fork-safe, which is why Python does not fork there by default.)"""
    return sys.platform == "linux" and threading.active_count() == 1


class ForkedServer:
    """The server's process, as ``subprocess.Popen`` answers for one: a forked server is a
    :class:`multiprocessing.Process`, whose own names differ. One reaper at a time (the
    create-game thread polls while ``stop`` may wait, from a signal handler on the main
    thread): two ``waitpid`` at once leave one of them without the exit status, which
    multiprocessing reports as "still running" (Popen has the same lock)."""

    def __init__(self, process: multiprocessing.process.BaseProcess) -> None:
        self.process = process
        self._reaping = threading.RLock()  # (re-entered by a signal handler on its thread)

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def poll(self) -> int | None:
        with self._reaping:
            return self.process.exitcode

    def terminate(self) -> None:
        self.process.terminate()

    def kill(self) -> None:
        self.process.kill()

    def wait(self, timeout: float | None = None) -> int:
        with self._reaping:
            self.process.join(timeout)
            code = self.process.exitcode
        if code is None:
            raise subprocess.TimeoutExpired("the game server", timeout or 0.0)
        return code


def _forked(
    argv: list[str], lifeline: Lifeline, log: IO[bytes], env: dict[str, str]
) -> ForkedServer:
    """The server in a fork of this process, made once the modules both sides need are
    loaded: the server does not load them again, nor start an interpreter of its own. The
    CPU both processes spend until ``werewolf play``'s first screen, at load 4: 3.7 s with
    ``python -m server serve``, 3.0 s forked (docs/benchmarks.md, "Issue 12 in session
    15")."""
    import multiprocessing

    for name in SHARED_MODULES:
        importlib.import_module(name)
    process = multiprocessing.get_context("fork").Process(
        target=_serve_forked,
        args=(argv, lifeline, log.fileno(), env),
        name="werewolf-server",
        daemon=True,  # (ended by this process's exit, should ``stop`` never run)
    )
    process.start()
    return ForkedServer(process)


def _serve_forked(argv: list[str], lifeline: Lifeline, log: int, env: dict[str, str]) -> None:
    """The forked server's life: the terminal let go (its input from /dev/null, its output
    to the log), ``env`` on top of the environment, then ``python -m server``'s with
    ``argv``. (``log`` and the socket are above 2: :func:`_standard_fds_open`.)"""
    import logging

    os.close(lifeline.write)  # (a fork has it too: the parent's end is the only one)
    os.setsid()  # (a session of its own: see _serve_on)
    try:  # its name in top, pgrep and ps -o comm (its command line stays its parent's)
        Path("/proc/self/comm").write_text("werewolf-server")
    except OSError:
        pass
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(log, 1)
    os.dup2(log, 2)
    # Streams of its own: the parent's may be anything it made them (a test's capture, say),
    # and a line is in the log as soon as it is written (as with PYTHONUNBUFFERED).
    sys.stdout, sys.stderr = (
        open(std, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
        for std in (1, 2)
    )
    os.environ.update(env)
    from server.command import main

    try:
        code = main(argv)
    finally:
        # (the child ends in os._exit, past the interpreter's exit handlers: the log's
        # handlers are flushed and closed here, as they would be at a normal exit)
        logging.shutdown()
    sys.exit(code)


def _standard_fds_open() -> None:
    """/dev/null on any of descriptors 0-2 that is closed (a launcher may close stdin): else
    the server's log or socket, opened next, takes that number, and the server's stdin,
    stdout or stderr would be it."""
    for std in (0, 1, 2):
        try:
            os.fstat(std)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)  # (the lowest free number: this one)
            if null != std:
                os.dup2(null, std)
                os.close(null)


@contextmanager
def starting_server(
    data_dir: Path | None = None, env: dict[str, str] | None = None
) -> Iterator[Starting]:
    """The game server in a child process (:func:`_serve_on`), started at once: what the
    caller does before :meth:`Starting.ready` (its imports: the terminal app, the HTTP
    client) runs while the server starts, a process of its own on another core. Without a
    ``data_dir``, the games live in a temporary folder removed when the server stops
    (Ctrl-C, a closed terminal and ``kill`` included). ``env``: variables for the server on
    top of this process's."""
    _standard_fds_open()
    temporary = data_dir is None
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="werewolf-"))
    log = open(data_dir / "server.log", "ab")  # noqa: SIM115 - lives as long as the server
    lifeline = Lifeline()
    try:
        with _listening() as sock:
            port = sock.getsockname()[1]
            proc = _serve_on(sock, lifeline, data_dir, log, env)
        # (this process's copy closed: once the server is gone, a connection is refused)
    except BaseException:
        lifeline.cut()
        log.close()
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)
        raise
    finally:
        lifeline.handed_over()

    def stop() -> None:
        if log.closed:  # stopped already (by a signal, then by the ``finally``)
            return
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        lifeline.cut()
        log.close()
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)

    try:
        with _stopped_on_hangup(stop):
            yield Starting(
                f"http://127.0.0.1:{port}", proc, data_dir / "server.log", log_kept=not temporary
            )
    finally:
        stop()


@contextmanager
def local_server(data_dir: Path | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """:func:`starting_server`, its URL yielded once it answers; meanwhile this process
    loads the terminal app (Textual: about as long), so neither waits for the other."""
    with starting_server(data_dir, env) as server:
        importlib.import_module("tui.app")  # (loaded while the server starts)
        yield server.ready()


@contextmanager
def _stopped_on_hangup(stop: Callable[[], None]) -> Iterator[None]:
    """On SIGHUP (the terminal closed) or SIGTERM: ``stop``, then die of the signal as
    before. Stopping right in the handler, not by unwinding the stack: an exception raised
    wherever the app happens to be (inside its event loop's shutdown, say) can leave the
    process hanging on a terminal that is gone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum: int, _frame: object) -> None:
        stop()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    before = {sig: signal.signal(sig, leave) for sig in (signal.SIGHUP, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
