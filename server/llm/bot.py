"""The LLM bot: one DSPy program per decision, streamed token by token, never stalling the game.

For each decision: write the seat's briefing, call the decision's program, and route
the answer's fields as they stream (``reasoning`` → the seat's thought, god-only;
``speech`` → the speech's own audience). The answer is checked against the legal
options; an illegal or unparseable one gets one retry, with the reason, and then the
built-in bot's choice. A call that fails outright (refused, stalled, cut off,
malformed) falls back at once, with an ``error`` event naming the seat and the cause.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter, OrderedDict
from typing import Literal, cast

import dspy
from dspy.utils.exceptions import AdapterParseError

from server.bots.base import SPEECH_KINDS, Plan, Turn
from server.bots.claims import parse_claims
from server.bots.kinds import get_bot
from server.game.state import MAX_SPEECH_CHARS, Action, Decision
from server.game.view import SeatView
from server.game.visibility import PUBLIC_DECISIONS
from server.typewriter import Typewriter
from shared.events import (
    GOD,
    PUBLIC,
    Error,
    SpeechEnd,
    SpeechStart,
    ThoughtEnd,
    ThoughtStart,
    ThoughtToken,
    Token,
)
from shared.text import Cleaner, clean

from .answers import TolerantAdapter, format_note
from .briefing import briefing
from .calls import CallRecord
from .endpoints import DEFAULT, endpoint_settings
from .fields import MarkerScrub
from .programs import PROGRAMS, IllegalAnswer, to_action, typed
from .settings import LLMSettings, SettingsError
from .stream import CURRENT, CallFailed, CallScope, NoSyncEngine, OpenAIEngine

_models: dict[tuple[LLMSettings, asyncio.AbstractEventLoop], tuple[dspy.LM, OpenAIEngine]] = {}


def language_model(settings: LLMSettings) -> dspy.LM:
    """One LM per configuration and event loop (its HTTP pool belongs to the loop that
    opened it): our streaming engine, with DSPy's cache and retries off."""
    key = (settings, asyncio.get_running_loop())
    if key not in _models:
        engine = OpenAIEngine(settings)
        # Sampling settings stay with the engine, which knows each model family's
        # (DSPy refuses a temperature for OpenAI's reasoning models before any call).
        lm = dspy.LM(
            f"openai/{settings.model}",
            engine=NoSyncEngine(),
            async_engine=engine,
            cache=False,
            num_retries=0,
        )
        _models[key] = (lm, engine)
    return _models[key][0]


async def close_models() -> None:
    """Close the HTTP pools this event loop opened (before the loop itself closes)."""
    loop = asyncio.get_running_loop()
    for key in [k for k in _models if k[1] is loop]:
        await _models.pop(key)[1].aclose()


_limits: dict[tuple[str, str, int, asyncio.AbstractEventLoop], asyncio.Semaphore] = {}


def _limit(settings: LLMSettings) -> asyncio.Semaphore:
    """The bound on calls in flight to one endpoint (one semaphore per event loop)."""
    key = (settings.base_url, settings.model, settings.concurrency, asyncio.get_running_loop())
    if key not in _limits:
        for stale in [k for k in _limits if k[-1].is_closed()]:
            del _limits[stale]
        _limits[key] = asyncio.Semaphore(settings.concurrency)
    return _limits[key]


