"""LLM bots end to end: our server (a real process) against a real OpenAI-compatible server
on loopback that serves scripted answers and scripted faults (devtools/scripted_llm.py).

Nothing here reaches the network, and nothing of ours is mocked: the bots call the
scripted server through DSPy and the openai SDK exactly as they would call a model.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections import Counter

import httpx
import pytest
from conftest import ROOT, ServerProcess
from eventually import pilot_until

from devtools.scripted_llm import ScriptedLLM
from tui.client import GameClient

# The game server's wait for the next token: a stall costs this much. Long enough that a
# loaded machine never misses it with a healthy stream; the scripted stalls are far longer.
TOKEN_TIMEOUT = 5.0


@pytest.fixture(scope="module")
def llm():
    server = ScriptedLLM(chunk_delay=0.0005)
    server.start()
    yield server
    server.stop()


def llm_env(llm: ScriptedLLM) -> dict[str, str]:
    return {
        "WEREWOLF_LLM_BASE_URL": llm.base_url,
        "WEREWOLF_LLM_MODEL": "scripted",
        "WEREWOLF_LLM_API_KEY": "",
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
        "WEREWOLF_LLM_TOKEN_TIMEOUT": str(TOKEN_TIMEOUT),
        "WEREWOLF_LLM_RETRIES": "2",
    }


@pytest.fixture(scope="module")
def game_server(llm, tmp_path_factory):
    proc = ServerProcess(tmp_path_factory.mktemp("llm-server"), env=llm_env(llm)).start()
    yield proc
    proc.stop()


class Played:
    def __init__(self, game: dict, events: list, calls: dict) -> None:
        self.game, self.events, self.calls = game, events, calls
        self.over = next(e for e in events if e.type == "game_over")

    def of(self, kind: str) -> list:
        return [e for e in self.events if e.type == kind]

    def role(self, seat: int) -> str:
        return self.over.roles[seat]


async def play(url: str, seed: int, players: int = 9, **body) -> Played:
    """An all-bot game to its end. The names' seed is pinned too: the seat names are drawn
    apart from the deal's seed, and they are in every prompt (and the built-in bots'
    tempers follow them), so the seed alone leaves the game's course to chance."""
    creator = GameClient(url)
    body.setdefault("names_seed", seed)
    try:
        g = await creator.create_game(
            players=players, humans=0, pace=0, seed=seed, bots=body.pop("bots", "llm"), **body
        )
    finally:
        await creator.aclose()
    client = GameClient(url, token=g["spectator_token"], game_id=g["game_id"])
    try:
        await client.start()
        events = [e async for _, e in client.follow(after=0)]
    finally:
        await client.aclose()
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        r = await c.get(
            f"/games/{g['game_id']}/calls",
            headers={"Authorization": f"Bearer {g['spectator_token']}"},
        )
        assert r.status_code == 200, r.text
    return Played(g, events, r.json())


@pytest.fixture(scope="module")
def whole_game(llm, game_server):
    llm.reset()
    played = asyncio.run(play(game_server.url, seed=11))
    return played, llm.calls()


