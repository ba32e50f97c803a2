"""Issue #12's game figures: CPU per all-bot game, the server's start, a restart over many
finished games, ``werewolf play`` to its first screen, and memory per finished game; by
name only (``--only serve``), a served game's own CPU at pace 0 and a SHA-256 over its events.

``figures(quick)`` is what bench/perf.py prints beside the stream's figures; alone:

    .venv/bin/python bench/perf_game.py [--quick] [--only simulate,startup,...]

Every figure runs this checkout's code in child processes (``python -m server ...`` from
the repository root), so a copy of this file in another checkout measures that one: the
way to compare before and after in one run on a machine whose speed drifts.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
# CPU seconds, not wall time: a loaded machine inflates a start's CPU far less
from raw_sse import cpu_seconds as _cpu_s  # noqa: E402
from raw_sse import watch_game  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


@dataclass(frozen=True)
class Tree:
    """A checkout the figures run: this one, or another measured beside it in the same run
    (bench/perf_before.py: the tree the issue measured). ``werewolf`` starts its command."""

    root: Path
    werewolf: str

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(self.root), "PYTHONUNBUFFERED": "1"}

    def compile(self) -> None:
        """Write the tree's bytecode, as an installed game has it. Without it, a shell with
        ``PYTHONDONTWRITEBYTECODE`` set (this machine's) compiles every changed or unpacked
        module from source in every process: 0.3-0.4 s of the issue's tree's start (its
        pyc never written in its temporary directory), and a part of this tree's."""
        dirs = [str(self.root / d) for d in PACKAGES if (self.root / d).is_dir()]
        subprocess.run([PY, "-m", "compileall", "-q", *dirs], check=True, stdout=subprocess.DEVNULL)


PACKAGES = ("server", "shared", "tui", "cli", "bench")  # a tree's own code
HERE = Tree(ROOT, str(Path(PY).with_name("werewolf")))
ENV = HERE.env
# One client plays every game here: the per-client quotas are lifted (as in the tests).
QUOTAS_OFF = {
    "WEREWOLF_RATE_CREATE": "off",
    "WEREWOLF_RATE_JOIN": "off",
    "WEREWOLF_RATE_ACTIONS": "off",
    "WEREWOLF_RATE_MISSES": "off",
    "WEREWOLF_MAX_STREAMS_PER_CLIENT": "0",
    "WEREWOLF_MAX_LIVE_GAMES": "0",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _settled_rss_mb(pid: int, timeout: float = 20.0) -> float:
    """The server's RSS once it is idle: the game graph loaded and the warm-up game played
    (a fixed second after healthy caught a slow machine's server halfway through them).
    An idle server loads the graph ``LOAD_GRAPH_AFTER`` seconds after it opens: idle until
    then, it is not settled yet."""
    from server.moderator import LOAD_GRAPH_AFTER

    time.sleep(LOAD_GRAPH_AFTER)
    end = time.perf_counter() + timeout
    cpu = _cpu_s(pid)
    while time.perf_counter() < end:
        time.sleep(0.5)
        now = _cpu_s(pid)
        if now - cpu < 0.01:  # under 2% of a core for half a second
            break
        cpu = now
    return _rss_mb(pid)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- CPU per game ------------------------------------------------------------------------
SIMULATE = """
import sys, time
from server.simulate import simulate
simulate(5, workers=1)  # imports, first calls
t = time.process_time()
simulate({games}, workers=1, seed=1000)
print((time.process_time() - t) / {games} * 1000)
"""


def simulate_ms_per_game(games: int, tree: Tree = HERE) -> float:
    """CPU per 9-player all-bot game in one process (``simulate --workers 1``)."""
    out = subprocess.run(
        [PY, "-c", SIMULATE.format(games=games)],
        cwd=tree.root,
        env=tree.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.split()[-1])


# -- the server's start ---------------------------------------------------------------------
class Server:
    """``python -m server serve`` on a free port; ``start`` returns seconds to healthy."""

    def __init__(self, data_dir: Path, tree: Tree = HERE) -> None:
        self.data_dir, self.port, self.tree = data_dir, _free_port(), tree
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.cpu = 0.0  # the CPU seconds it had used once healthy (user + system)

    def start(self, timeout: float = 300) -> float:
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                PY,
                "-m",
                "server",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
            ],
            cwd=self.tree.root,
            env={**self.tree.env, **QUOTAS_OFF},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with httpx.Client(timeout=30) as c:
            while time.perf_counter() - t0 < timeout:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"the server exited ({self.proc.returncode})")
                try:
                    if c.get(f"{self.url}/healthz").status_code == 200:
                        self.cpu = _cpu_s(self.proc.pid)
                        return time.perf_counter() - t0
                except httpx.TransportError:
                    time.sleep(0.02)
        raise RuntimeError("the server did not become healthy")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def serve_startup_s(runs: int) -> tuple[float, float]:
    """``werewolf serve`` to a healthy answer, empty data directory: wall seconds and the
    server's CPU seconds by then (medians of ``runs``)."""
    starts = [start_once() for _ in range(runs)]
    return statistics.median(t for t, _, _ in starts), statistics.median(c for _, c, _ in starts)


