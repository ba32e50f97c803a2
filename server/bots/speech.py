"""The built-in bot's speeches: what each seat says, and in which words.

A speech is chosen from what the seat believes (``evidence.py``) and what its side
wants (``strategy.py``): the seer reveals its checks, a wolf fakes a seer claim or
steers the vote, a player reported as a wolf says the report is a lie, anyone points
at its top suspect, and says in the wolves' talk whom to kill and who fakes the claim.
The seat's temperament (``evidence.Temper``) sets how much it says: a talkative seat
remarks on the night, its speaking position and earlier speakers, gives a 警徽流 as seer.
The words come from ``lines.py``, in the shapes the claim parser reads, so bots
understand each other the way they understand humans; no sentence is said twice in a
speech.
"""

from __future__ import annotations

import random
import re

from server.game.state import MAX_SPEECH_CHARS, Action, Decision
from server.game.view import SeatView

from .base import Plan
from .evidence import Knowledge, others_alive
from .lines import (
    checks_text,
    lead,
    lead_phrasings,
    reason,
    results_text,
    say,
    seat_word,
    seats_text,
    seats_words,
    tr,
    words,
)
from .strategy import (
    FAKE_FLOW,
    FAKE_WHY,
    GUT_FEELING,
    KILL_WHY,
    PRE_CLAIM,
    SEER_EARLY,
    fake_report,
    hunter_shot,
    pack_rng,
    should_fake_claim,
    vote_target,
    wolf_target,
    wolf_vote_target,
)

_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")
_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]*")


def join(
    parts: list[str],
    lang: str,
    rng: random.Random | None = None,
    leads: list[str] | None = None,
    names: tuple[str, ...] = (),
) -> str:
    """Sentences into one speech, none said twice, capitalised in English, capped at the
    rules' length. With ``rng``, short sentences are merged in pairs (as people talk:
    "I'm the seer, seat 3 is good, and vote seat 5 today"), the first opened by ``leads``
    (this game's facts: the night, whom the seat speaks after), a later one perhaps by a
    connective ("also", "另外")."""
    seen: set[str] = set()
    kept: list[str] = []
    for part in parts:
        for sentence in _SENTENCE.findall(part):
            key = sentence.strip().lower()
            if key and key not in seen:
                seen.add(key)
                kept.append(sentence.strip())
    if rng is not None:
        kept = _weave(kept, lang, rng, leads or [], names)
    if lang == "zh":
        text = "".join(kept).strip()
    else:
        text = " ".join(kept).strip()
        text = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    return text[:MAX_SPEECH_CHARS]


_END = re.compile(r"[.!?。！？]+$")
_MERGE_EN, _MERGE_ZH = 170, 60  # longest merged sentence, in characters
_SHORT_EN, _SHORT_ZH = 60, 20  # a sentence shorter than this joins the one before it


_DIGIT = re.compile(r"\d")


def _specific(sentence: str, names: tuple[str, ...]) -> bool:
    """Does the sentence name a seat or a player (this game's own words)?"""
    if _DIGIT.search(sentence):
        return True
    # A plain substring test per name: a regex of the names (what this was) found the same,
    # but was compiled anew for every game's names (~2% of an all-bot game's CPU).
    return any(name in sentence for name in names)


