"""Everything the app and the narration say: one strings table per language.

``say("narrate.night_falls", "zh", day=2)`` gives the moderator's line in Chinese.
Each language is one flat table in its own module (``en.py``, ``zh.py``): message id
-> text with named ``str.format`` fields. Every table has the same ids and the same
fields per id (:func:`mismatches`, checked by the tests). A language without a table
speaks English; an id missing from the table is a bug and raises :class:`KeyError`.

The players' own words (the bots' speech, the LLM prompts) are not here.
"""

from __future__ import annotations

from string import Formatter

from shared.strings import en, zh

TABLES: dict[str, dict[str, str]] = {"en": en.STRINGS, "zh": zh.STRINGS}
DEFAULT = "en"


def table(lang: str) -> dict[str, str]:
    """The language's table, or English for a language without one."""
    return TABLES.get(lang, TABLES[DEFAULT])


def say(key: str, lang: str, **fields: object) -> str:
    """The text of message ``key`` in ``lang`` with ``fields`` filled in."""
    return table(lang)[key].format(**fields)


def has(key: str) -> bool:
    """Whether ``key`` is a message id (the tables agree on their ids)."""
    return key in TABLES[DEFAULT]


def name(group: str, value: str, lang: str) -> str:
    """The name of ``value`` in ``group`` ("role", "phase", "action"…): ``value``
    itself when the table has no name for it (a new role the table does not know)."""
    key = f"{group}.{value}"
    return say(key, lang) if has(key) else value


def fields(text: str) -> set[str]:
    """The names of the format fields in ``text``; an unnamed field ("{}", "{0}") is
    reported as "" or its index, which :func:`mismatches` refuses."""
    return {f for _, f, _, _ in Formatter().parse(text) if f is not None}


def mismatches() -> list[str]:
    """What keeps the tables from agreeing: ids one table lacks, fields that differ
    between languages, unnamed fields. Empty when all is well."""
    problems: list[str] = []
    base = TABLES[DEFAULT]
    for lang, other in TABLES.items():
        for key in sorted(base.keys() - other.keys()):
            problems.append(f"{lang}: no {key!r}")
        for key in sorted(other.keys() - base.keys()):
            problems.append(f"{lang}: {key!r} is not in {DEFAULT}")
        for key in sorted(base.keys() & other.keys()):
            try:
                mine, theirs = fields(other[key]), fields(base[key])
            except ValueError as e:  # a stray brace
                problems.append(f"{lang}: {key!r} is not a format string ({e})")
                continue
            if mine != theirs:
                problems.append(f"{lang}: {key!r} has fields {sorted(mine)}, not {sorted(theirs)}")
            unnamed = sorted(f for f in mine if not f.isidentifier())
            if unnamed:
                problems.append(f"{lang}: {key!r} has unnamed fields {unnamed}")
    return problems


__all__ = ["TABLES", "fields", "has", "mismatches", "name", "say", "table"]
