"""The ``werewolf`` command (``python -m cli``) against a real server, or against none."""

from __future__ import annotations

import os
import subprocess
import sys

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
