"""The scripted OpenAI-compatible server, seen through the real openai SDK over loopback."""

from __future__ import annotations

import asyncio
import json
import math
import re
import subprocess
import sys
import threading
from typing import Literal

import dspy
import httpx
import openai
import pytest
from eventually import until

from devtools.scripted_llm import ScriptedLLM, compose_answer, parse_output_fields

OPTIONS = ("3", "5", "abstain")


class Vote(dspy.Signature):
    """Decide whom to vote for."""

    briefing: str = dspy.InputField()
    language: str = dspy.InputField()
    reasoning: str = dspy.OutputField()
    target: Literal["3", "5", "abstain"] = dspy.OutputField()


class Speak(dspy.Signature):
    """Say something to the table."""

    briefing: str = dspy.InputField()
    language: str = dspy.InputField()
    speech: str = dspy.OutputField()


def prompt(signature=Vote, language="en", briefing="You are seat 2. Day 1.", adapter=None):
    adapter = adapter or dspy.ChatAdapter()
    return adapter.format(signature, demos=[], inputs={"briefing": briefing, "language": language})


def parse(text: str, signature=Vote) -> dict:
    return dspy.ChatAdapter().parse(signature, text)


@pytest.fixture(scope="module")
def llm():
    with ScriptedLLM() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh(llm):
    llm.reset()
    yield
    llm.reset()


@pytest.fixture
async def client(llm):
    # Closed in the test's own loop: left to the garbage collector, the SDK schedules its
    # aclose() on whatever loop runs then, which may be closed before it does.
    async with openai.AsyncOpenAI(base_url=llm.base_url, api_key="x", max_retries=0) as client:
        yield client


async def stream_all(client, messages, **kw):
    stream = await client.chat.completions.create(
        model="scripted", messages=messages, stream=True, **kw
    )
    return [chunk async for chunk in stream]


def text_of(chunks) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


# ---- answers ---------------------------------------------------------------------------------


async def test_models_list(client, llm):
    models = await client.models.list()
    assert [m.id for m in models.data] == ["scripted"]
    assert models.data[0].owned_by == "scripted"
    assert httpx.get(llm.base_url + "/models", timeout=30).json()["object"] == "list"


async def test_streamed_answer_parses_into_the_requested_fields(client):
    chunks = await stream_all(client, prompt(), stream_options={"include_usage": True})
    assert chunks[0].choices[0].delta.role == "assistant"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "stop" and set(finishes[:-1]) == {None}
    pieces = [c.choices[0].delta.content for c in chunks[1:-2]]
    assert len(pieces) > 20 and max(len(p.strip()) for p in pieces) <= 4
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens > 0
    text = text_of(chunks)
    fields = parse(text)
    assert fields["target"] in OPTIONS and fields["target"] != "abstain"
    assert re.search(r"[Ss]eat \d", fields["reasoning"])
    assert 40 <= len(text.split()) <= 130
    assert text.rstrip().endswith("[[ ## completed ## ]]")


async def test_non_stream_answer_and_usage(client):
    messages = prompt()
    reply = await client.chat.completions.create(model="scripted", messages=messages)
    text = reply.choices[0].message.content
    assert reply.object == "chat.completion" and reply.choices[0].finish_reason == "stop"
    assert parse(text)["target"] in OPTIONS
    chars = sum(len(m["content"]) for m in messages)
    assert reply.usage.prompt_tokens == math.ceil(chars / 4)
    assert reply.usage.completion_tokens == math.ceil(len(text) / 4)
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    # Deterministic per prompt, and the same whether streamed or not.
    assert text_of(await stream_all(client, messages)) == text
    other = await client.chat.completions.create(
        model="scripted", messages=prompt(briefing="You are seat 7.")
    )
    assert other.choices[0].message.content != text


async def test_chinese_when_language_is_zh(client):
    reply = await client.chat.completions.create(model="scripted", messages=prompt(language="zh"))
    fields = parse(reply.choices[0].message.content)
    assert re.search(r"[\u4e00-\u9fff]", fields["reasoning"]) and "号" in fields["reasoning"]
    speech = parse(compose_answer(prompt(Speak, language="zh")), Speak)["speech"]
    assert re.search(r"\d+号", speech)


