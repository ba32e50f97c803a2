"""The moderator's voice: one line of text for an event, in English or Chinese.

Used by the plain-text CLI and the terminal client's timeline. Events that are
not the moderator's (tokens, thoughts) give None.
"""

from __future__ import annotations

from shared.events import (
    CheckResult,
    Death,
    Decided,
    Error,
    Event,
    GameCreated,
    GameOver,
    NightAction,
    NightDeathCause,
    Phase,
    RoleAssigned,
    Shot,
    SpeechEnd,
    VoteResult,
    Waiting,
    WitchInfo,
)

ROLE_NAMES = {
    "en": {
        "werewolf": "werewolf",
        "villager": "villager",
        "seer": "seer",
        "witch": "witch",
        "hunter": "hunter",
    },
    "zh": {
        "werewolf": "狼人",
        "villager": "村民",
        "seer": "预言家",
        "witch": "女巫",
        "hunter": "猎人",
    },
}

SIDE_NAMES = {
    "en": {"wolves": "the werewolves", "villagers": "the village"},
    "zh": {"wolves": "狼人阵营", "villagers": "好人阵营"},
}

PHASE_NAMES = {
    "en": {"night": "Night", "day": "Day", "vote": "Vote", "pk": "PK", "game_over": "Game over"},
    "zh": {"night": "夜晚", "day": "白天", "vote": "投票", "pk": "PK", "game_over": "游戏结束"},
}

ACTION_NAMES = {
    "en": {
        "speak": "speak",
        "wolf_chat": "talk with the wolves",
        "wolf_kill": "choose a victim",
        "check": "check a player",
        "witch": "use a potion",
        "vote": "vote",
        "pk_speak": "speak in the PK",
        "pk_vote": "vote in the PK",
        "last_words": "say last words",
        "shoot": "shoot",
        "advance": "advance",
    },
    "zh": {
        "speak": "发言",
        "wolf_chat": "狼人夜聊",
        "wolf_kill": "选择刀口",
        "check": "查验",
        "witch": "用药",
        "vote": "投票",
        "pk_speak": "PK发言",
        "pk_vote": "PK投票",
        "last_words": "遗言",
        "shoot": "开枪",
        "advance": "继续",
    },
}


def seat(n: int | None, lang: str) -> str:
    if n is None:
        return "nobody" if lang == "en" else "无人"
    return f"seat {n}" if lang == "en" else f"{n}号"


def seats(ns: list[int], lang: str) -> str:
    if lang == "zh":
        return "、".join(f"{n}号" for n in ns)
    return ", ".join(str(n) for n in ns)


def role_name(role: str, lang: str) -> str:
    return ROLE_NAMES.get(lang, ROLE_NAMES["en"]).get(role, role)


