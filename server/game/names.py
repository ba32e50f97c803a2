"""Seat names, drawn from the game's seed so a replay reads the same."""

from __future__ import annotations

import random

_EN = [
    "Ada",
    "Basil",
    "Clara",
    "Dmitri",
    "Elena",
    "Felix",
    "Greta",
    "Hugo",
    "Iris",
    "Jonas",
    "Kira",
    "Leo",
    "Mina",
    "Nico",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Silas",
    "Tess",
]
_ZH = [
    "阿明",
    "小红",
    "老王",
    "晓峰",
    "丽丽",
    "大伟",
    "小雪",
    "阿强",
    "婷婷",
    "志远",
    "佳怡",
    "浩然",
    "思琪",
    "子轩",
    "雨桐",
    "俊杰",
    "欣怡",
    "博文",
    "梓涵",
    "一鸣",
]


def seat_names(lang: str, players: int, seed: int) -> list[str]:
    pool = _ZH if lang == "zh" else _EN
    return random.Random(f"names:{seed}").sample(pool, players)