def _weave(
    kept: list[str], lang: str, rng: random.Random, leads: list[str], names: tuple[str, ...]
) -> list[str]:
    """Pairs of short sentences made one; the first opened by ``leads``."""
    rng = words(rng)  # how the sentences are joined is words, not play
    zh = lang == "zh"
    cap = _MERGE_ZH if zh else _MERGE_EN
    short = _SHORT_ZH if zh else _SHORT_EN
    chunks: list[list[str]] = []
    for sentence in kept:
        last = chunks[-1] if chunks else None
        if last is not None and (
            (len(last) < 2 and len(last[0]) + len(sentence) < cap)
            or not _specific(sentence, names)
            or not _specific(last[-1], names)
            or len(sentence) < short
        ):
            # A sentence naming nobody never stands alone, nor does a short one: "All
            # votes on seat 12, Clara, please." came back in the next game, seat and name.
            last.append(sentence)
        else:
            chunks.append([sentence])
    comma = "，" if zh else ", "
    more = list(lead_phrasings("more", lang))
    out: list[str] = []
    for i, chunk in enumerate(chunks):
        body = chunk[0]
        for nxt in chunk[1:]:
            head = _END.sub("", body)
            if zh or nxt.startswith(("and ", "so ", "but ", "And ", "So ", "But ")):
                body = head + comma + (nxt if zh else _mid(nxt, names))
                continue
            # A joint the clauses don't use already ("a, and b, and c" reads badly).
            joints = [j for j in (", and ", " — ") if j not in head and j not in nxt]
            body = head + (rng.choice(joints) if joints else ", and ") + _mid(nxt, names)
        opener = ""
        if i == 0 and leads:
            opener = comma.join(leads)
        elif i > 0 and more and rng.random() < 0.75:
            opener = more.pop(rng.randrange(len(more)))
        out.append(opener + comma + (body if zh else _mid(body, names)) if opener else body)
    return out


_FIRST_WORD_END = re.compile(r"[\s,:'’(]")


def _mid(clause: str, names: tuple[str, ...]) -> str:
    """An English sentence as the middle of another: its first letter lowered, unless it
    starts with "I" or a name."""
    word = _FIRST_WORD_END.split(clause, maxsplit=1)[0]
    if word in ("I", "I'm", "I'll", "I'd") or word in names:
        return clause
    return clause[:1].lower() + clause[1:]


def speak_plan(
    view: SeatView,
    parts: list[str],
    thought: str,
    label: str,
    target: int | None = None,
    rng: random.Random | None = None,
    leads: list[str] | None = None,
) -> Plan:
    """A speech of ``parts``; ``target``: the kill a wolf proposes with it; ``rng`` and
    ``leads``: woven into few sentences opened by this game's facts (see :func:`join`)."""
    text = join(parts, view.lang, rng, leads, tuple(view.names))
    return Plan(
        action=Action(seat=view.seat, kind="speak", text=text, target=target),
        thought=thought,
        label=label,
        speech=text,
    )


def _w(view: SeatView, s: int) -> str:
    return seat_word(s, view.lang)


def _name(view: SeatView, s: int) -> str:
    return view.names[s - 1] if 0 < s <= len(view.names) else str(s)


def _opening(view: SeatView, k: Knowledge, rng: random.Random, seat: bool = False) -> list[str]:
    """The clauses that open a day speech with this game's facts: where the seat speaks
    (its own seat when first, else after whom), perhaps its manner (bold or cautious,
    talkative or quiet) or the night's deaths before it. With ``seat``, where it speaks
    names a seat, not only a player (a name may come back in the next game)."""
    lang = view.lang
    t = k.temper
    rng = words(rng)  # which facts open the speech is words, not play
    found: list[str] = []
    manner = rng.choice(
        ("bold" if t.bold >= 0.5 else "cautious", "talk" if t.talk >= 0.5 else "quiet")
    )
    found.append(lead(manner, lang, rng))
    dead = k.deaths_today
    if dead is not None:
        if not dead:
            found.append(lead("peace", lang, rng))
        elif len(dead) == 1:
            found.append(lead("dead", lang, rng, t=_w(view, dead[0]), n=_name(view, dead[0])))
        else:
            found.append(lead("dead_many", lang, rng, t=seats_words(dead, lang)))
    heard = [s for s in k.spoke_today if s != view.seat]
    if not heard:
        first = lead("first", lang, rng, seat, t=_w(view, view.seat), n=_name(view, view.seat))
        found.append(first)
    elif (
        not seat and len(heard) >= 3 and len(heard) >= len(view.living()) - 3 and rng.random() < 0.5
    ):
        a, b = rng.sample(heard, 2)
        found.append(lead("late", lang, rng, n=_name(view, a), m=_name(view, b)))
    else:
        p = heard[-1]
        found.append(lead("after", lang, rng, seat, n=_name(view, p), t=_w(view, p)))
    # Where the seat speaks names a seat or a player: it always opens; the manner or the
    # night before it now and then, more often from a talkative seat.
    if rng.random() < 0.35 + 0.5 * t.talk:
        return [rng.choice(found[:-1]), found[-1]]
    return found[-1:]


