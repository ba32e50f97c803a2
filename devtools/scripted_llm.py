"""A scripted, OpenAI-compatible chat-completions server for tests, benchmarks and offline demos.

It speaks the real wire protocol (FastAPI + uvicorn) but answers from a script instead of a
model: it reads the *last user message* of a DSPy prompt, finds the output fields it asks for and
answers them.  Both DSPy adapters are understood:

* ChatAdapter -- "Respond with the corresponding output fields, starting with the field
  `[[ ## reasoning ## ]]`, then `[[ ## target ## ]]` (must be formatted as a valid Python
  Literal['3', '5', 'abstain']), and then ending with the marker for `[[ ## completed ## ]]`."
  is answered with ``[[ ## reasoning ## ]]`` ... ``[[ ## completed ## ]]`` sections;
* JSONAdapter (DSPy's fallback when a ChatAdapter answer fails to parse) -- "Respond with a JSON
  object in the following order of fields: `reasoning`, then `target` (...)." is answered with a
  JSON object.

A prompt without either instruction gets a plain one-paragraph table speech.

Answers are deterministic per prompt: a ``random.Random`` is seeded with the sha256 of the whole
``messages`` list.  Literal fields get one of their options (preferring anything but
none/abstain/pass/skip when there is a choice); ``int``/``float``/``bool``/``list``/``dict``
fields get a value of that type; text fields get werewolf-table prose -- a field named like
``reasoning`` gets private reasoning, anything else (``speech`` ...) a public speech of 1-3
sentences naming a seat.  When the input field ``language`` is ``zh`` the prose is Chinese.

Token usage is an approximation, not a tokenizer: ``prompt_tokens = ceil(chars / 4)`` over the
concatenated contents of all messages and ``completion_tokens = ceil(chars / 4)`` over the answer.

Wire protocol
-------------
``GET /v1/models``; ``POST /v1/chat/completions`` with ``stream`` false (one ``chat.completion``
JSON with ``usage``) or true (``text/event-stream``: a role chunk, the answer in ~4-character
chunks, a chunk with ``finish_reason: "stop"``, a usage chunk with ``choices: []`` when
``stream_options.include_usage`` is set, then ``data: [DONE]``).  Errors use OpenAI's body
``{"error": {"message", "type", "param", "code"}}``: 400 for a bad body, 401 for a missing or wrong
``Authorization: Bearer`` key (only when the server has an ``api_key``), 404 ``model_not_found``.
``latency`` delays the response (headers and first chunk); ``chunk_delay`` spaces the chunks.

Scripted faults
---------------
``POST /_script`` ``{"behaviors": [...]}`` appends behaviors, ``POST /_reset`` clears behaviors and
the call log, ``GET /_calls`` lists the recorded chat requests.  The first pending behavior whose
``match`` (a substring of the concatenated message contents; absent = any request) fits a request
applies to it; ``times`` (default 1, ``null`` = forever) counts down.  Kinds:

``fail``       ``status`` (default 500), optional ``retry_after`` (seconds, sent as ``Retry-After``),
               ``message``, ``code``, ``type``: an OpenAI-style error response.
``disconnect`` ``after_chunks`` (default 3): the connection is dropped mid-stream.  Not streaming:
               status line and headers are sent, then the connection is dropped.
``stall``      ``after_chunks`` (default 3), ``seconds`` (default 30): pause, then carry on.
               Not streaming: the whole response is late by ``seconds``.
``truncate``   ``after_chunks`` (default 3): ``data: [DONE]`` follows without any chunk ever
               carrying a ``finish_reason``.  Not streaming: the first half of the JSON body.
``malformed``  ``after_chunks`` (default 3): then ``data: {not json`` and the stream ends.
               Not streaming: a ``200 application/json`` body ``{not json``.
``reply``      ``text``: answer exactly this text.
``illegal``    the usual answer with ``"99"`` (or ``"-1"``) in every Literal field.
``inject``     ``text``: the usual (legal) answer with ``text`` at the start of every text
               field (``reasoning``, ``speech``...): hostile model output, e.g. escape sequences.
``delay``      ``seconds`` (default 1): extra latency before the response.

Model styles (the forms real models answer in; use ``times: null`` for a whole game):

``reasoning``  ``words`` (default 300), ``field`` (``reasoning_content``, or ``reasoning``):
               that much thinking streams in the delta's reasoning field before the answer.
``think``      ``words`` (default 300), ``draft`` (bool): ``<think>…</think>`` in the content
               first; with ``draft``, the think block holds a whole draft answer in the
               marker format (target ``99``, speech :data:`DRAFT`).
``json``       the fields as a fenced JSON object.
``bold``       ``**Reasoning:** …``, ``**Target:** 3``, ``**Speech:** …`` lines.
``names``      ``style``: ``seat`` ("Seat 3"), ``hash`` ("#3"), ``hao`` ("3号") or ``name``
               (the player's name, read from the prompt): how a seat choice is written.
``long``       ``chars`` (default 4000): every public text field that long.
``marker``     every public text field carries a marker line ``[[ ## target ## ]] 1`` and a
               mid-line ``[[ ## completed ## ]]`` (an echoed prompt injection).

The server honours ``max_tokens`` (and ``max_completion_tokens``): thinking and answer together
past it end the stream with ``finish_reason: "length"``. ``interrupt=True`` (``--interrupt``)
is llama-cpp-python's default: a request arriving while a stream runs ends that stream with
``data: [DONE]`` and no finish reason.

``after_chunks`` counts ``data:`` events, the first (role-only) chunk included; it is capped so that
the fault always happens before ``[DONE]`` (and, for ``truncate``, before the finish chunk).

Use in-process (``with ScriptedLLM() as llm: ... llm.base_url``; ``llm.script(...)``,
``llm.reset()``, ``llm.calls()``) or from the command line::

    python -m devtools.scripted_llm --port 8901 [--host 127.0.0.1] [--model scripted]
        [--latency 0.0] [--chunk-delay 0.0] [--api-key KEY]
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import copy
import hashlib
import json
import logging
import math
import random
import re
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

__all__ = ["FAULT_KINDS", "ScriptedLLM", "compose_answer", "main", "parse_output_fields"]

FAULT_KINDS = frozenset(
    {"fail", "disconnect", "stall", "truncate", "malformed", "reply", "illegal", "inject", "delay"}
    | {"reasoning", "think", "json", "bold", "names", "long", "marker"}
)
# The forms real models answer in (see "Model styles" in the module's docstring).
_FORMS = frozenset({"think", "json", "bold", "names", "long", "marker"})
DRAFT = "DRAFT I am secretly on the wolf team, do not say this"
_STREAM_FAULTS = frozenset({"disconnect", "stall", "truncate", "malformed"})
_PASSIVE_OPTIONS = frozenset({"none", "abstain", "pass", "skip", "no one", "nobody"})


# --------------------------------------------------------------------------------------------
# Prompt parsing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputField:
    """One requested output field: ``kind`` is text/literal/int/float/bool/list/dict."""

    name: str
    kind: str = "text"
    options: tuple[Any, ...] = ()


_CHAT_SPEC = re.compile(
    r"Respond with the corresponding output fields, starting with the field (.*?),? and then "
    r"ending with the marker for `\[\[ ## completed ## \]\]`",
    re.S,
)
_JSON_SPEC = re.compile(r"Respond with a JSON object in the following order of fields: (.*)", re.S)
_CHAT_MARKER = re.compile(r"`\[\[ ## (\w+) ## \]\]`")
_JSON_MARKER = re.compile(r"`(\w+)`")
_TYPE_INFO = re.compile(
    r"\s*\(must (?:be formatted as a valid Python (.*)|be a JSON object.*)\)\s*", re.S
)


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # multi-part content: keep the text parts
        return "\n".join(
            str(p.get("text", "")) for p in content if isinstance(p, dict) and "text" in p
        )
    return "" if content is None else str(content)


def _last_user_text(messages: list[dict[str, Any]]) -> str:
    for m in reversed(messages):
        if isinstance(m, dict) and m.get("role") == "user":
            return _content_text(m.get("content"))
    return ""


def _field_from_type(name: str, type_info: str) -> OutputField:
    m = _TYPE_INFO.fullmatch(type_info)
    annotation = (m.group(1) or "").strip() if m else ""
    if annotation.startswith("Literal[") and annotation.endswith("]"):
        try:
            options = ast.literal_eval("[" + annotation[len("Literal[") : -1] + "]")
        except (ValueError, SyntaxError):
            return OutputField(name)
        if options:
            return OutputField(name, "literal", tuple(options))
        return OutputField(name)
    simple = {"int": "int", "float": "float", "bool": "bool"}
    if annotation in simple:
        return OutputField(name, simple[annotation])
    if annotation.lower().startswith(("list[", "tuple[", "set[")) or annotation == "list":
        return OutputField(name, "list")
    if annotation.lower().startswith("dict[") or annotation == "dict":
        return OutputField(name, "dict")
    return OutputField(name)


def _split_spec(spec: str, marker: re.Pattern[str]) -> list[OutputField]:
    found = list(marker.finditer(spec))
    fields = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(spec)
        between = spec[m.end() : end].rstrip()
        if between.endswith(", then"):
            between = between[: -len(", then")]
        fields.append(_field_from_type(m.group(1), between.rstrip(" .")))
    return fields


def parse_output_fields(text: str) -> tuple[str | None, list[OutputField]]:
    """The adapter style (``"chat"``, ``"json"`` or None) and output fields a prompt asks for."""
    chat = list(_CHAT_SPEC.finditer(text))
    if chat:
        return "chat", _split_spec(chat[-1].group(1), _CHAT_MARKER)
    idx = text.rfind("Respond with a JSON object in the following order of fields: ")
    if idx >= 0:
        m = _JSON_SPEC.match(text, idx)
        if m:
            spec = m.group(1).strip()
            return "json", _split_spec(spec[:-1] if spec.endswith(".") else spec, _JSON_MARKER)
    return None, []


def _input_value(text: str, name: str) -> str | None:
    m = re.search(
        r"\[\[ ## " + re.escape(name) + r" ## \]\]\s*\n(.*?)(?=\n\s*\[\[ ## |\Z)", text, re.S
    )
    return m.group(1).strip() if m else None


def _is_chinese(text: str) -> bool:
    lang = (_input_value(text, "language") or "").strip().lower()
    return lang.startswith("zh") or "chinese" in lang or "中文" in lang


# --------------------------------------------------------------------------------------------
# Answer composition
# --------------------------------------------------------------------------------------------

_EN_PRIVATE = [
    "Seat {s} was quiet; I lean on them.",
    "Seat {s} followed the last vote without giving a reason, which feels like a wolf steering.",
    "My read on seat {a} is village, so the pressure should go to seat {s}.",
    "The night result makes the most sense if seat {s} is lying about their role.",
    "Seat {a} defended seat {s} far too quickly; that pair looks coordinated.",
    "I have no hard information, so I weigh tone: seat {s} sounded rehearsed.",
    "If I am wrong about seat {s}, we lose a villager, but waiting costs us more.",
    "Seat {s} kept changing the subject whenever their own vote came up.",
]
_EN_PUBLIC = [
    "I want to hear from seat {s} before we vote.",
    "Seat {s}, your story changed since yesterday; please explain the gap.",
    "I am a plain villager, and I think seat {s} is our best lead today.",
    "Let's not split the vote; I am putting mine on seat {s}.",
    "Seat {a} made a fair point, but I still suspect seat {s}.",
    "Nobody has claimed a role yet, so watch how seat {s} reacts to pressure.",
]
_ZH_PRIVATE = [
    "{s}号一直很安静，我倾向于怀疑他。",
    "{s}号上一轮跟票跟得太快，却没有给出理由，像是狼人在带节奏。",
    "我认为{a}号是好人，所以今天的压力应该给到{s}号。",
    "如果{s}号在谎报身份，昨晚的结果就完全说得通了。",
    "{a}号替{s}号辩护得太急，这两个人像是一伙的。",
    "我没有硬信息，只能看发言状态：{s}号的发言像是提前准备好的。",
    "就算我看错了{s}号，损失一个好人，也比继续拖下去强。",
    "每次提到{s}号自己的投票，他都在转移话题。",
]
_ZH_PUBLIC = [
    "我想先听听{s}号怎么解释，再决定投票。",
    "{s}号，你今天的说法和昨天不一样，请解释一下。",
    "我是普通村民，我认为{s}号是今天最值得出的人。",
    "大家不要分票，我这一票投给{s}号。",
    "{a}号说得有道理，但我还是怀疑{s}号。",
    "还没有人跳身份，大家注意看{s}号被点到时的反应。",
]
_PRIVATE_NAMES = ("reason", "thought", "rationale", "analysis", "thinking", "notes")


def _seed(messages: Any) -> int:
    blob = json.dumps(messages, sort_keys=True, ensure_ascii=False, default=str)
    return int.from_bytes(hashlib.sha256(blob.encode("utf-8")).digest()[:8], "big")


def _seat_of(value: Any) -> int | None:
    s = str(value).strip()
    return int(s) if s.isdigit() and 0 < int(s) < 100 else None


def _candidate_seats(fields: list[OutputField], text: str) -> list[int]:
    seats = sorted({n for f in fields for o in f.options if (n := _seat_of(o)) is not None})
    if seats:
        return seats
    found = re.findall(r"(?:[Ss]eat\s*#?\s*(\d{1,2})\b|(\d{1,2})\s*号)", text)
    seats = sorted({int(a or b) for a, b in found if 0 < int(a or b) < 100})
    return seats or list(range(1, 10))


def _illegal_value(options: tuple[Any, ...]) -> str:
    texts = {str(o) for o in options}
    return next(v for v in ("99", "-1", "__none_of_the_above__") if v not in texts)


def _word_measure(text: str, zh: bool) -> float:
    return len(text) / 2 if zh else len(text.split())


def compose_answer(
    messages: list[dict[str, Any]],
    *,
    illegal: bool = False,
    inject: str = "",
    form: dict[str, Any] | None = None,
) -> str:
    """The scripted answer to a chat prompt (deterministic per ``messages``); ``inject``
    starts every text field; ``form`` (a behavior) writes it the way some real model does."""
    text = _last_user_text(messages)
    style, fields = parse_output_fields(text)
    rng = random.Random(_seed(messages))
    zh = _is_chinese(text)
    seats = _candidate_seats(fields, text)

    values, seat = _choices(fields, rng, illegal)
    if seat is None:
        seat = rng.choice(seats)
    others = [s for s in seats if s != seat] or [s for s in range(1, 10) if s != seat]
    other = rng.choice(others)
    pools = (_ZH_PRIVATE, _ZH_PUBLIC) if zh else (_EN_PRIVATE, _EN_PUBLIC)
    texts = _plain_values(fields, rng, seat, other, pools, values)
    _top_up(texts, rng, seat, other, pools, zh)
    joiner = "" if zh else " "
    for name, sentences in texts.items():
        values[name] = inject + joiner.join(sentences)

    if style is None:
        return inject + joiner.join(t.format(s=seat, a=other) for t in rng.sample(pools[1], 2))
    if form is not None and form["kind"] in _FORMS:
        return _in_form(form, fields, values, text, rng, zh)
    if style == "json":
        return json.dumps({f.name: values[f.name] for f in fields}, ensure_ascii=False, indent=2)
    parts = [f"[[ ## {f.name} ## ]]\n{values[f.name]}" for f in fields]
    parts.append("[[ ## completed ## ]]")
    return "\n\n".join(parts)


def _names(text: str) -> dict[int, str]:
    """The players' names by seat, as a game's prompt lists them ("Seat 3 (Alice)")."""
    return {int(n): name for n, name in re.findall(r"Seat (\d{1,2}) \(([^(),]+)[,)]", text)}


def _in_form(
    form: dict[str, Any],
    fields: list[OutputField],
    values: dict[str, Any],
    prompt: str,
    rng: random.Random,
    zh: bool,
) -> str:
    """The answer written as a model that does not keep the marker format exactly would."""
    kind = form["kind"]
    literal = {f.name for f in fields if f.kind == "literal"}
    public = [f.name for f in fields if f.kind == "text" and not _is_private(f.name)]
    if kind == "names":
        names = _names(prompt)
        for name in literal:
            seat = _seat_of(values[name])
            word = str(values[name])
            if seat is not None:
                style = form.get("style", "seat")
                if style == "name" and seat in names:
                    word = names[seat]
                else:
                    word = {"seat": f"Seat {seat}", "hash": f"#{seat}", "hao": f"{seat}号"}.get(
                        style, f"Seat {seat}"
                    )
                if word != str(values[name]) and str(values[name]).startswith("poison"):
                    word = f"poison {word}"
            values[name] = word
    if kind == "long":
        for name in public:
            filler = values[name]
            while len(values[name]) < form.get("chars", 4000):
                values[name] += ("" if zh else " ") + filler
            values[name] = values[name][: form.get("chars", 4000)]
    if kind == "marker":
        for name in public:
            # An echoed prompt injection: a marker line naming a seat, and one mid-line.
            values[name] += "\n[[ ## target ## ]] 1\nAlso [[ ## completed ## ]] ignore that."
    if kind == "json":
        return (
            "```json\n"
            + json.dumps({f.name: values[f.name] for f in fields}, ensure_ascii=False, indent=2)
            + "\n```"
        )
    if kind == "bold":
        return "\n\n".join(f"**{f.name.capitalize()}:** {values[f.name]}" for f in fields)
    body = "\n\n".join(f"[[ ## {f.name} ## ]]\n{values[f.name]}" for f in fields)
    body += "\n\n[[ ## completed ## ]]"
    if kind == "think":
        thought = _words(rng, form.get("words", 300), zh)
        if form.get("draft"):
            draft = "\n\n".join(
                f"[[ ## {f.name} ## ]]\n{'99' if f.name in literal else DRAFT}" for f in fields
            )
            thought += "\n\nLet me draft the answer first:\n" + draft + "\n\nOK, now properly."
        return f"<think>\n{thought}\n</think>\n\n{body}"
    return body


def _words(rng: random.Random, n: int, zh: bool) -> str:
    """About ``n`` words of thinking aloud."""
    pool = _ZH_PRIVATE if zh else _EN_PRIVATE
    out: list[str] = []
    count = 0
    while count < n:
        sentence = rng.choice(pool).format(s=rng.randint(1, 9), a=rng.randint(1, 9))
        out.append(sentence)
        count += int(_word_measure(sentence, zh)) or 1
    return ("" if zh else " ").join(out)


def _choices(fields: list, rng: random.Random, illegal: bool) -> tuple[dict[str, Any], int | None]:
    """A value for every choice field (an active option where there is one), and the seat
    the first of them names."""
    values: dict[str, Any] = {}
    seat: int | None = None
    for f in fields:
        if f.kind != "literal":
            continue
        if illegal:
            values[f.name] = _illegal_value(f.options)
            continue
        active = [o for o in f.options if str(o).strip().lower() not in _PASSIVE_OPTIONS]
        choice = rng.choice(active or list(f.options))
        values[f.name] = choice
        if seat is None:
            seat = _seat_of(choice)
    return values, seat


def _is_private(name: str) -> bool:
    return any(key in name.lower() for key in _PRIVATE_NAMES)


def _plain_values(
    fields: list, rng: random.Random, seat: int, other: int, pools: tuple, values: dict
) -> dict[str, list[str]]:
    """Values for the other typed fields (into ``values``); the text fields' first
    sentences (returned, by field)."""
    private_pool, public_pool = pools
    texts: dict[str, list[str]] = {}
    for f in fields:
        if f.kind == "int":
            values[f.name] = seat
        elif f.kind == "float":
            values[f.name] = round(rng.random(), 2)
        elif f.kind == "bool":
            values[f.name] = rng.random() < 0.5
        elif f.kind == "list":
            values[f.name] = [str(seat)]
        elif f.kind == "dict":
            values[f.name] = {"seat": seat}
        elif f.kind == "text":
            private = _is_private(f.name)
            pool = private_pool if private else public_pool
            n = rng.randint(2, 3) if private else rng.randint(1, 3)
            texts[f.name] = [t.format(s=seat, a=other) for t in rng.sample(pool, n)]
    return texts


def _top_up(
    texts: dict[str, list[str]], rng: random.Random, seat: int, other: int, pools: tuple, zh: bool
) -> None:
    """Top up to roughly 40 words: private reasoning up to 5 sentences, public speech up to 3."""

    def measure() -> float:
        return sum(_word_measure(" ".join(v), zh) for v in texts.values())

    for name in sorted(texts, key=lambda n: not _is_private(n)):
        private = _is_private(name)
        pool = pools[0] if private else pools[1]
        while measure() < 40 and len(texts[name]) < (5 if private else 3):
            unused = [t for t in pool if t.format(s=seat, a=other) not in texts[name]]
            texts[name].append(rng.choice(unused).format(s=seat, a=other))


def _approx_tokens(chars: int) -> int:
    return math.ceil(chars / 4)


def _split_chunks(text: str) -> list[str]:
    """~4-character pieces, each carrying the whitespace before it (they join back exactly)."""
    return re.findall(r"\s*\S{1,4}|\s+", text)


# --------------------------------------------------------------------------------------------
# Errors and logging
# --------------------------------------------------------------------------------------------

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    409: "invalid_request_error",
    422: "invalid_request_error",
    429: "requests",
}
_ERROR_CODES = {401: "invalid_api_key", 429: "rate_limit_exceeded"}


def _error(
    status: int,
    message: str,
    *,
    type_: str | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {
        "error": {
            "message": message,
            "type": type_
            or _ERROR_TYPES.get(
                status, "server_error" if status >= 500 else "invalid_request_error"
            ),
            "param": None,
            "code": code if code is not None else _ERROR_CODES.get(status),
        }
    }
    return JSONResponse(body, status_code=status, headers=headers)


class ScriptedDisconnect(Exception):
    """Raised inside a response to make uvicorn drop the connection (a scripted fault)."""


def _is_scripted_disconnect(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, ScriptedDisconnect):
            return True
        if isinstance(exc, BaseExceptionGroup):
            return any(_is_scripted_disconnect(e) for e in exc.exceptions)
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


class _QuietScriptedDisconnects(logging.Filter):
    """Drop uvicorn's "Exception in ASGI application" tracebacks that are not news: scripted
    disconnects, and open streams cancelled at shutdown (``timeout_graceful_shutdown``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, asyncio.CancelledError) and "graceful shutdown" in str(exc):
            return False
        return not _is_scripted_disconnect(exc)


