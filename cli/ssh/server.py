"""The ssh front door (asyncssh): who may come in, how many, and nothing but the tables.

Each connection that asks for a terminal gets its own ``werewolf menu`` in its own pty (as
charmbracelet/wish does for Go programs): the client's TERM and window size, its window
changes, its keys in, the screen out. No shell, no commands, no forwarding, no files.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import pty
import re
import shutil
import signal
import struct
import sys
import termios
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh
from asyncssh.constants import DISC_TOO_MANY_CONNECTIONS

from cli.ssh import identity
from cli.ssh.identity import Identity
from shared import door as vouch
from tui import over_ssh

log = logging.getLogger("werewolf.ssh")

# Environment the per-connection program gets: nothing of the operator's (no model keys),
# only what a terminal program needs. COLORTERM only if the client sent it (OpenSSH does
# with `SendEnv COLORTERM`); without it TERM decides (xterm-256color → 256 colors), which
# every terminal shows right, where truecolor guessed wrong prints garbage. The client's
# LANG is not taken (Debian's ssh sends it): the program speaks UTF-8 whatever it names.
CLIENT_ENV = ("COLORTERM",)
TERM_NAME = re.compile(r"[A-Za-z0-9._+-]{1,64}")  # a terminal's name as terminfo spells it
REFUSED_COMMAND = "this server only opens the werewolf tables: no commands, no files\r\n"
NEEDS_TERMINAL = "the werewolf tables need a terminal: connect with `ssh -t`\r\n"


@dataclass
class Door:
    """What every connection shares: the settings, and who is connected from where."""

    data_dir: Path
    server_url: str
    require_keys: bool = False
    per_address: int = 3
    total: int = 40
    public_host: str = "HOST"  # how to name this machine in the reconnect hint
    public_port: int = 2222
    pace: float = 30.0  # the bots' tokens per second at the tables callers open
    # The key the game server shares with us (shared/door.py): with it, each caller's
    # program tells the server the caller's address, and the server's quotas are theirs.
    door_key: str | None = None
    open_now: Counter[str] = field(default_factory=Counter)
    programs: set[int] = field(default_factory=set)  # the sessions' process groups
    refusing: int = 0  # connections over the caps, being told so

    def hang_up_all(self) -> None:
        """On shutdown: every connection's program is hung up, as its terminal closing would."""
        for pgid in list(self.programs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGHUP)

    def door_line(self) -> str:
        """What another caller types to reach these tables."""
        port = "" if self.public_port == 22 else f"-p {self.public_port} "
        return f"ssh {port}play@{self.public_host}"

    def program(
        self, who: Identity, term: str, client_env: dict[str, str], address: str
    ) -> dict[str, str]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(who.folder),
            "LANG": "C.UTF-8",
            "PYTHONIOENCODING": "utf-8",
            "TERM": term if TERM_NAME.fullmatch(term) else "xterm-256color",
            "WEREWOLF_CLIENT_DIR": str(who.folder),
            "WEREWOLF_SERVER": self.server_url,
            "PYTHONUNBUFFERED": "1",
            # (the lobby's join line; no screenshot files here)
            over_ssh.DOOR_ENV: self.door_line(),
        }
        if self.door_key:  # (never on a command line: every local user sees those)
            env[vouch.KEY_ENV] = self.door_key
            env[vouch.CALLER_ENV] = address
        env.update(
            {k: v for k, v in client_env.items() if k in CLIENT_ENV and TERM_NAME.fullmatch(v)}
        )
        port = "" if self.public_port == 22 else f"-p {self.public_port} "
        if who.kind == "guest" and who.code:
            env["WEREWOLF_SSH_REJOIN"] = (
                f"ssh {port}play+{who.code}@{self.public_host}   "
                "(you are a guest: this code is the key to your seats, keep it)"
            )
        else:
            env["WEREWOLF_SSH_REJOIN"] = f"ssh {port}play@{self.public_host} with the same key"
        return env


