"""``werewolf ssh-serve``: callers with nothing but an ssh client sit at the tables.

Real parts only: the command in a child process in front of a real game server, OpenSSH's
``ssh`` in tmux for the players, asyncssh's client for what a player's ssh must not get.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncssh
import httpx
import pytest
from conftest import ROOT, ServerProcess, free_port
from rich.cells import cell_len

from shared.strings import say

SPEECH_PROMPTS = [
    say(f"prompt.{a}", "en") for a in ("speak", "wolf_chat", "pk_speak", "last_words")
]
PICK_PROMPTS = [
    say(f"prompt.{a}", "en") for a in ("vote", "pk_vote", "wolf_kill", "check", "witch", "shoot")
] + [say("bar.confirm_hint", "en")]  # a kill, poison or shot asks once more: Enter is yes
GIVE_UP = 90  # seconds: only to stop waiting on something that will never come


class Guest(asyncssh.SSHClient):
    """asyncssh's client as OpenSSH's goes for a guest: keyboard-interactive, no answers."""

    def kbdint_auth_requested(self) -> str:
        return ""

    def kbdint_challenge_received(self, name, instructions, lang, prompts) -> list[str]:
        return []


class SshServe:
    """``werewolf ssh-serve`` in a child process, until it listens."""

    def __init__(
        self, data_dir: Path, server_url: str | None, *extra: str, env: dict | None = None
    ) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        args = ["--port", str(self.port), "--data-dir", str(data_dir), "--pace", "0", *extra]
        if server_url:
            args += ["--server", server_url]
        self.log = open(data_dir.parent / f"ssh-serve-{self.port}.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "ssh-serve", *args],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})} if env else None,
        )
        deadline = time.monotonic() + GIVE_UP
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("ssh-serve did not listen: " + self.output())

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture
def door(tmp_path, server):
    serving = SshServe(tmp_path / "ssh-data", server.url)
    yield serving
    serving.stop()


# -- OpenSSH in tmux -------------------------------------------------------------------------


# A tmux server of this test process's own, with no config: other tmux users on the
# machine (their sessions, options, sizes, kill-server) never meet these terminals.
TMUX = ["tmux", "-L", f"werewolf-ssh-{os.getpid()}", "-f", "/dev/null"]


def tmux(*args: str) -> str:
    return subprocess.run([*TMUX, *args], capture_output=True, text=True, check=False).stdout


def screen(session: str) -> str:
    return tmux("capture-pane", "-t", session, "-p")


def wait_for(session: str, pattern: str, seconds: float = GIVE_UP) -> re.Match:
    deadline = time.monotonic() + seconds
    shown = ""
    while time.monotonic() < deadline:
        shown = screen(session)
        if found := re.search(pattern, shown):
            return found
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} never showed; the screen:\n{shown}")


def keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path


def ssh_command(
    port: int, user: str, key: Path | None, known_hosts: Path, *more: str, run: tuple = ()
) -> list[str]:
    auth = ["-i", str(key), "-o", "IdentitiesOnly=yes"] if key else [
        "-o", "PubkeyAuthentication=no", "-o", "IdentityAgent=none"
    ]  # fmt: skip
    return [
        "ssh", "-p", str(port), "-F", "/dev/null",
        "-o", f"UserKnownHostsFile={known_hosts}", "-o", "StrictHostKeyChecking=accept-new",
        "-o", "BatchMode=no", "-o", "PasswordAuthentication=no", "-o", "LogLevel=ERROR",
        *auth, *more, f"{user}@127.0.0.1", *run,
    ]  # fmt: skip


class Caller:
    """One person at an OpenSSH client in a tmux session of its own."""

    def __init__(self, port: int, user: str, key: Path | None, known: Path, size=(120, 36)):
        self.session = f"ww-ssh-{uuid.uuid4().hex[:8]}"
        self.argv = ssh_command(port, user, key, known, "-t")
        # (COLUMNS/LINES from the test's environment never reach the pane's programs)
        cmd = "env -u COLUMNS -u LINES " + " ".join(self.argv) + "; echo SSH-EXITED $?; sleep 600"
        w, h = size
        tmux("new-session", "-d", "-s", self.session, "-x", str(w), "-y", str(h), cmd)

    def keys(self, *keys: str) -> None:
        tmux("send-keys", "-t", self.session, *keys)

    def line(self, text: str) -> None:
        self.keys("-l", text)
        self.keys("Enter")

    def answer(self, prompt: str, text: str) -> None:
        wait_for(self.session, re.escape(prompt))
        self.line(text)

    def close(self) -> None:
        tmux("kill-session", "-t", self.session)


@pytest.fixture
def callers():
    made: list[Caller] = []

    def make(*args, **kw) -> Caller:
        made.append(Caller(*args, **kw))
        return made[-1]

    yield make
    for c in made:
        c.close()


pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None or shutil.which("ssh") is None, reason="needs tmux and ssh"
)


def seats_of(data_dir: Path) -> dict[str, dict]:
    """Every identity's kept seats: folder name -> seats.json."""
    found = {}
    for folder in (data_dir / "ssh" / "identities").iterdir():
        f = folder / "seats.json"
        if f.exists():
            found[folder.name] = json.loads(f.read_text())
    return found