# -- a whole game, every bot an LLM ------------------------------------------------------------
async def test_a_whole_game_of_llm_bots_streams_token_by_token(whole_game):
    played, served = whole_game
    calls = played.calls["calls"]
    assert played.over.winner in ("wolves", "villagers")
    assert not [c for c in calls if c["fallback"]], "every scripted answer is legal"
    assert not played.of("error")
    # One call per bot decision, each recorded, and the model saw each one.
    decided = [c for c in calls if c["attempt"] == 1]
    assert len(calls) == len(served) == len(decided)
    assert 20 <= len(calls) < 80
    assert sum(c["tokens_in"] for c in calls) < 150_000
    # Thoughts arrive as many tokens, not one block per decision.
    thoughts = Counter(e.type for e in played.events if e.type.startswith("thought"))
    # One per call, and one per kill vote a wolf cast as it said in its own night talk
    # (a wolf whose talk the pack's proposals went against is asked again).
    kill_votes = [e for e in played.of("vote_cast") if e.kind == "wolf"]
    asked = {(c["seat"], c["day"]) for c in calls if c["decision"] == "wolf_kill"}
    from_talk = [e for e in kill_votes if (e.seat, e.day) not in asked]
    assert from_talk, "some kill votes came from the wolves' talk"
    # And one per exile vote a seat cast as its own speech said (归票: the speech's `vote`).
    day_votes = [e for e in played.of("vote_cast") if e.kind == "day"]
    asked_votes = {(c["seat"], c["day"]) for c in calls if c["decision"] == "vote"}
    from_speech = [e for e in day_votes if (e.seat, e.day) not in asked_votes]
    assert from_speech, "some exile votes came with the speeches"
    said = {(c["seat"], c["day"]): c["raw"] for c in calls if c["decision"] == "speak"}
    assert all(
        f"[[ ## vote ## ]]\n{e.target}\n" in said[(e.seat, e.day)] for e in from_speech if e.target
    )
    assert (
        thoughts["thought_start"]
        == len(calls) + len(from_talk) + len(from_speech)
        == thoughts["thought_end"]
    )
    talk = {
        (c["seat"], c["day"]): c["parsed"]["target"] for c in calls if c["decision"] == "wolf_chat"
    }
    assert all(talk[(e.seat, e.day)] == e.target for e in from_talk)
    # (what comes within a pacing tick goes out as one event: a fast model's thought is a
    # few events, the first at once)
    assert thoughts["thought_token"] > len(calls)
    # Every speech's tokens, joined, are exactly the speech the game recorded.
    spoken: dict[int, str] = {}
    for e in played.events:
        if e.type == "speech_start":
            spoken[e.seat] = ""
        elif e.type == "token":
            spoken[e.seat] += e.content
        elif e.type == "speech_end" and e.text:
            assert spoken.pop(e.seat).strip() == e.text
            assert "[[" not in e.text and "##" not in e.text
    # (Independent calls run at once: tests/test_llm_styles.py, the seer's check.)
    # Every record names its seat's decision and has the prompt and answer a developer needs.
    for c in calls:
        assert c["prompt"] and c["raw"] and c["parsed"] and c["ttft"] is not None
        assert c["tokens_in"] > 0 and c["tokens_out"] > 0


async def test_prompts_hold_only_what_each_seat_may_know(whole_game):
    played, _ = whole_game
    wolves = {s for s, r in played.over.roles.items() if r == "werewolf"}
    said_aloud = {e.text for e in played.of("speech_end") if e.kind != "wolf_chat"}
    # (the scripted model reuses phrases: only lines never said aloud can show a leak)
    wolf_talk = [
        e.text
        for e in played.of("speech_end")
        if e.kind == "wolf_chat" and e.text and not any(e.text in aloud for aloud in said_aloud)
    ]
    checks = {(e.seat, e.target): e.is_wolf for e in played.of("check_result")}
    attacked = {e.victim for e in played.of("witch_info") if e.victim}
    assert wolf_talk and checks, "the game had wolf talk and a seer check to keep secret"
    quoted = re.compile(r"(RECENT SPEECHES|EARLIER DAYS|CLAIMS MADE ALOUD)[^\n]*\n(- [^\n]*\n?)*")
    bound = re.compile(
        r"Seat (\d+) \([^)]*\)[^\n.;]{0,40}?\b(werewolf|werewolves|seer|witch|"
        r"hunter|villager|good)\b"
    )
    for c in played.calls["calls"]:
        seat, prompt = c["seat"], c["prompt"][-1]["content"]
        role = played.role(seat)
        assert f"Your role: {role}." in prompt
        others = {"werewolf", "villager", "seer", "witch", "hunter"} - {role}
        assert not any(f"Your role: {r}." in prompt for r in others)
        if role != "werewolf":
            assert "fellow werewolves" not in prompt and "wolves' night talk" not in prompt
            for text in wolf_talk:  # the wolves' night talk never reaches another seat
                assert text not in prompt
        if role != "witch":
            assert "the wolves attacked" not in prompt and "antidote unused" not in prompt
        # Outside the quoted speech, a seat is tied to a role only where this seat knows it.
        facts = quoted.sub("", prompt)
        for m in bound.finditer(facts):
            s = int(m.group(1))
            if s == seat or (role == "werewolf" and s in wolves):
                continue
            if role == "seer" and "Your check" in m.string[max(0, m.start() - 40) : m.start()]:
                assert (seat, s) in checks and checks[(seat, s)] == (m.group(2) == "werewolf")
                continue
            raise AssertionError(f"seat {seat} ({role}) is told about seat {s}: {m.group(0)!r}")
        if role == "witch":
            assert any(f"Seat {v} (" in prompt for v in attacked) or c["decision"] != "witch"