class Streamer:
    """Routes one decision's streamed fields to the game: thought to god, speech to its hearers."""

    def __init__(self, tw: Typewriter, d: Decision, label: str) -> None:
        self.tw, self.d, self.label = tw, d, label
        self.speaks = d.action in SPEECH_KINDS
        self.thinking = False
        self.spoken = ""  # what the speech's audience has heard so far
        self.mute = False  # set for a retry once a speech has been heard
        # The model's words reach other people's terminals: no escape sequence, control or
        # bidi character passes, even one cut in two between tokens (shared/text.py).
        self.thought_text = Cleaner(one_line=False)
        self.speech_text = Cleaner(one_line=True)
        self.unmarked = MarkerScrub()  # a field marker inside a speech is never heard

    @property
    def full(self) -> bool:
        """The speech has reached its cap: nothing more of it would be heard."""
        return self.speaks and len(self.spoken) >= MAX_SPEECH_CHARS - 1

    def begin(self) -> None:
        """Show the seat thinking from the moment its call starts (a model may take seconds
        to its first token)."""
        if not self.thinking:
            self.thinking = True
            self.tw.write(ThoughtStart(seat=self.d.seat, label=self.label, vis=GOD))

    def on_token(self, field: str, text: str) -> None:
        if field == "reasoning":
            self.begin()
            self.think(self.thought_text.feed(text))
        elif field == "speech" and self.speaks and not self.mute:
            self.end_thought()
            self.say(self.speech_text.feed(self.unmarked.feed(text)))

    def think(self, text: str) -> None:
        if text:
            self.tw.write(ThoughtToken(seat=self.d.seat, content=text, vis=GOD))

    def say(self, text: str) -> None:
        seat, vis = self.d.seat, self.d.channel or PUBLIC
        room = MAX_SPEECH_CHARS - len(self.spoken)
        if len(text) > room:  # the cap: what is heard is what the game records
            text = text[:room].rstrip()
        if not text:
            return
        if not self.spoken:
            self.tw.write(SpeechStart(seat=seat, kind=SPEECH_KINDS[self.d.action], vis=vis))
        self.spoken += text
        self.tw.write(Token(seat=seat, content=text, vis=vis))

    def finish(self) -> None:
        """The call is over: what the cleaners held back (the start of an escape sequence
        that never ended) is cleaned as the end of the text, and the thought ends."""
        rest = self.thought_text.flush()
        if self.thinking:
            self.think(rest)
        rest = self.speech_text.feed(self.unmarked.flush()) + self.speech_text.flush()
        if self.spoken and not self.mute:
            self.say(rest)
        self.end_thought()
        self.tw.flush()  # the tokens the typewriter holds for its next tick go out now

    def end_thought(self) -> None:
        if self.thinking:
            self.thinking = False
            self.tw.write(ThoughtEnd(seat=self.d.seat, vis=GOD))


