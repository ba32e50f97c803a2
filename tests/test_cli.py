"""The ``werewolf`` command (``python -m cli``) against a real server, or against none."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, free_port

from server.llm.settings import LLMSettings, SettingsError
from shared.settings import Settings


def werewolf(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    "args",
    [("games",), ("join", "ABCD"), ("host",), ("watch", "ABCD", "--token", "t")],
    ids=lambda a: a[0],
)
def test_no_server_at_the_address_is_one_line_saying_how_to_start_one(args):
    nobody = f"http://127.0.0.1:{free_port()}"
    out = werewolf(*args, env={"WEREWOLF_SERVER": nobody})
    assert out.returncode == 1
    assert out.stderr.splitlines() == [
        f"no server answered at {nobody}: start one with `werewolf serve` "
        "(or give another with --server URL)"
    ]


def test_games_and_join_talk_to_the_server(server, tmp_path):
    listed = werewolf("games", "--server", server.url, env={"WEREWOLF_CLIENT_DIR": str(tmp_path)})
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith(("public tables:", "no public games on this server"))
    refused = werewolf(
        "join", "NOPE", "--server", server.url, env={"WEREWOLF_CLIENT_DIR": str(tmp_path)}
    )
    assert refused.returncode == 1
    assert refused.stderr.strip() == "can't join NOPE: no game 'NOPE' on this server"


def test_the_data_dir_comes_from_the_environment(tmp_path):
    out = werewolf("inspect", "NOPE", env={"WEREWOLF_DATA_DIR": str(tmp_path)})
    assert out.returncode == 1
    assert out.stderr.strip() == f"no games kept at {tmp_path} (try --data-dir or --server)"


def test_settings_given_a_mapping_read_nothing_else(monkeypatch):
    monkeypatch.setenv("WEREWOLF_SERVER", "http://elsewhere:1")
    monkeypatch.setenv("WEREWOLF_LLM_MODEL", "from-the-process")
    assert Settings.from_env().server == "http://elsewhere:1"
    given = Settings.from_env({"WEREWOLF_CLIENT_DIR": "/seats"})
    assert given.server == "http://127.0.0.1:8765" and given.llm_model == ""
    assert str(given.client_dir) == "/seats"


def test_a_bad_llm_limit_stops_only_the_llm_bots():
    env = {"WEREWOLF_LLM_MODEL": "m", "OPENAI_API_KEY": "sk-1", "WEREWOLF_LLM_RETRIES": "-1"}
    assert Settings.from_env(env).server  # the rest of the game reads its settings as before
    with pytest.raises(SettingsError, match="WEREWOLF_LLM_RETRIES must be at least 0, got -1"):
        LLMSettings.from_env(env)
    assert "sk-1" not in repr(Settings.from_env(env))


def test_join_command_names_the_server_only_when_it_is_not_the_default():
    from cli.tables import join_command

    assert join_command("ABCD", "http://127.0.0.1:8765/") == "werewolf join ABCD"
    there = "http://game.example:9000"
    assert join_command("ABCD", there) == f"werewolf join ABCD --server {there}"


def test_a_join_on_the_hosts_machine_takes_a_seat_of_its_own(server, tmp_path, monkeypatch):
    """The host's token is kept apart: `join` takes a new seat, `join --as-host` the host's."""
    import httpx

    from tui import tokens

    made = httpx.post(
        f"{server.url}/games",
        json={"players": 6, "humans": [1, 2], "hosted": True, "host_seat": 1, "pace": 0},
    ).json()
    code = made["code"]
    env = {"WEREWOLF_CLIENT_DIR": str(tmp_path), "WEREWOLF_SERVER": server.url}
    for k, v in env.items():  # tokens.save/load read the same folder as the command
        monkeypatch.setenv(k, v)
    tokens.save(server.url, code, 1, made["tokens"]["1"], role="host")
    session = tmux_run(f"{sys.executable} -m cli join {code}", env, tmp_path)
    try:
        wait_until(lambda: tokens.load(server.url, code), "the joiner's seat, kept")
    finally:
        tmux("kill-session", "-t", session)
    joined = tokens.load(server.url, code)
    hosted = tokens.load(server.url, code, role="host")
    assert joined and hosted and joined["seat"] == 2 and hosted["seat"] == 1
    assert joined["token"] != hosted["token"]
    nobody = werewolf("join", "ZZZZ", "--as-host", env=env)
    assert nobody.returncode == 1
    assert nobody.stderr.strip() == f"this machine hosts no table ZZZZ at {server.url}"


# A tmux server of this test process's own, with no config: other tmux users on the
# machine (their sessions, options, sizes, kill-server) never meet these terminals.
TMUX = ["tmux", "-L", f"werewolf-cli-{os.getpid()}", "-f", "/dev/null"]


def tmux(*args: str) -> str:
    return subprocess.run([*TMUX, *args], capture_output=True, text=True, check=False).stdout


def tmux_run(command: str, env: dict[str, str], where: Path, remain: bool = False) -> str:
    """``command`` in a tmux session of its own (a real terminal), its pid in ``where/pid``.
    ``remain``: the pane stays, with what it last showed, once the command has ended."""
    session = f"ww-cli-{uuid.uuid4().hex[:8]}"
    sets = [x for k, v in env.items() for x in ("-e", f"{k}={v}")]
    # (COLUMNS/LINES from the test's environment would override the pane's size)
    script = f"echo $$ > {where}/pid; cd {ROOT}; exec env -u COLUMNS -u LINES {command}"
    # (set in the same call as the session is made: before the command can end)
    stay = [";", "set-option", "-w", "-t", session, "remain-on-exit", "on"] if remain else []
    tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "120",
        "-y",
        "36",
        *sets,
        "sh",
        "-c",
        script,
        *stay,
    )
    return session


def wait_until(found, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not found():
        if time.monotonic() > deadline:  # a give-up, far beyond any honest delay
            raise AssertionError(f"never came: {what}")
        time.sleep(0.2)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("leave", ["ctrl+q", "hangup", "sigint"])
def test_play_leaves_no_folder_in_the_temp_dir(tmp_path, leave):
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {"TMPDIR": str(temp), "WEREWOLF_CLIENT_DIR": str(tmp_path)}
    session = tmux_run(f"{sys.executable} -m cli play --pace 0", env, tmp_path)
    try:
        screen = lambda: tmux("capture-pane", "-t", session, "-p")  # noqa: E731
        wait_until(lambda: "^p palette" in screen(), "the board")
        assert [p.name[:9] for p in temp.iterdir()] == ["werewolf-"]  # the private server's
        pid = int((tmp_path / "pid").read_text())
        # its private server: a fork of it (one thread runs when it starts)
        (server,) = map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
        assert (
            Path(f"/proc/{server}/cmdline").read_bytes()
            == Path(f"/proc/{pid}/cmdline").read_bytes()
        )
        assert Path(f"/proc/{server}/comm").read_text() == "werewolf-server\n"  # (top, pgrep)
        # in a session of its own: the terminal's signals are play's, who stops it
        assert os.getsid(server) == server != os.getsid(pid)
        if leave == "ctrl+q":
            tmux("send-keys", "-t", session, "C-q")
        elif leave == "hangup":
            tmux("kill-session", "-t", session)  # the terminal closes
        else:
            os.kill(pid, signal.SIGINT)
        wait_until(lambda: gone(pid), f"the end of `werewolf play` ({leave})")
        wait_until(lambda: gone(server), f"the end of its server ({leave})")
    finally:
        tmux("kill-session", "-t", session)
    assert list(temp.iterdir()) == []


def test_the_menu_turns_choices_into_the_commands(monkeypatch, tmp_path, capsys):
    """Each choice runs the `werewolf` command it names; bad answers are asked again."""
    import argparse
    import io

    from cli.menu import menu

    monkeypatch.setenv("WEREWOLF_CLIENT_DIR", str(tmp_path))
    typed = ["1", "7", "6", "zh", "y", "3", "abcd", "2", "", "3", "", "y", "4", "x", "q"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(typed) + "\n"))
    ran: list[list[str]] = []
    args = argparse.Namespace(server="http://s:1", pace=0.0)
    assert menu(args, lambda argv: ran.append(argv) or 0) == 0
    assert ran == [
        ["play", "--server", "http://s:1", "--players", "6", "--lang", "zh", "--pace", "0.0"]
        + ["--open"],
        ["join", "ABCD", "--server", "http://s:1"],
        ["host", "--server", "http://s:1", "--players", "9", "--humans", "3"]
        + ["--lang", "en", "--pace", "0.0", "--public"],
    ]
    out = capsys.readouterr().out
    assert "one of: 6, 9" in out  # 7 players: asked again
    assert "you hold no seat on this server yet" in out
    assert "a number from the list, or q" in out


def test_the_game_play_makes_apart_is_the_private_servers_answer(tmp_path):
    """``werewolf play`` makes its game in a thread while the app opens: the future holds
    the server's answer once it is up, or its refusal (the app then says why)."""
    from cli.local_server import starting_server
    from tui.client import ApiError

    with starting_server(tmp_path) as server:
        refused = server.create_apart({"players": 7, "humans": [1]})
        made = server.create_apart({"players": 9, "humans": [4], "pace": 0, "seed": 3})
        with pytest.raises(ApiError) as e:
            refused.result(timeout=120)
        assert e.value.status == 422 and "players" in e.value.message
        g = made.result(timeout=120)
        assert set(g["tokens"]) == {"4"} and g["game_id"]


