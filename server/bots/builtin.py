"""The built-in bot: a rule-based player for every role, no API key, no network.

It reasons honestly: :class:`Knowledge` replays what its seat has seen (claims,
seer reports, votes, deaths) into suspicion scores, and the thought it returns
narrates exactly those numbers and the rule that picked its choice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from server.game.state import Action, Decision
from server.game.view import SeatView
from shared.events import CheckResult, Death, SpeechEnd, VoteCast, WitchInfo

from .base import Plan
from .claims import parse_claims, parse_kill_proposal
from .lines import reason, say

GODS = ("seer", "witch", "hunter")


@dataclass
class SeerClaim:
    seat: int
    day: int
    order: int  # how many speeches had been heard before it: earlier claims are trusted more
    reports: dict[int, bool] = field(default_factory=dict)  # target -> is_wolf


@dataclass
class Knowledge:
    """What one seat has learnt from the events it saw, and its suspicion of each seat."""

    view: SeatView
    seer_claims: dict[int, SeerClaim] = field(default_factory=dict)
    role_claims: dict[int, str] = field(default_factory=dict)
    my_checks: dict[int, bool] = field(default_factory=dict)
    votes: list[VoteCast] = field(default_factory=list)
    night_victims: list[int] = field(default_factory=list)  # from the witch's information
    night_deaths: list[int] = field(default_factory=list)
    speeches_today: dict[int, str] = field(default_factory=dict)
    wolf_proposals: list[tuple[int, int]] = field(default_factory=list)  # tonight: (wolf, target)
    heard: int = 0
    score: dict[int, float] = field(default_factory=dict)
    why: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, view: SeatView) -> Knowledge:
        k = cls(view)
        for e in view.events:
            if isinstance(e, SpeechEnd):
                k._hear(e)
            elif isinstance(e, VoteCast) and e.kind != "wolf":
                k.votes.append(e)
            elif isinstance(e, CheckResult) and e.seat == view.seat:
                k.my_checks[e.target] = e.is_wolf
            elif isinstance(e, WitchInfo) and e.victim is not None:
                k.night_victims.append(e.victim)
            elif isinstance(e, Death) and e.cause == "night":
                k.night_deaths.extend(e.seats)
        k._score()
        return k

    def _hear(self, e: SpeechEnd) -> None:
        self.heard += 1
        if e.kind == "wolf_chat":
            if e.day == self.view.day:
                target = parse_kill_proposal(e.text)
                if target is not None:
                    self.wolf_proposals.append((e.seat, target))
            return
        if e.day == self.view.day:
            self.speeches_today[e.seat] = e.text
        claimed_seer = e.seat in self.seer_claims
        for c in parse_claims(e.text):
            if c.kind == "role" and c.role:
                self.role_claims[e.seat] = c.role
                if c.role == "seer" and not claimed_seer:
                    self.seer_claims[e.seat] = SeerClaim(e.seat, e.day, self.heard)
                    claimed_seer = True
            elif claimed_seer and c.target is not None and c.target != e.seat:
                self.seer_claims[e.seat].reports[c.target] = c.kind == "wolf"

    # -- who to believe ---------------------------------------------------------
    def believed_seer(self) -> int | None:
        """The seer claim this seat believes (never its own, never a known wolf's)."""
        me, role = self.view.seat, self.view.role
        if role == "seer":
            return None
        candidates = [c for c in self.seer_claims.values() if c.seat != me]
        if role == "werewolf":
            return None
        candidates = [c for c in candidates
                      if self.my_checks.get(c.seat) is not True]
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0].seat
        # Two claims: believe the one who claimed first.
        return min(candidates, key=lambda c: (c.order, self._vote_suspicion(c.seat), c.seat)).seat

    def _vote_suspicion(self, seat: int) -> float:
        return sum(1 for v in self.votes if v.seat == seat and v.target in self.seer_claims)

    def _add(self, seat: int, amount: float, why: str, why_zh: str) -> None:
        if seat == self.view.seat or not 1 <= seat <= self.view.players:
            return
        self.score[seat] = self.score.get(seat, 0.0) + amount
        text = why_zh if self.view.lang == "zh" else why
        self.why.setdefault(seat, []).append(f"{amount:+.1f} {text}")

    def _score(self) -> None:
        v = self.view
        for s in range(1, v.players + 1):
            if s != v.seat:
                self.score[s] = 0.0
        for target, is_wolf in self.my_checks.items():
            self._add(target, 10.0 if is_wolf else -10.0, "my own check", "我亲自验的")
        seer = self.believed_seer()
        for claim in self.seer_claims.values():
            if claim.seat == v.seat:
                continue
            trusted = claim.seat == seer
            weight = 3.0 if trusted else 1.0
            for target, is_wolf in claim.reports.items():
                if target == v.seat:
                    if is_wolf and v.role != "werewolf":  # a false report on me: a liar
                        self._add(claim.seat, 6.0, "reported me, and I know I'm good", "查杀了我，而我是好人")
                    continue
                self._add(target, weight if is_wolf else -weight * 0.7,
                          f"{'wolf' if is_wolf else 'good'} report by seer-claim {claim.seat}",
                          f"{claim.seat}号预言家报{'查杀' if is_wolf else '金水'}")
            if v.role == "seer":
                self._add(claim.seat, 8.0, "claims seer, but I am the seer", "跳预言家，但我才是预言家")
            elif not trusted and seer is not None:
                self._add(claim.seat, 2.5, f"counter-claims seer against {seer}", f"和{seer}号对跳预言家")
        for vote in self.votes:
            if vote.target is None:
                continue
            if seer is not None and vote.target == seer:
                self._add(vote.seat, 1.0, f"voted against seer-claim {seer}", f"投了{seer}号预言家")
            if vote.target == v.seat and v.role != "werewolf":
                self._add(vote.seat, 0.6, "voted against me", "投了我")
            if vote.target in self.night_deaths:
                self._add(vote.seat, 0.5, f"voted against {vote.target}, later killed at night",
                          f"投过{vote.target}号，而{vote.target}号夜里被刀")
        for victim in self.night_victims:
            self._add(victim, -1.0, "the wolves attacked them", "被狼人刀了")
        for s in self.night_deaths:
            self.score.pop(s, None)

    def ranked(self, among: list[int]) -> list[int]:
        return sorted(among, key=lambda s: (-self.score.get(s, 0.0), s))

    def explain(self, among: list[int], n: int = 3) -> str:
        parts = []
        for s in self.ranked(among)[:n]:
            none = "没有疑点" if self.view.lang == "zh" else "nothing against them"
            reasons = "; ".join(self.why.get(s, [])[-2:]) or none
            parts.append(f"{s}: {self.score.get(s, 0.0):.1f} ({reasons})")
        return ", ".join(parts)


