"""End to end: ``werewolf play`` in a real terminal (tmux), a whole game by keystrokes."""

from __future__ import annotations

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


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def wait_for_screen(session: str, text: str, seconds: float = 60) -> bool:
    """Whether ``text`` shows in the pane before the (generous) deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in tmux("capture-pane", "-t", session, "-p"):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("bots", ["builtin", "llm"])
def test_play_a_whole_game_in_tmux(tmp_path, bots):
    from devtools.scripted_llm import ScriptedLLM

    session = f"ww-{uuid.uuid4().hex[:8]}"
    werewolf = Path(sys.executable).with_name("werewolf")
    command = f"{werewolf} play --seat 4 --seed 12 --pace 0 --bots {bots}; echo EXITED; sleep 300"
    llm = ScriptedLLM().start() if bots == "llm" else None
    env = ["-e", f"WEREWOLF_CLIENT_DIR={tmp_path}"]
    if llm:  # the private server `play` starts inherits these: LLM bots on a scripted model
        env += ["-e", f"WEREWOLF_LLM_BASE_URL={llm.base_url}", "-e", "WEREWOLF_LLM_MODEL=scripted"]
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "36", *env, command)
    try:
        deadline = time.monotonic() + 240  # only to give up on a game that hangs
        answered = 0
        screen = answered_on = ""
        while time.monotonic() < deadline:
            time.sleep(0.4)
            screen = tmux("capture-pane", "-t", session, "-p")
            if "Game over" in screen or "EXITED" in screen:
                break
            if screen == answered_on:
                continue  # the app has not shown our last answer yet: never answer twice
            if any(p in screen for p in SPEECH_PROMPTS):
                tmux("send-keys", "-t", session, "I have a feeling about seat 2", "Enter")
            elif any(p in screen for p in PICK_PROMPTS):
                tmux("send-keys", "-t", session, "Enter")
            else:
                continue
            answered += 1
            answered_on = screen
        assert "Game over" in screen, screen
        assert answered > 0
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