def test_two_callers_host_and_join_one_table_and_play_it_to_the_end(
    door, callers, tmp_path, server
):
    known = tmp_path / "known_hosts"
    key = keygen(tmp_path / "alice")
    alice = callers(door.port, "play", key, known)
    wait_for(alice.session, r"your choice")
    alice.line("2")  # host
    alice.answer("players (6 or 9)", "6")
    alice.answer("human seats", "2")
    alice.answer("language", "")
    alice.answer("list it", "")
    # The lobby tells how another caller comes in: by ssh, nothing to install.
    lobby = rf"(?s)ssh -p {door.port} play@localhost.{{,200}}?then 3 \(join a table\) and the code"
    code = wait_for(alice.session, lobby + r" ([A-Z0-9]{4,})").group(1)
    assert "werewolf join" not in screen(alice.session)

    bob = callers(door.port, "play", None, known, size=(80, 24))  # a guest, at 80×24
    rejoin = wait_for(bob.session, r"ssh -p \d+ (play\+[A-Z0-9]+)@localhost").group(1)
    bob.answer("your choice", "3")
    bob.answer("the table's code", code)
    wait_for(bob.session, f"{lobby} {code}")  # bob's lobby
    # Bob's connection drops; his guest code brings him back to his seat.
    bob_seat = next(v for k, v in seats_of(door.data_dir).items() if k.startswith("guest-"))
    bob.close()
    bob = callers(door.port, rejoin, None, known, size=(80, 24))
    bob.answer("your choice", "4")
    (entry,) = bob_seat.values()
    wait_for(bob.session, rf"1  {code}  seat {entry['seat']}\n")
    bob.answer("which", "")
    wait_for(bob.session, f"{lobby} {code}")

    # Alice's connection drops; the same key comes back to the same seat.
    held = seats_of(door.data_dir)
    alice_seat = next(v for k, v in held.items() if k.startswith("key-"))
    alice.close()
    alice = callers(door.port, "play", key, known)
    alice.answer("your choice", "4")
    shown = wait_for(alice.session, rf"1  {code}  seat (\d) \(you host it\)")
    (entry,) = alice_seat.values()
    assert int(shown.group(1)) == entry["seat"]
    alice.answer("which", "")
    wait_for(alice.session, f"{lobby} {code}")
    alice.keys("s")  # the host starts the game

    playing = {alice.session: alice, bob.session: bob}
    last = {name: "" for name in playing}
    over: set[str] = set()
    answered = 0
    deadline = time.monotonic() + 600  # only to give up on a game that hangs (a loaded machine)
    while len(over) < 2 and time.monotonic() < deadline:
        time.sleep(0.4)
        for name, who in playing.items():
            shown = screen(name)
            if "Game over" in shown:
                over.add(name)
                continue
            if shown == last[name]:
                continue  # our last answer is not on screen yet: never answer twice
            if any(p in shown for p in SPEECH_PROMPTS):
                who.line("I have a feeling about seat 2")
            elif any(p in shown for p in PICK_PROMPTS):
                who.keys("Enter")
            else:
                continue
            answered += 1
            last[name] = shown
    assert over == set(playing), {n: screen(n) for n in playing}
    assert answered > 0

    # Bob quits to the menu and leaves; his guest code brings his seat back.
    bob.keys("C-q")
    bob.answer("your choice", "q")
    wait_for(bob.session, r"SSH-EXITED 0")
    bob.close()
    bob = callers(door.port, rejoin, None, known, size=(80, 24))
    bob.answer("your choice", "4")
    wait_for(bob.session, rf"1  {code}  seat \d")
    guest_seats = [v for k, v in seats_of(door.data_dir).items() if k.startswith("guest-")]
    assert len(guest_seats) == 1  # the same guest, not a second one