# ---------------------------------------------------------------------------
# Deciding


def plan(view: SeatView, decision: Decision, rng: random.Random) -> Plan:
    """Choose a legal action for ``decision`` from what ``view`` knows, and say why."""
    k = Knowledge.of(view)
    handler = _HANDLERS[decision.action]
    return handler(view, decision, rng, k)


def _tw(n: int, lang: str) -> str:
    return str(n) if lang == "zh" else f"seat {n}"


def _living_others(view: SeatView) -> list[int]:
    return [s for s in view.living() if s != view.seat]


def _t(view: SeatView, en: str, zh: str) -> str:
    return zh if view.lang == "zh" else en


ROLE_ZH = {"seer": "预言家", "witch": "女巫", "hunter": "猎人", "villager": "村民", "werewolf": "狼人"}


def _claims_summary(k: Knowledge) -> str:
    zh = k.view.lang == "zh"
    if not k.seer_claims and not k.role_claims:
        return "还没有人起跳。" if zh else "No claims heard yet."
    parts = []
    for c in k.seer_claims.values():
        if zh:
            reports = "，".join(f"{t}号{'查杀' if w else '金水'}" for t, w in c.reports.items())
            parts.append(f"{c.seat}号跳预言家（{reports or '没报验人'}）")
        else:
            reports = ", ".join(f"{t} {'wolf' if w else 'good'}" for t, w in c.reports.items())
            parts.append(f"seat {c.seat} claims seer ({reports or 'no reports'})")
    for s, r in k.role_claims.items():
        if r != "seer":
            parts.append(f"{s}号自称{ROLE_ZH.get(r, r)}" if zh else f"seat {s} claims {r}")
    return ("起跳情况：" + "；".join(parts) + "。") if zh else ("Claims: " + "; ".join(parts) + ".")


