"""End to end: a 12-player game with the sheriff's election, by keystrokes in tmux.

The human (seat 4, a villager) stands for sheriff, speaks on the stage, stays in the
race, wins the badge, picks the speaking direction, speaks and votes by day, and passes
the badge when he dies. The seeds were found offline with the real rules and built-in
bots answering the way these keys do; the game is deterministic given the deal's seed,
the names' seed (the built-in bots' temperament is drawn from the seat names) and the
keys, so the same game is replayed every time.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
import uuid
from pathlib import Path

import pytest
from test_e2e_tmux import read_transcript, tmux, wait_until

from shared.strings import say

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

SEAT, SEED, NAMES_SEED = 4, 65, 1  # 12-guard: the villager at seat 4 wins the badge, then dies
SPEECHES = ("sheriff_speak", "sheriff_pk_speak", "speak", "pk_speak", "last_words")
PICKS = ("stand", "withdraw", "direction", "vote", "pk_vote", "badge")
# What each answer makes the moderator say (a regular expression on the screen).
RESULTS = {
    "stand": rf"Standing for sheriff: [\d, ]*\b{SEAT}\b",
    "withdraw": r"Sheriff vote: .*→ seat (\d+) wins the badge|The badge is lost",
    "direction": rf"The sheriff \(seat {SEAT}\) chooses left",
    "vote": rf"Vote: .*\b{SEAT}→\d+",
    "badge": rf"The sheriff \(seat {SEAT}\) (passes the badge to seat \d+|tears the badge)",
}
# The keys for each question: digits select, Enter confirms, 0 passes.
KEYS = {
    "stand": ["1", "Enter"],  # 1 stand (上警)
    "withdraw": ["0", "Enter"],  # 0 stay in the race (不退水)
    "direction": ["1", "Enter"],  # 1 警左
    "vote": ["Enter"],  # the first seat listed
    "pk_vote": ["Enter"],
    "badge": ["Enter"],  # to the first seat listed
}


def screen(session: str) -> str:
    return tmux("capture-pane", "-t", session, "-p")


def unwrapped(text: str) -> str:
    """The screen's lines as one line (a long line of the table wraps), without the
    scroll bar's blocks at their ends."""
    return " ".join(re.sub(r"\s*[▁▂▃▄▅▆▇█▏▕]?\s*$", "", line).strip() for line in text.splitlines())


def asking(now: str) -> str | None:
    """The question the action bar asks now, by its decision's name: a speech's prompt is
    a line alone; a pick's is followed by its hint, which may wrap (the app is 80 wide)."""
    hint = say("bar.pick_hint", "en").split(",")[0]  # "Pick with ↑↓ or a digit"
    lines = [line.strip() for line in now.splitlines()]
    for action in SPEECHES:
        if say(f"prompt.{action}", "en") in lines:
            return action
    for action in PICKS:
        title = f"{say(f'prompt.{action}', 'en')}   {hint.split()[0]}"
        if any(line.startswith(title) for line in lines):
            return action
    return None


@pytest.mark.timeout(900)
def test_a_sheriff_game_by_keystrokes(tmp_path):
    session = f"ww-sheriff-{uuid.uuid4().hex[:8]}"
    werewolf = Path(sys.executable).with_name("werewolf")
    command = (
        f"{werewolf} play --board 12-guard --seat {SEAT} --seed {SEED} "
        f"--names-seed {NAMES_SEED} --pace 0 --bots builtin; echo EXITED; sleep 300"
    )
    # The app's narrow layout (one column: the table's lines under the seat strip), tall:
    # a result stays on screen while the bots speak after it. The size is given in
    # COLUMNS/LINES too, which Textual reads first (a tmux server may hold stale ones).
    size = {"COLUMNS": "80", "LINES": "70"}
    env = [f"-e{k}={v}" for k, v in {**size, "WEREWOLF_CLIENT_DIR": str(tmp_path)}.items()]
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "70", *env, command)
    answered: list[str] = []
    seen: dict[str, str] = {}  # the answer -> the result line seen on screen
    words: list[str] = []
    late: dict[str, str] = {}  # an answer -> its result, not seen before the game ended
    try:
        deadline = time.monotonic() + 420  # only to give up on a game that hangs
        now = ""
        while time.monotonic() < deadline:
            time.sleep(0.3)
            now = screen(session)
            if "Game over" in now or "EXITED" in now:
                break
            action = asking(now)
            if action is None:
                continue
            if action in SPEECHES:
                words.append(f"Zebra{len(words) + 1}")
                tmux("send-keys", "-t", session, f"{words[-1]} trusts seat 9", "Enter")
                result = re.escape(words[-1])
            else:
                tmux("send-keys", "-t", session, *KEYS[action])
                result = RESULTS.get(action, "")
            answered.append(action)

            # The prompt goes once the server has taken the answer (the same question is
            # never asked twice in a row: a day's speech and vote come between).
            def went(s: str, a: str = action) -> bool:
                return asking(s) != a or "Game over" in s

            gone = wait_until(session, went, 20)
            if not gone and action in PICKS:  # a key lost while the list took the focus
                tmux("send-keys", "-t", session, "Enter")
                gone = wait_until(session, went)
            assert gone, f"the prompt {action!r} stayed:\n{screen(session)}"
            if result:
                found = None

                def shows(s: str, r: str = result) -> bool:
                    nonlocal found
                    found = re.search(r, unwrapped(s))
                    return found is not None

                over = wait_until(session, lambda s: shows(s) or "Game over" in s)
                if found is not None:
                    seen[action] = found.group(0)
                else:  # at pace 0 the bots play the game out in one repaint after his death:
                    # his last answer's result is read in the transcript (the t view)
                    assert over and "Game over" in screen(session), f"{action}: no {result!r}"
                    late[action] = result
        assert "Game over" in now, now
        # The human stood, spoke on the stage, stayed, won the badge, picked the order,
        # spoke and voted by day, and passed the badge when he died (last words first).
        for must in ("stand", "sheriff_speak", "withdraw", "direction", "speak", "vote"):
            assert must in answered, (must, answered)
        assert f"seat {SEAT} wins the badge" in seen["withdraw"], seen
        assert answered[-1] == "badge", answered
        # The transcript keeps every word he said and every result, in order.
        transcript = unwrapped("\n".join(read_transcript(session)))  # its pages, in order
        assert list(late) in ([], [answered[-1]]), late  # only the last answer, if any
        for action, result in late.items():
            found = re.search(result, transcript)
            assert found is not None, (action, result, transcript[-2000:])
            seen[action] = found.group(0)
        assert "passes the badge to seat" in seen["badge"], seen
        for word in words:
            assert word in transcript, (word, transcript[-2000:])
        positions = [transcript.find(seen[a]) for a in ("stand", "withdraw", "badge")]
        assert -1 not in positions and positions == sorted(positions), (seen, positions)
        tmux("send-keys", "-t", session, "C-q")
        assert wait_until(session, lambda s: "EXITED" in s), "ctrl+q quits cleanly"
    finally:
        tmux("kill-session", "-t", session)
