"""The built-in bot's table duties: the sheriff's election and badge, the speaking
direction, the guard's night, a wolf's self-destruct.

:func:`plan` answers the decisions the 12-player table added (``stand``, ``withdraw``,
``sheriff_vote``, ``badge``, ``direction``, ``protect``, the election's speeches) and
decides, on a wolf's speaking turn, whether he self-destructs (自爆); it returns None for
everything else, which the role strategy (``strategy.py``, ``speech.py``) answers. It
reads the seat's beliefs (``evidence.Knowledge``) and never changes them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

from server.game.state import Action, Decision
from server.game.view import SeatView
from shared.actions import MAX_SPEECH_CHARS
from shared.events import VoteCast, VoteResult

from . import speech
from .base import Plan
from .evidence import Knowledge
from .lines import tr

# How keen each role is to stand for sheriff (上警) when nothing else decides it.
STAND = {
    "seer": 1.0,  # the badge carries his checks on (警徽流)
    "werewolf": 0.25,
    "witch": 0.2,
    "hunter": 0.4,
    "guard": 0.2,
    "idiot": 0.3,
    "villager": 0.35,
}
WITHDRAW_FOR_SEER = 0.7  # a good candidate makes way for a seer he believes
# A balance knob, not table wisdom: a guard who always shields the obvious target (the
# believed seer, a claimed witch, the seer's gold) left the wolves on 预女猎守 winning 28-33%
# of 500 games (and a seer standing only half the time, the knob tried before, did not
# bring them back). A real guard often plays a hunch or guards himself (自守), which the
# wolves can't read: he does so this share of nights (docs/benchmarks.md, issue 15).
GUARD_HUNCH = 0.6
DESTRUCT_REPORTED = 0.25  # a wolf the believed seer reported blows up rather than be voted
DESTRUCT_STAGE = 0.7  # a wolf swallows the badge (吞警徽) when a seer reported the pack


def _plan(view: SeatView, kind: str, target: int | None, thought: str, label: str) -> Plan:
    return Plan(
        action=Action(seat=view.seat, kind=kind, target=target),  # type: ignore[arg-type]
        thought=thought,
        label=label,
    )


def _seer_reporting_pack(view: SeatView, k: Knowledge) -> int | None:
    """A living seer claimant outside the pack who reported a wolf of the pack (查杀)."""
    for s, c in k.seer_claims.items():
        if s in k.team or not view.is_alive(s):
            continue
        if any(w and t in k.team for t, w in c.reports.items()):
            return s
    return None


def _trusted(view: SeatView, k: Knowledge, among: list[int]) -> tuple[int | None, str]:
    """Whom this good seat trusts most among ``among``: its own gold, the seer it
    believes, else the least suspected."""
    lang = view.lang
    gold = [s for s, w in k.my_checks.items() if not w and s in among]
    if gold:
        return gold[0], tr(lang, f"I checked {gold[0]}: good", f"我验过{gold[0]}号是好人")
    if k.believed is not None and k.believed in among:
        b = k.believed
        return b, tr(lang, f"I believe {b} is the seer", f"我相信{b}号是预言家")
    if not among:
        return None, tr(lang, "nobody to trust", "没有可信的人")
    best = min(among, key=lambda s: (k.score.get(s, 0.0), s))
    return best, tr(
        lang,
        f"{best} is the least suspected ({k.score.get(best, 0.0):+.1f})",
        f"{best}号嫌疑最低（{k.score.get(best, 0.0):+.1f}）",
    )


# -- the election ------------------------------------------------------------------------
def stand(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang, role = view.lang, view.role
    label = tr(lang, "standing for sheriff?", "是否上警")
    if k.wolf and k.fake_plan == view.seat:
        why = tr(lang, "I will fake the seer: I need the stage", "我要悍跳，必须上警")
        return _plan(view, "stand", None, why, label)
    p = STAND.get(role, 0.3)
    if rng.random() < p:
        why = {
            "seer": tr(lang, "the badge carries my checks on", "拿警徽才能留警徽流"),
            "werewolf": tr(lang, "to split the good votes", "上警分票，搅浑水"),
        }.get(role, tr(lang, "to keep the badge on the good side", "帮好人拿住警徽"))
        return _plan(view, "stand", None, f"{why} ({p:.0%})", label)
    return _plan(
        view, "skip", None, tr(lang, "I stay off the stage and vote", "不上警，留在警下投票"), label
    )


def withdraw(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "withdraw (退水)?", "是否退水")
    stay = tr(lang, "I stay in the race", "继续竞选")
    if view.role == "seer" or view.seat in k.seer_claims:
        return _plan(view, "skip", None, stay, label)
    others = [s for s in view.candidates if s != view.seat]
    if k.wolf:
        if k.fake_seer() in others and rng.random() < 0.6:
            fake = k.fake_seer()
            why = tr(
                lang, f"leaving the badge to our fake seer {fake}", f"把警徽让给悍跳的{fake}号"
            )
            return _plan(view, "withdraw", None, why, label)
        return _plan(view, "skip", None, stay, label)
    b = k.believed
    if b is not None and b in others and rng.random() < WITHDRAW_FOR_SEER:
        why = tr(lang, f"making way for {b}, whom I believe", f"给我相信的{b}号让路")
        return _plan(view, "withdraw", None, why, label)
    return _plan(view, "skip", None, stay, label)


def sheriff_vote(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "voting for sheriff", "投票选警长")
    options = d.targets("vote")
    if k.wolf:
        mates = [s for s in options if s in k.team]
        fake = k.fake_seer()
        pick = fake if fake in mates else (mates[0] if mates else None)
        if pick is not None:
            why = tr(lang, f"the badge to our own {pick}", f"把警徽投给队友{pick}号")
            return _plan(view, "vote", pick, why, label)
        real = set(k.real_seers())
        goods = [s for s in options if s not in real] or options
        pick = max(goods, key=lambda s: (k.score.get(s, 0.0), -s)) if goods else None
        why = tr(lang, "anyone but the seer: the most doubted", "不投预言家，投最被怀疑的")
        return _plan(view, "vote" if pick else "skip", pick, why, label)
    pick, why = _trusted(view, k, options)
    return _plan(view, "vote" if pick else "skip", pick, why, label)


def _seer_on_stage(view: SeatView, k: Knowledge) -> Plan | None:
    """The seer on the stage claims, reports his check and names his badge flow (警徽流):
    whom he checks next, so that his checks live on if he dies with the badge."""
    lang = view.lang
    if not k.my_checks:
        return None
    t, wolf = list(k.my_checks.items())[-1]
    unchecked = [s for s in k.ranked(view.living()) if s != view.seat and s not in k.my_checks]
    flow = unchecked[:2]
    if lang == "zh":
        text = f"我是预言家，{t}号是{'查杀' if wolf else '金水'}。"
        if flow:
            text += "警徽流：" + "，然后".join(f"验{s}" for s in flow) + "。"
    else:
        text = f"I'm the seer. Seat {t} is {'a werewolf' if wolf else 'good'}."
        if flow:
            text += " My badge flow: I check " + ", then ".join(map(str, flow)) + "."
    thought = tr(
        lang,
        f"I run for the badge as the seer: {t} {'wolf' if wolf else 'good'}; flow {flow}",
        f"作为预言家上警：{t}号{'查杀' if wolf else '金水'}；警徽流{flow}",
    )
    return Plan(
        action=Action(seat=view.seat, kind="speak", text=text),
        thought=thought,
        label=tr(lang, "speech for the badge", "警上发言"),
        speech=text,
    )


def sheriff_speak(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    """A candidate's speech: why he wants the badge, then what he would say by day."""
    if view.role == "seer" and (claim := _seer_on_stage(view, k)) is not None:
        return claim
    p = speech.speak(view, d, rng, k)
    lang = view.lang
    if view.role == "seer":
        opener = tr(lang, "I want the badge to lead the checks.", "我要警徽，带队验人。")
    else:
        opener = tr(lang, "Give me the badge and I will lead the vote.", "把警徽给我，我来归票。")
    text = (opener + ("" if lang == "zh" else " ") + (p.action.text or ""))[:MAX_SPEECH_CHARS]
    return Plan(
        action=Action(seat=view.seat, kind="speak", text=text),
        thought=p.thought,
        label=tr(lang, "speech for the badge", "警上发言"),
        speech=text,
    )