def _failure(error: BaseException | None) -> CallFailed | None:
    """Our CallFailed, wherever DSPy wrapped it."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, CallFailed):
            return error
        error = error.__cause__ or error.__context__
    return None


async def llm_bot(
    view: SeatView,
    d: Decision,
    turn: Turn,
    settings: LLMSettings | None = None,
    endpoint: str = DEFAULT,
) -> Plan:
    record = turn.record or (lambda _call: None)
    streamer = Streamer(turn.typewriter, d, PROGRAMS[d.action].label(view.lang))
    try:
        settings = settings or endpoint_settings(endpoint)
    except SettingsError as e:  # e.g. a game recovered on a server started without a model
        return await _fall_back(view, d, turn, streamer, "no model configured", str(e))
    if d.action == "wolf_kill" and (vote := _voted_in_talk(view, d)) is not None:
        return vote
    if d.action == "vote" and (vote := _voted_in_speech(view, d, turn.game)) is not None:
        return vote
    program = PROGRAMS[d.action]
    signature = typed(program, d)
    if "vote" in signature.output_fields:  # a day speech says whom it will vote for
        others = tuple(str(s) for s in view.living() if s != d.seat) + ("abstain",)
        signature = signature.with_updated_fields("vote", type_=cast(type, Literal[others]))
    adapter = TolerantAdapter(names=view.names)
    brief = base = briefing(view, d)
    cause = detail = ""
    for attempt in (1, 2):
        scope = CallScope(
            on_token=streamer.on_token,
            fields=list(signature.output_fields),
            enough=lambda: streamer.full,
        )
        call = CallRecord(
            seat=d.seat,
            decision=d.action,
            day=view.day,
            phase=view.phase,
            attempt=attempt,
            model=settings.model,
            endpoint=settings.name,
        )
        token = CURRENT.set(scope)
        streamer.begin()
        try:
            async with _limit(settings):
                with dspy.context(lm=language_model(settings), adapter=adapter):
                    prediction = await dspy.Predict(signature).acall(
                        briefing=brief, language=view.lang
                    )
            action = to_action(d, program, prediction)
        except Exception as e:  # noqa: BLE001 - any failure must end in a decision
            CURRENT.reset(token)
            failed = _failure(e)
            cause, detail = (failed.cause, failed.detail) if failed else _reason(e)
            if failed is None and scope.attempt and scope.attempt.finish == "length":
                cause = "the answer hit the token limit before it was complete"
                detail = (
                    f"{cause} (WEREWOLF_LLM_MAX_TOKENS + WEREWOLF_LLM_REASONING_TOKENS): {detail}"
                )
            cause, detail = clean(cause), clean(detail)  # they quote the model's answer
            _fill(call, scope, settings, error=detail)
            record(call)
            streamer.finish()
            if streamer.spoken and streamer.speaks:  # cut mid-speech: the words stand
                action = Action(seat=d.seat, kind="speak", text=streamer.spoken)
                return Plan(action=action, streamed=True, label=program.label(view.lang))
            if failed is None and attempt == 1:  # unparseable or illegal: one more try
                streamer.mute = bool(streamer.spoken)
                brief = (
                    base
                    + f"\n\nNOTE: your previous answer was refused ({detail[:160]}). "
                    + format_note(signature)
                )
                streamer.label = program.label(view.lang) + (
                    "（重试）" if view.lang == "zh" else " (again)"
                )
                continue
            break
        CURRENT.reset(token)
        streamer.finish()
        if streamer.speaks:  # the speech as its audience heard it, never spoken twice
            action = action.model_copy(update={"text": await _spoken(streamer, action.text)})
        if prediction.get("vote") and action.text:
            _remember_vote(turn.game, d.seat, view.day, action.text, prediction.vote)
        _fill(call, scope, settings, parsed=action.model_dump(exclude_none=True))
        record(call)
        return Plan(action=action, streamed=True, label=program.label(view.lang))
    return await _fall_back(view, d, turn, streamer, cause, detail)


# Whom each seat said it would vote for with today's speech, by game and by the speech as
# the rules recorded it (so a vote is matched to the speech its own view holds; a restarted
# server has forgotten, and asks the model). By game: two games at one server can hear the
# same words from the same seat on the same day (the same seeds and model, or a short "no
# news"), and one's vote must never be cast in the other. Bounded: a vote is called
# minutes after its speech.
_intents: OrderedDict[tuple[str, int, int, str], str] = OrderedDict()
MAX_INTENTS = 4096


def _remember_vote(game: str, seat: int, day: int, speech: str, vote: str) -> None:
    _intents[(game, seat, day, speech)] = vote
    while len(_intents) > MAX_INTENTS:
        _intents.popitem(last=False)


def _voted_in_speech(view: SeatView, d: Decision, game: str) -> Plan | None:
    """The vote this seat announced with its speech today in ``game``, if it is still legal
    and no later speech today brought news bearing on it (then the model is asked again)."""
    today = [
        e
        for e in view.events
        if isinstance(e, SpeechEnd) and e.kind == "day" and e.day == view.day and e.text
    ]
    own = [i for i, e in enumerate(today) if e.seat == d.seat]
    said = _intents.get((game, d.seat, view.day, today[own[-1]].text)) if own else None
    if said is None:
        return None
    if _news_since(today[own[-1] + 1 :], d.seat, said):
        return None
    zh = view.lang == "zh"
    label = "投票" if zh else "casting my vote"
    if said == "abstain" and d.can_skip:
        thought = "按我发言说的：弃票。" if zh else "As I said in my speech: I abstain."
        return Plan(action=d.pass_action(), thought=thought, label=label)
    if not said.isdigit() or int(said) not in d.options:
        return None
    seat = int(said)
    thought = f"按我发言说的：投{seat}号。" if zh else f"As I said in my speech: seat {seat}."
    return Plan(action=Action(seat=d.seat, kind="vote", target=seat), thought=thought, label=label)


def _news_since(later: list[SpeechEnd], seat: int, said: str) -> bool:
    """Did a speech after this seat's own claim a role or report a check on the seat it
    said it would vote for, or on this seat? (Hard news a vote said earlier never heard;
    mere accusations are in every speech and do not count.)"""
    concerned = {seat} | ({int(said)} if said.isdigit() else set())
    for e in later:
        for c in parse_claims(e.text):
            if (c.kind == "role" and e.seat in concerned) or c.target in concerned:
                return True
    return False


_LITERAL_REFUSED = re.compile(
    r"Failed to parse field (\w+) with value (.*?) from the LM "
    r"response\. Error message: 1 validation error for literal",
    re.S,
)


def _voted_in_talk(view: SeatView, d: Decision) -> Plan | None:
    """The kill this wolf proposed in its own talk tonight, if the pack's proposals agree
    with it: the wolves' discussion and kill are one program, so an agreed kill costs no
    second call. A wolf the pack's proposals went against decides again, having heard them.
    The proposals are the wolves' channel in the seat's view (``SpeechEnd.target``)."""
    tonight = {
        e.seat: e.target
        for e in view.events
        if isinstance(e, SpeechEnd)
        and e.kind == "wolf_chat"
        and e.day == view.day
        and e.target is not None
    }
    mine = tonight.get(d.seat)
    if mine is None or mine not in d.options:
        return None
    counts = Counter(tonight.values())
    if counts[mine] < max(counts.values()):
        return None
    zh = view.lang == "zh"
    return Plan(
        action=Action(seat=d.seat, kind="kill", target=mine),
        thought=f"按我对狼队说的：刀{mine}号。" if zh else f"As I told the pack: seat {mine}.",
        label="投刀" if zh else "casting my kill vote",
    )


def _reason(e: Exception) -> tuple[str, str]:
    """(why, in words safe for the table; the same with the model's answer, for the record)."""
    if isinstance(e, IllegalAnswer):
        return "illegal answer", f"illegal answer: {e}"
    if isinstance(e, AdapterParseError) and "legal option" in str(e):
        return "illegal answer", f"illegal answer: {_first_line(e)}"
    m = _LITERAL_REFUSED.search(str(e))
    if m:  # DSPy's parser refused a choice outside the options
        return "illegal answer", (
            f"illegal answer: {m.group(1)} {m.group(2).strip()[:80]!r} is not a legal option"
        )
    return "unparseable answer", f"unparseable answer: {_first_line(e)[:300]}"


def _first_line(e: Exception) -> str:
    """The message that says what is wrong (DSPy puts the model's answer first)."""
    if isinstance(e, AdapterParseError) and getattr(e, "message", None):
        return str(e.message).splitlines()[0]
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def _fill(record: CallRecord, scope: CallScope, settings: LLMSettings, **fields) -> None:
    a = scope.attempt
    if a is not None and settings.price_in is not None and settings.price_out is not None:
        record.cost = (a.tokens_in * settings.price_in + a.tokens_out * settings.price_out) / 1e6
    if a is not None:
        record.prompt, record.raw, record.thinking = a.prompt, a.raw, a.thinking
        record.tokens_in, record.tokens_out = a.tokens_in, a.tokens_out
        record.tokens_estimated, record.finish = a.estimated, a.finish
        record.ttft, record.total, record.retries = a.ttft, round(a.total, 4), a.retries
    for k, v in fields.items():
        setattr(record, k, v)


async def _spoken(streamer: Streamer, text: str | None) -> str:
    """The speech as its audience heard it; streamed now if nothing was (it never repeats)."""
    if streamer.spoken:
        return streamer.spoken
    text = (text or "")[:MAX_SPEECH_CHARS]
    await streamer.tw.speech(
        streamer.d.seat, SPEECH_KINDS[streamer.d.action], streamer.d.channel or PUBLIC, text
    )
    return text


async def _fall_back(
    view: SeatView, d: Decision, turn: Turn, streamer: Streamer, cause: str, detail: str
) -> Plan:
    """The built-in bot decides; the table learns that the model failed, and why."""
    plan = await get_bot("builtin")(view, d, turn)
    tw = turn.typewriter
    # a night job's error would out a role (the seer, the witch, the guard, a wolf)
    vis = PUBLIC if d.action in PUBLIC_DECISIONS else GOD
    tw.write(
        Error(
            message=f"seat {d.seat}: the model failed ({cause}); the built-in bot decided instead",
            seat=d.seat,
            vis=vis,
        )
    )
    await tw.thought(
        d.seat,
        "内置机器人（兜底）" if view.lang == "zh" else "built-in bot (fallback)",
        plan.thought,
    )
    action = plan.action
    if streamer.spoken:  # cut off mid-speech: what was heard stands as the speech
        action = Action(seat=d.seat, kind="speak", text=streamer.spoken)
    elif streamer.speaks and action.kind == "speak":
        await tw.speech(d.seat, SPEECH_KINDS[d.action], d.channel or PUBLIC, action.text or "")
    if turn.record is not None:
        turn.record(
            CallRecord(
                seat=d.seat,
                decision=d.action,
                day=view.day,
                phase=view.phase,
                attempt=0,
                fallback=True,
                error=detail,
                parsed=action.model_dump(exclude_none=True),
            )
        )
    return Plan(action=action, thought=plan.thought, label=plan.label, streamed=True, fallback=True)