class TableServer(asyncssh.SSHServer):
    """One per connection: counts it, authenticates it, and lets nothing but a pty session by."""

    def __init__(self, door: Door) -> None:
        self.door = door
        self.address = ""
        self.counted = False
        self.username = ""
        self.key_blob: bytes | None = None  # the last key validated (see auth_completed)
        self.by_kbdint = False
        self.who: Identity | None = None
        self.refused = False

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.address = str(peer[0])
        door = self.door
        too_many = (
            door.open_now[self.address] >= door.per_address
            or sum(door.open_now.values()) >= door.total
        )
        if too_many and door.refusing >= door.total:  # a flood: not even a word
            conn.abort()
            return
        if too_many:  # told once the keys are exchanged (a message can't reach them before)
            log.info("refusing %s: too many connections", self.address)
            door.refusing += 1
            self.refused = True
            return
        door.open_now[self.address] += 1
        self.counted = True

    def connection_lost(self, exc: Exception | None) -> None:
        if self.refused:
            self.door.refusing -= 1
            self.refused = False
        if self.counted:
            self.door.open_now[self.address] -= 1
            if self.door.open_now[self.address] <= 0:
                del self.door.open_now[self.address]
            self.counted = False

    # -- authentication: a key is an identity; without one, a guest (unless keys are required)

    def begin_auth(self, username: str) -> bool:
        if self.refused:
            self.conn.disconnect(
                DISC_TOO_MANY_CONNECTIONS,
                "too many connections: try again when one of yours has closed",
            )
            return True
        self.username = username
        return True  # "none" never succeeds: a key, if the client has one, is asked for first

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # Called for a key's offer and again (before its signature is checked) for its use;
        # the key trusted is the one validated last before public-key auth succeeds.
        self.key_blob = key.public_data
        self.by_kbdint = False
        return True

    def kbdint_auth_supported(self) -> bool:
        return not self.door.require_keys

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str) -> bool:
        # A guest, let in with no prompt. A key offered earlier and not proved is forgotten:
        # anyone may know a public key.
        self.key_blob = None
        self.by_kbdint = True
        return True

    def password_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def auth_completed(self) -> None:
        data_dir = self.door.data_dir
        if self.key_blob is not None and not self.by_kbdint:
            self.who = identity.of_key(data_dir, self.key_blob)
        else:
            self.who = identity.guest(data_dir, identity.code_in(self.username))
        log.info("%s in as %s", self.address, self.who.name)

    # -- nothing but sessions: every forwarding request is refused

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int):
        return False

    def server_requested(self, listen_host: str, listen_port: int):
        return False

    def unix_connection_requested(self, dest_path: str):
        return False

    def unix_server_requested(self, listen_path: str):
        return False


def _set_size(fd: int, width: int, height: int, pixw: int = 0, pixh: int = 0) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, pixw, pixh))


def _no_job_control(fd: int) -> None:
    """No key stops the program: a caller has no shell to bring it back (``fg``), so a
    stopped program is a frozen session. Ctrl-Z (and Ctrl-Y, where it exists) becomes an
    ordinary key. Ctrl-C stays: the menu leaves on it."""
    attrs = termios.tcgetattr(fd)
    for name in ("VSUSP", "VDSUSP"):
        if (index := getattr(termios, name, None)) is not None:
            attrs[6][index] = b"\0"  # _POSIX_VDISABLE
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


def _take_terminal() -> None:  # in the child, after setsid: the pty becomes its terminal
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


