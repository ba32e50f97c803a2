"""End to end: ``werewolf play`` in a real terminal (tmux), a whole game by keystrokes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from shared.strings import say

ROOT = Path(__file__).resolve().parent.parent
SPEECH_PROMPTS = [
    say(f"prompt.{a}", "en") for a in ("speak", "wolf_chat", "pk_speak", "last_words")
]
PICK_PROMPTS = [
    say(f"prompt.{a}", "en") for a in ("vote", "pk_vote", "wolf_kill", "check", "witch", "shoot")
]

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


# A tmux server of this test process's own, with no config: other tmux users on the
# machine (their options, sizes, kill-server) never reach these games.
SOCKET = ["-L", f"werewolf-e2e-{os.getpid()}", "-f", "/dev/null"]


def tmux(*args: str) -> str:
    done = subprocess.run(["tmux", *SOCKET, *args], capture_output=True, text=True, check=False)
    if done.returncode and "server exited unexpectedly" in done.stderr:
        # The last test's kill-session left no session, and the server was still on its
        # way out when this command reached it (seen once in the suite): a new one starts.
        time.sleep(0.5)
        done = subprocess.run(["tmux", *SOCKET, *args], capture_output=True, text=True)
    if done.returncode and args[0] in ("new-session", "send-keys"):  # (never lost unseen)
        raise AssertionError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def wait_for_screen(session: str, text: str, seconds: float = 60) -> bool:
    """Whether ``text`` shows in the pane before the (generous) deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in tmux("capture-pane", "-t", session, "-p"):
            return True
        time.sleep(0.2)
    return False


def seed_for(role: str, seat: int = 4, players: int = 9) -> int:
    """A seed that deals ``role`` to ``seat`` (the deal depends on the seed alone)."""
    from server.game import GameConfig, new_game

    config = {"players": players}
    return next(
        s
        for s in range(1, 500)
        if new_game(GameConfig(seed=s, **config)).state.role(seat) == role  # type: ignore[arg-type]
    )


CONFIRM = say("bar.confirm_hint", "en")
# What the transcript shows once an answer of this kind has had its effect.
RESULTS = {
    "prompt.vote": "Vote:",
    "prompt.pk_vote": "PK vote:",
    "prompt.wolf_kill": "The wolves choose",
    "prompt.check": "Check: seat",
    "prompt.shoot": "The hunter",
}


_DAY = re.compile(r"\b(Day|Night) (\d+) ·")


def day_of(screen: str) -> str | None:
    """The day or night the status line (the screen's last such label) says it is."""
    found = _DAY.findall(screen)
    return " ".join(found[-1]) if found else None


def play_in_tmux(
    session: str,
    role: str,
    bots: str,
    size: tuple[int, int],
    tmp_path,
    llm=None,
    players: int = 9,
    server: str | None = None,
):
    """Play seat 4 to the end by keystrokes; after each answer its prompt must go, and
    its result show in the transcript."""
    werewolf = Path(sys.executable).with_name("werewolf")
    seed = seed_for(role, players=players)
    command = (  # (COLUMNS/LINES from a test's env would override the pane's size)
        f"env -u COLUMNS -u LINES {werewolf} play --players {players} --seat 4 --seed {seed} --pace 0 --bots {bots}"
        + (f" --server {server}" if server else "")  # (else a private server of its own)
        + "; echo EXITED; sleep 300"
    )
    env = ["-e", f"WEREWOLF_CLIENT_DIR={tmp_path}"]
    if llm:  # the private server `play` starts inherits these: LLM bots on a scripted model
        env += ["-e", f"WEREWOLF_LLM_BASE_URL={llm.base_url}", "-e", "WEREWOLF_LLM_MODEL=scripted"]
    cols, rows = size
    tmux("new-session", "-d", "-s", session, "-x", str(cols), "-y", str(rows), *env, command)
    deadline = time.monotonic() + 240  # only to give up on a game that hangs
    answered: list[str] = []
    expected: dict[str, str] = {}  # result text -> the prompt it answers, not yet seen
    screen = answered_on = ""
    said = 0
    while time.monotonic() < deadline:
        time.sleep(0.2)
        screen = screen_of(session)
        for text in [t for t in expected if t in screen]:
            del expected[text]
        if "Game over" in screen or "EXITED" in screen:
            break
        if screen == answered_on:
            continue  # the app has not shown our last answer yet: never answer twice
        if CONFIRM in screen:  # a kill, a poison or a shot asks once more
            tmux("send-keys", "-t", session, "Enter")
            # Wait for it to go (the clock on the status line changes the screen anyway:
            # a changed screen is not an answered question).
            assert wait_until(session, lambda now: CONFIRM not in now, 90), screen_of(session)
            answered_on = screen
            continue
        speech = next((p for p in SPEECH_PROMPTS if asked(screen, p)), None)
        pick = next((p for p in PICK_PROMPTS if asked(screen, p)), None)
        if speech:
            said += 1
            word = f"Zebra{said}"
            tmux("send-keys", "-t", session, f"{word} suspects seat 2", "Enter")
            prompt, result = speech, word
        elif pick:
            tmux("send-keys", "-t", session, "Enter")
            prompt = pick
            key = next((k for k in RESULTS if say(k, "en") == pick), None)
            result = RESULTS[key] if key else ""  # (the witch's potions: nothing public)
        else:
            continue
        answered.append(prompt)
        answered_on = screen

        # The prompt goes once the server has taken the answer (or the next one replaces it:
        # a wolf's 自爆 ends the day with no vote, so tomorrow's "Your speech" may follow
        # today's at once; then the status line's day has moved on).
        def went(now: str, p: str = prompt, then: str | None = day_of(screen)) -> bool:
            return not asked(now, p) or CONFIRM in now or "Game over" in now or day_of(now) != then

        # (generous: on a loaded machine the server may take a while to take it)
        assert wait_until(session, went, 90), f"{prompt!r} stayed:\n{screen_of(session)}"
        if result:
            expected[result] = prompt
    assert "Game over" in screen, screen
    assert answered, "the game asked seat 4 nothing"
    # Every answer's result is in the transcript (t: full screen, scrolled page by page):
    # a speech by its word; a vote, a kill, a check, a shot by the moderator's line.
    pages = read_transcript(session)
    transcript = "\n".join(pages)
    missing = [t for t in expected if t not in transcript]
    (tmp_path / "transcript.txt").write_text(transcript)
    assert not missing, (missing, expected, f"{len(pages)} pages in {tmp_path}/transcript.txt")
    return answered