def _serve_on(fd: int, data_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--fd", str(fd), "--data-dir", str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        pass_fds=(fd,),
    )


def test_a_request_sent_before_the_server_has_loaded_is_answered_on_its_socket(tmp_path):
    """The private server's socket is bound by ``werewolf play`` and handed over (``--fd``):
    a request sent before the server even starts waits in the backlog and is answered once
    it serves (nobody polls; no other program can take the port meanwhile)."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        early = socket.create_connection(("127.0.0.1", port), timeout=120)
        try:
            early.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            proc = _serve_on(listener.fileno(), tmp_path)
        except BaseException:
            early.close()
            raise
    try:
        with early:
            answer = b""
            while chunk := early.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
        assert b'"ok":true' in answer
        # The same socket serves the API, the client's address read as what it is (IPv4).
        made = httpx.post(f"http://127.0.0.1:{port}/games", json={"humans": [1]}, timeout=30)
        assert made.status_code == 201, made.text
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert f"werewolf server on http://127.0.0.1:{port}" in out


@pytest.mark.parametrize("what", ["a pipe", "a socket not listening"])
def test_serve_refuses_an_fd_that_is_no_listening_socket(tmp_path, what):
    import socket

    if what == "a pipe":
        r, w = os.pipe()
        os.close(w)
        fd, keep = r, None
    else:
        keep = socket.socket()
        keep.bind(("127.0.0.1", 0))
        fd = keep.fileno()
    try:
        proc = _serve_on(fd, tmp_path)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    finally:
        if keep is not None:
            keep.close()
        else:
            os.close(fd)
    assert proc.returncode == 2 and f"--fd {fd}:" in err, err
    assert "not a TCP socket" in err or "not listening" in err or "non-socket" in err, err


@pytest.mark.parametrize(
    "args, said",
    [
        (["--fd", "-1"], "--fd -1: negative file descriptor"),
        (["--fd", "3", "--port", "8765"], "not allowed with argument"),
        (["--port", "0", "--lifeline", "97"], "--lifeline 97: Bad file descriptor"),
    ],
)
def test_serve_refuses_a_negative_fd_or_an_fd_beside_a_port(tmp_path, args, said):
    out = subprocess.run(
        [sys.executable, "-m", "server", "serve", *args, "--data-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and said in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


# What each side has imported once it has made its first requests: the terminal app
# (what ``play`` imports, then a request: httpcore and anyio load at the first connection)
# and the server (serving a game's creation and its snapshot, asked with the standard
# library's client, which imports nothing the server would not).
_CLIENT_SIDE = """
import asyncio, sys
import cli.tables, cli.llm, tui.app, tui.launch, tui.tokens
from tui.client import GameClient