def test_the_host_key_is_made_once_and_kept_private(tmp_path, server):
    data = tmp_path / "ssh-data"
    first = SshServe(data, server.url)
    first.stop()
    key_file = data / "ssh" / "ssh_host_ed25519_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    made = key_file.read_bytes()
    again = SshServe(data, server.url)
    try:
        assert key_file.read_bytes() == made
        asyncio.run(_a_guest_sees_the_menu(again.port, asyncssh.read_private_key(key_file)))
    finally:
        again.stop()


async def _a_guest_sees_the_menu(port: int, host_key: asyncssh.SSHKey) -> None:
    known = asyncssh.import_known_hosts(
        f"[127.0.0.1]:{port} {host_key.export_public_key().decode()}"
    )
    async with asyncssh.connect(
        "127.0.0.1", port, username="play", known_hosts=known, client_keys=None,
        agent_path=None, config=None, client_factory=Guest,
    ) as conn:  # fmt: skip
        proc = await conn.create_process(term_type="xterm-256color", term_size=(80, 24))
        seen = await _read_until(proc, "your choice")
        assert "Werewolf" in seen and "play+" in seen  # a guest is told their code
        proc.stdin.write("q\r")
        await asyncio.wait_for(proc.wait_closed(), GIVE_UP)


async def _read_until(proc: asyncssh.SSHClientProcess, text: str | tuple[str, ...]) -> str:
    """What the program shows until ``text`` (or any of several) shows."""
    wanted = (text,) if isinstance(text, str) else text
    seen = ""
    async with asyncio.timeout(GIVE_UP):
        while not any(t in seen for t in wanted):
            chunk = await proc.stdout.read(4096)
            assert chunk, f"closed before {text!r}: {seen!r}"
            seen += chunk
    return seen


def test_no_shell_commands_forwarding_or_files(door, tmp_path):
    known = tmp_path / "known_hosts"
    key = keygen(tmp_path / "k")
    ran = subprocess.run(
        ssh_command(door.port, "play", key, known, run=("cat", "/etc/passwd")),
        capture_output=True,
        text=True,
        timeout=GIVE_UP,
    )
    assert ran.returncode == 1
    assert "root:" not in ran.stdout
    assert "no commands" in ran.stderr
    no_tty = subprocess.run(
        ssh_command(door.port, "play", key, known, "-T"),
        capture_output=True,
        text=True,
        timeout=GIVE_UP,
        stdin=subprocess.DEVNULL,
    )
    assert no_tty.returncode == 1 and "need a terminal" in no_tty.stderr
    asyncio.run(_nothing_but_the_tables(door.port))
    kept = door.data_dir / "ssh" / "identities"
    assert not kept.exists() or not any(kept.iterdir())  # a refused caller leaves nothing


