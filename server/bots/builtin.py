"""The built-in bot: a rule-based player for every role, no API key, no network.

:func:`plan` is the whole interface. It reasons honestly: :class:`Knowledge`
replays what its seat has seen (claims, seer reports, accusations, votes,
deaths) into suspicion scores, and the thought it returns narrates exactly
those numbers and the rule that picked its choice. It reads only the
:class:`SeatView`, never the game state.
"""

from __future__ import annotations

import asyncio
import random
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from server.game.state import MAX_SPEECH_CHARS, Action, Decision
from server.game.view import SeatView

from .base import Plan, Turn
from .claims import parse_accusations, parse_claims, parse_fake_plan, parse_kill_proposal
from .kinds import BotKind, register
from .lines import reason, results_text, say, seat_word

GODS = ("seer", "witch", "hunter")
ROLE_ZH = {
    "seer": "预言家",
    "witch": "女巫",
    "hunter": "猎人",
    "villager": "村民",
    "werewolf": "狼人",
}
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


@dataclass
class SeerClaim:
    seat: int
    day: int
    order: int  # how many public speeches had been heard before it
    reports: dict[int, bool] = field(default_factory=dict)  # target -> is_wolf
    report_day: dict[int, int] = field(default_factory=dict)


@dataclass
class Vote:
    day: int
    kind: str
    seat: int
    target: int | None


