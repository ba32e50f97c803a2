"""The built-in bot's strategy: what each role decides, from what its seat believes.

The wolves' kill and the pack's day target come from what every wolf knows alike and a
random draw every wolf makes alike (seeded by the game, never a seat-number formula), so
the pack agrees without talking; each wolf then sometimes votes its own read, and on a
day a teammate is reported, one may vote against them (倒钩). The seer checks its top
suspect; the witch saves on the first night unless her temperament keeps the antidote,
and poisons only a seat she is sure of (never a seer claim she can't rule out); the
hunter shoots only a seat the evidence convicts; the village votes a proven liar, the
believed seer's wolf, or its top suspect, ties broken by the seat's own coin. Each choice
comes with a thought in sentences, from the evidence. What a seat says is
``speech.py``'s; what it believes, ``evidence.py``'s.
"""

from __future__ import annotations

import random
from dataclasses import replace

from server.game.state import Action, Decision
from server.game.view import SeatView
from shared.events import SpeechEnd

from .base import Plan
from .evidence import GODS, Knowledge, others_alive
from .lines import checks_text, tr

# Why the wolves pick a victim, for the thought: (English, Chinese).
KILL_WHY = {
    "claimed_seer": ("they claimed seer", "他跳了预言家"),
    "claimed_witch": ("they claimed witch", "他跳了女巫"),
    "gold": ("the seer vouched for them", "他是预言家的金水"),
    "influential": ("they keep voting against us", "他一直投我们"),
    "quiet": ("nobody stands out, so any good seat will do", "没有突出目标，随便刀一个好人"),
}
FAKE_WHY = {
    "planned": ("as planned in our talk", "按夜聊计划"),
    "counter": ("a seer reported one of us", "预言家查杀了我们的人"),
    "continue": ("keeping up my claim", "继续我的身份"),
}

# How often a wolf pack fakes a seer claim on its own (the first wolf to talk on the first
# night announces it, and the pack's draw names who), how often a wolf counter-claims when
# a seer reports one of the pack, and how often the seer comes out on day 1 with only a
# good check (a bold seer more: up to SEER_EARLY + 0.14), so that a fake who claims later
# the same day meets a counter-claim.
PRE_CLAIM = 0.6
COUNTER_CLAIM = 0.8
SEER_EARLY = 0.85
GUT_FEELING = 0.35  # on day 1 with nothing to go on, how often a player voices a hunch


WOLF_STRAY = 0.3  # how often a wolf votes its own read instead of the pack's seat
DAOGOU = 0.45  # on a day a teammate is reported, how often one wolf votes against them (倒钩)
POISON_SURE = 4.5  # the suspicion at which a witch is sure enough to poison
# How often a fake seer names a badge flow (警徽流), against a real one: a wolf plans no
# checks, and players weigh a seer's flow (``evidence.FLOW_CREDIT``).
FAKE_FLOW = 0.5
# The suspicion at which a hunter takes someone with him: a hiding pack leaves weaker
# evidence, and at 2.0 his shots hit a wolf 70-78% of the time on 12-guard (target >= 75%);
# at 3.5 he hardly shoots (24 shots in 600 12-guard games at 3.0, 37 at 2.5, 59 at 2.0).
HUNTER_SURE = 2.5
# A pack that votes the seer the table believes shows itself to the village ("seat 3 voted
# against the seer"): on this share of days it votes along with the table instead (the
# pack's draw). 0 left the wolves of 12-guard at 37% (docs/benchmarks.md, session 6).
HIDE_FROM_SEER = 0.85


def pack_rng(view: SeatView, k: Knowledge, salt: str) -> random.Random:
    """A random source every wolf of the pack draws alike (so they agree without talking),
    seeded by the game's seat names, the pack and the day: no seat number decides."""
    team = ",".join(map(str, sorted(k.team)))
    return random.Random(f"pack:{'|'.join(view.names)}:{team}:{view.day}:{salt}")


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
    r = pack_rng(view, k, "kill")
    found = _claimed_threat(k, goods, hunters, r) or _influential(k, goods, hunters)
    if found is not None:
        return found
    pool = [s for s in goods if s not in hunters] or goods
    return r.choice(sorted(pool)), "quiet"


def _claimed_threat(
    k: Knowledge, goods: list[int], hunters: set[int], r: random.Random
) -> tuple[int, str] | None:
    real = [s for s in k.real_seers() if s in goods]
    if real:
        return (k.believed if k.believed in real else r.choice(real)), "claimed_seer"
    witches = [s for s, x in k.role_claims.items() if x == "witch" and s in goods]
    if witches:
        return r.choice(witches), "claimed_witch"
    gold = [
        t
        for c in k.seer_claims.values()
        if c.seat not in k.team
        for t, w in c.reports.items()
        if not w and t in goods and t not in hunters
    ]
    return (r.choice(sorted(set(gold))), "gold") if gold else None


