"""The registry of bot kinds: a kind registered is found by name, seated, asked, closed.

The kinds here are real bots (the built-in bot under another name), played through the
real graph: what a decision records reaches the run's own call log through ``Turn``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

from server.bots import (
    BotKind,
    Plan,
    Turn,
    close_bots,
    get_bot,
    kind_names,
    load_kind,
    preflight,
    seat_kinds,
)
from server.bots import kinds as registry
from server.game import Decision, GameConfig
from server.game.view import SeatView
from server.graph import Table
from server.headless import run_game
from server.llm.calls import MemoryCallLog
from shared.calls import CallRecord


class Recorder:
    """A bot kind that plays as the built-in bot and records every decision it makes."""

    def __init__(self) -> None:
        self.closed = 0
        self.seats: set[int] = set()

    async def decide(self, view: SeatView, d: Decision, turn: Turn) -> Plan:
        self.seats.add(view.seat)
        plan = await get_bot("builtin")(view, d, turn)
        if turn.record is not None:
            turn.record(
                CallRecord(
                    seat=d.seat,
                    decision=d.action,
                    day=view.day,
                    phase=view.phase,
                    parsed=plan.action.model_dump(exclude_none=True),
                )
            )
        return plan

    async def check(self) -> str | None:
        return "the recorder is out of tape"

    async def close(self) -> None:
        self.closed += 1


@pytest.fixture
def recorder():
    rec = Recorder()
    kind = BotKind("recorder", rec.decide, preflight=rec.check, close=rec.close)
    registry.register(kind)
    assert registry._KINDS["recorder"] is kind
    yield rec
    del registry._KINDS["recorder"]  # forgotten after the test


async def test_a_registered_kind_plays_its_seats_and_records_into_the_runs_log(recorder):
    assert "recorder" in kind_names()
    kinds = {**seat_kinds("recorder", [1, 3, 5]), **seat_kinds("builtin", [2, 4, 6])}
    log = MemoryCallLog()
    state = await run_game(GameConfig(players=6, seed=3), Table(bots=kinds), call_log=log)
    assert state.over
    assert recorder.seats and recorder.seats <= {1, 3, 5}
    assert log.records and {r.seat for r in log.records} == recorder.seats
    # Another run records into its own log only: nothing is kept between runs.
    kept = len(log.records)
    other = MemoryCallLog()
    await run_game(GameConfig(players=6, seed=4), Table(bots=kinds), call_log=other)
    assert other.records and len(log.records) == kept
    await close_bots()
    assert recorder.closed == 1


async def test_preflight_asks_each_kind_seated(recorder, monkeypatch):
    assert await preflight(["builtin", "builtin"]) is None
    assert await preflight(["builtin", "recorder"]) == "the recorder is out of tape"
    for k in ("WEREWOLF_LLM_MODEL", "WEREWOLF_LLM_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(k, raising=False)
    problem = await preflight(["llm"])  # loads the LLM kind by name, and asks it
    assert problem and "WEREWOLF_LLM_MODEL" in problem


def test_the_llm_kind_registers_itself_cheaply_and_loads_dspy_only_when_warmed():
    import subprocess
    import sys

    code = (
        "import sys; from server.bots import load_kind, unavailable, warm; "
        "k = load_kind('llm'); print(k.name, 'dspy' in sys.modules); "
        "print(unavailable(['llm']) is not None); warm('llm'); print('dspy' in sys.modules)"
    )
    env = {"PATH": "/usr/bin:/bin", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.stdout.split() == ["llm", "False", "True", "True"], out.stderr


def test_unknown_kinds_are_refused_by_name():
    with pytest.raises(ValueError, match="unknown bot kind 'gpt'"):
        seat_kinds("gpt", [1, 2])
    with pytest.raises(ValueError, match="unknown bot kind 'gpt'"):
        load_kind("gpt")
    assert seat_kinds("mixed", [2, 3, 5]) == {2: "llm", 3: "builtin", 5: "llm"}


def test_built_in_games_never_load_the_llm_package():
    code = (
        "import asyncio, sys\n"
        "from server.game import GameConfig\n"
        "from server.headless import run_game\n"
        "assert asyncio.run(run_game(GameConfig(players=6, seed=1))).over\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('server.llm', 'dspy')))\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