def narrate(e: Event, lang: str = "en") -> str | None:  # noqa: C901 - one case per event
    zh = lang == "zh"
    if isinstance(e, GameCreated):
        board = ", ".join(f"{n} {role_name(r, lang)}" for r, n in e.roles.items())
        return (
            f"新游戏：{e.players}人局（{board}）"
            if zh
            else f"A new game: {e.players} players ({board})"
        )
    if isinstance(e, RoleAssigned):
        mates = [m for m in e.teammates if m != e.seat]
        text = (
            f"{e.seat}号的身份是{role_name(e.role, lang)}"
            if zh
            else f"Seat {e.seat} is the {role_name(e.role, lang)}"
        )
        if mates:
            text += (
                f"，狼队友：{seats(mates, lang)}"
                if zh
                else f"; fellow wolves: {seats(mates, lang)}"
            )
        return text
    if isinstance(e, Phase):
        if e.phase == "game_over":
            return None
        name = PHASE_NAMES[lang if lang in PHASE_NAMES else "en"][e.phase]
        if e.phase == "night":
            return f"第{e.day}夜，天黑请闭眼" if zh else f"Night {e.day} falls"
        if e.phase == "day":
            return f"第{e.day}天，天亮了" if zh else f"Day {e.day} breaks"
        return f"第{e.day}天 · {name}" if zh else f"Day {e.day} · {name}"
    if isinstance(e, Death):
        if not e.seats:
            return "昨夜是平安夜" if zh else "It was a peaceful night: nobody died"
        who = seats(e.seats, lang)
        if e.cause == "night":
            return f"昨夜死亡：{who}" if zh else f"Died in the night: {who}"
        if e.cause == "exile":
            return f"{who}被放逐" if zh else f"Seat {who} is exiled"
        return f"{who}被猎人带走" if zh else f"Seat {who} is shot by the hunter"
    if isinstance(e, NightDeathCause):
        cause = {
            "wolves": ("被狼人杀害", "killed by the wolves"),
            "poison": ("被女巫毒死", "poisoned by the witch"),
        }[e.cause]
        return f"（上帝视角）{e.seat}号{cause[0]}" if zh else f"(god) seat {e.seat} was {cause[1]}"
    if isinstance(e, VoteResult):
        tally = ", ".join(f"{t}←{n}" for t, n in sorted(e.tally.items())) or (
            "无" if zh else "none"
        )
        voters = "; ".join(f"{v}→{t if t is not None else '-'}" for v, t in sorted(e.votes.items()))
        if e.kind == "wolf":
            return (
                f"狼人刀口：{seat(e.chosen, lang)}（{voters}）"
                if zh
                else f"The wolves choose {seat(e.chosen, lang)} ({voters})"
            )
        head = (
            ("投票" if e.kind == "day" else "PK投票")
            if zh
            else ("Vote" if e.kind == "day" else "PK vote")
        )
        if e.chosen is not None:
            out = f"{seat(e.chosen, lang)}出局" if zh else f"{seat(e.chosen, lang)} is voted out"
        elif e.tie:
            out = f"{seats(e.tie, lang)}平票" if zh else f"tie between {seats(e.tie, lang)}"
        else:
            out = "无人出局" if zh else "nobody is exiled"
        return (
            f"{head}：{tally}（{voters}）→ {out}" if zh else f"{head}: {tally} ({voters}) → {out}"
        )
    if isinstance(e, CheckResult):
        verdict = (
            ("狼人" if e.is_wolf else "好人") if zh else ("a werewolf" if e.is_wolf else "good")
        )
        return (
            f"查验结果：{e.target}号是{verdict}" if zh else f"Check: seat {e.target} is {verdict}"
        )
    if isinstance(e, WitchInfo):
        if e.victim is None:
            v = "你不知道今晚的刀口" if zh else "you are not told tonight's victim"
        else:
            v = f"今晚{e.victim}号被杀" if zh else f"tonight seat {e.victim} was attacked"
        potions = []
        if e.can_save:
            potions.append("解药" if zh else "antidote")
        if e.can_poison:
            potions.append("毒药" if zh else "poison")
        p = "、".join(potions) if zh else " and ".join(potions)
        return (
            f"女巫：{v}；可用：{p or '无'}" if zh else f"Witch: {v}; you may use: {p or 'nothing'}"
        )
    if isinstance(e, NightAction):
        if e.action == "save":
            return f"你救了{e.target}号" if zh else f"You saved seat {e.target}"
        if e.action == "poison":
            return f"你毒了{e.target}号" if zh else f"You poisoned seat {e.target}"
        return None
    if isinstance(e, Shot):
        if e.target is None:
            return f"猎人{e.seat}号放弃开枪" if zh else f"The hunter (seat {e.seat}) holds his fire"
        return (
            f"猎人{e.seat}号开枪带走{e.target}号"
            if zh
            else f"The hunter (seat {e.seat}) shoots seat {e.target}"
        )
    if isinstance(e, GameOver):
        return (
            f"游戏结束：{SIDE_NAMES['zh'][e.winner]}获胜（{e.reason}）"
            if zh
            else f"Game over: {SIDE_NAMES['en'][e.winner]} win ({e.reason})"
        )
    if isinstance(e, Waiting):
        what = ACTION_NAMES["zh" if zh else "en"].get(e.action, e.action)
        if not e.seats:
            return "按继续进入下一阶段" if zh else "Paused: advance to go on"
        return (
            f"等待{seats(e.seats, lang)}{what}"
            if zh
            else f"Waiting for {seats(e.seats, lang)} to {what}"
        )
    if isinstance(e, Decided):
        return None
    if isinstance(e, Error):
        return f"错误：{e.message}" if zh else f"Error: {e.message}"
    if isinstance(e, SpeechEnd):
        return None
    return None