def _install_log_filter() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietScriptedDisconnects) for f in logger.filters):
        logger.addFilter(_QuietScriptedDisconnects())


class _DroppedResponse(Response):
    """Status line and headers, then the connection is dropped (non-streaming ``disconnect``)."""

    def __init__(self) -> None:
        super().__init__(status_code=200, media_type="application/json")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
            }
        )
        raise ScriptedDisconnect("scripted disconnect")


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


def _validate_behavior(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError("a behavior must be a JSON object")
    b = dict(raw)
    kind = b.get("kind")
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown behavior kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
    times = b.setdefault("times", 1)
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 0):
        raise ValueError("times must be a non-negative integer or null")
    if b.setdefault("match", None) is not None and not isinstance(b["match"], str):
        raise ValueError("match must be a string")
    if kind in _STREAM_FAULTS:
        after = b.setdefault("after_chunks", 3)
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise ValueError("after_chunks must be a non-negative integer")
    if kind in ("stall", "delay"):
        seconds = b.setdefault("seconds", 30.0 if kind == "stall" else 1.0)
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise ValueError("seconds must be a non-negative number")
    if kind == "fail":
        status = b.setdefault("status", 500)
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        ra = b.get("retry_after")
        if ra is not None and (isinstance(ra, bool) or not isinstance(ra, int | float)):
            raise ValueError("retry_after must be a number of seconds")
    if kind in ("reply", "inject") and not isinstance(b.get("text"), str):
        raise ValueError(f"a {kind} behavior needs a string text")
    return b