# -- a restart over finished games ------------------------------------------------------------
async def _play(c: httpx.AsyncClient, url: str, seed: int) -> dict:
    g = (await c.post(f"{url}/games", json={"humans": [], "pace": 0, "seed": seed})).json()
    auth = {"Authorization": f"Bearer {g['spectator_token']}"}
    async with c.stream("POST", f"{url}/games/{g['game_id']}/start", headers=auth):
        pass
    async with c.stream("GET", f"{url}/games/{g['game_id']}/events", headers=auth) as r:
        async for _ in r.aiter_bytes():  # to its end: the game is over
            pass
    return {"id": g["game_id"], "auth": auth}


async def _fill(url: str, games: int, batch: int = 25) -> list[dict]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(60, read=None)) as c:
        out: list[dict] = []
        while len(out) < games:
            n = min(batch, games - len(out))
            out += await asyncio.gather(*(_play(c, url, len(out) + i) for i in range(n)))
        return out


async def _check_finished(url: str, game: dict) -> None:
    """A finished game still answers everything after the restart."""
    async with httpx.AsyncClient(timeout=60) as c:
        base, auth = f"{url}/games/{game['id']}", game["auth"]
        snap = (await c.get(base, headers=auth)).json()
        assert snap["state"]["over"], snap
        text = (await c.get(f"{base}/events", headers=auth)).text
        assert "event: game_over" in text and text.count("\nid: ") + 1 >= snap["seq"] // 2
        assert (await c.get(f"{base}/summary", headers=auth)).json()["finished"]
        assert (await c.get(f"{base}/calls", headers=auth)).status_code == 200


