"""The strings tables: every language has the same messages with the same fields, and
every message the code asks for exists."""

from __future__ import annotations

import re
from typing import get_args

import pytest
from conftest import ROOT

from shared.actions import DecisionKind
from shared.events import Lang, PhaseName, Role, Side
from shared.strings import TABLES, has, mismatches, name, say
from tui.client import ConnectionState

# say("key", …) and t("key", …) with a literal key; say(f"group.{x}", …) and
# name("group", …) with a literal group.
LITERAL = re.compile(r"""\b(?:say|t)\(\s*["']([\w.]+)["']""")
PREFIX = re.compile(r"""\b(?:say|has)\(\s*f["']([\w.]+\.)\{""")
GROUP = re.compile(r"""\bname\(\s*["'](\w+)["']""")


def sources() -> list[tuple[str, str]]:
    files = [*(ROOT / "shared").rglob("*.py"), *(ROOT / "tui").rglob("*.py")]
    return [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in files]


def test_every_language_has_the_same_messages_and_fields():
    assert set(TABLES) == set(get_args(Lang))
    assert mismatches() == []


def test_the_check_finds_a_missing_message_and_a_changed_field(monkeypatch):
    zh = dict(TABLES["zh"])
    del zh["narrate.night_falls"]
    zh["narrate.day_breaks"] = "第{n}天，天亮了"
    zh["narrate.peaceful_night"] = "{}"
    monkeypatch.setitem(TABLES, "zh", zh)
    problems = "\n".join(mismatches())
    assert "no 'narrate.night_falls'" in problems
    assert "'narrate.day_breaks' has fields ['n'], not ['day']" in problems
    assert "'narrate.peaceful_night' has fields" in problems


def test_every_message_the_code_asks_for_exists():
    asked, prefixes, groups = [], [], []
    for path, text in sources():
        asked += [(path, k) for k in LITERAL.findall(text)]
        prefixes += [(path, p) for p in PREFIX.findall(text)]
        groups += [(path, g) for g in GROUP.findall(text)]
    assert len(asked) > 100  # the scan finds the calls
    assert [(p, k) for p, k in asked if not has(k)] == []
    keys = TABLES["en"].keys()
    assert [(p, x) for p, x in prefixes if not any(k.startswith(x) for k in keys)] == []
    assert [(p, g) for p, g in groups if not any(k.startswith(g + ".") for k in keys)] == []


@pytest.mark.parametrize(
    ("group", "values"),
    [
        ("role", get_args(Role)),
        ("side", get_args(Side)),
        ("phase", get_args(PhaseName)),
        ("action", (*get_args(DecisionKind), "advance")),
        ("prompt", (*get_args(DecisionKind), "advance")),
        ("status", get_args(ConnectionState)),
    ],
)
def test_every_name_the_game_can_ask_for_is_in_the_tables(group, values):
    assert [v for v in values if not has(f"{group}.{v}")] == []


def test_say_fills_fields_falls_back_to_english_and_refuses_unknown_ids():
    assert say("narrate.night_falls", "en", day=2) == "Night 2 falls"
    assert say("narrate.night_falls", "zh", day=2) == "第2夜，天黑请闭眼"
    assert say("narrate.night_falls", "fr", day=2) == "Night 2 falls"
    with pytest.raises(KeyError):
        say("narrate.no_such_line", "en")
    assert name("role", "seer", "zh") == "预言家"
    assert name("role", "fool", "zh") == "fool"  # a role the tables do not know yet