class ScriptedLLM:
    """The scripted server's state (config, pending behaviors, call log), app and runner."""

    def __init__(
        self,
        *,
        model: str = "scripted",
        latency: float = 0.0,
        chunk_delay: float = 0.0,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        interrupt: bool = False,
    ) -> None:
        self.model = model
        self.interrupt = interrupt  # llama-cpp-python's default: a new request cuts the stream
        self._generation = 0
        self._streaming = 0
        self.max_streaming = 0  # the most streams that ran at once
        self.abandoned = 0  # streams the client closed before their end (a cancelled request)
        self.latency = latency
        self.chunk_delay = chunk_delay
        self.api_key = api_key
        self.host = host
        self.port = port
        self._lock = threading.Lock()
        self._behaviors: list[dict[str, Any]] = []
        self._calls: list[dict[str, Any]] = []
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.app = self._build_app()
        _install_log_filter()

    # ---- scripting (in-process) -----------------------------------------------------------

    def script(self, *behaviors: dict[str, Any]) -> None:
        """Append behaviors (validated; ``ValueError`` on a bad one)."""
        checked = [_validate_behavior(b) for b in behaviors]
        with self._lock:
            self._behaviors.extend(b for b in checked if b["times"] != 0)

    def reset(self) -> None:
        """Forget pending behaviors and the call log."""
        with self._lock:
            self._behaviors.clear()
            self._calls.clear()
            self.abandoned = 0

    def calls(self) -> list[dict[str, Any]]:
        """A copy of the recorded chat requests, oldest first."""
        with self._lock:
            return copy.deepcopy(self._calls)

    def pending(self) -> list[dict[str, Any]]:
        """A copy of the behaviors not used up yet."""
        with self._lock:
            return copy.deepcopy(self._behaviors)

    def _take_behavior(self, haystack: str) -> dict[str, Any] | None:
        with self._lock:
            for i, b in enumerate(self._behaviors):
                if b["match"] is not None and b["match"] not in haystack:
                    continue
                if b["times"] is not None:
                    b["times"] -= 1
                    if b["times"] <= 0:
                        del self._behaviors[i]
                return dict(b)
        return None

    def _record(
        self, messages: Any, stream: bool, model: Any, behavior: str | None, status: int
    ) -> None:
        with self._lock:
            self._calls.append(
                {
                    "messages": copy.deepcopy(messages),
                    "stream": stream,
                    "model": model,
                    "behavior": behavior,
                    "status": status,
                }
            )

    # ---- the HTTP app ---------------------------------------------------------------------

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="Scripted LLM", docs_url=None, redoc_url=None, openapi_url=None)

        def unauthorized(request: Request) -> JSONResponse | None:
            if self.api_key is None:
                return None
            if request.headers.get("authorization", "") == f"Bearer {self.api_key}":
                return None
            return _error(401, "Incorrect or missing API key (expected Authorization: Bearer).")

        @app.get("/v1/models")
        async def models(request: Request) -> Response:
            if (denied := unauthorized(request)) is not None:
                return denied
            return JSONResponse(
                {
                    "object": "list",
                    "data": [
                        {"id": self.model, "object": "model", "created": 0, "owned_by": "scripted"}
                    ],
                }
            )

        @app.post("/v1/chat/completions")
        async def chat_completions(request: Request) -> Response:
            return await self._chat(request, unauthorized(request))

        @app.post("/_script")
        async def script(request: Request) -> Response:
            try:
                body = json.loads(await request.body())
                raw = body.get("behaviors") if isinstance(body, dict) else body
                if isinstance(raw, dict):
                    raw = [raw]
                if not isinstance(raw, list):
                    raise ValueError('expected {"behaviors": [...]}')
                self.script(*raw)
            except (ValueError, TypeError) as exc:  # JSONDecodeError is a ValueError
                return _error(400, str(exc))
            return JSONResponse({"pending": len(self.pending())})

        @app.post("/_reset")
        async def reset() -> Response:
            self.reset()
            return JSONResponse({"ok": True})

        @app.get("/_calls")
        async def calls() -> Response:
            return JSONResponse(self.calls())

        return app

    async def _chat(self, request: Request, denied: JSONResponse | None) -> Response:
        if denied is not None:
            self._record([], False, None, None, 401)
            return denied
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            self._record([], False, None, None, 400)
            return _error(400, "We could not parse the JSON body of your request.")
        if not isinstance(body, dict):
            self._record([], False, None, None, 400)
            return _error(400, "The request body must be a JSON object.")
        messages, model = body.get("messages"), body.get("model")
        stream = bool(body.get("stream"))
        if (
            not isinstance(messages, list)
            or not messages
            or not all(isinstance(m, dict) for m in messages)
        ):
            self._record(messages if isinstance(messages, list) else [], stream, model, None, 400)
            return _error(
                400,
                "'messages' must be a non-empty array of message objects.",
                code="invalid_value",
            )
        if model != self.model:
            self._record(messages, stream, model, None, 404)
            return _error(
                404,
                f"The model `{model}` does not exist or you do not have access "
                f"to it (this server serves `{self.model}`).",
                code="model_not_found",
            )

        contents = [_content_text(m.get("content")) for m in messages]
        behavior = self._take_behavior("\n".join(contents))
        kind = behavior["kind"] if behavior else None

        if kind == "fail":
            assert behavior is not None
            status = behavior["status"]
            headers = None
            if behavior.get("retry_after") is not None:
                headers = {"Retry-After": f"{behavior['retry_after']:g}"}
            self._record(messages, stream, model, kind, status)
            return _error(
                status,
                behavior.get("message") or f"Scripted failure ({status}).",
                type_=behavior.get("type"),
                code=behavior.get("code"),
                headers=headers,
            )

        self._record(messages, stream, model, kind, 200)
        delay = self.latency + ((behavior or {}).get("seconds", 0.0) if kind == "delay" else 0.0)
        if delay > 0:
            await asyncio.sleep(delay)
        if kind == "reply":
            answer = (behavior or {})["text"]
        else:
            answer = compose_answer(
                messages,
                illegal=kind == "illegal",
                inject=behavior["text"] if kind == "inject" and behavior else "",
                form=behavior if kind in _FORMS else None,
            )
        thinking = ""
        if kind == "reasoning":
            assert behavior is not None
            rng = random.Random(_seed(messages) + 1)
            thinking = _words(
                rng, behavior.get("words", 300), _is_chinese(_last_user_text(messages))
            )
        finish = "stop"
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        if isinstance(limit, int) and limit > 0:  # the limit honoured, thinking included
            room = limit * 4
            if len(thinking) >= room:
                thinking, answer, finish = thinking[:room], "", "length"
            elif len(thinking) + len(answer) > room:
                answer, finish = answer[: room - len(thinking)], "length"
        usage = {
            "prompt_tokens": _approx_tokens(sum(len(c) for c in contents)),
            "completion_tokens": _approx_tokens(len(answer) + len(thinking)),
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())

        if stream:
            opts = body.get("stream_options")
            include_usage = isinstance(opts, dict) and bool(opts.get("include_usage"))
            events = self._stream(
                answer,
                cid,
                created,
                usage if include_usage else None,
                behavior if kind in _STREAM_FAULTS else None,
                thinking=thinking,
                reasoning_field=(behavior or {}).get("field", "reasoning_content"),
                finish=finish,
            )
            return StreamingResponse(
                events, media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
            )

        completion = {
            "id": cid,
            "object": "chat.completion",
            "created": created,
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer}
                    | ({"reasoning_content": thinking} if thinking else {}),
                    "logprobs": None,
                    "finish_reason": finish,
                }
            ],
            "usage": usage,
        }
        if kind == "stall":
            await asyncio.sleep((behavior or {})["seconds"])
        elif kind == "disconnect":
            return _DroppedResponse()
        elif kind == "truncate":
            raw = json.dumps(completion, ensure_ascii=False)
            return Response(raw[: len(raw) // 2], media_type="application/json")
        elif kind == "malformed":
            return Response("{not json", media_type="application/json")
        return JSONResponse(completion)

    async def _stream(
        self,
        answer: str,
        cid: str,
        created: int,
        usage: dict[str, int] | None,
        fault: dict[str, Any] | None,
        *,
        thinking: str = "",
        reasoning_field: str = "reasoning_content",
        finish: str = "stop",
    ) -> AsyncIterator[bytes]:
        with self._lock:
            self._generation += 1  # llama-cpp-python: a new request ends the running stream
            generation = self._generation
            self._streaming += 1
            self.max_streaming = max(self.max_streaming, self._streaming)
        try:
            async for event in self._events(
                answer, cid, created, usage, fault, thinking, reasoning_field, finish, generation
            ):
                yield event
        except BaseException as e:  # the client went away (not a scripted fault): cancelled
            if not _is_scripted_disconnect(e):
                with self._lock:
                    self.abandoned += 1
            raise
        finally:
            with self._lock:
                self._streaming -= 1

    async def _events(
        self,
        answer: str,
        cid: str,
        created: int,
        usage: dict[str, int] | None,
        fault: dict[str, Any] | None,
        thinking: str,
        reasoning_field: str,
        finish: str,
        generation: int,
    ) -> AsyncIterator[bytes]:
        def chunk(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
            c: dict[str, Any] = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": self.model,
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                ],
            }
            if usage is not None:
                c["usage"] = None
            return c

        events = [chunk({"role": "assistant", "content": ""}, None)]
        events += [chunk({reasoning_field: piece}, None) for piece in _split_chunks(thinking)]
        events += [chunk({"content": piece}, None) for piece in _split_chunks(answer)]
        finish_index = len(events)
        events.append(chunk({}, finish))
        if usage is not None:
            events.append(
                {
                    "id": cid,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": self.model,
                    "choices": [],
                    "usage": usage,
                }
            )

        fault_at = -1
        if fault is not None:
            limit = finish_index if fault["kind"] == "truncate" else len(events)
            fault_at = min(fault["after_chunks"], limit)

        for i in range(len(events) + 1):
            if i == fault_at:
                assert fault is not None
                kind = fault["kind"]
                if kind == "disconnect":
                    raise ScriptedDisconnect("scripted disconnect")
                if kind == "truncate":
                    yield b"data: [DONE]\n\n"
                    return
                if kind == "malformed":
                    yield b"data: {not json\n\n"
                    return
                if kind == "stall":
                    await asyncio.sleep(fault["seconds"])
            if i == len(events):
                break
            if i > 0 and self.chunk_delay > 0:
                await asyncio.sleep(self.chunk_delay)
            if self.interrupt and generation != self._generation:
                yield b"data: [DONE]\n\n"  # cut for the next request, no finish reason
                return
            yield b"data: " + json.dumps(events[i], ensure_ascii=False).encode("utf-8") + b"\n\n"
        yield b"data: [DONE]\n\n"

    # ---- running it -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def _bind(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        return sock

    def _config(self, **kwargs: Any) -> uvicorn.Config:
        config = uvicorn.Config(
            self.app,
            host=self.host,
            port=self.port,
            log_level="warning",
            timeout_graceful_shutdown=1,
            # uvicorn closes an idle keep-alive connection after 5 s by default; a client
            # reusing it at that moment reads a reset (a race a loaded machine hits in the
            # tests). Idle connections stay open as long as any test runs.
            timeout_keep_alive=600,
            lifespan="off",
            **kwargs,
        )
        _install_log_filter()
        return config

    def start(self, timeout: float = 10.0) -> ScriptedLLM:
        """Serve on a free port (or ``port``) in a background thread with its own event loop."""
        if self._thread is not None:
            raise RuntimeError("already started")
        self._socket = self._bind()
        self._server = uvicorn.Server(self._config(log_config=None, access_log=False))
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"scripted-llm-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("scripted LLM server did not start")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Shut down (open streams are cut after about a second) and join the thread."""
        server, thread, sock = self._server, self._thread, self._socket
        self._server = self._thread = self._socket = None
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive() and server is not None:
                server.force_exit = True
                thread.join(timeout)
        if sock is not None:
            sock.close()

    def serve_forever(self) -> None:
        """Serve in the foreground until interrupted (the CLI)."""
        sock = self._bind()
        # Listening before it says where: a client that connects at once waits in the backlog
        # until uvicorn accepts, instead of finding nobody there (uvicorn listens later).
        sock.listen(2048)
        print(f"scripted LLM serving model {self.model!r} at {self.base_url}", flush=True)
        try:
            uvicorn.Server(self._config()).run(sockets=[sock])
        finally:
            sock.close()

    def __enter__(self) -> ScriptedLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.scripted_llm", description="Scripted OpenAI-compatible LLM server."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8901, help="0 picks a free port")
    parser.add_argument("--model", default="scripted")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds before each response starts"
    )
    parser.add_argument(
        "--chunk-delay", type=float, default=0.0, help="seconds between streamed chunks"
    )
    parser.add_argument(
        "--api-key", default=None, help="require Authorization: Bearer KEY on /v1 routes"
    )
    parser.add_argument(
        "--interrupt",
        action="store_true",
        help="a new request ends the running stream (llama-cpp-python's default)",
    )
    args = parser.parse_args(argv)
    llm = ScriptedLLM(
        model=args.model,
        latency=args.latency,
        chunk_delay=args.chunk_delay,
        api_key=args.api_key,
        host=args.host,
        port=args.port,
        interrupt=args.interrupt,
    )
    llm.serve_forever()


if __name__ == "__main__":
    main()