def _speech(action_seat: int, text: str) -> tuple[Action, str]:
    text = text[:500]
    return Action(seat=action_seat, kind="speak", text=text), text


def _wolf_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    """The wolves' victim: a claimed god first, then the most trusted good player."""
    mates = set(view.teammates) | {view.seat}
    goods = [s for s in options if s not in mates]
    if not goods:
        return None, "nobody but wolves left to take"
    real_seers = [s for s in k.seer_claims if s in goods]
    if real_seers:
        return min(real_seers), "claimed_seer"
    gods = [s for s, r in k.role_claims.items() if r in GODS and s in goods]
    if gods:
        return min(gods), "claimed_god"
    # Whoever the village trusts most (most "good" reports) or speaks most against us.
    accusers = {}
    for vote in k.votes:
        if vote.target in mates and vote.seat in goods:
            accusers[vote.seat] = accusers.get(vote.seat, 0) + 1
    if accusers:
        return max(sorted(accusers), key=lambda s: accusers[s]), "influential"
    return goods[(view.day * 7 + view.players) % len(goods)], "quiet"


def _wolf_chat(view, d, rng, k):
    proposals = [t for _, t in k.wolf_proposals if view.is_alive(t)]
    target, why = _wolf_target(view, k, view.living())
    lang = view.lang
    if proposals:
        t = proposals[0]
        text = say("wolf_chat_agree", lang, rng, t=_tw(t, lang))
        thought = _t(view, f"I'm a wolf with {view.teammates}. A teammate proposed {t}; agreeing "
                           f"keeps our votes together (my own pick would be {target}).",
                     f"我是狼，队友是{view.teammates}。队友提议刀{t}号，跟上保证票型一致"
                     f"（我自己会选{target}号）。")
    elif target is None:
        text = "..." if lang == "en" else "……"
        thought = _t(view, "No good players left to target.", "没有好人可刀了。")
    else:
        text = say("wolf_chat_kill", lang, rng, t=_tw(target, lang), x=reason(why, lang))
        why_text = reason(why, view.lang).lstrip(" —，,")
        thought = _t(view, f"I'm a wolf with {view.teammates}. {_claims_summary(k)} "
                           f"Kill pick: {target} ({why_text or 'nobody stands out'}).",
                     f"我是狼，队友是{view.teammates}。{_claims_summary(k)}"
                     f"刀口选{target}号（{why_text or '随便选一个'}）。")
        if _should_fake_claim(view, k, rng) and view.day >= 1:
            text += say("wolf_chat_fake", lang, rng)
    action, text = _speech(view.seat, text)
    return Plan(action=action, thought=thought, label=_t(view, "wolves' talk", "狼人夜聊"),
                speech=text)


def _should_fake_claim(view: SeatView, k: Knowledge, rng: random.Random) -> bool:
    """One wolf at most counter-claims seer: when a real seer has reported one of us."""
    mates = set(view.teammates)
    if any(s in mates or s == view.seat for s in k.seer_claims):
        return False
    threatened = any(
        w and t in (mates | {view.seat})
        for c in k.seer_claims.values() for t, w in c.reports.items()
    )
    if threatened:
        return view.seat == min(s for s in [view.seat, *mates] if view.is_alive(s))
    return view.day == 1 and not k.seer_claims and rng.random() < 0.35 \
        and view.seat == min(s for s in [view.seat, *mates] if view.is_alive(s))


def _wolf_kill(view, d, rng, k):
    proposals = [t for _, t in k.wolf_proposals if t in d.options]
    if proposals:
        t = proposals[0]
        return Plan(action=Action(seat=view.seat, kind="kill", target=t),
                    label=_t(view, "choosing a victim", "选择刀口"),
                    thought=_t(view, f"Following the first proposal in our talk: kill {t}.",
                               f"跟队友夜聊里的第一个提议：刀{t}号。"))
    target, why = _wolf_target(view, k, d.options)
    if target is None:
        return Plan(action=Action(seat=view.seat, kind="skip"),
                    label=_t(view, "choosing a victim", "选择刀口"),
                    thought=_t(view, "No one worth killing: no kill.", "没有值得刀的人：空刀。"))
    return Plan(action=Action(seat=view.seat, kind="kill", target=target),
                label=_t(view, "choosing a victim", "选择刀口"),
                thought=_t(view, f"Kill {target}{reason(why, 'en')}.",
                           f"刀{target}号{reason(why, 'zh')}。"))


