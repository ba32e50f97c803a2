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
        deadline = time.monotonic() + 150
        answered = 0
        screen = ""
        while time.monotonic() < deadline:
            time.sleep(0.4)
            screen = tmux("capture-pane", "-t", session, "-p")
            if "Game over" in screen or "EXITED" in screen:
                break
            if any(p in screen for p in SPEECH_PROMPTS):
                tmux("send-keys", "-t", session, "I have a feeling about seat 2", "Enter")
                answered += 1
            elif any(p in screen for p in PICK_PROMPTS):
                tmux("send-keys", "-t", session, "Enter")
                answered += 1
        assert "Game over" in screen, screen
        assert answered > 0
        tmux("send-keys", "-t", session, "r")
        time.sleep(0.5)
        assert "Review" in tmux("capture-pane", "-t", session, "-p")
        tmux("send-keys", "-t", session, "Escape")
        tmux("send-keys", "-t", session, "C-q")
        for _ in range(50):
            time.sleep(0.2)
            if "EXITED" in tmux("capture-pane", "-t", session, "-p"):
                break
        assert "EXITED" in tmux("capture-pane", "-t", session, "-p"), "ctrl+q quits cleanly"
        if llm:  # every bot decision went to the model
            assert len(llm.calls()) > 10
    finally:
        tmux("kill-session", "-t", session)
        if llm:
            llm.stop()