async def _nothing_but_the_tables(port: int) -> None:
    async with asyncssh.connect(
        "127.0.0.1", port, username="play", known_hosts=None, client_keys=None,
        agent_path=None, config=None, client_factory=Guest,
    ) as conn:  # fmt: skip
        with pytest.raises(asyncssh.ChannelOpenError):  # ssh -L
            await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", 22)
        with pytest.raises(asyncssh.ChannelListenError):  # ssh -R
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
        with pytest.raises(asyncssh.ChannelOpenError):  # sftp (and scp over it)
            await conn.start_sftp_client()
        result = await conn.run("id", term_type=None)  # exec
        assert result.exit_status == 1 and "no commands" in str(result.stderr)


def test_the_callers_environment_reaches_nothing_but_colors(door):
    """A client may send any variable (OpenSSH's SendEnv/SetEnv): none may change what runs.
    PYTHONINSPECT would leave a Python prompt (a shell) after the menu, LD_PRELOAD would
    load a library of the caller's naming, PATH would pick the programs."""
    env = {
        "PYTHONINSPECT": "1",
        "LD_PRELOAD": "/nonexistent/caller.so",
        "PATH": "/nonexistent",
        "WEREWOLF_SERVER": "http://10.9.9.9:9",
    }
    seen, status = asyncio.run(_menu_then_quit(door.port, env))
    assert "ld.so" not in seen and ">>>" not in seen, seen
    assert "10.9.9.9" not in seen and status == 0


async def _menu_then_quit(port: int, env: dict[str, str]) -> tuple[str, int | None]:
    async with asyncssh.connect(
        "127.0.0.1", port, username="play", known_hosts=None, client_keys=None,
        agent_path=None, config=None, client_factory=Guest,
    ) as conn:  # fmt: skip
        proc = await conn.create_process(
            term_type="xterm", term_size=(80, 24), env=env, encoding="utf-8"
        )
        seen = await _read_until(proc, "your choice")
        proc.stdin.write("q\r")
        async with asyncio.timeout(GIVE_UP):
            while chunk := await proc.stdout.read(4096):  # to the end: the program exits
                seen += chunk
        await proc.wait_closed()
        return seen, proc.exit_status


def test_ctrl_z_never_freezes_a_caller(door):
    """A caller has no shell to continue a stopped program: Ctrl-Z, in the menu after a
    game (Textual's driver leaves its own Ctrl-Z handler behind) or at the first prompt,
    stops nothing, and the menu goes on."""
    seen, status = asyncio.run(_ctrl_z_after_a_game(door.port))
    assert "Traceback" not in seen, seen
    assert status == 0


async def _ctrl_z_after_a_game(port: int) -> tuple[str, int | None]:
    async with asyncssh.connect(
        "127.0.0.1", port, username="play", known_hosts=None, client_keys=None,
        agent_path=None, config=None, client_factory=Guest,
    ) as conn:  # fmt: skip
        proc = await conn.create_process(
            term_type="xterm-256color", term_size=(100, 30), encoding="utf-8"
        )
        await _read_until(proc, "your choice")
        proc.stdin.write("\x1a5\r")  # Ctrl-Z, then an answer: the menu answers it
        await _read_until(proc, "a number from the list")
        proc.stdin.write("1\r6\ren\r\r")  # a game beside bots
        await _read_until(proc, "palette")
        proc.stdin.write("\x11")  # ctrl+q: back to the menu
        await _read_until(proc, "your choice")
        proc.stdin.write("\x1a")
        proc.stdin.write("\r")  # (the menu asks again)
        seen = await _read_until(proc, "your choice")
        proc.stdin.write("q\r")
        async with asyncio.timeout(GIVE_UP):
            while chunk := await proc.stdout.read(4096):
                seen += chunk
        await proc.wait_closed()
        return seen, proc.exit_status


