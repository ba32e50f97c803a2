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

    def _add(self, seat: int, amount: float, why: str) -> None:
        if seat == self.view.seat or not 1 <= seat <= self.view.players:
            return
        self.score[seat] = self.score.get(seat, 0.0) + amount
        self.why.setdefault(seat, []).append(f"{amount:+.1f} {why}")

    def _score(self) -> None:
        v = self.view
        for s in range(1, v.players + 1):
            if s != v.seat:
                self.score[s] = 0.0
        for target, is_wolf in self.my_checks.items():
            self._add(target, 10.0 if is_wolf else -10.0, "my own check")
        seer = self.believed_seer()
        for claim in self.seer_claims.values():
            if claim.seat == v.seat:
                continue
            trusted = claim.seat == seer
            weight = 3.0 if trusted else 1.0
            for target, is_wolf in claim.reports.items():
                if target == v.seat:
                    if is_wolf and v.role != "werewolf":  # a false report on me: a liar
                        self._add(claim.seat, 6.0, "reported me, and I know I'm good")
                    continue
                self._add(target, weight if is_wolf else -weight * 0.7,
                          f"{'wolf' if is_wolf else 'good'} report by seer-claim {claim.seat}")
            if v.role == "seer":
                self._add(claim.seat, 8.0, "claims seer, but I am the seer")
            elif not trusted and seer is not None:
                self._add(claim.seat, 2.5, f"counter-claims seer against {seer}")
        for vote in self.votes:
            if vote.target is None:
                continue
            if seer is not None and vote.target == seer:
                self._add(vote.seat, 1.0, f"voted against seer-claim {seer}")
            if vote.target == v.seat and v.role != "werewolf":
                self._add(vote.seat, 0.6, "voted against me")
            if vote.target in self.night_deaths:
                self._add(vote.seat, 0.5, f"voted against {vote.target}, later killed at night")
        for victim in self.night_victims:
            self._add(victim, -1.0, "the wolves attacked them")
        for s in self.night_deaths:
            self.score.pop(s, None)

    def ranked(self, among: list[int]) -> list[int]:
        return sorted(among, key=lambda s: (-self.score.get(s, 0.0), s))

    def explain(self, among: list[int], n: int = 3) -> str:
        parts = []
        for s in self.ranked(among)[:n]:
            reasons = "; ".join(self.why.get(s, [])[-2:]) or "nothing against them"
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


def _claims_summary(k: Knowledge) -> str:
    if not k.seer_claims and not k.role_claims:
        return "No claims heard yet."
    parts = []
    for c in k.seer_claims.values():
        reports = ", ".join(f"{t} {'wolf' if w else 'good'}" for t, w in c.reports.items())
        parts.append(f"seat {c.seat} claims seer ({reports or 'no reports'})")
    for s, r in k.role_claims.items():
        if r != "seer":
            parts.append(f"seat {s} claims {r}")
    return "Claims: " + "; ".join(parts) + "."


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
        thought = (f"I'm a wolf with {view.teammates}. A teammate proposed {t}; agreeing keeps "
                   f"our votes together (my own pick would be {target}).")
    elif target is None:
        text = "..." if lang == "en" else "……"
        thought = "No good players left to target."
    else:
        text = say("wolf_chat_kill", lang, rng, t=_tw(target, lang), x=reason(why, lang))
        thought = (f"I'm a wolf with {view.teammates}. {_claims_summary(k)} "
                   f"Kill pick: {target} ({why}).")
        if _should_fake_claim(view, k, rng) and view.day >= 1:
            text += say("wolf_chat_fake", lang, rng)
    action, text = _speech(view.seat, text)
    return Plan(action=action, thought=thought, label="wolves' talk", speech=text)


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
        return Plan(action=Action(seat=view.seat, kind="kill", target=t), label="choosing a victim",
                    thought=f"Following the first proposal in our talk: kill {t}.")
    target, why = _wolf_target(view, k, d.options)
    if target is None:
        return Plan(action=Action(seat=view.seat, kind="skip"), label="choosing a victim",
                    thought="No one worth killing: no kill.")
    return Plan(action=Action(seat=view.seat, kind="kill", target=target),
                label="choosing a victim", thought=f"Kill {target} ({why}).")


def _check(view, d, rng, k):
    unchecked = [s for s in d.options if s not in k.my_checks]
    pool = unchecked or d.options
    if not pool:
        return Plan(action=Action(seat=view.seat, kind="skip"), thought="Nobody to check.",
                    label="choosing a check")
    ranked = k.ranked(pool)
    top = [s for s in ranked if k.score.get(s, 0) == k.score.get(ranked[0], 0)]
    target = rng.choice(top)
    thought = (f"Checks so far: {k.my_checks or 'none'}. Unchecked suspicion: "
               f"{k.explain(pool)}. Checking {target}.")
    return Plan(action=Action(seat=view.seat, kind="check", target=target), thought=thought,
                label="choosing a check")


