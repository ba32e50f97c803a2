"""The built-in bot's strategy: what each role decides, from what its seat believes.

The wolves' kill and day vote are computed from what every wolf knows alike, so the
pack agrees without talking; the seer checks its top suspect; the witch saves a god
and poisons a wolf she is sure of; the village votes the reported wolf or its top
suspect. Each choice comes with a thought narrating the numbers and the rule behind
it. What a seat says is ``speech.py``'s; what it believes, ``evidence.py``'s.
"""

from __future__ import annotations

import random

from server.game.state import Action, Decision
from server.game.view import SeatView

from .base import Plan
from .evidence import GODS, Knowledge, others_alive
from .lines import checks_text, tr

# Why the wolves pick a victim, for the thought: (English, Chinese).
KILL_WHY = {
    "claimed_seer": ("they claimed seer", "他跳了预言家"),
    "claimed_witch": ("they claimed witch", "他跳了女巫"),
    "gold": ("the seer vouched for them", "他是预言家的金水"),
    "influential": ("they keep voting against us", "他一直投我们"),
    "quiet": (
        "nobody stands out: a pick every wolf computes alike",
        "没有突出目标：按大家一致的规则选",
    ),
}
FAKE_WHY = {
    "planned": ("as planned in our talk", "按夜聊计划"),
    "counter": ("a seer reported one of us", "预言家查杀了我们的人"),
    "continue": ("keeping up my claim", "继续我的身份"),
}

# How often a wolf pack fakes a seer claim on its own (the first wolf to talk on the first
# night decides and announces it), how often a wolf counter-claims when a seer reports one
# of the pack, and how often the seer comes out on day 1 with only a good check.
PRE_CLAIM = 0.6
COUNTER_CLAIM = 0.8
SEER_EARLY = 0.3
GUT_FEELING = 0.35  # on day 1 with nothing to go on, how often a player voices a hunch


def skip(view: SeatView, thought: str, label: str) -> Plan:
    return Plan(action=Action(seat=view.seat, kind="skip"), thought=thought, label=label)


def wolf_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    """Tonight's victim, from what every wolf knows alike (so the pack agrees): a claimed
    seer, a claimed witch, the seer's gold, whoever keeps voting the pack, else a pick by
    the day; never a claimed hunter while anyone else is left. The code says why."""
    goods = [s for s in options if s not in k.team]
    if not goods:
        return None, "quiet"
    hunters = {s for s, r in k.role_claims.items() if r == "hunter"}
    found = _claimed_threat(k, goods, hunters) or _influential(k, goods, hunters)
    if found is not None:
        return found
    pool = [s for s in goods if s not in hunters] or goods
    return pool[(view.day * 5 + len(k.votes) + 3) % len(pool)], "quiet"


def _claimed_threat(k: Knowledge, goods: list[int], hunters: set[int]) -> tuple[int, str] | None:
    real = [s for s in k.real_seers() if s in goods]
    if real:
        return min(real), "claimed_seer"
    witches = [s for s, r in k.role_claims.items() if r == "witch" and s in goods]
    if witches:
        return min(witches), "claimed_witch"
    gold = [
        t
        for c in k.seer_claims.values()
        if c.seat not in k.team
        for t, w in c.reports.items()
        if not w and t in goods and t not in hunters
    ]
    return (min(gold), "gold") if gold else None


def _influential(k: Knowledge, goods: list[int], hunters: set[int]) -> tuple[int, str] | None:
    """The good player who voted against the pack most often (not a claimed hunter)."""
    accusers: dict[int, int] = {}
    for vote in k.votes:
        if vote.target in k.team and vote.seat in goods and vote.seat not in hunters:
            accusers[vote.seat] = accusers.get(vote.seat, 0) + 1
    if accusers:
        return max(sorted(accusers), key=lambda s: accusers[s]), "influential"
    return None


def wolf_vote_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    """The pack's day vote, again from shared knowledge: everyone lands on the same seat."""
    lang = view.lang
    goods = [s for s in options if s not in k.team]
    if not goods:
        return None, tr(lang, "only teammates to vote for", "只剩队友可投")
    fake = k.fake_seer()
    if fake is not None:
        for t, w in reversed(k.seer_claims[fake].reports.items()):
            if w and t in goods:
                return t, tr(
                    lang, f"our fake seer {fake} reported {t}", f"我们悍跳的{fake}号给{t}号发了查杀"
                )
    real = [s for s in k.real_seers() if s in goods]
    if real:
        return min(real), tr(
            lang, f"{min(real)} claims seer and threatens us", f"{min(real)}号跳预言家，威胁到我们"
        )
    # Blend in: the good player the table already suspects most (as any villager would score).
    top = max(goods, key=lambda s: (k.score.get(s, 0.0), -s))
    if k.score.get(top, 0.0) > 0.4:
        return top, tr(
            lang,
            f"the table already suspects {top} ({k.score[top]:+.1f})",
            f"好人已经在怀疑{top}号（{k.score[top]:+.1f}）",
        )
    return goods[(view.day * 3 + 1) % len(goods)], tr(
        lang,
        "no one stands out: a pick every wolf computes alike",
        "没有突出目标：按狼队一致的规则选",
    )