def test_a_silent_game_server_is_said_so_in_a_callers_words(tmp_path):
    """Behind the door a caller can start no server: they are told it is not answering,
    not to run `werewolf serve`."""
    door = SshServe(tmp_path / "d", f"http://127.0.0.1:{free_port()}")  # nobody there
    try:
        seen = asyncio.run(_choose(door.port, "5"))
    finally:
        door.stop()
    assert "not answering" in seen and "werewolf serve" not in seen, seen


async def _choose(port: int, choice: str) -> str:
    """A guest's one choice in the menu: what shows until the menu asks again."""
    async with asyncssh.connect(
        "127.0.0.1", port, username="play", known_hosts=None, client_keys=None,
        agent_path=None, config=None, client_factory=Guest,
    ) as conn:  # fmt: skip
        proc = await conn.create_process(term_type="xterm", term_size=(80, 24), encoding="utf-8")
        await _read_until(proc, "your choice")
        proc.stdin.write(choice + "\r")
        seen = await _read_until(proc, "your choice")
        proc.stdin.write("q\r")
        await asyncio.wait_for(proc.wait_closed(), GIVE_UP)
        return seen


def test_connections_over_the_limits_are_refused(tmp_path, server):
    door = SshServe(tmp_path / "d", server.url, "--per-address", "2", "--max-connections", "3")
    try:
        asyncio.run(_limits(door.port))
    finally:
        door.stop()


async def _limits(port: int) -> None:
    async def connect(source: str) -> asyncssh.SSHClientConnection:
        return await asyncssh.connect(
            "127.0.0.1", port, username="play", known_hosts=None, client_keys=None,
            agent_path=None, config=None, local_addr=(source, 0), client_factory=Guest,
        )  # fmt: skip

    held = [await connect("127.0.0.1"), await connect("127.0.0.1")]
    try:
        with pytest.raises(asyncssh.DisconnectError, match="too many connections"):
            await connect("127.0.0.1")  # a third from one address
        held.append(await connect("127.0.0.2"))  # another address is let in
        with pytest.raises(asyncssh.DisconnectError, match="too many connections"):
            await connect("127.0.0.3")  # but not a fourth in all
        held.pop(0).close()
        await asyncio.sleep(0)

        async def in_again() -> asyncssh.SSHClientConnection | None:
            try:
                return await connect("127.0.0.1")
            except asyncssh.DisconnectError:
                return None

        async with asyncio.timeout(
            GIVE_UP
        ):  # a closed one frees its place, once the server sees it
            while (again := await in_again()) is None:
                await asyncio.sleep(0.2)
        held.append(again)
    finally:
        for conn in held:
            conn.close()


def test_keys_can_be_required(tmp_path, server):
    door = SshServe(tmp_path / "d", server.url, "--require-keys")
    try:
        asyncio.run(_keys_required(door.port, keygen(tmp_path / "k")))
    finally:
        door.stop()


async def _keys_required(port: int, key: Path) -> None:
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncssh.connect(
            "127.0.0.1", port, username="play", known_hosts=None, client_keys=None,
            agent_path=None, config=None, client_factory=Guest,
        )  # fmt: skip
    async with asyncssh.connect(
        "127.0.0.1", port, username="play", known_hosts=None, client_keys=[str(key)],
        agent_path=None, config=None, client_factory=Guest,
    ) as conn:  # fmt: skip
        proc = await conn.create_process(term_type="xterm", term_size=(80, 24))
        seen = await _read_until(proc, "your choice")
        assert "play+" not in seen  # a key is its own way back: no guest code
        proc.stdin.write("q\r")
        await asyncio.wait_for(proc.wait_closed(), GIVE_UP)


def test_a_key_offered_but_not_proved_is_not_an_identity(door, tmp_path):
    """Anyone may know a public key: offering it and then coming in as a guest must not
    open that key's seats."""
    asyncio.run(_offer_then_guest(door.port, door.data_dir, keygen(tmp_path / "victim")))


