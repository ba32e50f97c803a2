"""The app's own words in English and Chinese (the game's language picks)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "alive": ("alive", "存活"),
    "dead": ("dead", "出局"),
    "you": ("you", "你"),
    "thinking": ("thinking", "思考中"),
    "speaking": ("speaking", "发言中"),
    "decided": ("decided", "已决定"),
    "day": ("Day", "第{n}天"),
    "night": ("Night", "第{n}夜"),
    "your_turn": ("Your turn", "轮到你了"),
    "waiting_for": ("waiting for", "等待"),
    "live": ("live", "已连接"),
    "connecting": ("connecting…", "连接中…"),
    "reconnecting": ("reconnecting… (try {n})", "重连中…（第{n}次）"),
    "closed": ("closed", "已结束"),
    "speak_hint": ("Say something, Enter to send (empty = pass)", "输入发言，回车发送（空 = 过）"),
    "pick_hint": ("Pick with ↑↓ or a digit, Enter to confirm", "用↑↓或数字选择，回车确认"),
    "skip": ("skip", "跳过"),
    "abstain": ("abstain", "弃票"),
    "no_kill": ("no kill", "空刀"),
    "save": ("save seat {n}", "救{n}号"),
    "poison": ("poison seat {n}", "毒{n}号"),
    "refused": ("Refused: {m}", "被拒绝：{m}"),
    "winner": ("Winner: {w}", "获胜：{w}"),
    "review": ("Review", "复盘"),
    "start": ("Press s to start the game", "按 s 开始游戏"),
    "timeline": ("Moderator", "法官"),
    "left": ("{n}s left", "剩余{n}秒"),
    "cant_open": ("Can't open the game", "无法打开游戏"),
    "feed_closed": ("The server closed the game's feed", "服务器关闭了游戏直播"),
    "no_review": ("No review", "无法复盘"),
    "lost": ("Connection lost — reconnecting…", "连接中断，正在重连…"),
    "game_over": ("Game over — press r for the review", "游戏结束，按 r 查看复盘"),
    "refused_title": ("Refused", "被拒绝"),
    "not_sent": ("Not sent", "未发送"),
}

PROMPTS: dict[str, tuple[str, str]] = {
    "speak": ("Your speech", "请发言"),
    "wolf_chat": ("Talk with your fellow wolves", "和狼队友商量"),
    "pk_speak": ("Your PK speech", "PK发言"),
    "last_words": ("Your last words", "遗言"),
    "vote": ("Vote to exile", "投票放逐"),
    "pk_vote": ("PK vote", "PK投票"),
    "wolf_kill": ("Choose tonight's victim", "选择今晚的刀口"),
    "check": ("Check a player", "查验一名玩家"),
    "witch": ("Your potions", "使用药水"),
    "shoot": ("Take someone with you?", "开枪带走一人？"),
    "advance": ("Paused: press a to go on", "已暂停：按 a 继续"),
}


def t(key: str, lang: str, **fields: object) -> str:
    en, zh = WORDS[key]
    return (zh if lang == "zh" else en).format(**fields)


def prompt(action: str, lang: str) -> str:
    en, zh = PROMPTS.get(action, (action, action))
    return zh if lang == "zh" else en