# The transcript's first and last lines begin so ("A new game:", "Game over:").
FIRST_LINE = say("narrate.new_game", "en", players=0, board="").split(":")[0] + ":"
LAST_LINE = say("narrate.game_over", "en", side="", reason="").split(":")[0] + ":"
TOAST = say("app.game_over", "en").split("—")[0] + "—"  # "Game over —" (it may wrap)


def screen_of(session: str) -> str:
    """The pane once two captures agree: never a frame caught half drawn."""
    last = tmux("capture-pane", "-t", session, "-p")
    for _ in range(50):
        time.sleep(0.1)
        now = tmux("capture-pane", "-t", session, "-p")
        if now == last:
            return now
        last = now
    return last


def read_transcript(session: str) -> list[str]:
    """The whole transcript, page by page: t shows it over the screen, PageUp goes back to
    its first line, PageDown on to its last (known lines: no guessing where it ends)."""
    # The game-over toast covers the corner of the transcript for a few seconds.
    assert wait_until(session, lambda now: TOAST not in now), "the game-over toast stays"
    before = screen_of(session)
    tmux("send-keys", "-t", session, "t")
    # (narrow, the transcript may already be in view: then t changes nothing at its end)
    shown = wait_until(session, lambda now: now != before or FIRST_LINE in now or LAST_LINE in now)
    assert shown, f"t shows no transcript:\n{before}"
    page = screen_of(session)

    def turn(key: str, page: str) -> str:
        tmux("send-keys", "-t", session, key)
        assert wait_until(session, lambda now: now != page), f"{key} turned no page:\n{page}"
        return screen_of(session)

    while FIRST_LINE not in page:
        page = turn("PageUp", page)
    pages = [page]
    while LAST_LINE not in page:
        page = turn("PageDown", page)
        pages.append(page)
    return pages


def asked(screen: str, prompt: str) -> bool:
    """Is ``prompt`` the action bar's question? (Its words also appear in the transcript:
    "PK vote: 4←2 …".) A pick's line carries the hint; a speech's line is the prompt alone."""
    hint = say("bar.pick_hint", "en")
    lines = [line.strip(" ┃│") for line in screen.splitlines()]  # (the bar's box at 120)
    return any(line == prompt or (line.startswith(prompt) and hint in line) for line in lines)