def wolf_chat(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    """The wolves' talk: agree with the first proposal heard, or propose the pack's rule's
    pick (the speech carries it as its target); a day plan; on night 1 perhaps a fake claim."""
    lang = view.lang
    proposals = [t for _, t in k.proposals if view.is_alive(t) and t not in k.team]
    target, code = wolf_target(view, k, view.living())
    why = tr(lang, *KILL_WHY[code])
    claims = k.claims_summary(lang)
    if proposals:
        t = proposals[0]
        parts = [say("wolf_chat_agree", lang, rng, t=_w(view, t), n=_name(view, t))]
        thought = tr(
            lang,
            f"My teammates: {seats_text(view.teammates, lang)}. {claims} A teammate proposed seat {t}; "
            f"I go along so our kill stays together (my own pick was seat {target}: {why}).",
            f"我的狼队友：{seats_text(view.teammates, lang)}。{claims}队友提议刀{t}号，我跟上，刀口统一"
            f"（我自己想刀{target}号：{why}）。",
        )
    elif target is None:
        parts = [say("wolf_chat_none", lang, rng)]
        thought = tr(lang, "No good player left to take.", "没有可刀的好人。")
    else:
        parts = [
            say(
                "wolf_chat_kill",
                lang,
                rng,
                t=_w(view, target),
                n=_name(view, target),
                x=reason(code, lang),
            )
        ]
        thought = tr(
            lang,
            f"My teammates: {seats_text(view.teammates, lang)}. {claims} I propose seat {target}: {why}.",
            f"我的狼队友：{seats_text(view.teammates, lang)}。{claims}我提议刀{target}号：{why}。",
        )
    kill = proposals[0] if proposals else target
    if kill is not None and rng.random() < 0.4 + 0.5 * k.temper.talk:
        parts.append(say("wolf_chat_tail", lang, rng, n=_name(view, kill)))
    vote, vwhy = wolf_vote_target(view, k, [s for s in others_alive(view) if s != kill])
    if vote is not None and view.day > 1 and rng.random() < 0.5:
        parts.append(say("wolf_chat_note", lang, rng, t=_w(view, vote)))
        thought += tr(
            lang, f" Day plan: lean on seat {vote} ({vwhy}).", f"白天计划推{vote}号（{vwhy}）。"
        )
    if view.day == 1 and not k.wolf_chat_today and not k.seer_claims and rng.random() < PRE_CLAIM:
        # Who fakes the claim is the pack's draw, not the first (lowest) seat to talk.
        faker = pack_rng(view, k, "faker").choice(sorted(s for s in k.team if view.is_alive(s)))
        if faker == view.seat:
            parts.append(say("wolf_chat_fake", lang, rng))
            thought += tr(lang, " I'll fake-claim seer tomorrow.", "我明天悍跳预言家。")
        else:
            parts.append(say("wolf_chat_faker", lang, rng, t=_w(view, faker), n=_name(view, faker)))
            thought += tr(
                lang,
                f" Seat {faker} will fake-claim seer tomorrow; I back them.",
                f"{faker}号明天悍跳，我帮他站边。",
            )
    elif rng.random() < 0.2 * k.temper.talk:
        parts.append(say("wolf_chat_daogou", lang, rng))
    leads: list[str] = []
    mates = [s for s in k.team if s != view.seat and view.is_alive(s)]
    if mates and rng.random() < 0.5 + 0.4 * k.temper.talk:
        leads.append(lead("mate", lang, rng, n=_name(view, rng.choice(mates))))
    if view.day == 1 and rng.random() < 0.5:
        leads.insert(0, lead("first_night", lang, rng))
    label = tr(lang, "wolves' talk", "狼队夜聊")
    return speak_plan(view, parts, thought, label, target=kill, rng=rng, leads=leads)


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
    if view.seat not in k.seer_claims and view.is_alive(newest):
        key = "seer_claim_wolf" if is_wolf else "seer_claim_good"
        parts.append(say(key, lang, rng, t=_w(view, newest), n=_name(view, newest)))
        rest = dict(items[:-1])
        if rest:
            parts.append(say("seer_more", lang, rng, r=results_text(rest, lang)))
    else:
        parts.append(say("seer_report", lang, rng, r=results_text(dict(reversed(items)), lang)))
    for r in rivals:
        parts.append(say("seer_counter", lang, rng, t=_w(view, r), n=_name(view, r)))
    wolves = [t for t, w in checks.items() if w and view.is_alive(t) and t in view.living()]
    if wolves:
        parts.append(say("vote_call", lang, rng, t=_w(view, wolves[-1]), n=_name(view, wolves[-1])))
    flow = [s for s in k.ranked(others_alive(view)) if s not in checks and s not in rivals]
    # A fake seer (a wolf) plans no checks: he names a badge flow less often.
    keen = (0.4 + 0.5 * k.temper.talk) * (FAKE_FLOW if k.wolf else 1.0)
    if len(flow) >= 2 and rng.random() < keen:
        a, b = flow[0], flow[1] if rng.random() < 0.6 else flow[-1]
        parts.append(say("badge_flow", lang, rng, a=a, b=b, na=_name(view, a), nb=_name(view, b)))
    return parts


def speak(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    """A day speech: the seer's reveal, a wolf's fake seer claim, an answer to a seer
    who reported this seat, or else whom it suspects."""
    lang = view.lang
    label = tr(lang, "preparing a speech", "准备发言")
    leads = _opening(view, k, rng)
    parts: list[str] = []
    summary = k.claims_summary(lang)
    rivals = [s for s in k.seer_claims if s != view.seat and view.is_alive(s)]
    claim = _seer_reveal(view, k, rng, summary, rivals) if view.role == "seer" else None
    if claim is None and k.wolf:
        claim = _fake_seer_claim(view, k, rng, summary)
    if claim is not None:
        said, thought = claim
        return speak_plan(view, parts + said, thought, label, rng=rng, leads=leads)

    others = others_alive(view)
    target, why = vote_target(view, k, others)
    if k.wolf:
        thought = tr(
            lang,
            f"{summary} As a wolf I steer the talk to seat {target}: {why}.",
            f"{summary}我是狼，把矛头引向{target}号：{why}。",
        )
    else:
        suspects = k.explain(others, lang)
        thought = tr(lang, f"{summary} {_cap(suspects)}.", f"{summary}{suspects}。")
    liars = [
        c.seat
        for c in k.seer_claims.values()
        if c.reports.get(view.seat) and c.seat != view.seat and view.is_alive(c.seat)
    ]
    parts += _remarks(view, k, rng)
    if liars and not k.wolf:
        said, note = _rebut(view, k, rng, liars[0], target)
    elif liars:
        said, note = _deny(view, rng, liars, target)
    else:
        said, note = _point(view, k, rng, target, rivals, others)
    if not any(_DIGIT.search(x) for x in parts + said):
        # A speech that names no seat opens with one, so that two games never share it.
        leads = _opening(view, k, rng, seat=True)
    return speak_plan(view, parts + said, thought + note, label, rng=rng, leads=leads)


def _remarks(view: SeatView, k: Knowledge, rng: random.Random) -> list[str]:
    """A talkative seat's word on someone who spoke before it today: fair or evasive, as
    its suspicion says (a wolf praises its mates now and then, never too much)."""
    heard = _earlier(view, k)
    if not heard or rng.random() > 0.25 + 0.6 * k.temper.talk:
        return []
    t = rng.choice(heard)
    doubt = k.score.get(t, 0.0) > 0.3 or (k.wolf and t not in k.team and rng.random() < 0.5)
    key = "remark_doubt" if doubt else "remark_fair"
    return [say(key, view.lang, rng, t=_w(view, t), n=_name(view, t))]


def _earlier(view: SeatView, k: Knowledge) -> list[int]:
    """Living seats that spoke today before the one just before this seat (that one is
    named already where the speech opens: "after Hugo's speech")."""
    before = [s for s in k.spoke_today if s != view.seat]
    return [s for s in before[:-1] if view.is_alive(s)]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _seer_reveal(
    view: SeatView, k: Knowledge, rng: random.Random, summary: str, rivals: list[int]
) -> tuple[list[str], str] | None:
    """The seer comes out with every check once it found a wolf, claimed already, has a
    rival or was reported; on day 1 with only good checks, sometimes. None: not yet."""
    found = any(k.my_checks.values())
    accused = any(c.reports.get(view.seat) for c in k.seer_claims.values())
    # Most seers come out on day 1 (a bold one almost always) so a fake who claims later
    # the same day meets a counter-claim; a cautious one may wait a day.
    early = view.day == 1 and rng.random() < SEER_EARLY + 0.14 * k.temper.bold
    if not (k.my_checks and (found or view.seat in k.seer_claims or rivals or accused or early)):
        return None
    lang = view.lang
    return _seer_parts(view, k, rng, k.my_checks, rivals), tr(
        lang,
        f"{summary} I'm the seer, with checks {checks_text(k.my_checks, lang)}; I reveal them now"
        f"{' and call out the fake' if rivals else ''}.",
        f"{summary}我是预言家，查验{checks_text(k.my_checks, lang)}，现在全部报出"
        f"{'，并和假预言家对跳' if rivals else ''}。",
    )


def _fake_seer_claim(
    view: SeatView, k: Knowledge, rng: random.Random, summary: str
) -> tuple[list[str], str] | None:
    """A wolf's fake seer claim, with a made-up result, when the pack's plan calls for it."""
    mode = should_fake_claim(view, k, rng)
    if mode is None:
        return None
    mine = dict(k.seer_claims[view.seat].reports) if view.seat in k.seer_claims else {}
    new = fake_report(view, k, rng)
    if new is not None:
        mine[new[0]] = new[1]
    if not mine:
        return None
    lang = view.lang
    real = [s for s in k.real_seers() if s != view.seat]
    return _seer_parts(view, k, rng, mine, real), tr(
        lang,
        f"{summary} I'm a wolf faking the seer ({FAKE_WHY[mode][0]}). "
        f"Made-up results {checks_text(mine, lang)}; countering {seats_text(real, lang) or 'nobody'}.",
        f"{summary}我是狼，悍跳预言家（{FAKE_WHY[mode][1]}），编造查验{checks_text(mine, lang)}，"
        f"对跳{seats_text(real, lang) or '无'}。",
    )


def _rebut(
    view: SeatView, k: Knowledge, rng: random.Random, liar: int, target: int | None
) -> tuple[list[str], str]:
    """A good player a seer claim reported as a wolf: it says who it is and calls the lie."""
    lang, role = view.lang, view.role
    said: list[str] = []
    if role == "hunter" and target is not None:
        said.append(say("hunter_claim", lang, rng, t=_w(view, liar)))
    elif role == "witch":
        said.append(say("witch_claim", lang, rng, x=_witch_news(view, k, rng)))
        said.append(say("doubt_seer", lang, rng, s=_w(view, liar), n=_name(view, liar)))
    else:
        said.append(say("villager_accused", lang, rng, s=_w(view, liar)))
    return said, tr(
        lang,
        f" Seat {liar} reported me as a wolf, and I know I'm good: they are lying, and I say so.",
        f"{liar}号给我发查杀，可我是好人，他在说谎，我要揭穿。",
    )


def _deny(
    view: SeatView, rng: random.Random, liars: list[int], target: int | None
) -> tuple[list[str], str]:
    """A wolf reported by a seer and not counter-claiming: it passes for a villager and
    calls the report a lie."""
    lang = view.lang
    said: list[str] = []
    if rng.random() < 0.6:
        said.append(say("villager_accused", lang, rng, s=_w(view, liars[0])))
    else:
        said.append(say("defend", lang, rng))
        if target is not None:
            said.append(say("suspect", lang, rng, t=_w(view, target), n=_name(view, target), x=""))
    return said, tr(
        lang,
        f" Seat {liars[0]} reported me, rightly; I deny it and call them a liar.",
        f"{seats_text(liars, lang)}给我发了查杀，我要咬死不认。",
    )


def _point(
    view: SeatView,
    k: Knowledge,
    rng: random.Random,
    target: int | None,
    rivals: list[int],
    others: list[int],
) -> tuple[list[str], str]:
    """Whom the seat points at: the believed seer's wolf, its top suspect with the reason,
    on day 1 sometimes a hunch, or nothing to say yet."""
    lang = view.lang
    b = k.believed
    if target is None:
        return [say("no_info", lang, rng, n=_name(view, view.seat))], ""
    said: list[str] = []
    fight = [r for r in rivals if r != b]
    if b is not None and not k.wolf and fight:
        notes = [n for n in k.cred[b][1]] + [n for r in fight for n in k.cred[r][1]]
        if notes:
            said.append(say("side_seer", lang, rng, s=_w(view, b), x=rng.choice(notes)))
        else:
            said.append(say("doubt_seer", lang, rng, s=_w(view, fight[0]), n=_name(view, fight[0])))
    if view.role == "witch" and fight and k.saved and rng.random() < 0.4 + 0.5 * k.temper.bold:
        said.insert(0, say("witch_claim", lang, rng, x=_witch_news(view, k, rng)))
    if b is not None and not k.wolf and k.seer_claims[b].reports.get(target):
        said.append(
            say("follow_seer", lang, rng, s=_w(view, b), t=_w(view, target), n=_name(view, target))
        )
        return said, ""
    if said:
        return said + [_suspect(view, k, rng, target)], ""
    if k.score.get(target, 0.0) > 0.5 or (k.wolf and view.day > 1):
        return [_suspect(view, k, rng, target)], ""
    if view.day == 1 and others and rng.random() < GUT_FEELING + 0.3 * k.temper.talk:
        gut = rng.choice([s for s in others if s not in k.team] or others)
        extra = [say("good_card", lang, rng)] if rng.random() < k.temper.talk * 0.5 else []
        return [say("gut", lang, rng, t=_w(view, gut), n=_name(view, gut)), *extra], tr(
            lang,
            f" No evidence yet, so I voice a hunch about seat {gut} to see how they react.",
            f"还没有证据，先点一下{gut}号，看看他的反应。",
        )
    # With nothing to say, say it in a way of one's own: a word on an earlier speaker
    # (by name) or on one's own side, so quiet speeches don't repeat across games.
    heard = _earlier(view, k)
    if heard and rng.random() < 0.7:
        t = rng.choice(heard)
        key = "remark_doubt" if rng.random() < 0.4 else "remark_fair"
        extra = [say(key, lang, rng, t=_w(view, t), n=_name(view, t))]
    else:
        extra = [say("good_card", lang, rng)] if rng.random() < 0.6 else []
    return [say("no_info", lang, rng, n=_name(view, view.seat)), *extra], ""


def _witch_news(view: SeatView, k: Knowledge, rng: random.Random) -> str:
    """What the witch says of her antidote when she comes out."""
    if k.saved:
        return say("witch_saved", view.lang, rng, t=_w(view, k.saved))
    return say("witch_none", view.lang, rng)


def _suspect(view: SeatView, k: Knowledge, rng: random.Random, target: int) -> str:
    """Says "I suspect seat N", with the strongest kind of evidence against them."""
    key = _reason_key(k, target)
    reporter = k.reporter(target)
    if key == "reported" and reporter is None:
        key = "gut"
    x = reason(key, view.lang, s=_w(view, reporter) if reporter else "")
    return say("suspect", view.lang, rng, t=_w(view, target), n=_name(view, target), x=x)


def _reason_key(k: Knowledge, target: int) -> str:
    if k.wolf and k.reporter(target) is not None:
        return "reported"
    tags = k.tags.get(target, set())
    for key in ("reported", "counter", "voted_seer", "with_wolf", "accused_seer"):
        if key in tags:
            return key
    return "gut"


def pk_speak(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "PK speech", "PK发言")
    rivals_pk = [s for s in k.pk if s != view.seat and view.is_alive(s)]
    pool = [s for s in rivals_pk if s not in k.team] or others_alive(view)
    target, why = vote_target(view, k, pool)
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
            parts.append(say("witch_claim", lang, rng, x=_witch_news(view, k, rng)))
        elif view.role == "villager" or (
            k.wolf and view.seat not in k.seer_claims and rng.random() < 0.5
        ):
            parts.append(say("villager_claim", lang, rng))
        parts.append(say("pk", lang, rng, t=_w(view, target)))
    return speak_plan(
        view,
        parts,
        tr(
            lang,
            f"I'm in the PK. I point at seat {target}: {why}.",
            f"我在PK台上，指向{target}号：{why}。",
        ),
        label,
        rng=rng,
    )


def last_words(view: SeatView, d: Decision, rng: random.Random, k: Knowledge) -> Plan:
    lang = view.lang
    label = tr(lang, "last words", "遗言")
    parts: list[str] = []
    others = others_alive(view)
    if view.role == "seer" and k.my_checks:
        parts.append(say("seer_report", lang, rng, r=results_text(k.my_checks, lang)))
        thought = tr(
            lang,
            f"I'm the seer, leaving: revealing every check {checks_text(k.my_checks, lang)}.",
            f"我是预言家，出局前报出全部查验{checks_text(k.my_checks, lang)}。",
        )
        return speak_plan(view, parts, thought, label, rng=rng)
    if k.wolf and view.seat in k.seer_claims and k.seer_claims[view.seat].reports:
        reports = k.seer_claims[view.seat].reports
        parts.append(say("seer_report", lang, rng, r=results_text(reports, lang)))
        return speak_plan(
            view,
            parts,
            tr(
                lang,
                "A wolf to the end: repeating my fake seer reports.",
                "狼人到最后：重复我编造的查验。",
            ),
            label,
        )
    target, why = vote_target(view, k, others)
    pointed = tr(lang, f"I point at seat {target}: {why}.", f"我指向{target}号：{why}。")
    if view.role == "witch":
        parts.append(say("witch_claim", lang, rng, x=_witch_news(view, k, rng)))
    elif view.role == "hunter" and view.seat in k.exiled:
        # The shot is decided here, once: these words say it, ``strategy.shoot`` fires it.
        shot, decided = hunter_shot(view, k, others)
        if shot is None:
            parts.append(say("hunter_holding", lang, rng))
            pointed = tr(lang, f"{decided} {pointed}", f"{decided}{pointed}")
        else:
            parts.append(say("hunter_leaving", lang, rng, t=_w(view, shot)))
            target, pointed = shot, decided
    if target is not None and (k.score.get(target, 0.0) > 0 or k.wolf):
        parts.append(say("last_words", lang, rng, t=_w(view, target), n=_name(view, target)))
    if not parts:
        parts.append(say("last_words_none", lang, rng))
    summary = k.claims_summary(lang)
    return speak_plan(
        view,
        parts,
        tr(lang, f"I'm leaving the game. {summary} {pointed}", f"我出局了。{summary}{pointed}"),
        label,
        rng=rng,
    )


__all__ = ["join", "last_words", "pk_speak", "speak", "speak_plan", "wolf_chat"]