def _influential(k: Knowledge, goods: list[int], hunters: set[int]) -> tuple[int, str] | None:
    """The good player who voted against the pack most often (not a claimed hunter)."""
    accusers: dict[int, int] = {}
    for vote in k.votes:
        if vote.target in k.team and vote.seat in goods and vote.seat not in hunters:
            accusers[vote.seat] = accusers.get(vote.seat, 0) + 1
    if len(accusers) and max(accusers.values()) >= 2:
        return max(sorted(accusers), key=lambda s: (accusers[s], k.jitter[s])), "influential"
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
    r = pack_rng(view, k, "vote")
    real = [s for s in k.real_seers() if s in goods]
    hide = k.believed in real and HIDE_FROM_SEER > 0 and r.random() < HIDE_FROM_SEER
    if real and not hide:
        t = k.believed if k.believed in real else r.choice(real)
        return t, tr(lang, f"seat {t} claims seer and threatens us", f"{t}号跳预言家，威胁到我们")
    why = ""
    if hide:  # the village believes him: a pack voting him shows itself, so it votes along
        goods = [s for s in goods if s != k.believed] or goods
        why = tr(
            lang,
            f"the table believes seat {k.believed}; votes against him would show us, so ",
            f"好人信{k.believed}号，投他会暴露，所以",
        )
    # Blend in: the good player the table already suspects most (as any villager would score).
    top = max(goods, key=lambda s: (round(k.score.get(s, 0.0), 6), r.random()))
    if k.score.get(top, 0.0) > 0.4:
        return top, why + tr(
            lang,
            f"the table already suspects seat {top}",
            f"好人已经在怀疑{top}号",
        )
    t = r.choice(sorted(goods))
    return t, why + tr(
        lang,
        f"nobody stands out, so the pack agreed on seat {t}",
        f"没有突出目标，狼队统一挂{t}号",
    )


def wolf_vote(
    view: SeatView, k: Knowledge, options: list[int], rng: random.Random
) -> tuple[int | None, str]:
    """This wolf's own day vote: mostly the pack's seat, sometimes its own read (so the
    pack does not vote as one block), and on a day a teammate is reported and doomed,
    one wolf votes against the teammate to look good (倒钩)."""
    lang = view.lang
    mates = [t for t in options if t in k.team and t != view.seat]
    b = k.believed
    doomed = [t for t in mates if b is not None and k.seer_claims[b].reports.get(t)]
    if doomed:
        r = pack_rng(view, k, "daogou")
        living = sorted(s for s in k.team if view.is_alive(s) and s not in doomed)
        if living and r.random() < DAOGOU and r.choice(living) == view.seat:
            t = doomed[0]
            return t, tr(
                lang,
                f"seat {t} is reported and the village will exile them anyway; voting against my own teammate (倒钩) buys me trust",
                f"{t}号被查杀，反正要出局；我倒钩投队友，换好人的信任",
            )
    target, why = wolf_vote_target(view, k, options)
    if target is not None and rng.random() < WOLF_STRAY * (0.5 + k.temper.bold):
        goods = [s for s in options if s not in k.team and s != target and s != b]
        if goods:
            own = max(goods, key=lambda s: (round(k.score.get(s, 0.0), 6), rng.random()))
            return own, tr(
                lang,
                f"the pack leans on seat {target}, but all of us on one seat shows; I vote seat {own} instead",
                f"狼队挂{target}号，但票太整齐会暴露，我分票投{own}号",
            )
    return target, why


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
    """A made-up check to report: the real seer as a wolf (查杀对跳) when one claimed, else
    a good player as a wolf, sometimes a teammate as good (金水)."""
    mine = k.seer_claims.get(view.seat)
    done = set(mine.reports) if mine else set()
    goods = [s for s in others_alive(view) if s not in k.team and s not in done]
    real = [s for s in k.real_seers() if s not in done]
    accusers = [s for s in real if k.seer_claims[s].reports.get(view.seat)]
    if accusers and rng.random() < 0.85:
        return accusers[0], True  # reported: jump and "check" the accuser back
    if real and rng.random() < 0.6:
        return rng.choice(real), True
    mates = [s for s in view.teammates if view.is_alive(s) and s not in done]
    if mates and rng.random() < 0.2:
        return rng.choice(mates), False
    if not goods:
        return None
    claimed = {s for s, r in k.role_claims.items() if r in ("hunter", "witch")}
    pool = [s for s in goods if s not in claimed] or goods
    return max(pool, key=lambda s: (round(k.score.get(s, 0.0), 1), rng.random())), True


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
                f"The pack settled on seat {t} in our talk; I kill seat {t}.",
                f"夜聊里狼队定了刀{t}号，我跟刀。",
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
            f"Nobody proposed a kill, so I take seat {target}: {why}.",
            f"夜聊没人提刀口，我刀{target}号：{why}。",
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
    checks, suspects = checks_text(k.my_checks, lang), k.explain(pool, lang)
    thought = tr(
        lang,
        f"My checks so far: {checks}. Among the unchecked, {suspects}. Tonight I check seat {target}.",
        f"目前查验：{checks}。没验过的人里，{suspects}。今晚验{target}号。",
    )
    return Plan(
        action=Action(seat=view.seat, kind="check", target=target), thought=thought, label=label
    )