# -- faults in mid-game ----------------------------------------------------------------
FAULTS = {
    "disconnect": ({"kind": "disconnect", "after_chunks": 4}, "disconnected mid-stream"),
    "stall": ({"kind": "stall", "after_chunks": 4, "seconds": 120}, "stalled"),
    "truncate": ({"kind": "truncate", "after_chunks": 4}, "truncated"),
    "malformed": ({"kind": "malformed", "after_chunks": 4}, "malformed chunk"),
    "server_error": ({"kind": "fail", "status": 503, "times": 3}, "503"),
    "slow_start": ({"kind": "delay", "seconds": 120}, "no answer within"),
}


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_fault_mid_game_falls_back_and_the_game_finishes(llm, game_server, fault):
    behavior, cause = FAULTS[fault]
    llm.reset()
    # The first day speech of day 1 is hit: mid-game, and a public decision. A stream
    # fault comes 3 chunks into the answer, inside its first field marker (the reasoning's):
    # no word of the speech has been heard, so the built-in bot speaks instead.
    llm.script({"match": "It is day and your turn to speak", **behavior})
    played = await play(game_server.url, seed=5)
    # The fault reached this game's own call, and only that one: the attempt it broke
    # sent exactly the prompt the scripted server answered with the fault.
    faulted = [c for c in llm.calls() if c["behavior"] == behavior["kind"]]
    assert faulted and not llm.pending(), f"the scripted fault was never served: {faulted}"
    failed = [c for c in played.calls["calls"] if c["error"] and not c["fallback"]]
    assert [c["prompt"] for c in failed] == [faulted[0]["messages"]], (failed, faulted)
    assert all(c["messages"] == faulted[0]["messages"] for c in faulted)  # (503: 3 tries)
    assert "## speech ##" not in failed[0]["raw"]  # what came before the fault: no speech
    fallbacks = [c for c in played.calls["calls"] if c["fallback"]]
    assert len(fallbacks) == 1, fallbacks
    fb = fallbacks[0]
    assert (fb["seat"], fb["day"]) == (failed[0]["seat"], failed[0]["day"]) == (fb["seat"], 1)
    assert fb["decision"] == "speak" and cause in fb["error"]
    errors = played.of("error")
    assert len(errors) == 1 and errors[0].seat == fb["seat"] and cause in errors[0].message
    assert errors[0].vis.scope == "public"
    assert "127.0.0.1" not in errors[0].message  # never the server's address
    if fault == "slow_start":  # a server too slow to answer is not asked again
        assert fb["retries"] == 0
    # The seat still spoke exactly once that turn, and the game went on to its end.
    starts = [e for e in played.of("speech_start") if e.seat == fb["seat"] and e.kind == "day"]
    ends = [e for e in played.of("speech_end") if e.seat == fb["seat"] and e.kind == "day"]
    assert len(starts) == len(ends) >= 1
    assert played.over.winner in ("wolves", "villagers")


