"""Reads role claims and seer reports out of free speech, in English and Chinese.

"I'm the seer", "5 is a wolf", "seat 3 is good", "我是预言家", "5号是狼", "3号金水",
"查杀5号": the parser turns them into :class:`Claim` records. It is deliberately
small: it catches how players usually say these things, not every phrasing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ROLE_WORDS_EN = {
    "seer": "seer", "prophet": "seer", "witch": "witch", "hunter": "hunter",
    "villager": "villager", "werewolf": "werewolf", "wolf": "werewolf",
}
ROLE_WORDS_ZH = {
    "预言家": "seer", "女巫": "witch", "猎人": "hunter", "村民": "villager", "平民": "villager",
    "民": "villager", "狼人": "werewolf", "狼": "werewolf",
}


@dataclass(frozen=True)
class Claim:
    kind: Literal["role", "wolf", "good"]
    role: str | None = None  # for a role claim
    target: int | None = None  # for a report


_EN_ROLE = re.compile(
    r"\bi(?:'m| am)\s+(?:the\s+|a\s+|the real\s+|really the\s+)?"
    r"(seer|prophet|witch|hunter|villager|werewolf|wolf)\b", re.I)
_EN_WOLF = re.compile(
    r"(?:seat\s*|#|player\s*|no\.\s*)?(\d{1,2})\s+(?:is|was)\s+(?:a\s+|definitely\s+a\s+)?"
    r"(?:werewolf|wolf)\b", re.I)
_EN_CHECKED_WOLF = re.compile(r"checked\s+(?:seat\s*|#)?(\d{1,2})\W+(?:\w+\W+){0,3}?(?:a\s+)?(?:werewolf|wolf)\b", re.I)
_EN_GOOD = re.compile(
    r"(?:seat\s*|#|player\s*)?(\d{1,2})\s+(?:is|was)\s+(?:good|a good\b|innocent|clean|a villager)",
    re.I)
_EN_CHECKED_GOOD = re.compile(r"checked\s+(?:seat\s*|#)?(\d{1,2})\W+(?:\w+\W+){0,3}?(?:good|innocent|clean)\b", re.I)

_ZH_ROLE = re.compile(r"我(?:才)?是(?:真)?(?:的)?(预言家|女巫|猎人|村民|平民|狼人|狼)(?!队友)")
_ZH_WOLF = re.compile(r"(\d{1,2})\s*号?\s*(?:是|为)?\s*(?:狼人|狼|查杀)(?!队友|人阵营)")
_ZH_WOLF2 = re.compile(r"查杀\s*(?:了)?\s*(\d{1,2})\s*号?")
_ZH_GOOD = re.compile(r"(\d{1,2})\s*号?\s*(?:是|为)?\s*(?:金水|好人)")
_ZH_GOOD2 = re.compile(r"(?:金水|发金水给)\s*(\d{1,2})\s*号?")


def parse_claims(text: str) -> list[Claim]:
    """Every claim in ``text``, in order of appearance, without repeats."""
    found: list[tuple[int, Claim]] = []
    for m in _EN_ROLE.finditer(text):
        found.append((m.start(), Claim("role", role=ROLE_WORDS_EN[m.group(1).lower()])))
    for m in _ZH_ROLE.finditer(text):
        found.append((m.start(), Claim("role", role=ROLE_WORDS_ZH[m.group(1)])))
    for rx in (_EN_WOLF, _EN_CHECKED_WOLF, _ZH_WOLF, _ZH_WOLF2):
        for m in rx.finditer(text):
            found.append((m.start(), Claim("wolf", target=int(m.group(1)))))
    for rx in (_EN_GOOD, _EN_CHECKED_GOOD, _ZH_GOOD, _ZH_GOOD2):
        for m in rx.finditer(text):
            found.append((m.start(), Claim("good", target=int(m.group(1)))))
    out: list[Claim] = []
    for _, claim in sorted(found, key=lambda x: x[0]):
        if claim not in out:
            out.append(claim)
    return out


_KILL_EN = re.compile(r"\b(?:kill|take|bite|target)\s+(?:seat\s*|#)?(\d{1,2})\b", re.I)
_KILL_ZH = re.compile(r"刀\s*(\d{1,2})\s*号?")


def parse_kill_proposal(text: str) -> int | None:
    """The victim a wolf proposes in the wolves' night talk ("kill 5", "刀5号")."""
    m = _KILL_EN.search(text) or _KILL_ZH.search(text)
    return int(m.group(1)) if m else None