def witch(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "the witch's potions", "女巫用药")
    victim = d.victim
    if d.can_save and victim is not None:
        why, hold = _worth_saving(view, k, victim, rng)
        if why:
            return Plan(
                action=Action(seat=view.seat, kind="save", target=victim),
                label=label,
                thought=tr(
                    lang,
                    f"The wolves attacked seat {victim}; I save them: {why}.",
                    f"狼人刀了{victim}号，我救：{why}。",
                ),
            )
    else:
        hold = ""
    if d.can_poison and (poison := _worth_poisoning(view, k, d.options, victim)):
        target, thought = poison
        return Plan(
            action=Action(seat=view.seat, kind="poison", target=target),
            label=label,
            thought=(hold + " " + thought).strip() if lang != "zh" else hold + thought,
        )
    if victim is None:
        news = tr(lang, "I don't know tonight's victim.", "今晚不知道刀口。")
    else:
        news = hold or tr(lang, f"The wolves attacked seat {victim}.", f"今晚刀口是{victim}号。")
    suspects = k.explain(d.options, lang, 2)
    rest = tr(
        lang,
        f" Nobody is certain enough to poison ({suspects}); I keep my potions.",
        f"没人可疑到值得毒（{suspects}），留药。",
    )
    return skip(view, news + rest, label)


def _worth_saving(
    view: SeatView, k: Knowledge, victim: int, rng: random.Random
) -> tuple[str | None, str]:
    """(why the witch saves tonight's victim, or None; why she holds the antidote)."""
    lang = view.lang
    if victim == k.believed:
        return tr(lang, "they are the seer I believe", "他是我认的预言家"), ""
    if k.role_claims.get(victim) in GODS or victim == view.seat:
        return tr(lang, "they are a god", "他是神职"), ""
    if view.day == 1:
        # A cautious witch saves almost always; a bold one may keep it for a god later.
        if rng.random() < 0.9 - 0.4 * k.temper.bold:
            return tr(
                lang,
                "on the first night a save is worth more than a held potion",
                "首夜救人收益最大",
            ), ""
        return None, tr(
            lang,
            f"The wolves attacked seat {victim}, but I hold the antidote for a god later.",
            f"狼刀了{victim}号，但我留着解药救后面的神。",
        )
    return None, ""


def _worth_poisoning(
    view: SeatView, k: Knowledge, options: list[int], victim: int | None
) -> tuple[int, str] | None:
    """(whom the witch poisons, why): a seer claim she knows is false, the reported wolf
    of a seer whose claim the evidence supports, or a suspect she is sure of; never a seer
    claimant she can't rule out. None keeps the poison."""
    lang = view.lang
    pool = [s for s in options if s != victim]
    if not pool:
        return None
    liars = [s for s in k.liars() if s in pool]
    if liars:
        t = max(liars, key=lambda s: (-k.cred[s][0], k.jitter[s]))
        return t, tr(
            lang,
            f"Seat {t}'s seer claim is false: {k.cred[t][1][-1]}. I poison seat {t}.",
            f"{t}号是假预言家：{k.cred[t][1][-1]}。毒{t}号。",
        )
    b = k.believed
    false_seers = k.liars()
    protected = {s for s in k.seer_claims if s not in false_seers}
    reported = [
        t for t, w in (k.seer_claims[b].reports.items() if b is not None else []) if w and t in pool
    ]
    if reported and b is not None and k.cred[b][0] >= 1.0 and reported[-1] not in protected:
        t = reported[-1]
        return t, tr(
            lang,
            f"I trust seat {b} as the seer ({'; '.join(k.cred[b][1][:2])}), and they reported seat {t}: I poison seat {t}.",
            f"我认{b}号是预言家（{'；'.join(k.cred[b][1][:2])}），他查杀了{t}号，毒{t}号。",
        )
    cands = [s for s in k.ranked(pool) if s not in protected]
    if cands and k.score.get(cands[0], 0.0) >= POISON_SURE and view.day >= 2:
        top = cands[0]
        why = k.explain([top], lang, 1)
        return top, tr(
            lang,
            f"I'm sure enough of seat {top} to poison them: {why}.",
            f"我确定{top}号有问题，毒他：{why}。",
        )
    return None


