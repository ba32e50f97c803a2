"""The built-in bot's evidence model: what one seat believes, from what it has seen.

:class:`Knowledge` replays the events of a :class:`SeatView` (claims, seer reports,
accusations, votes, deaths, the wolves' talk) into suspicion scores with their reasons,
and judges whose seer claim to believe. It decides nothing and says nothing: the
strategy (``strategy.py``) and the speeches (``speech.py``) read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from server.game.view import SeatView
from shared.events import (
    CheckResult,
    Death,
    Event,
    NightAction,
    SpeechEnd,
    VoteCast,
    VoteResult,
    WitchInfo,
)

from .claims import parse_accusations, parse_claims, parse_fake_plan, parse_kill_proposal

GODS = ("seer", "witch", "hunter")
ROLE_ZH = {
    "seer": "预言家",
    "witch": "女巫",
    "hunter": "猎人",
    "villager": "村民",
    "werewolf": "狼人",
}


@dataclass
class SeerClaim:
    seat: int
    day: int
    order: int  # how many public speeches had been heard before it
    reports: dict[int, bool] = field(default_factory=dict)  # target -> is_wolf
    report_day: dict[int, int] = field(default_factory=dict)


@dataclass
class Ballot:
    """One public vote cast: who voted for whom, on which day, in which round."""

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
        self.votes: list[Ballot] = []
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
        for e in self.view.events:
            if isinstance(e, SpeechEnd):
                self._hear(e)
            elif isinstance(e, VoteCast):
                if e.kind != "wolf":
                    self.votes.append(Ballot(e.day, e.kind, e.seat, e.target))
            elif isinstance(e, Death):
                self._death(e)
            elif isinstance(e, VoteResult):
                if e.kind == "day" and e.day == self.view.day and e.tie:
                    self.pk = list(e.tie)
            else:
                self._private(e)

    def _death(self, e: Death) -> None:
        if e.cause == "night":
            for s in e.seats:
                self.night_dead.append(s)
                self.night_dead_day[s] = e.day
            if e.day == self.view.day:
                self.deaths_today = list(e.seats)
        elif e.cause == "exile":
            self.exiled.extend(e.seats)

    def _private(self, e: Event) -> None:
        """What only this seat saw: its checks, the witch's night news and her potions."""
        me = self.me
        if isinstance(e, CheckResult):
            if e.seat == me:
                self.my_checks[e.target] = e.is_wolf
        elif isinstance(e, WitchInfo):
            if e.victim is not None:
                self.attacked.append(e.victim)
        elif isinstance(e, NightAction):
            if e.seat == me and e.action == "save":
                self.saved = e.target
            elif e.seat == me and e.action == "poison":
                self.poisoned = e.target

    def _hear(self, e: SpeechEnd) -> None:
        if e.kind == "wolf_chat":
            self._hear_pack(e)
            return
        self.heard += 1
        if e.day == self.view.day and e.kind == "day":
            self.spoke_today.append(e.seat)
        if e.text:
            self._hear_claims(e)

    def _hear_pack(self, e: SpeechEnd) -> None:
        """The wolves' talk (only wolves see it): tonight's proposals, a fake-claim plan."""
        if e.day == self.view.day:
            self.wolf_chat_today.append(e.seat)
            target = e.target if e.target is not None else parse_kill_proposal(e.text)
            if target is not None:
                self.proposals.append((e.seat, target))
        if self.fake_plan is None and parse_fake_plan(e.text):
            self.fake_plan = e.seat

    def _hear_claims(self, e: SpeechEnd) -> None:
        """A public speech: role claims, a seer claim's reports, accusations."""
        players = self.view.players
        claim = self.seer_claims.get(e.seat)
        for c in parse_claims(e.text):
            if c.role is not None:  # "I'm the seer"
                self.role_claims[e.seat] = c.role
                if c.role == "seer" and claim is None:
                    claim = self.seer_claims[e.seat] = SeerClaim(e.seat, e.day, self.heard)
            elif claim is not None and c.target is not None:  # "seat 5 is a wolf"
                if c.target != e.seat and 1 <= c.target <= players:
                    claim.reports[c.target] = c.kind == "wolf"
                    claim.report_day[c.target] = e.day
        for target in parse_accusations(e.text):
            if target != e.seat and 1 <= target <= players:
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
        me = self.me
        for s in range(1, self.view.players + 1):
            if s != me:
                self.score[s] = 0.0
                self.why[s] = []
                self.tags[s] = set()
        for target, is_wolf in self.my_checks.items():
            self._add(target, 10.0 if is_wolf else -10.0, "check", "my own check", "我亲自查验")
        b = self.believed
        for claim in self.seer_claims.values():
            if claim.seat != me:
                self._score_seer_claim(claim, b)
        for s, role in self.role_claims.items():
            if role == "werewolf":
                self._add(s, 10.0, "self", "said they are a wolf", "自爆是狼")
        reported = self.seer_claims[b].reports if b is not None else {}
        bad = {t for t, w in reported.items() if w}
        gold = {t for t, w in reported.items() if not w}
        self._score_accusations(b, gold)
        by_round: dict[tuple[int, str], list[Ballot]] = {}
        for vote in self.votes:
            by_round.setdefault((vote.day, vote.kind), []).append(vote)
        for (day, kind), votes in by_round.items():
            self._score_round(day, kind, votes, b, bad, gold)
        for victim in self.attacked:
            self._add(victim, -2.0, "attacked", "the wolves attacked them", "被狼人刀过")

    def _score_seer_claim(self, claim: SeerClaim, b: int | None) -> None:
        """Someone else's seer claim: the claimant (believed, a liar, or a rival of the one
        believed), then each report, weighted by whether the claim is believed."""
        s = claim.seat
        cred, notes = self.cred[s]
        if s == b:
            self._add(s, -3.0, "believed", "the seer claim I believe", "我相信的预言家")
        elif cred <= -3.0:
            self._add(
                s, 6.0, "liar", f"a false seer claim ({notes[-1]})", f"假预言家（{notes[-1]}）"
            )
        elif b is not None:
            self._add(s, 2.5, "counter", f"counter-claims seer against {b}", f"和{b}号对跳预言家")
        weight = 3.0 if s == b else 0.8
        for target, is_wolf in claim.reports.items():
            if target == self.me:
                continue
            self._add(
                target,
                weight if is_wolf else -weight * 0.6,
                "reported" if is_wolf else "gold",
                f"{'wolf' if is_wolf else 'good'} report by seer-claim {s}",
                f"{s}号预言家{'查杀' if is_wolf else '金水'}",
            )

    def _score_accusations(self, b: int | None, gold: set[int]) -> None:
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
            elif target == self.me and not self.wolf:
                self._add(speaker, 0.4, "accused_me", "accused me", "踩我")

    def _score_round(
        self,
        day: int,
        kind: str,
        votes: list[Ballot],
        b: int | None,
        bad: set[int],
        gold: set[int],
    ) -> None:
        """One round of votes, judged by the seer claim believed (``b``, its reports)."""
        reported_day = self.seer_claims[b].report_day if b is not None else {}
        wolf_targets = {x.target for x in votes if x.seat in bad and x.target is not None}
        open_wolves = {
            x
            for x in bad
            if kind == "day" and reported_day[x] <= day and x not in self.exiled and x in self.score
        }
        for vote in votes:
            if vote.target is not None:
                self._score_vote(
                    vote.seat, vote.target, day, b, bad, gold, wolf_targets, open_wolves
                )

    def _score_vote(
        self,
        seat: int,
        t: int,
        day: int,
        b: int | None,
        bad: set[int],
        gold: set[int],
        wolf_targets: set[int],
        open_wolves: set[int],
    ) -> None:
        """One vote by ``seat`` against ``t``: for or against the seer claim believed, its
        reports, this seat, a later victim of the wolves."""
        if b is not None and t == b:
            self._add(
                seat,
                1.2,
                "voted_seer",
                f"voted against seer-claim {b} on day {day}",
                f"第{day}天投了预言家{b}号",
            )
        elif t in gold:
            self._add(
                seat,
                0.8,
                "voted_gold",
                f"voted against {t}, vouched for by the seer",
                f"投了预言家的金水{t}号",
            )
        if t in bad:
            self._add(seat, -0.3, "voted_wolf", f"voted the reported wolf {t}", f"投了查杀{t}号")
        elif open_wolves - {seat}:
            self._add(
                seat,
                0.3,
                "spared_wolf",
                f"didn't vote the reported wolf on day {day}",
                f"第{day}天没投查杀",
            )
        if t in wolf_targets and seat not in bad:
            self._add(
                seat,
                0.5,
                "with_wolf",
                f"voted with a reported wolf on day {day}",
                f"第{day}天和查杀同票",
            )
        if t == self.me and not self.wolf:
            self._add(seat, 0.6, "voted_me", "voted against me", "投了我")
        if self.night_dead_day.get(t, 0) > day:
            self._add(
                seat,
                0.4,
                "voted_victim",
                f"voted against {t}, later killed at night",
                f"投了后来被刀的{t}号",
            )

    # -- who is who --------------------------------------------------------------
    def fake_seer(self) -> int | None:
        """The pack's fake seer: a wolf who has publicly claimed seer (wolves know it)."""
        for s in self.seer_claims:
            if s in self.team:
                return s
        return None

    def real_seers(self) -> list[int]:
        """Living seer claimants outside the pack (for a wolf: the seer, or a rival)."""
        return [s for s in self.seer_claims if s not in self.team and self.view.is_alive(s)]

    def reporter(self, target: int) -> int | None:
        """Who reported ``target`` as a wolf: the believed seer, else the pack's fake, else anyone."""
        order = sorted(self.seer_claims, key=lambda s: (s != self.believed, s not in self.team, s))
        return next((s for s in order if self.seer_claims[s].reports.get(target)), None)

    def ranked(self, among: list[int]) -> list[int]:
        return sorted(among, key=lambda s: (-self.score.get(s, 0.0), s))

    def explain(self, among: list[int], lang: str, n: int = 3) -> str:
        parts = []
        for s in self.ranked(among)[:n]:
            reasons = "; ".join(self.why.get(s, [])[-3:]) or ("无" if lang == "zh" else "nothing")
            parts.append(f"{s}: {self.score.get(s, 0.0):+.1f} ({reasons})")
        return ", ".join(parts) if parts else "-"

    def claims_summary(self, lang: str) -> str:
        """The claims heard and whom this seat believes, in a sentence for its thought."""
        zh = lang == "zh"
        if not self.seer_claims and not self.role_claims:
            return "还没听到任何跳身份。" if zh else "No claims heard yet."
        parts = [_seer_claim_text(c, zh) for c in self.seer_claims.values()]
        parts += [
            f"{s}号自称{ROLE_ZH.get(r, r)}" if zh else f"seat {s} claims {r}"
            for s, r in self.role_claims.items()
            if r != "seer"
        ]
        b = self.believed
        if b is not None and self.wolf:
            parts.append(f"好人大概会信{b}号" if zh else f"the village likely believes seat {b}")
        elif b is not None:
            parts.append(f"我相信{b}号" if zh else f"I believe seat {b}")
        return (
            ("身份信息：" + "；".join(parts) + "。")
            if zh
            else ("Claims: " + "; ".join(parts) + ".")
        )


def _seer_claim_text(c: SeerClaim, zh: bool) -> str:
    rep = ", ".join(
        f"{t}号{'查杀' if w else '金水'}" if zh else f"{t} {'wolf' if w else 'good'}"
        for t, w in c.reports.items()
    )
    if zh:
        return f"{c.seat}号跳预言家（{rep or '无报验'}）"
    return f"seat {c.seat} claims seer ({rep or 'no reports'})"


def others_alive(view: SeatView) -> list[int]:
    """The living seats but this one."""
    return [s for s in view.living() if s != view.seat]


__all__ = ["GODS", "ROLE_ZH", "Ballot", "Knowledge", "SeerClaim", "others_alive"]