def wait_until(session: str, condition, seconds: float = 60) -> bool:
    """Whether ``condition`` holds of the screen (a whole frame) before the deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition(screen_of(session)):
            return True
        time.sleep(0.1)
    return False


# role -> the smallest board that has it, and the prompt every game of that role asks
ROLES = {
    "seer": (6, "prompt.check"),
    "witch": (6, "prompt.witch"),
    "werewolf": (6, "prompt.wolf_kill"),
    "hunter": (9, None),  # shoots only if killed by wolves or exiled: not every game
    "villager": (6, "prompt.vote"),
}


def seat4_story(server: str, client_dir: Path) -> str:
    """What the server says seat 4 was asked and said (for a failure's message)."""
    import asyncio
    import json

    from tui.client import GameClient

    (key, held), *_ = json.loads((client_dir / "seats.json").read_text()).items()

    out: list[str] = []

    async def read() -> None:
        async with GameClient(server, token=held["token"], game_id=key.rsplit("/", 1)[1]) as c:
            async for seq, e in c.follow(after=0):
                if e.type in ("waiting", "speech_end", "decided", "phase", "error", "snapshot"):
                    out.append(f"{seq} {e.model_dump_json(exclude={'vis', 'state'})[:300]}")

    try:
        asyncio.run(asyncio.wait_for(read(), 10))
    except Exception as e:  # a diagnosis only: what came before the game stopped
        out.append(f"({e!r})")
    return "\n".join(out)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_plays_a_whole_game_by_keys(tmp_path, role, size, server):
    # On the tests' server (its log kept): the private server `play` starts is the whole
    # game's path in test_play_a_whole_game_in_tmux.
    players, prompt = ROLES[role]
    session = f"ww-{uuid.uuid4().hex[:8]}"
    try:
        try:
            answered = play_in_tmux(
                session, role, "builtin", size, tmp_path, players=players, server=server.url
            )
        except AssertionError as e:
            raise AssertionError(
                f"{e}\nwhat the server told seat 4:\n{seat4_story(server.url, tmp_path)}"
            ) from e
        if prompt:
            assert say(prompt, "en") in answered, answered
        tmux("send-keys", "-t", session, "C-q")
        assert wait_for_screen(session, "EXITED"), "ctrl+q quits cleanly"
    finally:
        tmux("kill-session", "-t", session)


@pytest.mark.parametrize("bots", ["builtin", "llm"])
def test_play_a_whole_game_in_tmux(tmp_path, bots):
    from devtools.scripted_llm import ScriptedLLM

    session = f"ww-{uuid.uuid4().hex[:8]}"
    llm = ScriptedLLM().start() if bots == "llm" else None
    try:
        play_in_tmux(session, "villager", bots, (120, 36), tmp_path, llm)
        tmux("send-keys", "-t", session, "r")
        assert wait_for_screen(session, "Review"), "r opens the review"
        tmux("send-keys", "-t", session, "Escape")
        tmux("send-keys", "-t", session, "C-q")
        assert wait_for_screen(session, "EXITED"), "ctrl+q quits cleanly"
        if llm:  # every bot decision went to the model
            assert len(llm.calls()) > 10
    finally:
        tmux("kill-session", "-t", session)
        if llm:
            llm.stop()


def test_the_chinese_status_line_is_whole_after_game_over_at_80x24(tmp_path, server):
    # Seen in tmux (zh, 80x24): after game over the status line ended "● 已结" for
    # "● 已结束", and stayed so. The game-over toast covered that line up to 2 columns from
    # the right edge; Textual redrew only what it covered, and "束", across its edge,
    # came back as blanks. Pilot draws whole screens, so only a terminal shows it.
    import httpx

    game = httpx.post(
        f"{server.url}/games", json={"humans": [], "pace": 0, "seed": 3, "lang": "zh"}
    ).json()
    auth = {"Authorization": f"Bearer {game['spectator_token']}"}
    werewolf = Path(sys.executable).with_name("werewolf")
    command = (
        f"env -u COLUMNS -u LINES {werewolf} watch {game['game_id']} "
        f"--token {game['spectator_token']} --server {server.url}; sleep 300"
    )
    session = f"ww-{uuid.uuid4().hex[:8]}"
    env = ["-e", f"WEREWOLF_CLIENT_DIR={tmp_path}"]
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", *env, command)
    try:
        live = f"● {say('status.live', 'zh')}"
        assert wait_until(session, lambda now: live in now), screen_of(session)
        with httpx.stream("POST", f"{server.url}/games/{game['game_id']}/start", headers=auth):
            pass
        toast = say("app.game_over", "zh")
        over = say("phase.game_over", "zh")
        assert wait_until(session, lambda now: over in now and toast not in now, 120)

        def status(now: str) -> str:
            return now.splitlines()[-2].rstrip()

        label = f"● {say('status.closed', 'zh')}"
        assert wait_until(session, lambda now: status(now).endswith(label), 20), status(
            screen_of(session)
        )
    finally:
        tmux("kill-session", "-t", session)