def hunter_shot(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    """Whom the hunter takes with him (None: he holds fire), and why, as a thought. One
    decision: his last words say it (``speech.last_words``), his shot does it (``shoot``)."""
    lang = view.lang
    liars = [s for s in k.liars() if s in options]
    believed = {k.believed} if k.believed is not None else set()
    pool = [s for s in options if s not in believed]
    top = liars[0] if liars else (k.ranked(pool)[0] if pool else None)
    score = k.score.get(top, 0.0) if top is not None else 0.0
    if top is None or score < HUNTER_SURE:
        suspects = k.explain(options, lang, 2)
        return None, tr(
            lang,
            f"I'm not sure of anyone: {suspects}. A wrong shot helps the wolves, so I hold fire.",
            f"我不确定任何人：{suspects}。开错枪等于帮狼，不开枪。",
        )
    why = k.explain([top], lang, 1)
    return top, tr(lang, f"I take seat {top} with me: {why}.", f"我带走{top}号：{why}。")


def _at_last_words(view: SeatView, k: Knowledge) -> Knowledge:
    """What the hunter believed when he gave his last words today (where he said whether he
    shoots, and whom), else what he believes now. His own words, and a badge he passed,
    come between the two: they must not change the shot he announced."""
    events = view.events
    for i in range(len(events) - 1, -1, -1):
        e = events[i]
        if isinstance(e, SpeechEnd) and e.seat == view.seat and e.kind == "last_words":
            return Knowledge(replace(view, events=events[:i])) if e.day == view.day else k
    return k


def shoot(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "the hunter's shot", "猎人开枪")
    if not d.options:
        return skip(view, tr(lang, "Nobody to shoot.", "没有可带走的人。"), label)
    target, thought = hunter_shot(view, _at_last_words(view, k), d.options)
    if target is None:
        return skip(view, thought, label)
    return Plan(
        action=Action(seat=view.seat, kind="shoot", target=target), label=label, thought=thought
    )


def good_vote_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    lang = view.lang
    if not options:
        return None, tr(lang, "no legal target", "没有可投的人")
    for t, w in k.my_checks.items():
        if w and t in options:
            return t, tr(lang, f"my own check found seat {t} a wolf", f"我亲自验出{t}号是狼")
    false_seers = k.liars()
    liars = [s for s in k.ranked(options) if s in false_seers]
    if liars:
        t = liars[0]
        return t, tr(lang, f"seat {t}'s seer claim is false", f"{t}号是悍跳的假预言家")
    b = k.believed
    if b is not None:
        wolves = [t for t, w in k.seer_claims[b].reports.items() if w and t in options]
        if wolves:
            return wolves[-1], tr(
                lang,
                f"the seer I believe, seat {b}, reported seat {wolves[-1]}",
                f"我认的预言家{b}号查杀了{wolves[-1]}号",
            )
    top = k.ranked(options)[0]
    if k.score.get(top, 0.0) <= 0.25:
        suspects = k.explain(options, lang, 2)
        return top, tr(
            lang,
            f"nothing points at anyone yet ({suspects}), so seat {top} is a guess",
            f"还没有明确的指向（{suspects}），{top}号只是猜的",
        )
    return top, k.explain(options, lang, 2)


def vote_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    if k.wolf:
        return wolf_vote_target(view, k, options)
    return good_vote_target(view, k, options)


def vote(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "voting", "投票")
    if k.wolf:
        target, why = wolf_vote(view, k, d.options, rng)
    else:
        target, why = good_vote_target(view, k, d.options)
    if target is None:
        return skip(view, tr(lang, f"I abstain: {why}.", f"弃票：{why}。"), label)
    if not k.wolf and k.score.get(target, 0.0) <= 0 and rng.random() < 0.15 * (1 - k.temper.bold):
        suspects = k.explain(d.options, lang, 2)
        return skip(
            view,
            tr(
                lang,
                f"{suspects.capitalize()}; I'd rather abstain than guess.",
                f"{suspects}；与其乱投不如弃票。",
            ),
            label,
        )
    summary = k.claims_summary(lang)
    return Plan(
        action=Action(seat=view.seat, kind="vote", target=target),
        label=label,
        thought=tr(
            lang, f"{summary} I vote seat {target}: {why}.", f"{summary}我投{target}号：{why}。"
        ),
    )


__all__ = [
    "COUNTER_CLAIM",
    "DAOGOU",
    "WOLF_STRAY",
    "pack_rng",
    "wolf_vote",
    "FAKE_WHY",
    "GUT_FEELING",
    "KILL_WHY",
    "PRE_CLAIM",
    "SEER_EARLY",
    "check",
    "fake_report",
    "good_vote_target",
    "hunter_shot",
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