async def _offer_then_guest(port: int, data_dir: Path, key_path: Path) -> None:
    victim = asyncssh.read_private_key(key_path)

    class Offerer(Guest):
        offered = False

        async def public_key_auth_requested(self):
            if self.offered:
                return None
            self.offered = True
            return _unprovable(victim)

    async with asyncssh.connect(
        "127.0.0.1", port, username="play", known_hosts=None, agent_path=None, config=None,
        client_factory=Offerer, client_keys=None,
    ) as conn:  # fmt: skip
        proc = await conn.create_process(term_type="xterm", term_size=(80, 24))
        seen = await _read_until(proc, "your choice")
        assert "play+" in seen  # let in as a guest
        proc.stdin.write("q\r")
        await asyncio.wait_for(proc.wait_closed(), GIVE_UP)
    names = {p.name for p in (data_dir / "ssh" / "identities").iterdir()}
    assert all(n.startswith("guest-") for n in names), names


def _unprovable(key: asyncssh.SSHKey) -> asyncssh.SSHKey:
    """The victim's public key with a signer that signs wrong (the attacker lacks the key)."""
    key.sign = asyncssh.generate_private_key("ssh-ed25519").sign  # type: ignore[method-assign]
    return key


def test_without_a_server_it_runs_its_own_and_the_window_follows_the_caller(tmp_path, callers):
    data = tmp_path / "own"
    door = SshServe(data, None)
    try:
        alice = callers(door.port, "play", keygen(tmp_path / "a"), tmp_path / "kh", size=(110, 30))
        alice.answer("your choice", "1")  # a game beside bots
        alice.answer("players (6 or 9)", "6")
        alice.answer("language", "zh")
        alice.answer("watch every bot think", "")
        # The footer ends with "^p palette" at the right edge of the caller's terminal.
        footer = wait_for(alice.session, r"(?m)^.*\^p palette").group(0)
        assert cell_len(footer) > 100
        tmux("resize-window", "-t", alice.session, "-x", "70", "-y", "24")
        # (tmux only cuts the old lines at 70, which hides the status line's right end: it
        # shows again only once the program, told of the new size, has drawn it at 70;
        # below 80 columns the footer names no palette, the game's keys take its room)
        status = wait_for(alice.session, r"(?m)^.*● 已连接").group(0)
        assert 60 < cell_len(status) <= 70
        assert (data / "games.sqlite").exists()  # the games live in the data dir
    finally:
        door.stop()
    assert door.proc.returncode == 0
    assert "werewolf tables over ssh on 127.0.0.1" in door.output()


def test_a_restart_keeps_every_callers_seats(tmp_path):
    """ssh-serve's own game server gets a new port each run, and seats are kept by the
    server's URL: after a restart on the same data dir, a host still finds their table."""
    data, key = tmp_path / "kept", keygen(tmp_path / "host")
    first = SshServe(data, None)
    try:
        code = asyncio.run(_host_a_table(first.port, key))
    finally:
        first.stop()
    again = SshServe(data, None)
    try:
        listed = asyncio.run(_my_tables(again.port, key))
    finally:
        again.stop()
    assert re.search(rf"1  {code}  seat \d \(you host it\)", listed), listed


async def _as_key(port: int, key: Path) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        "127.0.0.1", port, username="play", known_hosts=None, client_keys=[str(key)],
        agent_path=None, config=None,
    )  # fmt: skip


async def _host_a_table(port: int, key: Path) -> str:
    async with await _as_key(port, key) as conn:
        proc = await conn.create_process(term_type="xterm", term_size=(100, 30), encoding="utf-8")
        await _read_until(proc, "your choice")
        proc.stdin.write("2\r6\r2\ren\rn\r")  # host: 6 players, 2 humans, English, unlisted
        seen = await _read_until(proc, "palette")
        code = re.search(r"game code: ([A-Z0-9]+)", seen)
        assert code, seen
        proc.stdin.write("\x11")  # ctrl+q: back to the menu
        await _read_until(proc, "your choice")
        proc.stdin.write("q\r")
        await asyncio.wait_for(proc.wait_closed(), GIVE_UP)
        return code.group(1)