async def test_rate_limits_before_the_first_token_are_retried(llm, game_server):
    llm.reset()
    llm.script(
        {
            "match": "It is day and your turn to speak",
            "kind": "fail",
            "status": 429,
            "retry_after": 0.05,
            "times": 2,
        }
    )
    played = await play(game_server.url, seed=5)
    assert not [c for c in played.calls["calls"] if c["fallback"]]
    retried = [c for c in played.calls["calls"] if c["retries"]]
    assert len(retried) in (1, 2) and sum(c["retries"] for c in retried) == 2
    assert not played.of("error")


async def test_an_illegal_target_is_retried_once_then_falls_back(llm, game_server):
    llm.reset()
    # The seer's first check: illegal twice -> the built-in bot checks instead.
    llm.script({"match": "You are the seer. Choose one player", "kind": "illegal", "times": 2})
    played = await play(game_server.url, seed=5)
    seer = [c for c in played.calls["calls"] if c["decision"] == "check"]
    first_night = [c for c in seer if c["day"] == 1]
    assert [c["attempt"] for c in first_night] == [1, 2, 0]
    assert "illegal answer" in first_night[0]["error"]
    assert "previous answer was refused" in first_night[1]["prompt"][-1]["content"]
    assert first_night[2]["fallback"] and first_night[2]["parsed"]["kind"] == "check"
    # A night error never goes public: it would tell the table who the seer is.
    errors = played.of("error")
    assert len(errors) == 1 and errors[0].vis.scope == "god"
    assert played.over.winner in ("wolves", "villagers")


async def test_a_public_error_never_quotes_the_model(llm, game_server):
    llm.reset()
    # Every exile vote answers an illegal target, twice: every voter falls back, aloud.
    # (The speeches name an illegal vote too, so no vote is cast from a speech.)
    llm.script(
        {"match": "Vote to exile one living player", "kind": "illegal", "times": None},
        {"match": "It is day and your turn to speak", "kind": "illegal", "times": None},
    )
    played = await play(game_server.url, seed=5)
    errors = played.of("error")
    assert errors and all(e.vis.scope == "public" for e in errors)
    for error in errors:
        assert error.message == (
            f"seat {error.seat}: the model failed (illegal answer); "
            "the built-in bot decided instead"
        )
    refused = [c for c in played.calls["calls"] if c["error"] and not c["fallback"]]
    assert refused and all("99" in c["error"] for c in refused)  # kept for the developer


async def test_an_illegal_answer_then_a_legal_one_needs_no_fallback(llm, game_server):
    llm.reset()
    llm.script({"match": "You are the seer. Choose one player", "kind": "illegal", "times": 1})
    played = await play(game_server.url, seed=7)
    calls = played.calls["calls"]
    assert not [c for c in calls if c["fallback"]]
    assert [c["attempt"] for c in calls].count(2) == 1


async def test_a_heard_speech_stands_as_the_models_own_and_is_never_spoken_twice(llm, game_server):
    llm.reset()
    # A wolf's talk that streams its speech but writes its vote after it, out of the
    # format's order (and illegal): the speech is heard, then the answer is refused. What
    # was heard stands as the model's own speech: no retry speaks it again, no fallback.
    said = "I say we go for seat 2 tonight."
    llm.script(
        {
            "match": "You are a werewolf. It is night",
            "kind": "reply",
            "text": f"[[ ## reasoning ## ]]\nquiet.\n\n[[ ## speech ## ]]\n{said}\n\n"
            "[[ ## target ## ]]\n99\n\n[[ ## completed ## ]]\n",
        }
    )
    played = await play(game_server.url, seed=5)
    refused = next(c for c in played.calls["calls"] if c["error"] and c["decision"] == "wolf_chat")
    seat = refused["seat"]
    talk = [
        e
        for e in played.events
        if getattr(e, "seat", None) == seat
        and e.type in ("speech_start", "speech_end")
        and getattr(e, "kind", "") == "wolf_chat"
    ]
    assert [e.type for e in talk][:2] == ["speech_start", "speech_end"]
    assert talk[1].text == said
    assert "[[" not in refused["raw"][:0] and said in refused["raw"]  # the raw answer is kept
    mine = [c for c in played.calls["calls"] if c["seat"] == seat and c["day"] == refused["day"]]
    assert not [c for c in mine if c["decision"] == "wolf_chat" and c["fallback"]]
    assert not [c for c in mine if c["decision"] == "wolf_chat" and c["attempt"] == 2]