async def first_request():
    async with GameClient("http://127.0.0.1:9") as client:  # (nobody there)
        try:
            await client.health(timeout=5)
        except Exception:
            pass

asyncio.run(first_request())
print(*sorted(sys.modules))
"""
_SERVER_SIDE = """
import http.client, json, os, socket, sys, threading
import server.app, server.graph

sock = socket.socket()
sock.bind(("127.0.0.1", 0))
sock.listen()

def ask():
    c = http.client.HTTPConnection("127.0.0.1", sock.getsockname()[1], timeout=60)
    c.request("POST", "/games", body=json.dumps({"players": 6, "humans": [1]}),
              headers={"Content-Type": "application/json"})
    g = json.loads(c.getresponse().read())
    auth = {"Authorization": "Bearer " + g["tokens"]["1"]}
    c.request("GET", "/games/" + g["game_id"], headers=auth)
    c.getresponse().read()
    c.request("GET", "/games/" + g["game_id"] + "/events", headers=auth)  # play's next
    c.getresponse().read1(1)
    print(*sorted(sys.modules), flush=True)
    os._exit(0)

threading.Thread(target=ask, daemon=True).start()
server.app.serve(sock=sock)
"""


def test_both_sides_import_what_is_loaded_before_the_private_server_is_forked():
    """``werewolf play`` loads some modules before it forks its server, for both processes:
    each must be one that the terminal app and the server both import anyway, by their
    first requests (``play``'s: a game made, read, and its stream opened). A module only
    one side needs would cost the other's memory, or its start, for nothing."""
    from cli.local_server import SHARED_MODULES

    for side in (_CLIENT_SIDE, _SERVER_SIDE):
        out = subprocess.run(
            [sys.executable, "-c", side], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        assert set(SHARED_MODULES) <= set(out.stdout.split()), side


_PRIVATE_SERVER = """
import os, sys, threading, time
from pathlib import Path
import httpx
from cli.local_server import starting_server
if sys.argv[2] == "threads":
    threading.Thread(target=time.sleep, args=(120,), daemon=True).start()
with starting_server(Path(sys.argv[1]), env={"WEREWOLF_MAX_LIVE_GAMES": "1"}) as server:
    url = server.ready()
    print(type(server.proc).__name__, server.proc.pid, flush=True)
    assert os.getsid(server.proc.pid) == server.proc.pid != os.getsid(0)  # a session of its own
    for _ in range(2):
        r = httpx.post(f"{url}/games", json={"players": 6, "humans": [1]}, timeout=60)
        print(r.status_code, flush=True)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="forked on Linux only")
@pytest.mark.parametrize("threads", ["one", "threads", "stdin closed"])
def test_the_private_server_is_forked_when_only_one_thread_runs(tmp_path, threads):
    """With one thread, the private server is a fork of ``werewolf play`` (the modules both
    need are loaded once); with more, a fork could inherit a lock some other thread holds,
    so it is ``python -m server serve``. Either way it serves, in a session of its own,
    takes the variables it is given, writes its log, and is gone when the session ends; a
    closed stdin (a launcher's) takes neither the log's place nor the socket's."""
    command = [sys.executable, "-c", _PRIVATE_SERVER, str(tmp_path), threads]
    if threads == "stdin closed":
        command = ["sh", "-c", 'exec "$@" <&-', "sh", *command]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    kind, pid, first, second = out.stdout.split()
    assert kind == ("Popen" if threads == "threads" else "ForkedServer")
    assert (first, second) == ("201", "503")  # WEREWOLF_MAX_LIVE_GAMES=1 reached the server
    assert gone(int(pid))
    assert "werewolf server on http://127.0.0.1:" in (tmp_path / "server.log").read_text()


_KILLED_STARTER = """
import os, signal, sys, threading, time
from pathlib import Path
from cli.local_server import starting_server
if sys.argv[2] == "threads":
    threading.Thread(target=time.sleep, args=(120,), daemon=True).start()
with starting_server(Path(sys.argv[1])) as server:
    server.ready()
    print(server.proc.pid, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # no handler, no finally: gone
"""


@pytest.mark.parametrize("threads", ["one", "threads"])
def test_a_private_server_ends_when_whoever_started_it_is_killed(tmp_path, threads):
    """``kill -9`` of ``werewolf play`` runs none of its code: its private server (forked or
    not) reads the end of its lifeline, a pipe whose write end only ``play`` held, and
    stops (it used to serve on, adopted by init, until the machine restarted)."""
    out = subprocess.run(
        [sys.executable, "-c", _KILLED_STARTER, str(tmp_path), threads],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == -signal.SIGKILL, out.stderr
    server = int(out.stdout)
    wait_until(lambda: gone(server) or _zombie(server), "the server's end")


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_a_private_server_that_exits_while_its_client_waits_is_told(tmp_path):
    """The client's request waits in the socket's backlog; a server that exits instead of
    serving (here: a limit it can't read) closes the socket with it, and the client says
    that the server exited (not that it did not start in time)."""
    from cli.local_server import starting_server

    with starting_server(tmp_path, env={"WEREWOLF_RATE_CREATE": "lots"}) as server:
        with pytest.raises(RuntimeError) as e:
            server.ready()
    # why, from its log, and where the log is (a data dir of the caller's: it stays)
    said = str(e.value)
    assert said.startswith("the local server exited: werewolf serve: WEREWOLF_RATE_CREATE='lots'")
    assert said.endswith(f"(its log: {tmp_path / 'server.log'})")
    assert "WEREWOLF_RATE_CREATE='lots'" in (tmp_path / "server.log").read_text()


def test_play_says_why_its_private_server_exited(tmp_path):
    """The private server's folder (its log with it) is gone once ``play`` ends: what the
    log said is in the message the player reads, and no path to a file that is gone."""
    env = {"WEREWOLF_CLIENT_DIR": str(tmp_path), "WEREWOLF_RATE_CREATE": "lots"}
    # (what play says as it ends stays on the screen: the pane outlives it)
    session = tmux_run(f"{sys.executable} -m cli play --pace 0", env, tmp_path, remain=True)
    try:
        screen = lambda: " ".join(tmux("capture-pane", "-t", session, "-p").split())  # noqa: E731
        wait_until(lambda: "the local server exited" in screen(), "play's message")
        assert "the local server exited: werewolf serve: WEREWOLF_RATE_CREATE='lots'" in screen()
        assert "its log" not in screen()
    finally:
        tmux("kill-session", "-t", session)


def test_every_token_the_server_makes_may_follow_token_on_a_command_line(monkeypatch):
    """A token that starts with "-" was taken by argparse for an option (``werewolf watch
    GAME --token -x…``: "expected one argument"): one token in 64, found by a tmux test.
    The server makes none: a token drawn so is drawn again."""
    import secrets

    from cli.main import build_parser
    from server.registry import new_token

    drawn = iter(["-likeAnOption", "-again", "plain_and-dashed"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: next(drawn))
    assert new_token() == "plain_and-dashed"
    monkeypatch.undo()
    for _ in range(500):  # ((63/64)^500: without the redraw, one starts with "-" but 1 in 2,600)
        token = new_token()
        assert build_parser().parse_args(["watch", "g1", "--token", token]).token == token