def test_single_text_field_and_json_adapter():
    speech = parse(compose_answer(prompt(Speak)), Speak)["speech"]
    assert re.search(r"[Ss]eat \d", speech) and 1 <= speech.count(".") <= 3
    messages = prompt(adapter=dspy.JSONAdapter())
    assert parse_output_fields(messages[-1]["content"])[0] == "json"
    fields = dspy.JSONAdapter().parse(Vote, compose_answer(messages))
    assert fields["target"] in OPTIONS


# ---- wire errors -----------------------------------------------------------------------------


async def test_unknown_model_and_bad_json(client, llm):
    with pytest.raises(openai.NotFoundError) as err:
        await client.chat.completions.create(model="gpt-x", messages=prompt())
    assert err.value.code == "model_not_found"
    assert err.value.body["type"] == "invalid_request_error"
    bad = httpx.post(
        llm.base_url + "/chat/completions",
        content=b"{nope",
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "invalid_request_error"
    assert [c["status"] for c in llm.calls()] == [404, 400]


async def test_api_key_required_when_configured():
    with ScriptedLLM(api_key="sekrit") as keyed:
        async with openai.AsyncOpenAI(base_url=keyed.base_url, api_key="x", max_retries=0) as wrong:
            with pytest.raises(openai.AuthenticationError):
                await wrong.chat.completions.create(model="scripted", messages=prompt())
        async with openai.AsyncOpenAI(
            base_url=keyed.base_url, api_key="sekrit", max_retries=0
        ) as right:
            reply = await right.chat.completions.create(model="scripted", messages=prompt())
        assert parse(reply.choices[0].message.content)["target"] in OPTIONS
        assert [c["status"] for c in keyed.calls()] == [401, 200]


# ---- scripted faults -------------------------------------------------------------------------


async def test_fail_429_raises_rate_limit_error(client, llm):
    llm.script({"kind": "fail", "status": 429, "retry_after": 0.1}, {"kind": "fail", "status": 503})
    with pytest.raises(openai.RateLimitError) as err:
        await client.chat.completions.create(model="scripted", messages=prompt())
    assert err.value.response.headers["retry-after"] == "0.1"
    assert err.value.code == "rate_limit_exceeded"
    with pytest.raises(openai.InternalServerError):
        await stream_all(client, prompt())
    await client.chat.completions.create(model="scripted", messages=prompt())  # used up
    assert [(c["behavior"], c["status"]) for c in llm.calls()] == [
        ("fail", 429),
        ("fail", 503),
        (None, 200),
    ]


async def test_disconnect_raises_during_iteration(client, llm):
    llm.script({"kind": "disconnect", "after_chunks": 3}, {"kind": "disconnect"})
    stream = await client.chat.completions.create(model="scripted", messages=prompt(), stream=True)
    got = []
    with pytest.raises(openai.APIConnectionError):
        async for chunk in stream:
            got.append(chunk)
    assert len(got) == 3
    with pytest.raises(openai.APIConnectionError):  # not streaming: headers, then nothing
        await client.chat.completions.create(model="scripted", messages=prompt())


async def test_stall_is_seen_as_a_read_timeout(llm):
    # The read timeout is long enough for a loaded machine to send the chunks before the
    # stall, and the stall far longer than it: only the timeout can end the stream. (The
    # SDK's own Timeout, as server/llm/stream.py passes it: the SDK speaks httpx2, whose
    # 2.17 refuses an httpx.Timeout.)
    async with openai.AsyncOpenAI(
        base_url=llm.base_url, api_key="x", max_retries=0, timeout=openai.Timeout(30, read=2)
    ) as client:
        llm.script({"kind": "stall", "after_chunks": 3, "seconds": 600})
        stream = await client.chat.completions.create(
            model="scripted", messages=prompt(), stream=True
        )
        got = []
        with pytest.raises(openai.APITimeoutError):
            async for chunk in stream:
                got.append(chunk)
        assert len(got) == 3
        # A stall shorter than the read timeout just slows the stream down.
        llm.script({"kind": "stall", "after_chunks": 2, "seconds": 0.2})
        chunks = await stream_all(client, prompt())
        assert chunks[-1].choices[0].finish_reason == "stop"
        assert text_of(chunks) == compose_answer(prompt())
    assert [c["behavior"] for c in llm.calls()] == ["stall", "stall"]


async def test_truncate_never_sends_a_finish_reason(client, llm):
    llm.script({"kind": "truncate", "after_chunks": 5}, {"kind": "truncate", "after_chunks": 10**6})
    chunks = await stream_all(client, prompt())
    assert len(chunks) == 5
    assert all(c.choices[0].finish_reason is None for c in chunks)
    chunks = await stream_all(client, prompt())  # capped before the finish chunk
    assert all(c.choices[0].finish_reason is None for c in chunks)
    assert text_of(chunks).endswith("[[ ## completed ## ]]")


async def test_interrupt_cuts_a_running_stream_when_the_next_request_arrives():
    # llama-cpp-python's server by default: [DONE] with no finish reason, mid-answer.
    with ScriptedLLM(chunk_delay=0.01, interrupt=True) as cutting:
        async with openai.AsyncOpenAI(base_url=cutting.base_url, api_key="x", max_retries=0) as c:
            first = await c.chat.completions.create(
                model="scripted", messages=prompt(), stream=True
            )
            got = [await first.__anext__()]  # the first stream is running
            second = await stream_all(c, prompt(Speak))
            got += [chunk async for chunk in first]
    assert all(ch.choices[0].finish_reason is None for ch in got)
    assert not text_of(got).endswith("[[ ## completed ## ]]")
    assert second[-1].choices[0].finish_reason == "stop"
    assert text_of(second) == compose_answer(prompt(Speak))


async def test_malformed_chunk_raises(client, llm):
    llm.script(
        {"kind": "malformed", "after_chunks": 2}, {"kind": "malformed"}, {"kind": "truncate"}
    )
    with pytest.raises(json.JSONDecodeError):
        await stream_all(client, prompt())
    for _ in range(2):  # not streaming: "{not json", then half a completion
        with pytest.raises(json.JSONDecodeError):
            await client.chat.completions.create(model="scripted", messages=prompt())


async def test_reply_answers_exactly_the_text(client, llm):
    text = "[[ ## reasoning ## ]]\nscripted\n\n[[ ## target ## ]]\nabstain\n\n[[ ## completed ## ]]"
    llm.script({"kind": "reply", "text": text, "times": 2})
    assert text_of(await stream_all(client, prompt())) == text
    reply = await client.chat.completions.create(model="scripted", messages=prompt())
    assert reply.choices[0].message.content == text
    assert reply.usage.completion_tokens == math.ceil(len(text) / 4)


async def test_illegal_puts_a_value_outside_the_options(client, llm):
    llm.script({"kind": "illegal"})
    text = text_of(await stream_all(client, prompt()))
    value = re.search(r"\[\[ ## target ## \]\]\n(.*)\n", text).group(1)
    assert value not in OPTIONS
    with pytest.raises(dspy.utils.exceptions.AdapterParseError):
        parse(text)


async def test_delay_adds_latency_before_the_response(client, llm):
    # A delayed request is held back while a later one is answered in full.
    llm.script({"kind": "delay", "seconds": 600, "match": "seat 9"})
    held = asyncio.create_task(
        client.chat.completions.create(
            model="scripted", messages=prompt(briefing="You are seat 9.")
        )
    )
    try:
        await until(lambda: llm.calls(), "the server received the delayed request")
        reply = await client.chat.completions.create(model="scripted", messages=prompt())
        assert reply.choices[0].finish_reason == "stop"
        assert not held.done(), "the delayed request was answered before the delay ran out"
        assert [c["behavior"] for c in llm.calls()] == ["delay", None]
    finally:
        held.cancel()
        await asyncio.gather(held, return_exceptions=True)


async def test_match_only_applies_to_matching_requests(client, llm):
    llm.script({"kind": "fail", "status": 500, "match": "seat 9"})
    await client.chat.completions.create(model="scripted", messages=prompt())
    with pytest.raises(openai.InternalServerError):
        await client.chat.completions.create(
            model="scripted", messages=prompt(briefing="You are seat 9.")
        )
    await client.chat.completions.create(
        model="scripted", messages=prompt(briefing="You are seat 9.")
    )
    assert [c["behavior"] for c in llm.calls()] == [None, "fail", None]


async def test_times_counts_and_null_is_forever(client, llm):
    llm.script({"kind": "fail", "status": 502, "times": 2})
    for _ in range(2):
        with pytest.raises(openai.InternalServerError):
            await client.chat.completions.create(model="scripted", messages=prompt())
    await client.chat.completions.create(model="scripted", messages=prompt())
    llm.script({"kind": "fail", "status": 500, "times": None})
    for _ in range(4):
        with pytest.raises(openai.InternalServerError):
            await client.chat.completions.create(model="scripted", messages=prompt())
    assert len(llm.pending()) == 1
    llm.reset()
    await client.chat.completions.create(model="scripted", messages=prompt())


async def test_control_api_over_http(client, llm):
    async with httpx.AsyncClient(base_url=llm.url, timeout=30) as http:
        assert (
            await http.post("/_script", json={"behaviors": [{"kind": "bogus"}]})
        ).status_code == 400
        r = await http.post(
            "/_script",
            json={
                "behaviors": [
                    {"kind": "reply", "text": "hello", "match": "seat 4"},
                    {"kind": "illegal"},
                ]
            },
        )
        assert r.json() == {"pending": 2}
        reply = await client.chat.completions.create(
            model="scripted", messages=prompt(briefing="You are seat 4.")
        )
        assert reply.choices[0].message.content == "hello"
        calls = (await http.get("/_calls")).json()
        assert calls == [
            {
                "messages": prompt(briefing="You are seat 4."),
                "stream": False,
                "model": "scripted",
                "behavior": "reply",
                "status": 200,
            }
        ]
        await http.post("/_reset")
        assert (await http.get("/_calls")).json() == [] and llm.pending() == []


# ---- running it ------------------------------------------------------------------------------


async def test_dozens_of_concurrent_streams_and_prompt_shutdown():
    server = ScriptedLLM(latency=0.2, chunk_delay=0.002).start()
    try:
        async with openai.AsyncOpenAI(
            base_url=server.base_url, api_key="x", max_retries=0
        ) as client:
            briefings = [f"You are seat {i % 12 + 1}. Game {i}." for i in range(40)]
            results = await asyncio.gather(
                *(stream_all(client, prompt(briefing=b)) for b in briefings)
            )
            assert all(parse(text_of(chunks))["target"] in OPTIONS for chunks in results)
            # Served at once, not one after another: 40 streams, each stalled for ten
            # minutes after its second chunk, all deliver their first chunk.
            server.script({"kind": "stall", "after_chunks": 2, "seconds": 600, "times": 40})

            async def first_chunk(briefing: str):
                stream = await client.chat.completions.create(
                    model="scripted", messages=prompt(briefing=briefing), stream=True
                )
                await stream.__anext__()
                return stream

            streams = await asyncio.gather(*(first_chunk(b) for b in briefings))
            assert server.pending() == [] and len(server.calls()) == 80
            # Open, stalled streams do not hold up shutdown: it cuts them.
            await asyncio.to_thread(server.stop)
            for stream in streams:
                with pytest.raises(openai.APIConnectionError):
                    async for _ in stream:
                        pass
    finally:
        server.stop()
    assert f"scripted-llm-{server.port}" not in {t.name for t in threading.enumerate()}


def test_cli_serves_in_the_foreground():
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.scripted_llm",
            "--port",
            "0",
            "--model",
            "demo",
            "--api-key",
            "k",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        base_url = re.search(r"(http://\S+/v1)", line).group(1)
        models = httpx.get(
            base_url + "/models", headers={"Authorization": "Bearer k"}, timeout=30
        ).json()
        assert models["data"][0]["id"] == "demo"
    finally:
        proc.terminate()
        proc.wait(5)