# -- a mixed table, the API's guards, and the developer's tools ---------------------------
async def test_a_mixed_table_seats_llm_and_builtin_bots(llm, game_server):
    llm.reset()
    played = await play(
        game_server.url, seed=3, players=6, bots="mixed", seat_bots={"1": "llm", "2": "builtin"}
    )
    llm_seats = {c["seat"] for c in played.calls["calls"]}
    assert 1 in llm_seats and 2 not in llm_seats
    assert llm_seats <= {1, 3, 4, 5}  # bot seats 1,3,5 (mixed) plus the override on 1
    assert played.over.winner in ("wolves", "villagers")


async def test_llm_bots_without_a_model_are_refused_and_nothing_is_created(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as c:

        async def public() -> list[str]:  # what was created public would be listed
            return [g["code"] for g in (await c.get("/games?limit=100")).json()["games"]]

        before = await public()
        r = await c.post("/games", json={"bots": "llm", "humans": 0, "public": True})
        assert r.status_code == 422 and "WEREWOLF_LLM_MODEL" in r.text
        r = await c.post("/games", json={"bots": "robots", "public": True})
        assert r.status_code == 422
        r = await c.post("/games", json={"seat_bots": {"12": "llm"}, "public": True})
        assert r.status_code == 422 and "no seat 12" in r.text
        assert await public() == before


async def test_calls_are_for_spectators_until_game_over(llm, game_server):
    creator = GameClient(game_server.url)
    try:
        g = await creator.create_game(players=9, humans=[4], pace=0, seed=2, bots="llm")
    finally:
        await creator.aclose()
    async with httpx.AsyncClient(base_url=game_server.url, timeout=30) as c:
        seat = await c.get(
            f"/games/{g['game_id']}/calls", headers={"Authorization": f"Bearer {g['tokens']['4']}"}
        )
        assert seat.status_code == 403 and "spectators" in seat.text
        god = await c.get(
            f"/games/{g['game_id']}/calls",
            headers={"Authorization": f"Bearer {g['spectator_token']}"},
        )
        assert god.status_code == 200
        bad = await c.get(
            f"/games/{g['game_id']}/calls?seat=10",
            headers={"Authorization": f"Bearer {g['spectator_token']}"},
        )
        assert bad.status_code == 422


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_doctor_says_what_works_and_what_is_wrong(llm):
    ok = run_cli("doctor", env=llm_env(llm))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "✓ models: scripted is served" in ok.stdout and "✓ bot decisions: 4 of 4" in ok.stdout
    wrong = run_cli("doctor", env={**llm_env(llm), "WEREWOLF_LLM_MODEL": "gpt-9"})
    assert wrong.returncode == 1 and "does not list 'gpt-9'" in wrong.stdout
    missing = run_cli("doctor", env={**llm_env(llm), "WEREWOLF_LLM_MODEL": ""})
    assert missing.returncode == 1 and "set WEREWOLF_LLM_MODEL" in missing.stdout
    # A game with LLM bots refuses to start, saying why, before anyone sits down.
    nobody = run_cli(
        "narrate",
        "--bots",
        "llm",
        "--players",
        "6",
        env={**llm_env(llm), "WEREWOLF_LLM_BASE_URL": "http://127.0.0.1:9/v1"},
    )
    assert nobody.returncode == 2 and "cannot connect" in nobody.stderr and not nobody.stdout


async def test_inspect_prints_a_finished_games_calls(whole_game, game_server):
    played, _ = whole_game
    game_id = played.game["game_id"]
    out = run_cli("inspect", game_id, "--data-dir", str(game_server.data_dir), env={})
    assert out.returncode == 0, out.stderr
    n = len(played.calls["calls"])
    assert out.stdout.startswith(f"{n} calls,")
    seat = run_cli(
        "inspect",
        game_id,
        "--data-dir",
        str(game_server.data_dir),
        "--seat",
        "1",
        "--prompts",
        env={},
    )
    assert "--- user ---" in seat.stdout and "Your role:" in seat.stdout
    assert all(
        " seat 1 " in line for line in seat.stdout.splitlines() if re.match(r"\s*\d+ +[ND]\d", line)
    )
    missing = run_cli("inspect", "NOPE", "--data-dir", str(game_server.data_dir), env={})
    assert missing.returncode == 1 and "no game NOPE" in missing.stderr


async def test_the_spectator_view_opens_a_seats_calls(whole_game, game_server):
    from tui.app import WerewolfApp
    from tui.widgets.calls import CallsScreen

    played, _ = whole_game
    client = GameClient(
        game_server.url, token=played.game["spectator_token"], game_id=played.game["game_id"]
    )
    app = WerewolfApp(client=client, you=None, players=9)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot_until(pilot, lambda: app.board.over, "the finished game replayed")
        app.panes[3].focus()
        await pilot.press("i")
        await pilot_until(pilot, lambda: isinstance(app.screen, CallsScreen), "the calls screen")
        assert app.screen.seat == 3
        await pilot_until(pilot, lambda: app.screen.records is not None, "seat 3's calls")
        text = str(app.screen.query_one("#calls-text").render())
        mine = [c for c in played.calls["calls"] if c["seat"] == 3]
        assert text.startswith("LLM calls of seat 3") and mine
        rows = [line for line in text.splitlines() if re.match(r"\s*\d+ +[ND]\d+ seat ", line)]
        assert f"\n\n{len(mine)} calls," in text and len(rows) == len(mine)
        assert all(" seat 3 " in row for row in rows)
        assert "--- user ---" not in text
        await pilot.press("p")

        def calls_text() -> str:
            return str(app.screen.query_one("#calls-text").render())

        await pilot_until(pilot, lambda: "--- user ---" in calls_text(), "the prompts shown")
        assert "Your role:" in calls_text()
        await pilot.press("escape")
        await pilot_until(
            pilot, lambda: not isinstance(app.screen, CallsScreen), "the calls screen closed"
        )
    await client.aclose()


def test_simulate_reports_calls_tokens_and_fallbacks_per_game(llm, monkeypatch):
    from server.simulate import simulate

    for k, v in llm_env(llm).items():
        monkeypatch.setenv(k, v)
    llm.reset()
    first = simulate(2, players=6, seed=1, workers=1, bots="llm").as_json()["llm"]
    # A second run is a second event loop: the bots must not reuse the first one's pool.
    again = simulate(1, players=6, seed=9, workers=1, bots="llm").as_json()["llm"]
    assert first["fallbacks_per_game"] == 0 and again["fallbacks_per_game"] == 0
    assert len(first["per_game"]) == 2
    assert sum(g["calls"] for g in first["per_game"]) + again["per_game"][0]["calls"] == len(
        llm.calls()
    )
    assert first["tokens_in_per_game"] > 1000 * first["calls_per_game"] / 10


def _in_process(llm, monkeypatch, **env):
    for k, v in {**llm_env(llm), **env}.items():
        monkeypatch.setenv(k, v)


async def test_games_sharing_an_event_loop_share_its_connections(llm, monkeypatch):
    from server.bots import close_bots
    from server.game import GameConfig
    from server.graph import Table
    from server.headless import run_game
    from server.llm.calls import MemoryCallLog

    _in_process(llm, monkeypatch)
    logs = [MemoryCallLog(), MemoryCallLog()]
    table = Table(bots={s: "llm" for s in range(1, 7)})
    try:
        games = await asyncio.gather(
            *(
                run_game(GameConfig(players=6, seed=20 + i), table, call_log=log)
                for i, log in enumerate(logs)
            )
        )
    finally:
        await close_bots()
    assert all(g.over for g in games)
    assert not [r for log in logs for r in log.records if r.fallback or r.error]


async def test_without_a_model_a_recovered_game_falls_back_instead_of_stopping(monkeypatch):
    from server.game import GameConfig
    from server.graph import Table
    from server.headless import run_game

    for k in ("WEREWOLF_LLM_MODEL", "WEREWOLF_LLM_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(k, raising=False)
    errors = []
    state = await run_game(
        GameConfig(players=6, seed=2),
        Table(bots={s: "llm" for s in range(1, 7)}),
        on_event=lambda e: errors.append(e) if e.type == "error" else None,
    )
    assert state.over and errors
    assert all("no model configured" in e.message for e in errors)


async def test_openai_reasoning_models_get_their_own_sampling_settings(monkeypatch):
    import random

    from server.bots import Turn, close_bots
    from server.game import GameConfig, new_game, pending
    from server.game.view import seat_view
    from server.llm.bot import llm_bot
    from server.llm.settings import LLMSettings
    from server.typewriter import Typewriter

    with ScriptedLLM(model="o4-mini") as reasoning:
        settings = LLMSettings(base_url=reasoning.base_url, model="o4-mini")
        state = new_game(GameConfig(players=9, seed=1)).state
        d = next(x for x in pending(state) if x.action == "wolf_chat")
        try:
            plan = await llm_bot(
                seat_view(state, d.seat),
                d,
                Turn(random.Random(0), Typewriter(lambda _e: None, 0)),
                settings=settings,
            )
        finally:
            await close_bots()
        assert not plan.fallback and plan.action.text
        (call,) = reasoning.calls()
    assert call["model"] == "o4-mini"


async def test_a_chinese_game_thinks_and_speaks_chinese(llm, game_server):
    llm.reset()
    played = await play(game_server.url, seed=4, players=6, lang="zh")
    cjk = re.compile(r"[\u4e00-\u9fff]")
    labels = {e.label for e in played.of("thought_start")}
    assert labels and all(cjk.search(label) for label in labels)
    speeches = [e.text for e in played.of("speech_end") if e.text]
    assert speeches and all(cjk.search(t) for t in speeches)
    assert all(
        c["prompt"][-1]["content"].count("[[ ## language ## ]]\nzh") == 1
        for c in played.calls["calls"]
    )


async def test_call_records_are_kept_with_the_game_across_a_restart(llm, tmp_path):
    llm.reset()
    proc = ServerProcess(tmp_path, env=llm_env(llm)).start()
    try:
        played = await play(proc.url, seed=6, players=6)
        proc.stop()
        proc.start()
        async with httpx.AsyncClient(base_url=proc.url, timeout=30) as c:
            r = await c.get(
                f"/games/{played.game['game_id']}/calls",
                headers={"Authorization": f"Bearer {played.game['spectator_token']}"},
            )
        assert r.status_code == 200
        assert r.json()["calls"] == played.calls["calls"] and played.calls["calls"]
    finally:
        proc.stop()


async def test_a_server_that_refuses_stream_options_is_asked_again_without(llm, game_server):
    llm.reset()
    llm.script(
        {
            "kind": "fail",
            "status": 400,
            "times": 1,
            "message": "Unrecognized request argument supplied: stream_options",
        }
    )
    played = await play(game_server.url, seed=8, players=6)
    assert not [c for c in played.calls["calls"] if c["fallback"] or c["error"]]
    assert len(llm.calls()) == len(played.calls["calls"]) + 1  # the refused request
    assert all(c["tokens_in"] > 0 for c in played.calls["calls"])
    # Asked without the option, the server sends no usage: a tokenizer-like estimate,
    # marked as one ("~" in inspect). (Calls already in flight with it got real counts.)
    estimated = [c for c in played.calls["calls"] if c["tokens_estimated"]]
    assert len(estimated) > len(played.calls["calls"]) / 2
    assert played.calls["summary"]["tokens_estimated"]