def restart(games: int, runs: int = 5) -> dict[str, float]:
    """Fill a data directory with ``games`` finished all-bot games, then time restarts over
    it to healthy, each beside a start over an empty data directory (alternately, so both
    see the same weather: "the same as an empty data directory" is their ratio), and the
    server's RSS once it has settled, beside the empty one's."""
    data = Path(tempfile.mkdtemp(prefix="ww-restart-"))
    srv = Server(data)
    try:
        srv.start()
        played = asyncio.run(_fill(srv.url, games))
    finally:
        srv.stop()
    full: list[tuple[float, float]] = []
    empty: list[tuple[float, float, float]] = []
    rss = 0.0
    try:
        for i in range(runs):
            empty.append(start_once(settled=i == runs - 1))
            again = Server(data)
            try:
                full.append((again.start(), again.cpu))
                if i == runs - 1:
                    assert again.proc is not None
                    rss = _settled_rss_mb(again.proc.pid)
                    asyncio.run(_check_finished(again.url, played[len(played) // 2]))
            finally:
                again.stop()
    finally:
        shutil.rmtree(data, ignore_errors=True)
    seconds = statistics.median(t for t, _ in full)
    empty_s = statistics.median(t for t, _, _ in empty)
    return {
        f"restart_{games}_s": seconds,
        f"restart_{games}_cpu_s": statistics.median(c for _, c in full),
        "restart_x_empty_start": seconds / empty_s,
        f"restart_{games}_rss_mb": rss,
        "restart_rss_x_empty": rss / empty[-1][2],
    }


def start_once(settled: bool = False, tree: Tree = HERE) -> tuple[float, float, float]:
    """One start over an empty data directory: wall seconds to healthy, CPU seconds by then
    and (``settled``) its RSS in MB once idle (else NaN)."""
    srv = Server(Path(tempfile.mkdtemp(prefix="ww-start-")), tree)
    try:
        seconds = srv.start()
        assert srv.proc is not None
        return seconds, srv.cpu, _settled_rss_mb(srv.proc.pid) if settled else float("nan")
    finally:
        srv.stop()
        shutil.rmtree(srv.data_dir, ignore_errors=True)


def empty_rss_mb() -> float:
    """The server's RSS over an empty data directory, settled (what a restart is held to)."""
    return start_once(settled=True)[2]


# -- werewolf play to its first screen ---------------------------------------------------------
FIRST_SCREEN = "Night 1 falls"  # the timeline's first line once the game runs


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it (those still running)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def _tree_cpu_s(pids: list[int]) -> float:
    """CPU seconds used by ``pids`` (a :func:`_tree`: those still running)."""
    total = 0.0
    for p in pids:
        try:
            total += _cpu_s(p)
        except OSError:
            continue
    return total


def _until_gone(pids: list[int], timeout: float = 15) -> None:
    """Wait until none of ``pids`` runs. A zombie whose threads still run counts as running:
    the issue's tree's client and server turn zombie at once and run on for up to 2 s."""

    def running(p: int) -> bool:
        try:
            state = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]
            return state != "Z" or len(os.listdir(f"/proc/{p}/task")) > 1
        except OSError:
            return False

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(running(p) for p in pids):
        time.sleep(0.02)


CPU_AT_SCREEN: list[float] = []  # the CPU seconds each _tmux_until's command had used


def _tmux_until(
    command: str, shown: str, client_dir: str, timeout: float = 120, root: Path = ROOT
) -> float:
    """Seconds from starting ``command`` in a 120×36 tmux session until ``shown`` is on its
    screen (NaN if never); the CPU seconds it had used by then (its processes: the client
    and, for ``werewolf play``, its private server) go to :data:`CPU_AT_SCREEN`: a figure
    a loaded machine inflates far less than the wall time."""
    session = f"ww-perf-{os.getpid()}-{time.monotonic_ns()}"
    env = [
        f"-e{k}={v}" for k, v in (("PYTHONPATH", str(root)), ("WEREWOLF_CLIENT_DIR", client_dir))
    ]
    t0 = time.perf_counter()
    for tries_left in (1, 0):  # the tmux server, shared with other sessions, may just have quit
        made = subprocess.run(
            ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "36", *env,
             f"cd {root} && {command}; sleep 60"],
            check=tries_left == 0,
        )  # fmt: skip
        if made.returncode == 0:
            break
        t0 = time.perf_counter()
    pids: list[int] = []
    try:
        while time.perf_counter() - t0 < timeout:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-t", session, "-p"], capture_output=True, text=True
            ).stdout
            if shown in screen:
                seconds = time.perf_counter() - t0
                pane = subprocess.run(
                    ["tmux", "display-message", "-p", "-t", session, "#{pane_pid}"],
                    capture_output=True,
                    text=True,
                ).stdout.strip()
                pids = _tree(int(pane)) if pane else []  # (one walk of /proc for both)
                CPU_AT_SCREEN.append(_tree_cpu_s(pids) if pids else float("nan"))
                return seconds
            time.sleep(0.02)
        return float("nan")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
        # Its processes end before the next measurement starts: ours took up to a second to
        # stop its private server, at most of a core, the tree up to 2 s: either
        # weighed on whatever was measured next (the other tree's turn, bench/perf_before.py).
        _until_gone(pids)


PLAY_ARGS = "play --seat 4 --seed 12 --pace 30"
PLAY = f"{HERE.werewolf} {PLAY_ARGS}"


