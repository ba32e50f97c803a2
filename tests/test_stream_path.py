"""The stream path's parts: the typewriter's pacing clock and the event log's readers."""

from __future__ import annotations

import asyncio

import pytest
import uvloop

from server.eventlog import EventLog
from server.typewriter import PacingClock, Typewriter, pacing_clock, tokenize
from shared.events import PUBLIC, Error, Event, Token

TEXT = "The wolves are among us, 金水 for seat three; I vote for seat five. " * 8


def _typewrite(pace: float, texts: int) -> tuple[list[list[str]], int]:
    """``texts`` typewriters at once on one loop: what each wrote, and how often the pacing
    clock woke anyone."""
    written: list[list[str]] = [[] for _ in range(texts)]
    waits = [0]

    async def main() -> None:
        clock = pacing_clock()
        until = clock.until

        async def counted(when: float) -> None:
            waits[0] += 1
            await until(when)

        clock.until = counted  # type: ignore[method-assign]

        async def one(i: int) -> None:
            def write(e: Event) -> None:
                if e.type in ("token", "thought_token"):
                    written[i].append(e.content)  # type: ignore[union-attr]

            tw = Typewriter(write, pace)
            await tw.thought(i, "x", TEXT)
            await tw.speech(i, "day", PUBLIC, TEXT)

        await asyncio.gather(*(one(i) for i in range(texts)))

    uvloop.run(main())
    return written, waits[0]


def test_every_token_arrives_in_order_under_one_clock():
    written, _ = _typewrite(pace=2000, texts=12)
    for tokens in written:
        assert tokens == tokenize(TEXT) * 2


def test_a_fast_pace_writes_many_tokens_per_wake_up():
    # A token is due every 0.1 ms; the clock rings at most every 20 ms: a wake-up carries
    # many tokens (the slower the machine, the more).
    written, waits = _typewrite(pace=10000, texts=3)
    tokens = sum(len(t) for t in written)
    assert waits * 5 < tokens


def test_a_clock_asked_for_a_time_already_past_still_rings():
    async def main() -> int:
        clock = PacingClock(asyncio.get_running_loop())
        loop = clock.loop
        await asyncio.gather(*(clock.until(loop.time() - i) for i in range(5)))
        await clock.until(loop.time() + 0.001)
        await clock.until(loop.time() - 1)  # the timer is armed in the past (uvloop's Handle)
        return 1

    assert uvloop.run(main()) == 1


def _notice(i: int) -> Event:
    return Error(message=f"event {i}")


async def _publish(log: EventLog, n: int) -> None:
    for i in range(n):
        log.publish(_notice(i))


@pytest.mark.parametrize("lag", [5, 50])
async def test_a_reader_busy_with_its_batch_is_dropped_past_the_lag(lag):
    log = EventLog()
    await _publish(log, 3)
    dropped: list[bool] = []
    reader = log.follow(0, max_lag=lag, on_lag=lambda: dropped.append(True))
    first = await anext(reader)  # taken, and then never asked for more
    assert [e.seq for e in first] == [1, 2, 3]
    await _publish(log, lag)
    await asyncio.sleep(0.1)  # the log's wake-ups run (they are at most 25 ms apart)
    assert not dropped  # exactly at the limit: still fine
    await _publish(log, 1)
    await asyncio.sleep(0.1)
    assert dropped == [True]
    with pytest.raises(StopAsyncIteration):  # it reads no more
        await anext(reader)


async def test_a_waiting_reader_is_never_dropped_for_a_burst():
    log = EventLog()
    dropped: list[bool] = []
    reader = log.follow(0, max_lag=5, on_lag=lambda: dropped.append(True))
    taking = asyncio.ensure_future(anext(reader))
    await asyncio.sleep(0)  # it waits
    await _publish(log, 50)  # far more than its lag, all at once
    batch = await taking
    assert batch[0].seq == 1 and not dropped
    await _publish(log, 1)
    log.close()
    rest = [e.seq for b in [b async for b in reader] for e in b]
    assert [e.seq for e in batch] + rest == list(range(1, 52))
    assert not dropped


async def test_tokens_are_stamped_and_everything_else_is_copied():
    log = EventLog()
    token = Token(seat=1, content="hi ")
    notice = _notice(0)
    a, b = log.publish(token), log.publish(notice)
    assert a.event is token and token.ts is not None
    assert b.event is not notice and notice.ts is None and b.event.ts is not None
    assert '"ts":' in a.data and a.event.model_dump_json() == a.data