async def session(door: Door, process: asyncssh.SSHServerProcess) -> None:
    """One connection's program in its own pty, until it exits or the caller leaves."""
    server = process.get_extra_info("connection").get_owner()
    who: Identity | None = getattr(server, "who", None)
    address: str = getattr(server, "address", "")
    if process.command is not None or process.subsystem is not None or who is None:
        process.stderr.write(REFUSED_COMMAND.encode())
        process.exit(1)
        return
    if process.term_type is None:
        process.stderr.write(NEEDS_TERMINAL.encode())
        process.exit(1)
        return
    width, height, pixw, pixh = process.term_size
    who.settle()
    master, slave = pty.openpty()
    try:
        _set_size(slave, width or 80, height or 24, pixw, pixh)
        _no_job_control(slave)
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cli",
            "menu",
            "--server",
            door.server_url,
            "--pace",
            f"{door.pace}",
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=door.program(who, process.term_type, dict(process.env), address),
            cwd=who.folder,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
    except BaseException:
        os.close(master)
        raise
    finally:
        os.close(slave)  # the program's copies are its own: EIO on ours once it has gone
    door.programs.add(child.pid)
    try:
        await _connect(master, process)
    finally:
        if child.returncode is None:  # the caller left: hang up, as a terminal closing does
            _signal(child, signal.SIGHUP)
            try:
                await asyncio.wait_for(child.wait(), 5)
            except TimeoutError:
                _signal(child, signal.SIGKILL)
                await child.wait()
        door.programs.discard(child.pid)
        os.close(master)
        if who.kind == "guest" and who.holds_nothing():  # nothing to come back to
            shutil.rmtree(who.folder, ignore_errors=True)
    with contextlib.suppress(OSError, asyncssh.Error):
        process.exit(child.returncode if child.returncode and child.returncode > 0 else 0)


async def _connect(master: int, process: asyncssh.SSHServerProcess) -> None:
    """Bytes both ways between the pty and the channel, until either side ends."""
    os.set_blocking(master, False)
    out = asyncio.create_task(_screen_out(master, process))
    keys = asyncio.create_task(_keys_in(master, process))
    try:
        await asyncio.wait({out, keys}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (out, keys):
            task.cancel()
        # (a channel closed under a write ends its task with an error: the caller has gone)
        await asyncio.gather(out, keys, return_exceptions=True)


def _signal(child: asyncio.subprocess.Process, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, sig)  # the whole session: the program and anything it started


async def _readable(fd: int) -> None:
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
    try:
        await ready
    finally:
        loop.remove_reader(fd)


async def _screen_out(master: int, process: asyncssh.SSHServerProcess) -> None:
    """The pty's output to the caller, until the program closes its terminal."""
    while True:
        await _readable(master)
        try:
            data = os.read(master, 65536)
        except BlockingIOError:
            continue
        except OSError:  # EIO: every end of the pty's other side is closed
            return
        if not data:
            return
        process.stdout.write(data)
        await process.stdout.drain()  # a slow caller slows the program, not our memory


async def _keys_in(master: int, process: asyncssh.SSHServerProcess) -> None:
    """The caller's keys to the pty, and their window's size, until they leave."""
    while True:
        try:
            data = await process.stdin.read(4096)
        except asyncssh.TerminalSizeChanged as change:
            width, height, pixw, pixh = change.term_size
            _set_size(master, width, height, pixw, pixh)  # the kernel sends SIGWINCH
            continue
        except (asyncssh.BreakReceived, asyncssh.SignalReceived):
            continue
        if not data:
            return
        view = memoryview(data if isinstance(data, bytes) else data.encode())
        while view:
            try:
                view = view[os.write(master, view) :]
            except BlockingIOError:
                await asyncio.sleep(0.01)
            except OSError:
                return


async def serve(door: Door, host: str, port: int) -> asyncssh.SSHAcceptor:
    """Listen on ``host:port``; returns the acceptor (close it to stop)."""
    host_key = identity.load_or_make_host_key(door.data_dir)

    async def run(process: asyncssh.SSHServerProcess) -> None:
        await session(door, process)

    return await asyncssh.create_server(
        lambda: TableServer(door),
        host,
        port,
        server_host_keys=[host_key],
        process_factory=run,
        encoding=None,  # bytes both ways: the pty speaks bytes
        line_editor=False,  # the program edits its own lines
        allow_pty=True,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_scp=False,
        sftp_factory=None,
        gss_host=None,
        rdns_lookup=False,
        login_timeout=60,
        keepalive_interval=30,
        keepalive_count_max=4,
    )