def should_fake_claim(view: SeatView, k: Knowledge, rng: random.Random) -> str | None:
    """At most one wolf fakes a seer claim: the announced one, or a counter-claim when needed."""
    if k.fake_seer() is not None:
        return "continue" if view.seat in k.seer_claims else None
    if k.fake_plan is not None and view.is_alive(k.fake_plan) and k.fake_plan != view.seat:
        return None
    if k.fake_plan == view.seat:
        return "planned"
    threatened = [
        t
        for c in k.seer_claims.values()
        for t, w in c.reports.items()
        if w and t in k.team and view.is_alive(t)
    ]
    if threatened and k.real_seers() and rng.random() < COUNTER_CLAIM:
        return "counter"
    return None


def fake_report(view: SeatView, k: Knowledge, rng: random.Random) -> tuple[int, bool] | None:
    """A made-up check to report: a good player as a wolf (a real seer first), or a mate as good."""
    mine = k.seer_claims.get(view.seat)
    done = set(mine.reports) if mine else set()
    goods = [s for s in others_alive(view) if s not in k.team and s not in done]
    real = [s for s in k.real_seers() if s not in done]
    if real:
        return min(real), True
    mates = [s for s in view.teammates if view.is_alive(s) and s not in done]
    if mates and rng.random() < 0.25:
        return rng.choice(mates), False
    if not goods:
        return None
    hunters = {s for s, r in k.role_claims.items() if r == "hunter"}
    pool = [s for s in goods if s not in hunters] or goods
    return max(pool, key=lambda s: (k.score.get(s, 0.0), rng.random())), True


def wolf_kill(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "choosing a victim", "选择刀口")
    proposals = [t for _, t in k.proposals if t in d.options and t not in k.team]
    if proposals:
        t = proposals[0]
        return Plan(
            action=Action(seat=view.seat, kind="kill", target=t),
            label=label,
            thought=tr(
                lang,
                f"Following the first proposal in our talk: kill {t}.",
                f"按夜聊第一个提议，刀{t}号。",
            ),
        )
    target, code = wolf_target(view, k, d.options)
    why = tr(lang, *KILL_WHY[code])
    if target is None:
        return skip(view, tr(lang, "No one worth killing: no kill.", "没有可刀的人，空刀。"), label)
    return Plan(
        action=Action(seat=view.seat, kind="kill", target=target),
        label=label,
        thought=tr(
            lang,
            f"No proposal heard; the shared rule picks {target} ({why}).",
            f"夜聊没有提议，按共同规则刀{target}号（{why}）。",
        ),
    )


def check(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "choosing a check", "选择查验")
    unchecked = [s for s in d.options if s not in k.my_checks]
    pool = unchecked or d.options
    if not pool:
        return skip(view, tr(lang, "Nobody to check.", "没有可验的人。"), label)
    ranked = k.ranked(pool)
    best = k.score.get(ranked[0], 0.0)
    top = [s for s in ranked if k.score.get(s, 0.0) >= best - 0.05]
    target = rng.choice(top)
    thought = tr(
        lang,
        f"Checks so far: {checks_text(k.my_checks, lang)}. Unchecked, most suspect first: "
        f"{k.explain(pool, lang)}. Checking {target}.",
        f"目前查验：{checks_text(k.my_checks, lang)}。未验的人按嫌疑排序：{k.explain(pool, lang)}。"
        f"今晚验{target}号。",
    )
    return Plan(
        action=Action(seat=view.seat, kind="check", target=target), thought=thought, label=label
    )


def witch(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "the witch's potions", "女巫用药")
    victim = d.victim
    if d.can_save and victim is not None and (why := _worth_saving(view, k, victim)):
        return Plan(
            action=Action(seat=view.seat, kind="save", target=victim),
            label=label,
            thought=tr(
                lang,
                f"The wolves attacked {victim}; saving them: {why}.",
                f"狼人刀了{victim}号，救：{why}。",
            ),
        )
    if d.can_poison and (poison := _worth_poisoning(view, k, d.options, victim)):
        target, thought = poison
        return Plan(
            action=Action(seat=view.seat, kind="poison", target=target),
            label=label,
            thought=thought,
        )
    return skip(
        view,
        tr(
            lang,
            f"Victim tonight: {victim or 'unknown'}. Nobody is suspect enough to poison "
            f"({k.explain(d.options, lang, 2)}); keeping my potions.",
            f"今晚刀口：{victim or '未知'}。没人可疑到值得毒（{k.explain(d.options, lang, 2)}），留药。",
        ),
        label,
    )