# -- the badge and the day's order --------------------------------------------------------
def badge(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "passing the badge", "移交警徽")
    options = d.targets("badge")
    if k.wolf:
        mates = [s for s in options if s in k.team]
        if mates and rng.random() < 0.5:
            return _plan(
                view,
                "badge",
                mates[0],
                tr(lang, f"the badge stays with the pack: {mates[0]}", f"警徽留给队友{mates[0]}号"),
                label,
            )
        why = tr(lang, "the village must not have it: I tear it", "不能留给好人：撕警徽")
        return _plan(view, "tear", None, why, label)
    pick, why = _trusted(view, k, options)
    if pick is None or k.score.get(pick, 0.0) > 0.8:
        tear = tr(lang, "I trust nobody with it: I tear it", "没有可信的人：撕警徽")
        return _plan(view, "tear", None, tear, label)
    return _plan(view, "badge", pick, why, label)


def direction(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    """The sheriff lets the seat he suspects most speak early, before the table settles."""
    lang = view.lang
    label = tr(lang, "choosing who speaks first", "选择警左警右")
    others = [s for s in view.living() if s != view.seat]
    if k.wolf or not others:
        pick = rng.choice(["left", "right"])
        return _plan(view, pick, None, tr(lang, "either side will do", "哪边都行"), label)
    top = k.ranked([s for s in others if s not in k.team])[0]
    n = view.players
    up = [(view.seat + i - 1) % n + 1 for i in range(1, n)]  # right: up the seat numbers
    up = [s for s in up if s in others]
    pick = "right" if up.index(top) <= len(up) // 2 else "left"
    why = tr(
        lang,
        f"{top} speaks early ({pick})",
        f"让{top}号先发言（警{'右' if pick == 'right' else '左'}）",
    )
    return _plan(view, pick, None, why, label)


# -- the guard ----------------------------------------------------------------------------
def protect(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    """Guard the wolves' likely victim: the seer the table believes, a claimed witch, the
    seer's gold. The first night the witch still saves: guarding too would kill (同守同救)."""
    lang = view.lang
    label = tr(lang, "choosing whom to protect", "选择守护")
    options = d.targets("guard")
    if view.day == 1:
        why = tr(
            lang, "first night: the witch will save, so no guard (空守)", "首夜空守，防同守同救"
        )
        return _plan(view, "skip", None, why, label)
    if rng.random() < GUARD_HUNCH:
        return _hunch(view, k, options, rng, label)
    seers = [s for s in ([k.believed] if k.believed else []) + k.real_seers() if s in options]
    if seers:
        return _plan(
            view,
            "guard",
            seers[0],
            tr(lang, f"{seers[0]} claims seer", f"守预言家{seers[0]}号"),
            label,
        )
    witches = [s for s, r in k.role_claims.items() if r == "witch" and s in options]
    if witches:
        why = tr(lang, f"{witches[0]} claims witch", f"守女巫{witches[0]}号")
        return _plan(view, "guard", witches[0], why, label)
    golds = [t for c in k.seer_claims.values() for t, w in c.reports.items() if not w]
    golds = [t for t in golds if t in options]
    if golds:
        return _plan(
            view,
            "guard",
            golds[-1],
            tr(lang, f"the seer's gold {golds[-1]}", f"守金水{golds[-1]}号"),
            label,
        )
    if view.seat in options:
        return _plan(
            view,
            "guard",
            view.seat,
            tr(lang, "nobody stands out: myself", "没有明确目标，自守"),
            label,
        )
    return _plan(view, "skip", None, tr(lang, "nobody stands out", "没有明确目标，空守"), label)


def _hunch(
    view: SeatView, k: Knowledge, options: list[int], rng: random.Random, label: str
) -> Plan:
    """A night the guard does not shield the obvious target: himself (自守) or a seat he
    trusts, which the wolves cannot predict."""
    lang = view.lang
    if view.seat in options and rng.random() < 0.5:
        return _plan(
            view, "guard", view.seat, tr(lang, "a hunch: I guard myself", "凭感觉，自守"), label
        )
    others = [s for s in options if s != view.seat]
    if not others:
        return _plan(view, "skip", None, tr(lang, "nobody to guard", "没有可守的人，空守"), label)
    trusted = sorted(others, key=lambda s: (k.score.get(s, 0.0), s))[: max(1, len(others) // 2)]
    pick = rng.choice(trusted)
    why = tr(lang, f"a hunch: the wolves may go for {pick}", f"凭感觉，狼人可能刀{pick}号，守他")
    return _plan(view, "guard", pick, why, label)


# -- a wolf's self-destruct ---------------------------------------------------------------
def destruct(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan | None:
    """On his speaking turn a wolf blows up (自爆) when the pack gains by it: in the
    election, to swallow the badge a seer who reported the pack would take; by day, when the
    seer the village believes reported him and the vote would exile him anyway."""
    lang = view.lang
    label = tr(lang, "self-destruct?", "是否自爆")
    if d.action in ("sheriff_speak", "sheriff_pk_speak"):
        seer = _seer_reporting_pack(view, k)
        if seer is not None and seer in view.candidates and rng.random() < DESTRUCT_STAGE:
            why = tr(
                lang,
                f"{seer} reported the pack and would win the badge: I swallow it (吞警徽)",
                f"{seer}号查杀了狼队，警徽会被他拿走：自爆吞警徽",
            )
            return _plan(view, "destruct", None, why, label)
        return None
    b = k.believed
    reported = b is not None and b not in k.team and k.seer_claims[b].reports.get(view.seat)
    if reported and len(k.team) > 1 and rng.random() < DESTRUCT_REPORTED:
        why = tr(
            lang,
            f"{b}, whom the village believes, reported me: I blow up so the day ends",
            f"好人相信的{b}号查杀了我：自爆，直接进入黑夜",
        )
        return _plan(view, "destruct", None, why, label)
    return None


def for_evidence(view: SeatView) -> SeatView:
    """The view the evidence model reads: without the election's ballots, which are support
    for a candidate, not an exile vote against him (``evidence.py`` reads every non-wolf
    ``vote_cast`` as an accusation)."""
    if not view.has_sheriff:
        return view
    events = [
        e
        for e in view.events
        if not (isinstance(e, VoteCast | VoteResult) and e.kind in ("sheriff", "sheriff_pk"))
    ]
    return replace(view, events=events)


Handler = Callable[[SeatView, Decision, random.Random, Knowledge], Plan]

HANDLERS: dict[str, Handler] = {
    "stand": stand,
    "withdraw": withdraw,
    "sheriff_vote": sheriff_vote,
    "sheriff_pk_vote": sheriff_vote,
    "sheriff_speak": sheriff_speak,
    "sheriff_pk_speak": sheriff_speak,
    "badge": badge,
    "direction": direction,
    "protect": protect,
}


def plan(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan | None:
    """The plan for a table duty, or None: the role strategy answers ``d``."""
    if d.can_destruct:
        blown = destruct(view, d, rng, k)
        if blown is not None:
            return blown
    handler = HANDLERS.get(d.action)
    return handler(view, d, rng, k) if handler is not None else None


__all__ = ["HANDLERS", "for_evidence", "plan"]