async def _my_tables(port: int, key: Path) -> str:
    async with await _as_key(port, key) as conn:
        proc = await conn.create_process(term_type="xterm", term_size=(100, 30), encoding="utf-8")
        await _read_until(proc, "your choice")
        proc.stdin.write("4\r")
        seen = await _read_until(proc, ("which", "you hold no seat"))
        # ctrl+d: the caller leaves (end of input). Not ctrl+c: a SIGINT that lands after the
        # prompt is written but before input() reads (a test's reply is that quick, on a
        # busy machine) is only seen at the next key, and the session waited for one.
        proc.stdin.write("\x04")
        await asyncio.wait_for(proc.wait_closed(), GIVE_UP)
        return seen


def test_colors_follow_what_the_client_says(door):
    """TERM from the client decides (256 colors for xterm-256color); COLORTERM=truecolor,
    when the client sends it, gives 24-bit colors."""
    plain = asyncio.run(_first_board(door.port, {}))
    assert "\x1b[38;5;" in plain and "\x1b[38;2;" not in plain
    true = asyncio.run(_first_board(door.port, {"COLORTERM": "truecolor"}))
    assert "\x1b[38;2;" in true


async def _first_board(port: int, env: dict[str, str]) -> str:
    async with asyncssh.connect(
        "127.0.0.1", port, username="play", known_hosts=None, client_keys=None,
        agent_path=None, config=None, client_factory=Guest,
    ) as conn:  # fmt: skip
        proc = await conn.create_process(
            term_type="xterm-256color", term_size=(100, 30), env=env, encoding="utf-8"
        )
        await _read_until(proc, "your choice")
        proc.stdin.write("1\r6\ren\r\r")  # beside bots: 6 players, English, not open
        board = await _read_until(proc, "palette")
        proc.stdin.write("\x11")  # ctrl+q: back to the menu
        await _read_until(proc, "your choice")
        proc.stdin.write("q\r")
        await asyncio.wait_for(proc.wait_closed(), GIVE_UP)
        return board


# -- the game server's quotas see each caller's address ------------------------------------

DOOR_KEY = "k" * 12 + "-test-door-key-0123456789"


async def _create(c: httpx.AsyncClient, headers: dict[str, str]) -> int:
    r = await c.post("/games", json={"humans": [1], "pace": 0}, headers=headers)
    assert r.status_code in (201, 429), r.text
    return r.status_code


def test_the_server_believes_a_callers_address_only_beside_the_doors_key(tmp_path):
    """One game a minute per client. A caller's address counts only with the key the door
    and the server share; a forwarded-for header, a wrong key or no key changes nothing."""
    srv = ServerProcess(
        tmp_path, env={"WEREWOLF_RATE_CREATE": "1/minute", "WEREWOLF_DOOR_KEY": DOOR_KEY}
    ).start()

    def vouched(address: str, key: str = DOOR_KEY) -> dict[str, str]:
        return {"X-Werewolf-Door-Key": key, "X-Werewolf-Caller": address}

    async def probe() -> None:
        async with httpx.AsyncClient(base_url=srv.url, timeout=30) as c:
            assert await _create(c, {}) == 201  # 127.0.0.1 spends its one game
            # A plain client can't pass for someone else: it is still 127.0.0.1.
            assert await _create(c, {"X-Forwarded-For": "10.0.0.1"}) == 429
            assert await _create(c, {"X-Werewolf-Caller": "10.0.0.2"}) == 429
            assert await _create(c, vouched("10.0.0.3", key="not-the-key-" * 3)) == 429
            assert await _create(c, vouched("10.0.0.4", key=DOOR_KEY[:-1])) == 429
            assert await _create(c, vouched("not an address")) == 429
            # The door's word: each caller has their own allowance, and only theirs.
            assert await _create(c, vouched("10.0.0.5")) == 201
            assert await _create(c, vouched("10.0.0.5")) == 429
            assert await _create(c, vouched("2001:db8::7")) == 201

    try:
        asyncio.run(probe())
    finally:
        srv.stop()