class Knowledge:
    """What one seat has learnt from the events it saw, and its suspicion of each seat."""

    def __init__(self, view: SeatView) -> None:
        self.view = view
        self.me = view.seat
        self.wolf = view.role == "werewolf"
        self.zh = view.lang == "zh"
        self.team = {view.seat, *view.teammates} if self.wolf else set()
        self.seer_claims: dict[int, SeerClaim] = {}
        self.role_claims: dict[int, str] = {}
        self.accusations: list[tuple[int, int, int]] = []  # (day, speaker, accused)
        self.my_checks: dict[int, bool] = {}
        self.votes: list[Vote] = []
        self.night_dead: list[int] = []  # public: died in the night
        self.night_dead_day: dict[int, int] = {}
        self.exiled: list[int] = []
        self.attacked: list[int] = []  # the witch's private knowledge: the wolves' victims
        self.saved: int | None = None  # the witch's own save
        self.poisoned: int | None = None
        self.proposals: list[tuple[int, int]] = []  # tonight's wolf talk: (wolf, target)
        self.fake_plan: int | None = None  # the wolf who announced a fake seer claim
        self.wolf_chat_today: list[int] = []
        self.spoke_today: list[int] = []
        self.deaths_today: list[int] | None = None  # this morning's night deaths (None: no dawn)
        self.pk: list[int] = []  # today's tied players, in a PK
        self.heard = 0
        self.score: dict[int, float] = {}
        self.cred: dict[int, tuple[float, list[str]]] = {}
        self.why: dict[int, list[str]] = {}  # in the seat's language
        self.tags: dict[int, set[str]] = {}  # what kinds of evidence each score holds
        self._replay()
        self.believed = self._believed_seer()
        self._score()

    # -- replay ----------------------------------------------------------------
    def _replay(self) -> None:
        v = self.view
        me, today = self.me, v.day
        for e in v.events:
            t = e.type
            if t == "speech_end":
                self._hear(e)
            elif t == "vote_cast":
                if e.kind != "wolf":
                    self.votes.append(Vote(e.day, e.kind, e.seat, e.target))
            elif t == "death":
                if e.cause == "night":
                    for s in e.seats:
                        self.night_dead.append(s)
                        self.night_dead_day[s] = e.day
                    if e.day == today:
                        self.deaths_today = list(e.seats)
                elif e.cause == "exile":
                    self.exiled.extend(e.seats)
            elif t == "vote_result":
                if e.kind == "day" and e.day == today and e.tie:
                    self.pk = list(e.tie)
            elif t == "check_result":
                if e.seat == me:
                    self.my_checks[e.target] = e.is_wolf
            elif t == "witch_info":
                if e.victim is not None:
                    self.attacked.append(e.victim)
            elif t == "night_action":
                if e.seat == me and e.action == "save":
                    self.saved = e.target
                elif e.seat == me and e.action == "poison":
                    self.poisoned = e.target

    def _hear(self, e) -> None:
        v = self.view
        if e.kind == "wolf_chat":
            if e.day == v.day:
                self.wolf_chat_today.append(e.seat)
                target = parse_kill_proposal(e.text)
                if target is not None:
                    self.proposals.append((e.seat, target))
            if self.fake_plan is None and parse_fake_plan(e.text):
                self.fake_plan = e.seat
            return
        self.heard += 1
        if e.day == v.day and e.kind == "day":
            self.spoke_today.append(e.seat)
        if not e.text:
            return
        claim = self.seer_claims.get(e.seat)
        for c in parse_claims(e.text):
            if c.kind == "role":
                self.role_claims[e.seat] = c.role
                if c.role == "seer" and claim is None:
                    claim = self.seer_claims[e.seat] = SeerClaim(e.seat, e.day, self.heard)
            elif claim is not None and c.target != e.seat and 1 <= c.target <= v.players:
                claim.reports[c.target] = c.kind == "wolf"
                claim.report_day[c.target] = e.day
        for target in parse_accusations(e.text):
            if target != e.seat and 1 <= target <= v.players:
                self.accusations.append((e.day, e.seat, target))

    def _t(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    # -- whom to believe --------------------------------------------------------
    def credibility(self, seat: int) -> tuple[float, list[str]]:
        """How far this seat believes ``seat``'s seer claim, and why."""
        c = self.seer_claims[seat]
        notes: list[str] = []
        score = 0.0
        first = min(self.seer_claims.values(), key=lambda x: x.order)
        if first.seat == seat and len(self.seer_claims) > 1:
            score += 1.0
            notes.append(self._t("claimed first", "先跳"))
        if seat in self.night_dead:
            score += 3.0
            notes.append(
                self._t("killed at night (wolves don't kill their own)", "夜里被刀（狼不刀自己人）")
            )
        if c.reports.get(self.me) and not self.wolf:
            score -= 10.0
            notes.append(
                self._t("reported me as a wolf, and I know I'm good", "给我发查杀，而我是好人")
            )
        if c.reports.get(self.me) is False and not self.wolf:
            score += 0.5
            notes.append(self._t("vouched for me", "给我发金水"))
        if seat in self.my_checks:
            score += -10.0 if self.my_checks[seat] else 5.0
            notes.append(self._t("my own check on them", "我亲自验过他"))
        for victim in self.attacked:
            if c.reports.get(victim):
                score -= 6.0
                notes.append(
                    self._t(
                        f"reported {victim}, whom the wolves attacked", f"查杀了被狼刀的{victim}号"
                    )
                )
        if self.view.role == "seer":
            score -= 10.0
            notes.append(self._t("I am the seer", "我才是预言家"))
        for target, is_wolf in c.reports.items():
            mine = self.my_checks.get(target)
            if mine is not None and mine != is_wolf:
                score -= 8.0
                notes.append(
                    self._t(
                        f"their report on {target} contradicts my check",
                        f"对{target}号的报验和我的查验矛盾",
                    )
                )
        return score, notes

    def _believed_seer(self) -> int | None:
        cands = [s for s in self.seer_claims if s != self.me]
        if not cands:
            return None
        self.cred = {s: self.credibility(s) for s in cands}
        scored = [(self.cred[s][0], -self.seer_claims[s].order, -s, s) for s in cands]
        best = max(scored)
        return best[3] if best[0] > -3.0 else None

    # -- suspicion ----------------------------------------------------------------
    def _add(self, seat: int, amount: float, tag: str, en: str, zh: str) -> None:
        if seat == self.me or seat not in self.score:
            return
        self.score[seat] += amount
        self.why[seat].append(f"{amount:+.1f} {zh if self.zh else en}")
        self.tags[seat].add(tag)

    def _score(self) -> None:
        v, me = self.view, self.me
        for s in range(1, v.players + 1):
            if s != me:
                self.score[s] = 0.0
                self.why[s] = []
                self.tags[s] = set()
        for target, is_wolf in self.my_checks.items():
            self._add(target, 10.0 if is_wolf else -10.0, "check", "my own check", "我亲自查验")
        b = self.believed
        for claim in self.seer_claims.values():
            s = claim.seat
            if s == me:
                continue
            cred, notes = self.cred[s]
            if s == b:
                self._add(s, -3.0, "believed", "the seer claim I believe", "我相信的预言家")
            elif cred <= -3.0:
                self._add(
                    s, 6.0, "liar", f"a false seer claim ({notes[-1]})", f"假预言家（{notes[-1]}）"
                )
            elif b is not None:
                self._add(
                    s, 2.5, "counter", f"counter-claims seer against {b}", f"和{b}号对跳预言家"
                )
            trusted = s == b
            weight = 3.0 if trusted else 0.8
            for target, is_wolf in claim.reports.items():
                if target == me:
                    continue
                self._add(
                    target,
                    weight if is_wolf else -weight * 0.6,
                    "reported" if is_wolf else "gold",
                    f"{'wolf' if is_wolf else 'good'} report by seer-claim {s}",
                    f"{s}号预言家{'查杀' if is_wolf else '金水'}",
                )
        for s, role in self.role_claims.items():
            if role == "werewolf":
                self._add(s, 10.0, "self", "said they are a wolf", "自爆是狼")
        reported = self.seer_claims[b].reports if b is not None else {}
        reported_day = self.seer_claims[b].report_day if b is not None else {}
        bad = {t for t, w in reported.items() if w}
        gold = {t for t, w in reported.items() if not w}
        for _day, speaker, target in self.accusations:
            if target == b:
                self._add(speaker, 0.8, "accused_seer", f"accused seer-claim {b}", f"踩预言家{b}号")
            elif target in gold:
                self._add(
                    speaker,
                    0.5,
                    "accused_gold",
                    f"accused {target}, vouched for by the seer",
                    f"踩预言家的金水{target}号",
                )
            elif target == me and not self.wolf:
                self._add(speaker, 0.4, "accused_me", "accused me", "踩我")
        by_round: dict[tuple[int, str], list[Vote]] = {}
        for vote in self.votes:
            by_round.setdefault((vote.day, vote.kind), []).append(vote)
        for (day, kind), votes in by_round.items():
            wolf_targets = {x.target for x in votes if x.seat in bad and x.target is not None}
            open_wolves = {
                x
                for x in bad
                if kind == "day"
                and reported_day[x] <= day
                and x not in self.exiled
                and x in self.score
            }
            for vote in votes:
                t = vote.target
                if t is None:
                    continue
                if b is not None and t == b:
                    self._add(
                        vote.seat,
                        1.2,
                        "voted_seer",
                        f"voted against seer-claim {b} on day {day}",
                        f"第{day}天投了预言家{b}号",
                    )
                elif t in gold:
                    self._add(
                        vote.seat,
                        0.8,
                        "voted_gold",
                        f"voted against {t}, vouched for by the seer",
                        f"投了预言家的金水{t}号",
                    )
                if t in bad:
                    self._add(
                        vote.seat,
                        -0.3,
                        "voted_wolf",
                        f"voted the reported wolf {t}",
                        f"投了查杀{t}号",
                    )
                elif open_wolves - {vote.seat}:
                    self._add(
                        vote.seat,
                        0.3,
                        "spared_wolf",
                        f"didn't vote the reported wolf on day {day}",
                        f"第{day}天没投查杀",
                    )
                if t in wolf_targets and vote.seat not in bad:
                    self._add(
                        vote.seat,
                        0.5,
                        "with_wolf",
                        f"voted with a reported wolf on day {day}",
                        f"第{day}天和查杀同票",
                    )
                if t == me and not self.wolf:
                    self._add(vote.seat, 0.6, "voted_me", "voted against me", "投了我")
                if self.night_dead_day.get(t, 0) > day:
                    self._add(
                        vote.seat,
                        0.4,
                        "voted_victim",
                        f"voted against {t}, later killed at night",
                        f"投了后来被刀的{t}号",
                    )
        for victim in self.attacked:
            self._add(victim, -2.0, "attacked", "the wolves attacked them", "被狼人刀过")

    def ranked(self, among: list[int]) -> list[int]:
        return sorted(among, key=lambda s: (-self.score.get(s, 0.0), s))

    def explain(self, among: list[int], lang: str, n: int = 3) -> str:
        parts = []
        for s in self.ranked(among)[:n]:
            reasons = "; ".join(self.why.get(s, [])[-3:]) or ("无" if lang == "zh" else "nothing")
            parts.append(f"{s}: {self.score.get(s, 0.0):+.1f} ({reasons})")
        return ", ".join(parts) if parts else "-"

    def claims_summary(self, lang: str) -> str:
        zh = lang == "zh"
        if not self.seer_claims and not self.role_claims:
            return "还没听到任何跳身份。" if zh else "No claims heard yet."
        parts = []
        for c in self.seer_claims.values():
            rep = ", ".join(
                f"{t}号{'查杀' if w else '金水'}" if zh else f"{t} {'wolf' if w else 'good'}"
                for t, w in c.reports.items()
            )
            parts.append(
                f"{c.seat}号跳预言家（{rep or '无报验'}）"
                if zh
                else f"seat {c.seat} claims seer ({rep or 'no reports'})"
            )
        for s, r in self.role_claims.items():
            if r != "seer":
                parts.append(f"{s}号自称{ROLE_ZH.get(r, r)}" if zh else f"seat {s} claims {r}")
        if self.believed is not None and self.wolf:
            parts.append(
                f"好人大概会信{self.believed}号"
                if zh
                else f"the village likely believes seat {self.believed}"
            )
        elif self.believed is not None:
            parts.append(f"我相信{self.believed}号" if zh else f"I believe seat {self.believed}")
        return (
            ("身份信息：" + "；".join(parts) + "。")
            if zh
            else ("Claims: " + "; ".join(parts) + ".")
        )


# ---------------------------------------------------------------------------
# Helpers


def _tr(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")


def _join(parts: list[str], lang: str) -> str:
    if lang == "zh":
        text = "".join(parts).strip()
    else:
        text = " ".join(p.strip() for p in parts).strip()
        text = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    return text[:MAX_SPEECH_CHARS]


def _speak_plan(view: SeatView, parts: list[str], thought: str, label: str) -> Plan:
    text = _join(parts, view.lang)
    return Plan(
        action=Action(seat=view.seat, kind="speak", text=text),
        thought=thought,
        label=label,
        speech=text,
    )


def _skip(view: SeatView, thought: str, label: str) -> Plan:
    return Plan(action=Action(seat=view.seat, kind="skip"), thought=thought, label=label)


def _checks(checks: dict[int, bool], lang: str) -> str:
    if not checks:
        return _tr(lang, "none", "无")
    if lang == "zh":
        return "、".join(f"{t}号{'查杀' if w else '金水'}" for t, w in checks.items())
    return ", ".join(f"{t} {'wolf' if w else 'good'}" for t, w in checks.items())


def _seats(seats: list[int], lang: str) -> str:
    return ("、".join(f"{s}号" for s in seats)) if lang == "zh" else ", ".join(map(str, seats))


def _others(view: SeatView) -> list[int]:
    return [s for s in view.living() if s != view.seat]


def _w(view: SeatView, s: int) -> str:
    return seat_word(s, view.lang)


def _name(view: SeatView, s: int) -> str:
    return view.names[s - 1] if 0 < s <= len(view.names) else str(s)


def _opening(view: SeatView, k: Knowledge, rng: random.Random) -> list[str]:
    """A short remark on the night, on the first speech of the day, sometimes."""
    if k.deaths_today is None or rng.random() < 0.4:
        return []
    if not k.deaths_today:
        return [say("open_peace", view.lang, rng)]
    who = ("、" if view.lang == "zh" else " and ").join(_w(view, s) for s in k.deaths_today)
    return [say("open_dead", view.lang, rng, t=who)]


# ---------------------------------------------------------------------------
# Wolves


def _team_seer(view: SeatView, k: Knowledge) -> int | None:
    """The pack's fake seer: a wolf who has publicly claimed seer."""
    for s in k.seer_claims:
        if s in k.team:
            return s
    return None


def _real_seers(view: SeatView, k: Knowledge) -> list[int]:
    return [s for s in k.seer_claims if s not in k.team and view.is_alive(s)]


def _wolf_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    """Tonight's victim, from what every wolf knows alike (so the pack agrees)."""
    goods = [s for s in options if s not in k.team]
    if not goods:
        return None, "quiet"
    real = [s for s in _real_seers(view, k) if s in goods]
    if real:
        return min(real), "claimed_seer"
    witches = [s for s, r in k.role_claims.items() if r == "witch" and s in goods]
    if witches:
        return min(witches), "claimed_witch"
    hunters = {s for s, r in k.role_claims.items() if r == "hunter"}
    gold = [
        t
        for c in k.seer_claims.values()
        if c.seat not in k.team
        for t, w in c.reports.items()
        if not w and t in goods and t not in hunters
    ]
    if gold:
        return min(gold), "gold"
    accusers: dict[int, int] = {}
    for vote in k.votes:
        if vote.target in k.team and vote.seat in goods and vote.seat not in hunters:
            accusers[vote.seat] = accusers.get(vote.seat, 0) + 1
    if accusers:
        return max(sorted(accusers), key=lambda s: accusers[s]), "influential"
    pool = [s for s in goods if s not in hunters] or goods
    return pool[(view.day * 5 + len(k.votes) + 3) % len(pool)], "quiet"


def _wolf_vote_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    """The pack's day vote, again from shared knowledge: everyone lands on the same seat."""
    lang = view.lang
    goods = [s for s in options if s not in k.team]
    if not goods:
        return None, _tr(lang, "only teammates to vote for", "只剩队友可投")
    fake = _team_seer(view, k)
    if fake is not None:
        for t, w in reversed(k.seer_claims[fake].reports.items()):
            if w and t in goods:
                return t, _tr(
                    lang, f"our fake seer {fake} reported {t}", f"我们悍跳的{fake}号给{t}号发了查杀"
                )
    real = [s for s in _real_seers(view, k) if s in goods]
    if real:
        return min(real), _tr(
            lang, f"{min(real)} claims seer and threatens us", f"{min(real)}号跳预言家，威胁到我们"
        )
    # Blend in: the good player the table already suspects most (as any villager would score).
    top = max(goods, key=lambda s: (k.score.get(s, 0.0), -s))
    if k.score.get(top, 0.0) > 0.4:
        return top, _tr(
            lang,
            f"the table already suspects {top} ({k.score[top]:+.1f})",
            f"好人已经在怀疑{top}号（{k.score[top]:+.1f}）",
        )
    return goods[(view.day * 3 + 1) % len(goods)], _tr(
        lang,
        "no one stands out: a pick every wolf computes alike",
        "没有突出目标：按狼队一致的规则选",
    )


def _should_fake_claim(view: SeatView, k: Knowledge, rng: random.Random) -> str | None:
    """At most one wolf fakes a seer claim: the announced one, or a counter-claim when needed."""
    if _team_seer(view, k) is not None:
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
    if threatened and _real_seers(view, k) and rng.random() < COUNTER_CLAIM:
        return "counter"
    return None


def _fake_report(view: SeatView, k: Knowledge, rng: random.Random) -> tuple[int, bool] | None:
    """A made-up check to report: a good player as a wolf (a real seer first), or a mate as good."""
    mine = k.seer_claims.get(view.seat)
    done = set(mine.reports) if mine else set()
    goods = [s for s in _others(view) if s not in k.team and s not in done]
    real = [s for s in _real_seers(view, k) if s not in done]
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


def _wolf_chat(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    proposals = [t for _, t in k.proposals if view.is_alive(t) and t not in k.team]
    target, code = _wolf_target(view, k, view.living())
    why = _tr(lang, *KILL_WHY[code])
    claims = k.claims_summary(lang)
    if proposals:
        t = proposals[0]
        parts = [say("wolf_chat_agree", lang, rng, t=_w(view, t))]
        thought = _tr(
            lang,
            f"I'm a wolf with {_seats(view.teammates, lang)}. {claims} A teammate proposed {t}; "
            f"agreeing keeps our kill together (my own pick was {target}, {why}).",
            f"我是狼，队友{_seats(view.teammates, lang)}。{claims}队友提议刀{t}号，跟上保证刀口一致"
            f"（我自己的选择是{target}号，理由{why}）。",
        )
    elif target is None:
        parts = [say("wolf_chat_none", lang, rng)]
        thought = _tr(lang, "No good player left to take.", "没有可刀的好人。")
    else:
        parts = [say("wolf_chat_kill", lang, rng, t=_w(view, target), x=reason(code, lang))]
        thought = _tr(
            lang,
            f"I'm a wolf with {_seats(view.teammates, lang)}. {claims} Kill pick: {target} ({why}).",
            f"我是狼，队友{_seats(view.teammates, lang)}。{claims}刀口：{target}号（{why}）。",
        )
    kill = proposals[0] if proposals else target
    vote, vwhy = _wolf_vote_target(view, k, [s for s in _others(view) if s != kill])
    if vote is not None and view.day > 1 and rng.random() < 0.5:
        parts.append(say("wolf_chat_note", lang, rng, t=_w(view, vote)))
        thought += _tr(lang, f" Day plan: vote {vote} ({vwhy}).", f"白天计划投{vote}号（{vwhy}）。")
    if view.day == 1 and not k.wolf_chat_today and not k.seer_claims and rng.random() < PRE_CLAIM:
        parts.append(say("wolf_chat_fake", lang, rng))
        thought += _tr(lang, " I'll fake-claim seer tomorrow.", "我明天悍跳预言家。")
    return _speak_plan(view, parts, thought, _tr(lang, "wolves' talk", "狼队夜聊"))


def _wolf_kill(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = _tr(lang, "choosing a victim", "选择刀口")
    proposals = [t for _, t in k.proposals if t in d.options and t not in k.team]
    if proposals:
        t = proposals[0]
        return Plan(
            action=Action(seat=view.seat, kind="kill", target=t),
            label=label,
            thought=_tr(
                lang,
                f"Following the first proposal in our talk: kill {t}.",
                f"按夜聊第一个提议，刀{t}号。",
            ),
        )
    target, code = _wolf_target(view, k, d.options)
    why = _tr(lang, *KILL_WHY[code])
    if target is None:
        return _skip(
            view, _tr(lang, "No one worth killing: no kill.", "没有可刀的人，空刀。"), label
        )
    return Plan(
        action=Action(seat=view.seat, kind="kill", target=target),
        label=label,
        thought=_tr(
            lang,
            f"No proposal heard; the shared rule picks {target} ({why}).",
            f"夜聊没有提议，按共同规则刀{target}号（{why}）。",
        ),
    )


# ---------------------------------------------------------------------------
# Night roles


def _check(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = _tr(lang, "choosing a check", "选择查验")
    unchecked = [s for s in d.options if s not in k.my_checks]
    pool = unchecked or d.options
    if not pool:
        return _skip(view, _tr(lang, "Nobody to check.", "没有可验的人。"), label)
    ranked = k.ranked(pool)
    best = k.score.get(ranked[0], 0.0)
    top = [s for s in ranked if k.score.get(s, 0.0) >= best - 0.05]
    target = rng.choice(top)
    thought = _tr(
        lang,
        f"Checks so far: {_checks(k.my_checks, lang)}. Unchecked, most suspect first: "
        f"{k.explain(pool, lang)}. Checking {target}.",
        f"目前查验：{_checks(k.my_checks, lang)}。未验的人按嫌疑排序：{k.explain(pool, lang)}。"
        f"今晚验{target}号。",
    )
    return Plan(
        action=Action(seat=view.seat, kind="check", target=target), thought=thought, label=label
    )


def _witch(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = _tr(lang, "the witch's potions", "女巫用药")
    victim = d.victim
    if "save" in d.kinds and d.can_save and victim is not None:
        claimed = k.role_claims.get(victim)
        reason_ = None
        if view.day == 1:
            reason_ = _tr(lang, "it is the first night", "首夜必救")
        elif victim == k.believed:
            reason_ = _tr(lang, "they are the seer I believe", "他是我相信的预言家")
        elif claimed in GODS or victim == view.seat:
            reason_ = _tr(lang, "they are a god", "他是神职")
        if reason_:
            return Plan(
                action=Action(seat=view.seat, kind="save", target=victim),
                label=label,
                thought=_tr(
                    lang,
                    f"The wolves attacked {victim}; saving them: {reason_}.",
                    f"狼人刀了{victim}号，救：{reason_}。",
                ),
            )
    if "poison" in d.kinds and d.options:
        pool = [s for s in d.options if s != victim]
        if pool:
            b = k.believed
            reported = [
                t
                for t, w in (k.seer_claims[b].reports.items() if b is not None else [])
                if w and t in pool
            ]
            top = k.ranked(pool)[0]
            score = k.score.get(top, 0.0)
            if reported and k.score.get(reported[-1], 0.0) >= 2.0:
                t = reported[-1]
                return Plan(
                    action=Action(seat=view.seat, kind="poison", target=t),
                    label=label,
                    thought=_tr(
                        lang,
                        f"Seer-claim {b} reported {t} as a wolf; poisoning {t} "
                        f"({k.explain([t], lang, 1)}).",
                        f"{b}号预言家查杀{t}号，毒{t}号（{k.explain([t], lang, 1)}）。",
                    ),
                )
            if score >= 4.0 and view.day >= 2:
                return Plan(
                    action=Action(seat=view.seat, kind="poison", target=top),
                    label=label,
                    thought=_tr(
                        lang,
                        f"Poisoning my top suspect: {k.explain([top], lang, 1)}.",
                        f"毒我最怀疑的人：{k.explain([top], lang, 1)}。",
                    ),
                )
    return _skip(
        view,
        _tr(
            lang,
            f"Victim tonight: {victim or 'unknown'}. Nobody is suspect enough to poison "
            f"({k.explain(d.options, lang, 2)}); keeping my potions.",
            f"今晚刀口：{victim or '未知'}。没人可疑到值得毒（{k.explain(d.options, lang, 2)}），留药。",
        ),
        label,
    )


def _shoot(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = _tr(lang, "the hunter's shot", "猎人开枪")
    if not d.options:
        return _skip(view, _tr(lang, "Nobody to shoot.", "没有可带走的人。"), label)
    top = k.ranked(d.options)[0]
    score = k.score.get(top, 0.0)
    if score <= 0.3:
        return _skip(
            view,
            _tr(
                lang,
                f"No one is suspect enough ({k.explain(d.options, lang, 2)}); holding fire.",
                f"没人足够可疑（{k.explain(d.options, lang, 2)}），不开枪。",
            ),
            label,
        )
    return Plan(
        action=Action(seat=view.seat, kind="shoot", target=top),
        label=label,
        thought=_tr(
            lang,
            f"Shooting my top suspect {top}: {k.explain(d.options, lang, 2)}.",
            f"带走我最怀疑的{top}号：{k.explain(d.options, lang, 2)}。",
        ),
    )


# ---------------------------------------------------------------------------
# Votes


def _good_vote_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    lang = view.lang
    if not options:
        return None, _tr(lang, "no legal target", "没有可投的人")
    for t, w in k.my_checks.items():
        if w and t in options:
            return t, _tr(lang, f"my own check found {t} a wolf", f"我亲自验出{t}号是狼")
    b = k.believed
    if b is not None:
        wolves = [t for t, w in k.seer_claims[b].reports.items() if w and t in options]
        if wolves:
            return wolves[-1], _tr(
                lang,
                f"the seer I believe ({b}) reported {wolves[-1]}",
                f"我相信的预言家{b}号查杀了{wolves[-1]}号",
            )
    top = k.ranked(options)[0]
    return top, _tr(
        lang,
        f"top suspicion {k.explain(options, lang, 3)}",
        f"嫌疑最高：{k.explain(options, lang, 3)}",
    )


def _vote_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    if k.wolf:
        return _wolf_vote_target(view, k, options)
    return _good_vote_target(view, k, options)


def _vote(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = _tr(lang, "voting", "投票")
    target, why = _vote_target(view, k, d.options)
    if target is None:
        return _skip(view, _tr(lang, f"Abstaining: {why}.", f"弃票：{why}。"), label)
    if not k.wolf and k.score.get(target, 0.0) <= 0 and rng.random() < 0.1:
        return _skip(
            view,
            _tr(
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
        thought=_tr(lang, f"{summary} Voting {target}: {why}.", f"{summary}投{target}号：{why}。"),
    )


# ---------------------------------------------------------------------------
# Speeches


def _seer_parts(
    view: SeatView, k: Knowledge, rng: random.Random, checks: dict[int, bool], rivals: list[int]
) -> list[str]:
    """A seer claim (real or fake): the newest result first, then the rest, then the rivals."""
    lang = view.lang
    parts: list[str] = []
    if not checks:
        return parts
    items = list(checks.items())
    newest, is_wolf = items[-1]
    if view.seat not in k.seer_claims:
        key = "seer_claim_wolf" if is_wolf else "seer_claim_good"
        parts.append(say(key, lang, rng, t=_w(view, newest)))
        rest = dict(items[:-1])
        if rest:
            parts.append(say("seer_report", lang, rng, r=results_text(rest, lang)))
    else:
        parts.append(say("seer_report", lang, rng, r=results_text(dict(reversed(items)), lang)))
    for r in rivals:
        parts.append(say("seer_counter", lang, rng, t=_w(view, r)))
    wolves = [t for t, w in checks.items() if w and view.is_alive(t)]
    already_called = view.seat not in k.seer_claims and is_wolf  # the claim line asks for it
    if wolves and not already_called:
        parts.append(say("vote_call", lang, rng, t=_w(view, wolves[-1])))
    return parts


def _speak(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    role = view.role
    others = _others(view)
    label = _tr(lang, "preparing a speech", "准备发言")
    parts = _opening(view, k, rng)
    summary = k.claims_summary(lang)
    rivals = [s for s in k.seer_claims if s != view.seat and view.is_alive(s)]

    if role == "seer":
        found = any(k.my_checks.values())
        accused = any(c.reports.get(view.seat) for c in k.seer_claims.values())
        early = view.day == 1 and rng.random() < SEER_EARLY
        if k.my_checks and (found or view.seat in k.seer_claims or rivals or accused or early):
            parts += _seer_parts(view, k, rng, k.my_checks, rivals)
            thought = _tr(
                lang,
                f"{summary} I'm the seer; my checks {_checks(k.my_checks, lang)}. Revealing them.",
                f"{summary}我是预言家，查验{_checks(k.my_checks, lang)}，现在全部报出。",
            )
            return _speak_plan(view, parts, thought, label)

    if k.wolf:
        mode = _should_fake_claim(view, k, rng)
        if mode is not None:
            mine = dict(k.seer_claims[view.seat].reports) if view.seat in k.seer_claims else {}
            new = _fake_report(view, k, rng)
            if new is not None:
                mine[new[0]] = new[1]
            if mine:
                real = [s for s in _real_seers(view, k) if s != view.seat]
                parts += _seer_parts(view, k, rng, mine, real)
                thought = _tr(
                    lang,
                    f"{summary} I'm a wolf faking the seer ({FAKE_WHY[mode][0]}). "
                    f"Made-up results {_checks(mine, lang)}; countering {_seats(real, lang) or 'nobody'}.",
                    f"{summary}我是狼，悍跳预言家（{FAKE_WHY[mode][1]}），编造查验{_checks(mine, lang)}，"
                    f"对跳{_seats(real, lang) or '无'}。",
                )
                return _speak_plan(view, parts, thought, label)

    target, why = _vote_target(view, k, others)
    b = k.believed
    if k.wolf:
        thought = _tr(
            lang,
            f"{summary} I'm a wolf; steering the vote to {target} ({why}).",
            f"{summary}我是狼，把票引向{target}号（{why}）。",
        )
    else:
        thought = _tr(
            lang,
            f"{summary} My suspicion: {k.explain(others, lang)}.",
            f"{summary}我的怀疑：{k.explain(others, lang)}。",
        )
    liars = [
        c.seat
        for c in k.seer_claims.values()
        if c.reports.get(view.seat) and c.seat != view.seat and view.is_alive(c.seat)
    ]
    if liars and not k.wolf:
        liar = liars[0]
        if role == "hunter" and target is not None:
            parts.append(say("hunter_claim", lang, rng, t=_w(view, liar)))
        elif role == "witch":
            x = (
                say("witch_saved", lang, rng, t=_w(view, k.saved))
                if k.saved
                else say("witch_none", lang, rng)
            )
            parts.append(say("witch_claim", lang, rng, x=x))
            parts.append(say("doubt_seer", lang, rng, s=_w(view, liar)))
        else:
            parts.append(say("villager_accused", lang, rng, s=_w(view, liar)))
        thought += _tr(
            lang,
            f" {liar} reported me as a wolf: they are lying, I say so.",
            f"{liar}号给我发查杀，他在说谎，我要揭穿。",
        )
        return _speak_plan(view, parts, thought, label)
    if k.wolf and liars:
        # Reported by a seer and not counter-claiming: pass for a villager and call it a lie.
        if rng.random() < 0.6:
            parts.append(say("villager_accused", lang, rng, s=_w(view, liars[0])))
        else:
            parts.append(say("defend", lang, rng))
            if target is not None:
                parts.append(
                    say("suspect", lang, rng, t=_w(view, target), n=_name(view, target), x="")
                )
        thought += _tr(
            lang,
            f" {_seats(liars, lang)} reported me; denying it.",
            f"{_seats(liars, lang)}给我发了查杀，我要否认。",
        )
        return _speak_plan(view, parts, thought, label)
    if target is None:
        parts.append(say("no_info", lang, rng))
    elif b is not None and not k.wolf and k.seer_claims[b].reports.get(target):
        if rivals and any(r != b for r in rivals):
            parts.append(
                say("doubt_seer", lang, rng, s=_w(view, next(r for r in rivals if r != b)))
            )
        parts.append(say("follow_seer", lang, rng, s=_w(view, b), t=_w(view, target)))
    elif k.score.get(target, 0.0) > 0.5 or (k.wolf and view.day > 1):
        key = _reason_key(k, target)
        reporter = _reporter(k, target)
        if key == "reported" and reporter is None:
            key = "gut"
        x = reason(key, lang, s=_w(view, reporter) if reporter else "")
        parts.append(say("suspect", lang, rng, t=_w(view, target), n=_name(view, target), x=x))
    elif view.day == 1 and others and rng.random() < GUT_FEELING:
        gut = rng.choice([s for s in others if s not in k.team] or others)
        parts.append(say("gut", lang, rng, t=_w(view, gut), n=_name(view, gut)))
        thought += _tr(
            lang,
            f" No evidence yet; voicing a gut feeling about {gut} to get people talking.",
            f"还没有证据，随口点一下{gut}号，看看反应。",
        )
    else:
        parts.append(say("no_info", lang, rng))
    return _speak_plan(view, parts, thought, label)


def _reporter(k: Knowledge, target: int) -> int | None:
    """Who reported ``target`` as a wolf: the believed seer, else the pack's fake, else anyone."""
    order = sorted(k.seer_claims, key=lambda s: (s != k.believed, s not in k.team, s))
    return next((s for s in order if k.seer_claims[s].reports.get(target)), None)


def _reason_key(k: Knowledge, target: int) -> str:
    if k.wolf and _reporter(k, target) is not None:
        return "reported"
    tags = k.tags.get(target, set())
    for key in ("reported", "counter", "voted_seer", "with_wolf", "accused_seer"):
        if key in tags:
            return key
    return "gut"


def _pk_speak(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = _tr(lang, "PK speech", "PK发言")
    rivals_pk = [s for s in k.pk if s != view.seat and view.is_alive(s)]
    pool = [s for s in rivals_pk if s not in k.team] or _others(view)
    target, why = _vote_target(view, k, pool)
    parts: list[str] = []
    if view.role == "seer" and k.my_checks:
        rivals = [s for s in k.seer_claims if s != view.seat and view.is_alive(s)]
        parts = _seer_parts(view, k, rng, k.my_checks, rivals)
    elif target is None:
        parts = [say("defend", lang, rng)]
    elif view.role == "hunter":
        parts = [say("hunter_claim", lang, rng, t=_w(view, target))]
    else:
        if view.role == "witch":
            x = (
                say("witch_saved", lang, rng, t=_w(view, k.saved))
                if k.saved
                else say("witch_none", lang, rng)
            )
            parts.append(say("witch_claim", lang, rng, x=x))
        elif view.role == "villager" or (
            k.wolf and view.seat not in k.seer_claims and rng.random() < 0.5
        ):
            parts.append(say("villager_claim", lang, rng))
        parts.append(say("pk", lang, rng, t=_w(view, target)))
    return _speak_plan(
        view,
        parts,
        _tr(lang, f"In the PK. Pointing at {target}: {why}.", f"PK中，指向{target}号：{why}。"),
        label,
    )


def _last_words(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = _tr(lang, "last words", "遗言")
    parts: list[str] = []
    others = _others(view)
    if view.role == "seer" and k.my_checks:
        parts.append(say("seer_report", lang, rng, r=results_text(k.my_checks, lang)))
        thought = _tr(
            lang,
            f"I'm the seer, leaving: revealing every check {_checks(k.my_checks, lang)}.",
            f"我是预言家，出局前报出全部查验{_checks(k.my_checks, lang)}。",
        )
        return _speak_plan(view, parts, thought, label)
    if k.wolf and view.seat in k.seer_claims and k.seer_claims[view.seat].reports:
        reports = k.seer_claims[view.seat].reports
        parts.append(say("seer_report", lang, rng, r=results_text(reports, lang)))
        return _speak_plan(
            view,
            parts,
            _tr(
                lang,
                "A wolf to the end: repeating my fake seer reports.",
                "狼人到最后：重复我编造的查验。",
            ),
            label,
        )
    target, why = _vote_target(view, k, others)
    if view.role == "witch":
        x = (
            say("witch_saved", lang, rng, t=_w(view, k.saved))
            if k.saved
            else say("witch_none", lang, rng)
        )
        parts.append(say("witch_claim", lang, rng, x=x))
    elif view.role == "hunter" and view.seat in k.exiled:
        parts.append(say("hunter_claim", lang, rng, t=_w(view, target) if target else "-"))
    if target is not None and (k.score.get(target, 0.0) > 0 or k.wolf):
        parts.append(say("last_words", lang, rng, t=_w(view, target)))
    if not parts:
        parts.append(say("last_words_none", lang, rng))
    return _speak_plan(
        view,
        parts,
        _tr(
            lang,
            f"Leaving the game. {k.claims_summary(lang)} Pointing at {target} ({why}).",
            f"出局了。{k.claims_summary(lang)}指向{target}号（{why}）。",
        ),
        label,
    )


# ---------------------------------------------------------------------------
# The interface


_HANDLERS = {
    "wolf_chat": _wolf_chat,
    "wolf_kill": _wolf_kill,
    "check": _check,
    "witch": _witch,
    "speak": _speak,
    "vote": _vote,
    "pk_vote": _vote,
    "pk_speak": _pk_speak,
    "last_words": _last_words,
    "shoot": _shoot,
}


def plan(view: SeatView, decision: Decision, rng: random.Random) -> Plan:
    """Choose a legal action for ``decision`` from what ``view`` knows, and say why."""
    k = Knowledge(view)
    p = _HANDLERS[decision.action](view, decision, rng, k)
    if decision.allows(p.action):
        return p
    # A last guard, asked of the rules: anything they would refuse becomes the pass.
    return Plan(action=decision.pass_action(), thought=p.thought, label=p.label)


# One worker thread: the bots' work is pure Python, so more threads would only fight the
# event loop for the GIL (and stall every stream) without computing anything faster.
_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="builtin-bot")


async def decide(view: SeatView, decision: Decision, turn: Turn) -> Plan:
    """The rule-based bot as a bot kind: pure computation, run off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_THREAD, plan, view, decision, turn.rng)


register(BotKind("builtin", decide))