def _check(view, d, rng, k):
    unchecked = [s for s in d.options if s not in k.my_checks]
    pool = unchecked or d.options
    if not pool:
        return Plan(action=Action(seat=view.seat, kind="skip"),
                    thought=_t(view, "Nobody to check.", "没有人可验。"),
                    label=_t(view, "choosing a check", "选择查验"))
    ranked = k.ranked(pool)
    top = [s for s in ranked if k.score.get(s, 0) == k.score.get(ranked[0], 0)]
    target = rng.choice(top)
    thought = _t(view, f"Checks so far: {k.my_checks or 'none'}. Unchecked suspicion: "
                       f"{k.explain(pool)}. Checking {target}.",
                 f"已验：{k.my_checks or '无'}。未验的怀疑度：{k.explain(pool)}。今晚验{target}号。")
    return Plan(action=Action(seat=view.seat, kind="check", target=target), thought=thought,
                label=_t(view, "choosing a check", "选择查验"))


def _witch(view, d, rng, k):
    kinds = d.kinds
    believed = k.believed_seer()
    if "save" in kinds and d.victim is not None:
        if view.day == 1 or d.victim == believed:
            why = (_t(view, "it is the first night", "首夜必救") if view.day == 1
                   else _t(view, "the victim is our seer", "刀口是预言家"))
            return Plan(action=Action(seat=view.seat, kind="save", target=d.victim),
                        label=_t(view, "the witch's potions", "女巫用药"),
                        thought=_t(view, f"The wolves attacked {d.victim}; saving them because {why}.",
                                   f"狼人刀了{d.victim}号，救他，因为{why}。"))
    if "poison" in kinds and d.options:
        ranked = k.ranked(d.options)
        top = ranked[0]
        score = k.score.get(top, 0.0)
        threshold = 2.5 if believed is not None else 4.0
        if score >= threshold and (view.day >= 2 or score >= 8):
            reasons = "; ".join(k.why.get(top, []))
            return Plan(action=Action(seat=view.seat, kind="poison", target=top),
                        label=_t(view, "the witch's potions", "女巫用药"),
                        thought=_t(view, f"Poisoning {top}: suspicion {score:.1f} ≥ {threshold} "
                                         f"({reasons}).",
                                   f"毒{top}号：怀疑度{score:.1f} ≥ {threshold}（{reasons}）。"))
    scores = k.explain(d.options, 2) if d.options else "-"
    return Plan(action=Action(seat=view.seat, kind="skip"),
                label=_t(view, "the witch's potions", "女巫用药"),
                thought=_t(view, f"Victim tonight: {d.victim}. Nobody is suspect enough to poison "
                                 f"({scores}); keeping potions.",
                           f"今晚刀口：{d.victim}。没有人可疑到要毒（{scores}），药先留着。"))


def _vote_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    if not options:
        return None, _t(view, "no legal target", "没有可投的目标")
    mates = set(view.teammates)
    if view.role == "werewolf":
        # Follow the table's loudest accusation against a good player; never a teammate.
        goods = [s for s in options if s not in mates]
        if not goods:
            return None, _t(view, "only teammates to vote for", "只剩队友可投")
        for c in k.seer_claims.values():
            if c.seat in mates or c.seat == view.seat:
                for t, w in c.reports.items():
                    if w and t in goods:
                        return t, _t(view, f"our fake seer {c.seat} accused {t}",
                                     f"我们的悍跳{c.seat}号查杀了{t}号")
        real = [s for s in k.seer_claims if s in goods]
        if real:
            return real[0], _t(view, f"{real[0]} claims seer and threatens us",
                               f"{real[0]}号跳预言家，威胁到我们")
        public = {s: 0 for s in goods}
        for vote in k.votes:
            if vote.target in public:
                public[vote.target] += 1
        return (max(sorted(goods), key=lambda s: (public[s], -s)),
                _t(view, "blend in with the table", "混在好人里跟票"))
    ranked = k.ranked(options)
    return ranked[0], _t(view, f"top suspicion: {k.explain(options)}",
                         f"怀疑度最高：{k.explain(options)}")