def test_a_key_too_short_trusts_no_door(tmp_path):
    srv = ServerProcess(
        tmp_path, env={"WEREWOLF_RATE_CREATE": "1/minute", "WEREWOLF_DOOR_KEY": "short"}
    ).start()

    async def probe() -> None:
        async with httpx.AsyncClient(base_url=srv.url, timeout=30) as c:
            headers = {"X-Werewolf-Door-Key": "short", "X-Werewolf-Caller": "10.0.0.1"}
            assert await _create(c, headers) == 201
            headers["X-Werewolf-Caller"] = "10.0.0.2"
            assert await _create(c, headers) == 429  # both were 127.0.0.1

    try:
        asyncio.run(probe())
    finally:
        srv.stop()


def test_through_the_door_each_caller_spends_their_own_quota(tmp_path):
    """ssh-serve on its own game server, one game a minute per client: callers from two
    addresses each start a game; a second game from the first address is refused."""
    door = SshServe(tmp_path / "d", None, env={"WEREWOLF_RATE_CREATE": "1/minute"})
    try:
        first = asyncio.run(_play_beside_bots(door.port, "127.0.0.2"))
        other = asyncio.run(_play_beside_bots(door.port, "127.0.0.3"))
        again = asyncio.run(_play_beside_bots(door.port, "127.0.0.2"))
    finally:
        door.stop()
    assert "palette" in first and "palette" in other  # each got a board
    assert "too many games created from this client" in again


async def _play_beside_bots(port: int, source: str) -> str:
    """A guest from ``source`` asks for a game beside bots: the board, or the refusal."""
    async with asyncssh.connect(
        "127.0.0.1", port, username="play", known_hosts=None, client_keys=None,
        agent_path=None, config=None, local_addr=(source, 0), client_factory=Guest,
    ) as conn:  # fmt: skip
        proc = await conn.create_process(
            term_type="xterm-256color", term_size=(100, 30), encoding="utf-8"
        )
        await _read_until(proc, "your choice")
        proc.stdin.write("1\r6\ren\r\r")
        seen = await _read_until(proc, ("palette", "too many"))
        if "palette" in seen:
            proc.stdin.write("\x11")  # ctrl+q: back to the menu
            await _read_until(proc, "your choice")
        elif "your choice" not in seen[seen.index("too many") :]:
            await _read_until(proc, "your choice")  # (the menu again, after the refusal)
        proc.stdin.write("q\r")
        await asyncio.wait_for(proc.wait_closed(), GIVE_UP)
        return seen


# -- what an ssh caller is offered -----------------------------------------------------------


async def _palette_titles(monkeypatch, door: str | None) -> set[str]:
    from tui.app import WerewolfApp

    if door is None:
        monkeypatch.delenv("WEREWOLF_SSH_DOOR", raising=False)
    else:
        monkeypatch.setenv("WEREWOLF_SSH_DOOR", door)

    async def nothing():
        await asyncio.Event().wait()
        yield  # (never)

    app = WerewolfApp(you=None, players=6, events=nothing())
    async with app.run_test(size=(80, 24)):
        return {c.title for c in app.get_system_commands(app.screen)}


async def test_no_screenshot_for_an_ssh_caller(monkeypatch):
    """A screenshot is a file on the machine running the app: for an ssh caller, the
    server's, where they can never open it. Not offered to them; offered locally."""
    local = await _palette_titles(monkeypatch, None)
    over_ssh = await _palette_titles(monkeypatch, "ssh -p 2222 play@example.org")
    assert "Screenshot" in local
    assert "Screenshot" not in over_ssh
    assert over_ssh == local - {"Screenshot"}  # the rest stays (Quit, Keys, the game's)
