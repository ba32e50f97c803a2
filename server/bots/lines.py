"""What the built-in bots say, in English and Chinese: several phrasings per situation."""

from __future__ import annotations

import random

# Each entry: situation -> (English phrasings, Chinese phrasings). Fields in braces
# are filled by the bot: {t} a target seat, {w} a list of seats, {x} extra reasons.
LINES: dict[str, tuple[list[str], list[str]]] = {
    "seer_claim": (
        ["I'm the seer. Last night I checked {t}: {t} is a wolf.",
         "Time to come out: I am the seer, and {t} is a wolf. I checked them.",
         "I'm the seer. My check says {t} is a werewolf. Vote {t} today."],
        ["我是预言家，昨晚查验了{t}号，{t}号是狼。",
         "我跳预言家，{t}号查杀，今天请大家出{t}号。",
         "我是预言家，我验了{t}号，{t}号是狼人，别犹豫。"],
    ),
    "seer_claim_good": (
        ["I'm the seer. I checked {t}: {t} is good.",
         "I am the seer; {t} is good, I checked them."],
        ["我是预言家，{t}号是金水。",
         "我是预言家，昨晚验了{t}号，{t}号是好人。"],
    ),
    "seer_more": (
        ["As the seer, my checks so far: {x}.", "Seer again. My results: {x}."],
        ["我是预言家，目前的验人结果：{x}。", "还是预言家，我的查验：{x}。"],
    ),
    "seer_counter": (
        ["{t} claims seer, but I am the real seer. {t} is lying, and liars here are wolves.",
         "Don't believe {t}. I'm the seer, so {t} must be a wolf."],
        ["{t}号跳预言家是假的，我才是真预言家，{t}号就是狼。",
         "{t}号悍跳，我才是预言家，大家别被骗了。"],
    ),
    "suspect": (
        ["I find {t} suspicious{x}.", "My eye is on {t}{x}.", "{t} worries me{x}.",
         "If I had to vote now, it would be {t}{x}."],
        ["我觉得{t}号比较可疑{x}。", "我重点怀疑{t}号{x}。", "{t}号的表现让我不太放心{x}。",
         "现在要投的话我会投{t}号{x}。"],
    ),
    "follow_seer": (
        ["I believe {t}'s seer claim. Let's vote out {w}.",
         "{t} is our seer as far as I can tell; {w} should go."],
        ["我相信{t}号是真预言家，今天出{w}号。", "{t}号的预言家我认，跟着出{w}号。"],
    ),
    "no_info": (
        ["I have nothing solid yet. I'll listen and watch the votes.",
         "Not much to go on. I'm a simple villager; let's hear everyone.",
         "No strong reads so far. Wolves, you'll slip eventually."],
        ["我暂时没有什么信息，先听听大家怎么说。", "我是个平民，没有太多信息，先看投票。",
         "目前没有明确的判断，狼人迟早会露出马脚。"],
    ),
    "villager_claim": (
        ["I'm a villager, for what it's worth.", "Plain villager here."],
        ["我是村民。", "我是平民，好人身份。"],
    ),
    "defend": (
        ["I'm not a wolf. Voting me out wastes the village's day.",
         "You have the wrong person. I'm good."],
        ["我是好人，出我是浪费好人的轮次。", "我不是狼，大家不要投错了。"],
    ),
    "hunter_claim": (
        ["I'm the hunter. Exile me and I take someone with me — probably {t}.",
         "Careful: I am the hunter. If I go, {t} comes along."],
        ["我是猎人，出我我会带走{t}号。", "我是猎人，别投我，真出了我就开枪带{t}号。"],
    ),
    "witch_claim": (
        ["I'm the witch. {x}", "Witch here. {x}"],
        ["我是女巫。{x}", "我是女巫，{x}"],
    ),
    "pk": (
        ["One more time: I'm good. Vote {t} instead.", "It's me or {t}. I'm good, so it's {t}."],
        ["再说一次，我是好人，请投{t}号。", "我和{t}号之间，我是好人，请投{t}号。"],
    ),
    "last_words": (
        ["My last words: watch {t}.", "Goodbye. I suspect {t}; don't let them slide.",
         "I'm out. Look hard at {t}."],
        ["遗言：大家注意{t}号。", "我走了，我怀疑{t}号，别放过。", "出局了，请重点看{t}号。"],
    ),
    "last_words_none": (
        ["Nothing to add. Good luck, village.", "Goodbye, and vote carefully."],
        ["没有什么要说的，好人加油。", "我走了，大家谨慎投票。"],
    ),
    "wolf_chat_kill": (
        ["Let's kill {t} tonight{x}.", "I say we take {t}{x}.", "Target {t}{x}."],
        ["今晚刀{t}号{x}。", "我建议刀{t}号{x}。", "刀{t}号吧{x}。"],
    ),
    "wolf_chat_agree": (
        ["Agreed, kill {t}.", "Fine by me: kill {t}.", "Yes, take {t}."],
        ["同意，刀{t}号。", "可以，刀{t}号。", "跟，刀{t}号。"],
    ),
    "wolf_chat_fake": (
        [" I'll counter-claim seer tomorrow.", " Tomorrow I'll claim seer to confuse them."],
        ["明天我来悍跳预言家。", "明天我跳预言家搅局。"],
    ),
}

REASONS: dict[str, tuple[str, str]] = {
    "reported": (" — {s} reported them as a wolf", "，{s}号报了查杀"),
    "voted_seer": (" — they voted against the seer", "，他投了预言家"),
    "counter": (" — a second seer claim is a lie", "，两个预言家必有一假"),
    "quiet": ("", ""),
    "claimed_seer": (", they claimed seer", "，他跳了预言家"),
    "claimed_god": (", they claimed a power role", "，他跳了神职"),
    "influential": (", they're leading the village", "，他在带节奏"),
}


def say(key: str, lang: str, rng: random.Random, **fields: object) -> str:
    en, zh = LINES[key]
    template = rng.choice(zh if lang == "zh" else en)
    return template.format(**{k: v for k, v in fields.items()})


def reason(key: str, lang: str, **fields: object) -> str:
    en, zh = REASONS[key]
    return (zh if lang == "zh" else en).format(**fields)


def seat_word(n: int, lang: str) -> str:
    return f"{n}号" if lang == "zh" else f"seat {n}"