def _vote(view, d, rng, k):
    target, why = _vote_target(view, k, d.options)
    if target is None:
        return Plan(action=Action(seat=view.seat, kind="skip"), label=_t(view, "voting", "投票"),
                    thought=_t(view, f"Abstaining: {why}.", f"弃票：{why}。"))
    if view.role != "werewolf" and k.score.get(target, 0.0) <= 0 and rng.random() < 0.1:
        return Plan(action=Action(seat=view.seat, kind="skip"), label=_t(view, "voting", "投票"),
                    thought=_t(view, f"Nobody stands out ({k.explain(d.options, 2)}); abstaining.",
                               f"没有突出的嫌疑人（{k.explain(d.options, 2)}），弃票。"))
    return Plan(action=Action(seat=view.seat, kind="vote", target=target),
                label=_t(view, "voting", "投票"),
                thought=_t(view, f"{_claims_summary(k)} Voting {target}: {why}.",
                           f"{_claims_summary(k)}投{target}号：{why}。"))


def _speak(view, d, rng, k):
    lang = view.lang
    others = _living_others(view)
    role = view.role
    parts: list[str] = []
    thought = _claims_summary(k) + " "
    if role == "seer":
        wolves = [t for t, w in k.my_checks.items() if w and view.is_alive(t)]
        claimed = view.seat in k.seer_claims
        rivals = [s for s in k.seer_claims if s != view.seat and view.is_alive(s)]
        if wolves or claimed or rivals:
            if wolves:
                parts.append(say("seer_claim", lang, rng, t=_tw(wolves[0], lang)))
            elif rivals:
                goods = [t for t, w in k.my_checks.items() if not w]
                if goods:
                    parts.append(say("seer_claim_good", lang, rng, t=_tw(goods[0], lang)))
            results = _results_text(k.my_checks, lang)
            if results:
                parts.append(say("seer_more", lang, rng, x=results))
            for r in rivals:
                parts.append(say("seer_counter", lang, rng, t=_tw(r, lang)))
            thought += _t(view, f"I'm the seer; my checks: {_results_text(k.my_checks, 'en')}. "
                                "Revealing them now.",
                          f"我是预言家，验人结果：{_results_text(k.my_checks, 'zh')}，现在公开。")
        else:
            thought += _t(view, "I'm the seer with no wolf found yet: staying hidden.",
                          "我是预言家，还没验到狼，先藏着。")
            parts.append(say("no_info", lang, rng))
    elif role == "werewolf" and _should_fake_claim(view, k, rng):
        mates = set(view.teammates) | {view.seat}
        real = [s for s in k.seer_claims if s not in mates and view.is_alive(s)]
        goods = [s for s in others if s not in mates]
        victim = real[0] if real else (k.ranked(goods)[0] if goods else None)
        if victim is not None:
            parts.append(say("seer_claim", lang, rng, t=_tw(victim, lang)))
            for r in real:
                if r != victim:
                    parts.append(say("seer_counter", lang, rng, t=_tw(r, lang)))
            thought += _t(view, f"I'm a wolf; fake-claiming seer and accusing {victim} to protect us.",
                          f"我是狼，悍跳预言家，给{victim}号发查杀来保护队友。")
    if not parts:
        target, why = _vote_target(view, k, others)
        believed = k.believed_seer()
        if role == "werewolf":
            thought += _t(view, f"I'm a wolf; steering suspicion to {target} ({why}).",
                          f"我是狼，把矛头引向{target}号（{why}）。")
        else:
            thought += _t(view, f"My suspicion: {k.explain(others)}.",
                          f"我的怀疑度：{k.explain(others)}。")
        if believed is not None and role != "werewolf" and target is not None:
            parts.append(say("follow_seer", lang, rng, t=_tw(believed, lang), w=_tw(target, lang)))
        elif target is not None and (k.score.get(target, 0.0) > 0.5 or role == "werewolf"):
            reasons = k.why.get(target, [])
            x = ""
            if reasons and role != "werewolf":
                x = reason("voted_seer", lang) if "voted against seer" in reasons[-1] else ""
            parts.append(say("suspect", lang, rng, t=_tw(target, lang), x=x))
        else:
            parts.append(say("no_info", lang, rng))
        accused = _accused_me(view, k)
        if accused:
            if role == "hunter":
                hunt = k.ranked(others)[0] if others else None
                if hunt is not None:
                    parts.append(say("hunter_claim", lang, rng, t=_tw(hunt, lang)))
                    thought += _t(view, " I'm accused: revealing the hunter to deter a vote.",
                                  "我被查杀了：亮猎人身份，让大家不敢投我。")
            else:
                parts.append(say("defend", lang, rng))
    text = " ".join(parts) if lang == "en" else "".join(parts)
    action, text = _speech(view.seat, text)
    return Plan(action=action, thought=thought.strip(),
                label=_t(view, "preparing a speech", "准备发言"), speech=text)