def play_first_screen_s(runs: int, tree: Tree = HERE) -> float:
    """``werewolf play`` in tmux (its own private server) until the timeline shows the game
    running (median of ``runs``); NaN without tmux."""
    if shutil.which("tmux") is None:
        return float("nan")
    times = []
    for _ in range(runs):
        client_dir = tempfile.mkdtemp(prefix="ww-client-")
        try:
            play = f"{tree.werewolf} {PLAY_ARGS}"
            times.append(_tmux_until(play, FIRST_SCREEN, client_dir, root=tree.root))
        finally:
            shutil.rmtree(client_dir, ignore_errors=True)
    return statistics.median(times)


def first_screen_server_s(runs: int) -> float:
    """The server's part of the first screen: from starting ``python -m server serve`` to
    the first phase of a game created and started as soon as it answers (median)."""
    times = []
    for _ in range(runs):
        srv = Server(Path(tempfile.mkdtemp(prefix="ww-first-")))
        try:
            t0 = time.perf_counter()
            srv.start()
            with httpx.Client(timeout=60) as c:
                g = c.post(f"{srv.url}/games", json={"humans": [4], "pace": 30, "seed": 12}).json()
                auth = {"Authorization": f"Bearer {g['tokens']['4']}"}
                base = f"{srv.url}/games/{g['game_id']}"
                with c.stream("POST", f"{base}/start", headers=auth):
                    pass
                with c.stream("GET", f"{base}/events", headers=auth) as r:
                    for line in r.iter_lines():
                        if line == "event: phase":
                            times.append(time.perf_counter() - t0)
                            break
        finally:
            srv.stop()
            shutil.rmtree(srv.data_dir, ignore_errors=True)
    return statistics.median(times)


def first_screen_client_s(runs: int) -> float:
    """The client's part of the first screen: ``werewolf play --server`` in tmux, against a
    server already warm (LangGraph loaded, one game played), to the same screen (median)."""
    if shutil.which("tmux") is None:
        return float("nan")
    srv = Server(Path(tempfile.mkdtemp(prefix="ww-warm-")))
    times = []
    try:
        srv.start()
        asyncio.run(_fill(srv.url, 1))  # the graph loaded, its first calls made
        for _ in range(runs):
            client_dir = tempfile.mkdtemp(prefix="ww-client-")
            try:
                times.append(_tmux_until(f"{PLAY} --server {srv.url}", FIRST_SCREEN, client_dir))
            finally:
                shutil.rmtree(client_dir, ignore_errors=True)
    finally:
        srv.stop()
        shutil.rmtree(srv.data_dir, ignore_errors=True)
    return statistics.median(times)


# -- a served game's own cost at pace 0 ---------------------------------------------------------
def _thread_ticks(pid: int) -> dict[int, int]:
    """CPU clock ticks (user + system) of each of ``pid``'s threads, by thread id."""
    out: dict[int, int] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(task.name)] = int(fields[11]) + int(fields[12])
    return out


def _sse_data(raw: bytes) -> list[bytes]:
    """The ``data:`` lines of a whole chunked SSE answer (headers included)."""
    raw = raw[raw.find(b"\r\n\r\n") + 4 :]
    body = []
    while (eol := raw.find(b"\r\n")) >= 0:
        size = int(raw[:eol].split(b";")[0] or b"0", 16)
        body.append(raw[eol + 2 : eol + 2 + size])
        raw = raw[eol + 2 + size + 2 :]
        if size == 0:
            break
    return [
        line[6:]
        for message in b"".join(body).split(b"\n\n")
        for line in message.split(b"\n")
        if line.startswith(b"data: ")
    ]


async def _served_pace0(url: str, pid: int, seed: int) -> tuple[float, list[bytes]]:
    """One all-bot game at pace 0 read by one spectator: the server's CPU seconds from its
    start to its end, and every event's JSON as the spectator got it."""
    raw = bytearray()

    def take(chunk: bytes) -> bool:
        raw.extend(chunk)
        return raw.endswith(b"\r\n0\r\n\r\n")  # the chunked body's end: game over

    spent = await watch_game(url, pid, 0, seed, take)
    return spent, _sse_data(bytes(raw))


