"""The arena end to end: three differently behaving models on the scripted OpenAI-compatible
server (devtools/scripted_llm.py) over a small balanced schedule, a run SIGKILLed mid-way and
resumed, its ratings, metrics and reports.

The models: ``builtin`` (the rule-based baseline: it never contradicts the record), ``random``
(the scripted server: a legal but random answer to every question, random speech) and
``slow`` (the same script behind 0.15 s of latency before every answer). The arena runs as
the real command in its own process, against real SQLite files; nothing of ours is mocked.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from eventually import until

from devtools.scripted_llm import ScriptedLLM
from server.arena import metrics
from server.arena.report import build, render_text
from server.arena.schedule import make_schedule, role_counts
from server.arena.store import ArenaStore
from server.game import GameConfig

# The fixture plays 12 games, kills the run and resumes it: minutes on a loaded machine.
pytestmark = pytest.mark.timeout(900)

MODELS = "builtin,random,slow"
GAMES = 12  # two deals, every ordered pair of the three models on each
SLOW = 0.15


@pytest.fixture(scope="module")
def llms():
    fast = ScriptedLLM(model="random-model").start()
    slow = ScriptedLLM(model="slow-model", latency=SLOW).start()
    yield fast, slow
    fast.stop()
    slow.stop()


def arena_cli(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "cli", "arena", *args, "--data-dir", str(data_dir)]


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        arena_cli(data_dir, *args), cwd=ROOT, text=True, capture_output=True, timeout=800
    )


def counted(path: Path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        try:
            return db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        except sqlite3.OperationalError:  # the schema is not written yet
            return 0


@pytest.fixture(scope="module")
def killed_and_resumed(llms, tmp_path_factory):
    """A 12-game run killed with SIGKILL once two games are counted, then resumed."""
    fast, slow = llms
    data_dir = tmp_path_factory.mktemp("arena")
    (data_dir / "endpoints.toml").write_text(
        f'[endpoints.random]\nbase_url = "{fast.base_url}"\nmodel = "random-model"\n'
        "price_in = 0.5\nprice_out = 1.5\n\n"
        f'[endpoints.slow]\nbase_url = "{slow.base_url}"\nmodel = "slow-model"\n'
    )
    db = data_dir / "arena.sqlite"
    proc = subprocess.Popen(
        arena_cli(
            data_dir,
            "--models",
            MODELS,
            "--games",
            str(GAMES),
            "--players",
            "6",
            "--parallel",
            "3",
            "--seed",
            "11",
            "--endpoints",
            str(data_dir / "endpoints.toml"),
        ),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        asyncio.run(until(lambda: counted(db) >= 2, "two games counted", seconds=600))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = proc.stderr.read() if proc.stderr else ""
    run_id = re.search(r"arena run (\S+):", stderr).group(1)  # type: ignore[union-attr]
    with sqlite3.connect(db) as conn:
        before = dict(conn.execute("SELECT n, finished FROM results").fetchall())
    assert 2 <= len(before) < GAMES, "killed mid-way"
    resumed = run(data_dir, "--resume", run_id)
    assert resumed.returncode == 0, resumed.stderr
    return data_dir, run_id, before, resumed


def test_the_schedule_plays_every_pair_both_ways_on_each_deal():
    schedule = make_schedule(["a", "b", "c"], 12, GameConfig(players=6), seed=5)
    counts = role_counts(schedule)
    assert counts["a"] == counts["b"] == counts["c"]
    assert counts["a"]["werewolf"] == 2 * 2 * 2  # two deals, wolves in two games each, two seats
    for block in (schedule[:6], schedule[6:]):
        assert len({s.seed for s in block}) == 1 and len({json.dumps(s.roles) for s in block}) == 1
        pairs = {
            (s.seats[w], s.seats[g])
            for s in block
            for w in s.roles
            for g in s.roles
            if s.roles[w] == "werewolf" and s.roles[g] != "werewolf"
        }
        assert pairs == {(x, y) for x in "abc" for y in "abc" if x != y}
    with pytest.raises(ValueError, match="multiple of 6"):
        make_schedule(["a", "b", "c"], 7, GameConfig(players=6), seed=5)
    with pytest.raises(ValueError, match="two different models"):
        make_schedule(["a", "a"], 2, GameConfig(players=6), seed=5)


def test_a_killed_run_resumes_and_counts_every_game_once(killed_and_resumed):
    data_dir, run_id, before, _ = killed_and_resumed
    with sqlite3.connect(data_dir / "arena.sqlite") as db:
        results = dict(db.execute("SELECT n, finished FROM results WHERE run = ?", (run_id,)))
        events = [n for (n,) in db.execute("SELECT n FROM events WHERE run = ?", (run_id,))]
        called = {n for (n,) in db.execute("SELECT DISTINCT n FROM calls WHERE run = ?", (run_id,))}
        schedule = db.execute("SELECT COUNT(*) FROM schedule WHERE run = ?", (run_id,)).fetchone()
    assert sorted(results) == list(range(1, GAMES + 1)) and schedule[0] == GAMES
    assert sorted(events) == sorted(results)
    assert called <= set(results) and len(called) == GAMES  # an LLM plays in every game
    for n, t in before.items():  # what was counted before the kill was not played again
        assert results[n] == t
    store = ArenaStore(data_dir)
    try:
        report = build(store, run_id)
    finally:
        store.close()
    assert sum(r.games for r in report.ratings.overall.values()) == 2 * GAMES
    assert sum(report.table.get(m, metrics.ALL).games for m in report.models) == 6 * GAMES


def test_ratings_and_metrics_tell_the_three_models_apart(killed_and_resumed):
    data_dir, run_id, _, _ = killed_and_resumed
    store = ArenaStore(data_dir)
    try:
        r = build(store, run_id)
    finally:
        store.close()
    mu = {m: rt.mu for m, rt in r.ratings.overall.items()}
    assert mu["builtin"] > mu["random"] and mu["builtin"] > mu["slow"], mu
    builtin, rnd, slow = (r.table.get(m, metrics.ALL) for m in ("builtin", "random", "slow"))
    assert builtin.calls == 0 and builtin.factual_errors == 0
    assert rnd.calls > 0 and slow.calls > 0
    assert rnd.tokens_in > 0 and rnd.tokens_out > 0
    assert slow.mean_ttft is not None and rnd.mean_ttft is not None
    assert slow.mean_ttft > rnd.mean_ttft + SLOW / 2
    assert r.cost("random") == pytest.approx((rnd.tokens_in * 0.5 + rnd.tokens_out * 1.5) / 1e6)
    assert r.cost("slow") is None and r.cost("builtin") is None
    seers = r.table.get("builtin", "seer")
    assert seers.games == 4 and seers.key_games == 4  # as the good side: two deals, two pairs
    assert builtin.good_votes > 0 and builtin.vote_accuracy is not None
    for m in r.models:
        for role, st in r.table.rows[m].items():
            if role != metrics.ALL:
                lo, hi = st.win_ci or (0, 1)
                assert lo <= (st.win_rate or 0) <= hi


def test_the_report_fits_80_columns_and_the_html_stands_alone(killed_and_resumed, tmp_path):
    data_dir, run_id, _, resumed = killed_and_resumed
    html = tmp_path / "report.html"
    out = run(data_dir, "report", run_id, "--html", str(html))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "\x1b" not in out.stdout
    for title in ("Ratings", "Win rate by role", "Play by role", "Factual errors", "Calls, tokens"):
        assert any(line.startswith(title) for line in lines), title
    assert re.search(r"^slow\s+\d+\s+\d+\s+\d+\s+0\.\d+s\s+-", out.stdout, re.M)
    page = html.read_text()
    assert page.count("<svg") == 3 and page.count("<details>") == GAMES
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", page)  # nothing from the network
    assert "<script" not in page
    assert render_text  # the same renderer the command used
    shown = run(data_dir, "show", run_id, "3")
    assert shown.returncode == 0 and "Seats: 1 " in shown.stdout
    assert "» Game over: " in shown.stdout
    thinking = run(data_dir, "show", run_id, "3", "--thoughts")
    assert thinking.returncode == 0 and " thinks) " in thinking.stdout
    assert " thinks) " not in shown.stdout


def test_bad_arena_input_is_refused_plainly(tmp_path):
    none = str(tmp_path / "none.toml")
    out = run(tmp_path, "--models", "builtin,nosuch", "--games", "2", "--endpoints", none)
    assert out.returncode == 2 and "unknown model 'nosuch'" in out.stderr
    out = run(tmp_path, "report", "no-such-run")
    assert out.returncode == 2 and "no arena runs in" in out.stderr
    endpoints = tmp_path / "endpoints.toml"
    endpoints.write_text('[endpoints.x]\nbase_url = "ftp://x"\nmodel = "m"\n')
    out = run(tmp_path, "--models", "builtin,x", "--games", "2", "--endpoints", str(endpoints))
    assert out.returncode == 2 and "base_url" in out.stderr
    endpoints.write_text(
        '[endpoints.x]\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "m"\n'
        'api_key_env = "WEREWOLF_ARENA_TEST_NO_SUCH_KEY"\n'
    )
    out = run(tmp_path, "--models", "builtin,x", "--games", "2", "--endpoints", str(endpoints))
    assert out.returncode == 2 and "WEREWOLF_ARENA_TEST_NO_SUCH_KEY is not set" in out.stderr
    assert not (tmp_path / "arena.sqlite").exists() or counted(tmp_path / "arena.sqlite") == 0


async def test_a_game_of_the_run_opens_in_the_review(killed_and_resumed):
    from textual.widgets import Static

    from cli.arena import review_app
    from tui.widgets.review import ReviewScreen

    data_dir, run_id, _, _ = killed_and_resumed
    store = ArenaStore(data_dir)
    try:
        events = store.events(run_id, 2) or []
    finally:
        store.close()
    thought = next(e["content"] for e in events if e["type"] == "thought_token" and e["content"])
    app = review_app(events, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert "Winner:" in text
        # the seat's thought, kept whole in the record, in its phase of the review
        seen = text
        for _ in range(40):
            if thought.split()[0] in seen:
                break
            await pilot.press("right")  # the next phase
            await pilot.pause()
            seen = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert thought.split()[0] in seen
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0