def _accused_me(view: SeatView, k: Knowledge) -> bool:
    return any(c.reports.get(view.seat) for c in k.seer_claims.values() if c.seat != view.seat)


def _results_text(checks: dict[int, bool], lang: str) -> str:
    if lang == "zh":
        return "，".join(f"{t}号{'是狼' if w else '金水'}" for t, w in checks.items())
    return ", ".join(f"seat {t} is {'a wolf' if w else 'good'}" for t, w in checks.items())


def _pk_speak(view, d, rng, k):
    lang = view.lang
    rivals = [s for s in view.living() if s != view.seat]
    target, why = _vote_target(view, k, rivals)
    text = say("pk", lang, rng, t=_tw(target, lang)) if target else say("defend", lang, rng)
    action, text = _speech(view.seat, text)
    return Plan(action=action, label=_t(view, "PK speech", "PK发言"), speech=text,
                thought=_t(view, f"In the PK. Pointing at {target}: {why}.",
                           f"进入PK，矛头指向{target}号：{why}。"))


def _last_words(view, d, rng, k):
    lang = view.lang
    parts = []
    if view.role == "seer" and k.my_checks:
        parts.append(say("seer_more", lang, rng, x=_results_text(k.my_checks, lang)))
    others = _living_others(view)
    target, why = _vote_target(view, k, others)
    if view.role == "witch":
        x = ("I used my potions as best I could." if lang == "en" else "药已经尽力用了。")
        parts.append(say("witch_claim", lang, rng, x=x))
    if target is not None and (k.score.get(target, 0.0) > 0 or view.role == "werewolf"):
        parts.append(say("last_words", lang, rng, t=_tw(target, lang)))
    if not parts:
        parts.append(say("last_words_none", lang, rng))
    text = " ".join(parts) if lang == "en" else "".join(parts)
    action, text = _speech(view.seat, text)
    return Plan(action=action, label=_t(view, "last words", "遗言"), speech=text,
                thought=_t(view, f"Leaving the game. {_claims_summary(k)} Pointing at {target} ({why}).",
                           f"我出局了。{_claims_summary(k)}指向{target}号（{why}）。"))


def _shoot(view, d, rng, k):
    if not d.options:
        return Plan(action=Action(seat=view.seat, kind="skip"),
                    label=_t(view, "the hunter's shot", "猎人开枪"),
                    thought=_t(view, "Nobody to shoot.", "没有可以开枪的目标。"))
    ranked = k.ranked(d.options)
    top = ranked[0]
    score = k.score.get(top, 0.0)
    if score <= 0.3:
        return Plan(action=Action(seat=view.seat, kind="skip"),
                    label=_t(view, "the hunter's shot", "猎人开枪"),
                    thought=_t(view, f"No one is suspect enough ({k.explain(d.options, 2)}); "
                                     "holding fire.",
                               f"没有足够可疑的人（{k.explain(d.options, 2)}），不开枪。"))
    return Plan(action=Action(seat=view.seat, kind="shoot", target=top),
                label=_t(view, "the hunter's shot", "猎人开枪"),
                thought=_t(view, f"Shooting my top suspect {top}: {k.explain(d.options, 2)}.",
                           f"带走最可疑的{top}号：{k.explain(d.options, 2)}。"))


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
