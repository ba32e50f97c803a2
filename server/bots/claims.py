"""Reads role claims, seer reports, accusations and wolf plans out of free speech (EN/ZH).

"I'm the seer", "seat 5 is a werewolf", "3 is good", "我是预言家", "5号是狼", "3号金水",
"查杀5号": :func:`parse_claims` turns them into :class:`Claim` records. It is
deliberately small: it catches how players usually say these things, not every
phrasing. Every parser is a pure function of the text, cached, so replaying a
game's speeches at every decision costs next to nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

ROLE_WORDS = {
    "seer": "seer",
    "prophet": "seer",
    "witch": "witch",
    "hunter": "hunter",
    "villager": "villager",
    "werewolf": "werewolf",
    "wolf": "werewolf",
    "预言家": "seer",
    "女巫": "witch",
    "猎人": "hunter",
    "村民": "villager",
    "平民": "villager",
    "狼人": "werewolf",
    "狼": "werewolf",
}


@dataclass(frozen=True)
class Claim:
    """A role claim ("role", with ``role``) or a seer-style report ("wolf"/"good", with ``target``)."""

    kind: Literal["role", "wolf", "good"]
    role: str | None = None
    target: int | None = None


# A seat number: one or two digits, no digit on either side. Written to start with the
# digit itself (its "no digit before" checked from the digit: not two digits there), not
# with a look behind: a pattern that starts with a character class is only tried where
# such a character is, one that starts with an assertion at every position (twice as
# slow to read a speech with).
_NUM = r"(\d(?<!\d\d)\d?)(?!\d)"
_SEAT_EN = r"(?:\bseat\s*|\bplayer\s*|#|\bno\.\s*|\bnumber\s*)?"

_EN_ROLE = re.compile(
    r"\bi(?:'m|’m| am)\s+(?:the\s+|a\s+|an\s+)?(?:real\s+|true\s+|actual\s+|only\s+)?"
    r"(seer|prophet|witch|hunter|villager|werewolf|wolf)\b",
    re.I,
)
# A report's seat word ("seat 5 is a wolf") is left out of the patterns that start with
# the number: it changes neither what is found nor the order (no other claim can start
# inside "seat "), and an optional prefix tried at every character made them the slowest.
_EN_WOLF = re.compile(
    _NUM + r"\s+(?:is|was)\s+(?:a\s+|an\s+|the\s+|definitely\s+a\s+|surely\s+a\s+)?"
    r"(?:werewolf|wolf|bad)\b",
    re.I,
)
_EN_CHECKED_WOLF = re.compile(
    r"\bchecked\s+" + _SEAT_EN + _NUM + r"\W+(?:\w+\W+){0,3}?(?:a\s+)?(?:werewolf|wolf)\b", re.I
)
_EN_GOOD = re.compile(
    _NUM + r"\s+(?:is|was)\s+(?:good|a\s+good\b|innocent|clean|a\s+villager\b"
    r"|on\s+the\s+good\s+side)",
    re.I,
)
_EN_CHECKED_GOOD = re.compile(
    r"\bchecked\s+" + _SEAT_EN + _NUM + r"\W+(?:\w+\W+){0,3}?(?:good|innocent|clean)\b", re.I
)

_ZH_ROLE = re.compile(
    r"我(?:才|就)?是(?:真的?|一个|一名|个|唯一的?)?(预言家|女巫|猎人|村民|平民|狼人|狼)(?!队友|人杀|人阵营)"
)
_ZH_JUMP = re.compile(r"我(?:来|要)?跳(预言家|女巫|猎人)")
_ZH_LINK = r"(?:号\s*(?:玩家)?\s*(?:是|为|就是|肯定是)?|\s*(?:是|为|就是))\s*(?:一[张只匹头])?\s*"
_ZH_WOLF = re.compile(_NUM + _ZH_LINK + r"(?:狼人|狼|查杀)(?!队友|人杀|人阵营)")
_ZH_WOLF2 = re.compile(r"查杀\s*(?:了|给)?\s*" + _NUM + r"\s*号?")
_ZH_GOOD = re.compile(_NUM + _ZH_LINK + r"(?:金水|好人)")
_ZH_GOOD2 = re.compile(r"(?:金水|发金水给|金水给)\s*(?:是)?\s*" + _NUM + r"\s*号?")

# Patterns by script: a text with no Latin letter cannot match an English one, a text
# with no Chinese character a Chinese one, so each speech is read only in its scripts.
_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _scripts(text: str) -> tuple[bool, bool]:
    """(has Latin letters, has Chinese characters)."""
    return _LATIN.search(text) is not None, _HAN.search(text) is not None


_ROLE_BY = ((_EN_ROLE,), (_ZH_ROLE, _ZH_JUMP))
_WOLF_BY = ((_EN_WOLF, _EN_CHECKED_WOLF), (_ZH_WOLF, _ZH_WOLF2))
_GOOD_BY = ((_EN_GOOD, _EN_CHECKED_GOOD), (_ZH_GOOD, _ZH_GOOD2))


# Speeches parsed lately, per parser: every seat at a table reads each speech, soon after it
# is said, so a parser's cache need only hold what the tables are saying now. Each bound
# holds nearly all of its parser's hits, measured in a server playing 600 all-bot games
# 50 at a time (far more tables than a server usually has): the public speeches' parsers
# hit 86.3% at 512 entries (82.8% at 64, 89.6% unbounded: the rest are lines repeated
# across games), the 警徽流 reader 91.1% at 128 (91.7% unbounded), the wolves' talk 75.1%
# at 256 (75.3%), the witch's and the fake-claimer readers all of theirs by 32. Full,
# they hold about 450 KiB together, once (960 KiB at 512-1,024 each): not per game.
PARSED = 512


@lru_cache(maxsize=PARSED)
def _parse(text: str) -> tuple[Claim, ...]:
    found: list[tuple[int, Claim]] = []
    scripts = [i for i, has in enumerate(_scripts(text)) if has]
    for i in scripts:
        for rx in _ROLE_BY[i]:
            for m in rx.finditer(text):
                found.append((m.start(), Claim("role", role=ROLE_WORDS[m.group(1).lower()])))
    for i in scripts:
        for rx in _WOLF_BY[i]:
            for m in rx.finditer(text):
                found.append((m.start(), Claim("wolf", target=int(m.group(1)))))
    for i in scripts:
        for rx in _GOOD_BY[i]:
            for m in rx.finditer(text):
                found.append((m.start(), Claim("good", target=int(m.group(1)))))
    out: list[Claim] = []
    for _, claim in sorted(found, key=lambda x: x[0]):
        if claim not in out:
            out.append(claim)
    return tuple(out)


def parse_claims(text: str) -> list[Claim]:
    """Every claim in ``text``, in order of appearance, without repeats."""
    return list(_parse(text))


_ACCUSE_EN = re.compile(
    r"\b(?:suspect|vote(?:\s+out)?|votes\s+on|exile|consolidate\s+on|eye\s+is\s+on|look\s+hard\s+at|watch)\s+"
    + _SEAT_EN
    + _NUM,
    re.I,
)
_ACCUSE_ZH = re.compile(r"(?:怀疑|投|出|放逐|注意|踩|归票|挂)\s*" + _NUM + r"\s*号")


@lru_cache(maxsize=PARSED)
def parse_accusations(text: str) -> tuple[int, ...]:
    """Seats the speaker pushes to vote out or suspects ("I suspect seat 5", "投5号")."""
    seen: list[int] = []
    en, zh = _scripts(text)
    for rx in (_ACCUSE_EN,) * en + (_ACCUSE_ZH,) * zh:
        for m in rx.finditer(text):
            n = int(m.group(1))
            if n not in seen:
                seen.append(n)
    return tuple(seen)


_KILL_EN = re.compile(r"\b(?:kill|take|bite|target|eat)\s+" + _SEAT_EN + _NUM, re.I)
_KILL_ZH = re.compile(r"[刀杀]\s*" + _NUM + r"\s*号?")


@lru_cache(maxsize=64)  # only LLM and human wolves' talk: a bot's proposal is in its event
def parse_kill_proposal(text: str) -> int | None:
    """The victim a wolf proposes in the wolves' night talk ("kill seat 5", "刀5号")."""
    en, zh = _scripts(text)
    m = (en and _KILL_EN.search(text)) or (zh and _KILL_ZH.search(text))
    return int(m.group(1)) if m else None