def _witch(view, d, rng, k):
    kinds = d.kinds
    believed = k.believed_seer()
    if "save" in kinds and d.victim is not None:
        if view.day == 1 or d.victim == believed:
            why = "it is the first night" if view.day == 1 else "the victim is our seer"
            return Plan(action=Action(seat=view.seat, kind="save", target=d.victim),
                        label="the witch's potions",
                        thought=f"The wolves attacked {d.victim}; saving them because {why}.")
    if "poison" in kinds and d.options:
        ranked = k.ranked(d.options)
        top = ranked[0]
        score = k.score.get(top, 0.0)
        threshold = 2.5 if believed is not None else 4.0
        if score >= threshold and (view.day >= 2 or score >= 8):
            return Plan(action=Action(seat=view.seat, kind="poison", target=top),
                        label="the witch's potions",
                        thought=f"Poisoning {top}: suspicion {score:.1f} ≥ {threshold} "
                                f"({'; '.join(k.why.get(top, []))}).")
    return Plan(action=Action(seat=view.seat, kind="skip"), label="the witch's potions",
                thought=f"Victim tonight: {d.victim}. Nobody is suspect enough to poison "
                        f"({k.explain(d.options, 2) if d.options else 'no targets'}); keeping potions.")


def _vote_target(view: SeatView, k: Knowledge, options: list[int]) -> tuple[int | None, str]:
    if not options:
        return None, "no legal target"
    mates = set(view.teammates)
    if view.role == "werewolf":
        # Follow the table's loudest accusation against a good player; never a teammate.
        goods = [s for s in options if s not in mates]
        if not goods:
            return None, "only teammates to vote for"
        for c in k.seer_claims.values():
            if c.seat in mates or c.seat == view.seat:
                for t, w in c.reports.items():
                    if w and t in goods:
                        return t, f"our fake seer {c.seat} accused {t}"
        real = [s for s in k.seer_claims if s in goods]
        if real:
            return real[0], f"{real[0]} claims seer and threatens us"
        public = {s: 0 for s in goods}
        for vote in k.votes:
            if vote.target in public:
                public[vote.target] += 1
        return max(sorted(goods), key=lambda s: (public[s], -s)), "blend in with the table"
    ranked = k.ranked(options)
    return ranked[0], f"top suspicion: {k.explain(options)}"


def _vote(view, d, rng, k):
    target, why = _vote_target(view, k, d.options)
    if target is None:
        return Plan(action=Action(seat=view.seat, kind="skip"), label="voting",
                    thought=f"Abstaining: {why}.")
    if view.role != "werewolf" and k.score.get(target, 0.0) <= 0 and rng.random() < 0.1:
        return Plan(action=Action(seat=view.seat, kind="skip"), label="voting",
                    thought=f"Nobody stands out ({k.explain(d.options, 2)}); abstaining.")
    return Plan(action=Action(seat=view.seat, kind="vote", target=target), label="voting",
                thought=f"{_claims_summary(k)} Voting {target}: {why}.")


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
            thought += f"I'm the seer; my checks {k.my_checks}. Revealing them now."
        else:
            thought += "I'm the seer with no wolf found yet: staying hidden."
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
            thought += f"I'm a wolf; fake-claiming seer and accusing {victim} to protect us."
    if not parts:
        target, why = _vote_target(view, k, others)
        believed = k.believed_seer()
        if role == "werewolf":
            thought += f"I'm a wolf; steering suspicion to {target} ({why})."
        else:
            thought += f"My suspicion: {k.explain(others)}."
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
                    thought += " I'm accused: revealing the hunter to deter a vote."
            else:
                parts.append(say("defend", lang, rng))
    text = " ".join(parts) if lang == "en" else "".join(parts)
    action, text = _speech(view.seat, text)
    return Plan(action=action, thought=thought.strip(), label="preparing a speech", speech=text)


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
    return Plan(action=action, label="PK speech", speech=text,
                thought=f"In the PK. Pointing at {target}: {why}.")


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
    return Plan(action=action, label="last words", speech=text,
                thought=f"Leaving the game. {_claims_summary(k)} Pointing at {target} ({why}).")


def _shoot(view, d, rng, k):
    if not d.options:
        return Plan(action=Action(seat=view.seat, kind="skip"), label="the hunter's shot",
                    thought="Nobody to shoot.")
    ranked = k.ranked(d.options)
    top = ranked[0]
    score = k.score.get(top, 0.0)
    if score <= 0.3:
        return Plan(action=Action(seat=view.seat, kind="skip"), label="the hunter's shot",
                    thought=f"No one is suspect enough ({k.explain(d.options, 2)}); holding fire.")
    return Plan(action=Action(seat=view.seat, kind="shoot", target=top), label="the hunter's shot",
                thought=f"Shooting my top suspect {top}: {k.explain(d.options, 2)}.")


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