def serve_pace0(games: int) -> dict[str, Any]:
    """All-bot 9-player games at pace 0 in ``werewolf serve``, one at a time, one spectator
    each (seeds 500...): the server's CPU per game (every thread, and the event loop's thread
    alone), and a SHA-256 over every event the spectator got, ``ts`` left out: the same
    seeds must give the same hash before and after a change that keeps the game's words."""
    srv = Server(Path(tempfile.mkdtemp(prefix="ww-pace0-")))
    try:
        srv.start()
        assert srv.proc is not None
        pid = srv.proc.pid
        asyncio.run(_served_pace0(srv.url, pid, 499))  # warm: lazy imports, caches
        ticks0, cpu, digest, events = _thread_ticks(pid), 0.0, hashlib.sha256(), 0
        for i in range(games):
            spent, said = asyncio.run(_served_pace0(srv.url, pid, 500 + i))
            cpu += spent
            for data in said:
                event = json.loads(data)
                event.pop("ts", None)
                digest.update(json.dumps(event, sort_keys=True, ensure_ascii=False).encode())
            events += len(said)
        loop_thread = _thread_ticks(pid).get(pid, 0) - ticks0.get(pid, 0)
    finally:
        srv.stop()
        shutil.rmtree(srv.data_dir, ignore_errors=True)
    return {
        "serve_pace0_ms_per_game": cpu / games * 1e3,
        "serve_pace0_loop_thread_ms_per_game": loop_thread / os.sysconf("SC_CLK_TCK") / games * 1e3,
        "serve_pace0_events": events,
        "serve_pace0_events_sha256": digest.hexdigest(),
    }


# -- memory per finished game --------------------------------------------------------------------
def memory_kib_per_finished_game(games: int, batch: int) -> float:
    out = subprocess.run(
        [PY, str(ROOT / "bench" / "memory_bench.py"), "--games", str(games), "--batch", str(batch)],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(out.stdout)["kib_per_game"])


PARTS = ("simulate", "startup", "restart", "first_screen", "memory")
EXTRA = ("serve",)  # asked for by name only (bench/perf.py has the stream's pace-0 figure)


def figures(quick: bool = False, only: tuple[str, ...] = PARTS) -> dict[str, Any]:
    """The game's figures, by name with its unit (and the pace-0 games' events hash).
    ``quick``: fewer games and runs."""
    out: dict[str, Any] = {}
    if "simulate" in only:
        # The median of three processes (each its own warm-up): the machine's weather moves
        # one by a third within minutes, as it does the stream figures (bench/perf_stream.py).
        runs = [simulate_ms_per_game(30 if quick else 70) for _ in range(1 if quick else 3)]
        out["simulate_ms_per_game"] = statistics.median(runs)
        out["simulate_ms_per_game_lo"], out["simulate_ms_per_game_hi"] = min(runs), max(runs)
    if "startup" in only:
        out["serve_startup_s"], out["serve_startup_cpu_s"] = serve_startup_s(1 if quick else 3)
        out["serve_empty_rss_mb"] = empty_rss_mb()
    if "restart" in only:
        out.update(restart(100 if quick else 500))
    if "first_screen" in only:
        runs = 1 if quick else 3
        CPU_AT_SCREEN.clear()
        out["play_first_screen_s"] = play_first_screen_s(runs)
        out["play_first_screen_cpu_s"] = statistics.median(CPU_AT_SCREEN or [float("nan")])
        out["first_screen_server_part_s"] = first_screen_server_s(runs)
        CPU_AT_SCREEN.clear()
        out["first_screen_client_part_s"] = first_screen_client_s(runs)
        out["first_screen_client_part_cpu_s"] = statistics.median(CPU_AT_SCREEN or [float("nan")])
    if "serve" in only:
        out.update(serve_pace0(10 if quick else 40))
    if "memory" in only:
        out["memory_kib_per_finished_game"] = (
            memory_kib_per_finished_game(100, 25)
            if quick
            else memory_kib_per_finished_game(300, 50)
        )
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", default=",".join(PARTS), help=f"some of {','.join(PARTS + EXTRA)}")
    a = p.parse_args()
    result = figures(a.quick, tuple(a.only.split(",")))
    print(
        json.dumps(
            {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}, indent=2
        )
    )