_SAVE_EN = re.compile(
    r"\bI saved\s+" + _SEAT_EN + _NUM + r"|\bantidote went to\s+" + _SEAT_EN + _NUM, re.I
)
_SAVE_ZH = re.compile(
    r"(?:救了|银水是?|解药给了)\s*" + _NUM + r"\s*号|" + _NUM + r"\s*号是?(?:我的)?银水"
)


@lru_cache(maxsize=64)
def parse_save_claim(text: str) -> int | None:
    """The seat a witch says she saved ("I saved seat 5", "银水5号", "5号是银水")."""
    en, zh = _scripts(text)
    m = (en and _SAVE_EN.search(text)) or (zh and _SAVE_ZH.search(text))
    if not m:
        return None
    return int(next(g for g in m.groups() if g))


_FLOW = re.compile(
    r"\bbadge flow\b|\bnext checks? (?:were|was|is|are)\b|\bplan is to check\b|\bnext I check\b|警徽流",
    re.I,
)


@lru_cache(maxsize=128)
def parse_badge_flow(text: str) -> bool:
    """Does a seer claim name whom it checks next (警徽流)?"""
    return _FLOW.search(text) is not None


_FAKE_EN = re.compile(r"\bI(?:'ll|’ll| will)\s+(?:counter-?)?claim\s+(?:the\s+)?seer", re.I)
_FAKE_ZH = re.compile(r"我(?:来|去|要)?(?:悍跳|跳预言家)")


_FAKER_EN = re.compile(_NUM + r"\s+(?:will\s+)?claims?\s+(?:the\s+)?seer", re.I)
_FAKER_ZH = re.compile(_NUM + r"\s*号\s*(?:明天)?\s*(?:来|去)?\s*(?:悍跳|跳预言家)")


@lru_cache(maxsize=256)
def parse_fake_plan(text: str) -> bool:
    """Does a wolf announce, in the wolves' talk, a fake seer claim (its own or a mate's)?"""
    en, zh = _scripts(text)
    return bool(
        (en and (_FAKE_EN.search(text) or _FAKER_EN.search(text)))
        or (zh and (_FAKE_ZH.search(text) or _FAKER_ZH.search(text)))
    )


@lru_cache(maxsize=64)
def parse_fake_claimer(text: str) -> int | None:
    """The teammate a wolf names to fake-claim seer ("seat 5 claims seer tomorrow",
    "5号明天悍跳"); None when the speaker means itself or names nobody."""
    en, zh = _scripts(text)
    m = (en and _FAKER_EN.search(text)) or (zh and _FAKER_ZH.search(text))
    return int(m.group(1)) if m else None
