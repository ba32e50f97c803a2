"""Nobody's words act on anybody's terminal.

A game whose LLM bots answer with escape sequences (clipboard, window title, leaving
the alternate screen, colours) and bidi controls in every thought and speech, and whose
human tries to say the same: ``werewolf watch`` runs under a real pty, and not one of
those sequences reaches it. The server refuses the human's speech (422 naming ``text``)
and cleans the models' before anyone hears them; and a client that reads the same
sequences from a hostile server cleans them itself.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, ServerProcess, free_port, settle
from eventually import GIVE_UP, until

from devtools.scripted_llm import ScriptedLLM
from shared.actions import Decision
from shared.strings import say

INJECTION = (
    "hi \x1b]52;c;cHduZWQ=\x1b\\ \x1b]0;PWNED\x1b\\ \x1b[?1049l\x1b[31mRED "
    "\u202eevil\u202c \u2066iso\u2069 \x9b2J\x7f bye "
)
# What must never reach a terminal: the sequences, whole or in part, and the bidi controls.
FORBIDDEN = [
    b"]52;",
    b"cHduZWQ=",
    b"]0;PWNED",
    b"PWNED",
    b"\x1b[31mRED",
    *(ch.encode() for ch in "\u202e\u202c\u2066\u2069\x9b"),
]
CLEANED = "hi   RED evil iso  bye"  # what the table hears instead (a speech is one line)


# -- a terminal: a program under a pty, everything it writes kept -------------------------
class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str], rows: int = 45, cols: int = 150):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the program closed the terminal
                return
            if not chunk:
                return
            self.output += chunk

    def screen_text(self) -> str:
        """What it wrote, without any escape sequence: the words that were shown."""
        text = bytes(self.output).decode("utf-8", "replace")
        return re.sub(
            r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[P^_].*?\x1b\\|.)", "", text
        )

    async def shows(self, text: str) -> None:
        """Wait until ``text`` has been shown; else fail with the end of what was."""
        try:
            # Reading the whole screen's bytes is slow on a big output: look twice a second,
            # and give a loaded machine time to draw a whole game.
            await until(
                lambda: text in self.screen_text(),
                f"the terminal to show {text!r}",
                seconds=3 * GIVE_UP,
                step=0.5,
            )
        except AssertionError as e:
            alive = "running" if self.proc.poll() is None else f"exited {self.proc.returncode}"
            tail = self.screen_text()[-3000:]
            raise AssertionError(f"{e} (the program is {alive}); it showed:\n{tail}") from None

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        self.reader.join(10)
        os.close(self.master)


def terminal_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",  # so no colour of Textual's own is ever a bare \x1b[31m
        "WEREWOLF_CLIENT_DIR": str(tmp_path),
    }


def injected(output: bytes) -> dict[str, int]:
    """How many times each forbidden sequence reached the terminal (only those that did)."""
    counts = {s.decode("utf-8", "replace"): output.count(s) for s in FORBIDDEN}
    # Textual leaves the alternate screen once, when it quits; more is somebody else's.
    counts["\\x1b[?1049l beyond the app's own exit"] = max(0, output.count(b"\x1b[?1049l") - 1)
    return {k: v for k, v in counts.items() if v}


# -- the game ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_llm():
    llm = ScriptedLLM(chunk_delay=0.0002)
    llm.start()
    llm.script({"kind": "inject", "text": INJECTION, "times": None})
    yield llm
    llm.stop()


@pytest.fixture(scope="module")
def llm_server(hostile_llm, tmp_path_factory):
    env = {
        "WEREWOLF_LLM_BASE_URL": hostile_llm.base_url,
        "WEREWOLF_LLM_MODEL": "scripted",
        "WEREWOLF_LLM_API_KEY": "",
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
    }
    proc = ServerProcess(tmp_path_factory.mktemp("injection-server"), env=env).start()
    yield proc
    proc.stop()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def play_as_human(url: str, g: dict, seat: int) -> list[dict]:
    """Answer every decision of ``seat`` until game over, trying the injection in every
    speech first; return each refusal of it."""
    gid, tok, spec = g["game_id"], g["tokens"][str(seat)], g["spectator_token"]
    refusals = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as c:
        async with c.stream("POST", f"/games/{gid}/start", headers=auth(tok)) as r:
            await r.aread()
        while True:
            snap = (await c.get(f"/games/{gid}", headers=auth(spec))).json()
            if snap["state"]["over"]:
                return refusals
            mine = [w for w in snap["waiting_for"] if w["seat"] == seat and w["kinds"]]
            if not mine:
                await settle(c, gid, spec, snap["seq"])
                continue
            d = Decision.model_validate(mine[0])
            if d.speaks:
                body = {"seat": seat, "kind": "speak", "text": INJECTION}
                r = await c.post(f"/games/{gid}/actions", json=body, headers=auth(tok))
                refusals.append({"status": r.status_code, **r.json()})
                after = (await c.get(f"/games/{gid}", headers=auth(spec))).json()
                assert after == snap, "a refused speech changes nothing"
                action = {"seat": seat, "kind": "speak", "text": "plain\twords\r\nfrom me"}
            else:
                action = d.pass_action().model_dump(exclude_none=True)
            r = await c.post(f"/games/{gid}/actions", json=action, headers=auth(tok))
            assert r.status_code == 200, r.text
            await settle(c, gid, spec, r.json()["seq"])


async def whole_feed(url: str, g: dict) -> list[dict]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as c:
        r = await c.get(f"/games/{g['game_id']}/events", headers=auth(g["spectator_token"]))
        return [json.loads(line[6:]) for line in r.text.splitlines() if line.startswith("data: ")]


async def test_no_escape_sequence_reaches_a_watchers_terminal(llm_server, tmp_path):
    url = llm_server.url
    async with httpx.AsyncClient(base_url=url, timeout=60) as c:
        g = (
            await c.post(
                "/games",
                # (both seeds: the names are in the prompts, so they steer the game too)
                json={
                    "players": 6,
                    "humans": [2],
                    "bots": "llm",
                    "pace": 0,
                    "seed": 5,
                    "names_seed": 5,
                },
            )
        ).json()
    watcher = Terminal(
        [sys.executable, "-m", "cli", "watch", g["game_id"], "--server", url]
        + ["--token", g["spectator_token"]],
        terminal_env(tmp_path),
    )
    try:
        await until(lambda: b"\x1b[?1049h" in watcher.output, "the watcher to open its screen")
        refusals = await play_as_human(url, g, seat=2)
        game_over = say("phase.game_over", "en")  # short: never cut by a line's wrap
        await watcher.shows(game_over)
        watcher.type(b"\x11")  # ctrl+q
        await asyncio.to_thread(watcher.proc.wait, 60)
        await until(lambda: not watcher.reader.is_alive(), "the watcher's last words")
    finally:
        watcher.close()
    output = bytes(watcher.output)

    # The human's speech with the sequences was refused, naming the field, every time.
    assert refusals, "the human was asked to speak"
    for r in refusals:
        assert r["status"] == 422, r
        assert r["detail"]["code"] == "invalid"
        assert ["body", "text"] in [f["loc"] for f in r["detail"]["fields"]], r

    # The models' sequences were cleaned before anyone heard them: the log holds clean text.
    feed = await whole_feed(url, g)
    speeches = [e for e in feed if e["type"] == "speech_end"]
    model_speeches = [e["text"] for e in speeches if e["seat"] != 2 and e["text"]]
    assert model_speeches and all(t.startswith(CLEANED) for t in model_speeches), model_speeches
    assert any(e["seat"] == 2 and e["text"] == "plain words from me" for e in speeches)
    thoughts = "".join(e["content"] for e in feed if e["type"] == "thought_token")
    assert CLEANED.strip() in thoughts.replace("\n", " ")
    for e in feed:
        for text in (e.get("text"), e.get("content"), e.get("message"), e.get("label")):
            assert not re.search(
                "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text or ""
            )

    # And the watcher's terminal got none of it, though it showed the speeches.
    assert injected(output) == {}, injected(output)
    # (one word: Textual redraws a line in pieces, so a phrase need not come in one run)
    assert "evil" in watcher.screen_text()


# -- a hostile server: the client cleans what it reads, whatever the server sends ----------
def hostile_feed() -> list[dict]:
    """A whole (short) game as a server could send it, the injection in every string."""
    x = INJECTION
    seats = [{"seat": n, "name": f"{x}{n}"} for n in range(1, 7)]
    roles = {"werewolf": 2, "villager": 2, "seer": 1, "witch": 1}
    over_state = {
        "started": True,
        "day": 1,
        "phase": "game_over",
        "over": True,
        "winner": "wolves",
        "reason": x,
        "players": 6,
        "lang": "en",
        "seats": [{**s, "alive": True, "role": "villager"} for s in seats],
        "options": {f"{x}key": x},
    }
    return [
        {
            "type": "game_created",
            "players": 6,
            "lang": "en",
            "seats": seats,
            "roles": roles,
            "options": {f"{x}key": x},
        },
        {"type": "phase", "phase": "day", "day": 1},
        {"type": "thought_start", "seat": 3, "label": x},
        *({"type": "thought_token", "seat": 3, "content": piece} for piece in x.split(" ")),
        {"type": "thought_end", "seat": 3},
        {"type": "speech_start", "seat": 3, "kind": "day"},
        *({"type": "token", "seat": 3, "content": piece + " "} for piece in x.split(" ")),
        {"type": "speech_end", "seat": 3, "text": x, "kind": "day", "day": 1},
        {"type": "error", "message": x, "seat": 3},
        {
            "type": "game_over",
            "winner": "wolves",
            "roles": {str(n): "villager" for n in range(1, 7)},
            "reason": x,
            "day": 1,
        },
        {"type": "snapshot", "state": over_state},
    ]


def hostile_app():
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse, Response

    app = FastAPI()
    feed = hostile_feed()

    @app.get("/games/{game_id}")
    async def game(game_id: str):
        if game_id != "HOSTIL":
            return JSONResponse({"detail": {"code": INJECTION, "message": INJECTION}}, 403)
        return {**feed[-1], "seq": len(feed), "host": False}

    @app.get("/games")
    async def games():
        return [{"game_id": "HOSTIL", "hosted": False, "started": True, "humans": []}]

    @app.get("/games/{game_id}/events")
    async def events(game_id: str):
        body = "".join(
            f"id: {i}\nevent: {e['type']}\ndata: {json.dumps(e, ensure_ascii=i % 2 == 0)}\n\n"
            for i, e in enumerate(feed, 1)
        )
        return Response(body, media_type="text/event-stream")

    return app


@pytest.fixture
def hostile_server():
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(hostile_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    httpx_ready = False
    deadline = 600
    while not httpx_ready and deadline:
        try:
            httpx_ready = httpx.get(f"http://127.0.0.1:{port}/games", timeout=1).status_code == 200
        except httpx.HTTPError:
            deadline -= 1
            threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


async def test_a_client_cleans_what_a_hostile_server_sends(hostile_server, tmp_path):
    def watch(game_id: str) -> Terminal:
        return Terminal(
            [sys.executable, "-m", "cli", "watch", game_id, "--server", hostile_server]
            + ["--token", "t"],
            terminal_env(tmp_path),
        )

    watcher = watch("HOSTIL")
    refused = watch("NOPE")  # the server's refusal, in its words, is shown too (and it exits)
    try:
        game_over = say("phase.game_over", "en")  # short: never cut by a line's wrap
        await watcher.shows(game_over)
        watcher.type(b"r")  # the review: every name and thought again
        await watcher.shows(say("review.title", "en"))
        watcher.type(b"\x1b\x11")  # escape, ctrl+q
        for t in (watcher, refused):
            await asyncio.to_thread(t.proc.wait, 60)
            await until(lambda t=t: not t.reader.is_alive(), "the terminal's last words")
    finally:
        watcher.close()
        refused.close()
    for t in (watcher, refused):
        output = bytes(t.output)
        assert injected(output) == {}, injected(output)
        assert "evil" in t.screen_text()  # shown, cleaned (one word: lines redraw in pieces)