def _worth_saving(view: SeatView, k: Knowledge, victim: int) -> str | None:
    """Why the witch saves tonight's victim (the first night, the seer she believes, a
    god), or None: she keeps the antidote."""
    lang = view.lang
    if view.day == 1:
        return tr(lang, "it is the first night", "首夜必救")
    if victim == k.believed:
        return tr(lang, "they are the seer I believe", "他是我相信的预言家")
    if k.role_claims.get(victim) in GODS or victim == view.seat:
        return tr(lang, "they are a god", "他是神职")
    return None


def _worth_poisoning(
    view: SeatView, k: Knowledge, options: list[int], victim: int | None
) -> tuple[int, str] | None:
    """(whom the witch poisons, why): the believed seer's reported wolf when the evidence
    holds, or from day 2 a suspect she is sure of; None keeps the poison."""
    lang = view.lang
    pool = [s for s in options if s != victim]
    if not pool:
        return None
    b = k.believed
    reported = [
        t for t, w in (k.seer_claims[b].reports.items() if b is not None else []) if w and t in pool
    ]
    if reported and k.score.get(reported[-1], 0.0) >= 2.0:
        t = reported[-1]
        return t, tr(
            lang,
            f"Seer-claim {b} reported {t} as a wolf; poisoning {t} ({k.explain([t], lang, 1)}).",
            f"{b}号预言家查杀{t}号，毒{t}号（{k.explain([t], lang, 1)}）。",
        )
    top = k.ranked(pool)[0]
    if k.score.get(top, 0.0) >= 4.0 and view.day >= 2:
        return top, tr(
            lang,
            f"Poisoning my top suspect: {k.explain([top], lang, 1)}.",
            f"毒我最怀疑的人：{k.explain([top], lang, 1)}。",
        )
    return None


def shoot(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "the hunter's shot", "猎人开枪")
    if not d.options:
        return skip(view, tr(lang, "Nobody to shoot.", "没有可带走的人。"), label)
    top = k.ranked(d.options)[0]
    score = k.score.get(top, 0.0)
    if score <= 0.3:
        return skip(
            view,
            tr(
                lang,
                f"No one is suspect enough ({k.explain(d.options, lang, 2)}); holding fire.",
                f"没人足够可疑（{k.explain(d.options, lang, 2)}），不开枪。",
            ),
            label,
        )
    return Plan(
        action=Action(seat=view.seat, kind="shoot", target=top),
        label=label,
        thought=tr(
            lang,
            f"Shooting my top suspect {top}: {k.explain(d.options, lang, 2)}.",
            f"带走我最怀疑的{top}号：{k.explain(d.options, lang, 2)}。",
        ),
    )


def good_vote_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    lang = view.lang
    if not options:
        return None, tr(lang, "no legal target", "没有可投的人")
    for t, w in k.my_checks.items():
        if w and t in options:
            return t, tr(lang, f"my own check found {t} a wolf", f"我亲自验出{t}号是狼")
    b = k.believed
    if b is not None:
        wolves = [t for t, w in k.seer_claims[b].reports.items() if w and t in options]
        if wolves:
            return wolves[-1], tr(
                lang,
                f"the seer I believe ({b}) reported {wolves[-1]}",
                f"我相信的预言家{b}号查杀了{wolves[-1]}号",
            )
    top = k.ranked(options)[0]
    return top, tr(
        lang,
        f"top suspicion {k.explain(options, lang, 3)}",
        f"嫌疑最高：{k.explain(options, lang, 3)}",
    )


def vote_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    if k.wolf:
        return wolf_vote_target(view, k, options)
    return good_vote_target(view, k, options)


def vote(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "voting", "投票")
    target, why = vote_target(view, k, d.options)
    if target is None:
        return skip(view, tr(lang, f"Abstaining: {why}.", f"弃票：{why}。"), label)
    if not k.wolf and k.score.get(target, 0.0) <= 0 and rng.random() < 0.1:
        return skip(
            view,
            tr(
                lang,
                f"Nobody stands out ({k.explain(d.options, lang, 2)}); abstaining.",
                f"没人突出（{k.explain(d.options, lang, 2)}），弃票。",
            ),
            label,
        )
    summary = k.claims_summary(lang)
    return Plan(
        action=Action(seat=view.seat, kind="vote", target=target),
        label=label,
        thought=tr(lang, f"{summary} Voting {target}: {why}.", f"{summary}投{target}号：{why}。"),
    )


__all__ = [
    "COUNTER_CLAIM",
    "FAKE_WHY",
    "GUT_FEELING",
    "KILL_WHY",
    "PRE_CLAIM",
    "SEER_EARLY",
    "check",
    "fake_report",
    "good_vote_target",
    "should_fake_claim",
    "shoot",
    "skip",
    "vote",
    "vote_target",
    "witch",
    "wolf_kill",
    "wolf_target",
    "wolf_vote_target",
]
