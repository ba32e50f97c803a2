"""The app under a firehose: 9 panes streaming at once, N tokens per second each.

Feeds synthetic thought and speech tokens straight into the app (headless, no server)
and measures the lag from an event's arrival to the flush that puts it on screen, and
the process's CPU use.

    .venv/bin/python bench/tui_bench.py --rate 100 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Literal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shared.events import (  # noqa: E402
    Event,
    GameCreated,
    Phase,
    SeatInfo,
    SpeechStart,
    ThoughtStart,
    ThoughtToken,
    Token,
)
from tui.app import WerewolfApp  # noqa: E402

WORDS = {
    "en": [
        w + " " for w in "the wolves are among us and seat [5] looks nervous [/] tonight".split()
    ],
    # Chinese streams in pieces with no space between them: a paragraph's lines are cut by
    # width alone, and a line may start with the piece's own space (the anchor bug of
    # session 10 re-wrapped the whole speech at every frame there).
    "zh": [
        "我觉得",
        "5号",
        "昨天",
        "悍跳",
        "预言家，",
        " 发的",
        "金水",
        "很可疑",
        "[/]",
        "。",
        "今天",
        "归票",
        "3号",
        "。",
    ],
}
NAMES = {
    "en": ["Ada", "Bo", "Cy", "Di", "Ed", "Fay", "Gus", "Hal", "Ivy"],
    "zh": ["阿达", "博文", "晨曦", "迪迪", "恩泽", "菲菲", "国胜", "海龙", "一苇"],
}


def table(seats: int, lang: Literal["en", "zh"] = "en") -> list[Event]:
    """A 9-player day (or ``seats``) where odd seats think and even seats speak, all at once."""
    names = NAMES[lang]
    return [
        GameCreated(
            players=seats,
            lang=lang,
            seats=[SeatInfo(seat=n, name=names[(n - 1) % 9]) for n in range(1, seats + 1)],
            roles={"werewolf": 3, "villager": 3, "seer": 1, "witch": 1, "hunter": 1},
        ),
        Phase(phase="day", day=1),
    ] + [
        ThoughtStart(seat=n, label="bench") if n % 2 else SpeechStart(seat=n)
        for n in range(1, seats + 1)
    ]


def token(seat: int, word: str) -> Event:
    """The next word at ``seat``: a thought's token at an odd seat, a speech's at an even one."""
    return ThoughtToken(seat=seat, content=word) if seat % 2 else Token(seat=seat, content=word)


async def main(
    rate: float,
    seconds: float,
    seats: int = 9,
    size=(120, 36),
    lang: Literal["en", "zh"] = "en",
) -> dict:
    words = WORDS[lang]
    arrivals: dict[int, float] = {}
    lags: list[float] = []
    streaming = asyncio.Event()

    prologue = table(seats, lang)

    async def source():
        seq = 0
        for event in prologue:
            seq += 1
            arrivals[seq] = time.perf_counter()
            yield seq, event
        await asyncio.sleep(0.5)  # the app settles after its first paint
        streaming.set()
        interval = 1.0 / rate
        start = time.perf_counter()
        tick = 0
        while time.perf_counter() - start < seconds:
            tick += 1
            for seat in range(1, seats + 1):
                seq += 1
                event = token(seat, words[(tick + seat) % len(words)])
                arrivals[seq] = time.perf_counter()
                yield seq, event
            await asyncio.sleep(max(0.0, start + tick * interval - time.perf_counter()))

    app = WerewolfApp(events=source())
    original = app.flush

    def measured_flush() -> None:
        before = app.painted_seq
        original()
        now = time.perf_counter()
        for seq in range(before + 1, app.painted_seq + 1):
            if seq in arrivals:
                lags.append(now - arrivals.pop(seq))

    app.flush = measured_flush  # type: ignore[method-assign]
    async with app.run_test(size=size) as pilot:
        # CPU is counted while the tokens stream, not while the app starts (that is the
        # first-screen figure of bench/perf_tui.py).
        await streaming.wait()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await pilot.pause(seconds)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        await pilot.pause(0.5)
    lags.sort()
    q = lambda p: round(1000 * lags[min(len(lags) - 1, int(p * len(lags)))], 1)  # noqa: E731
    return {
        "seats": seats,
        "lang": lang,
        "terminal": f"{size[0]}x{size[1]}",
        "tokens_per_second_per_seat": rate,
        "events": len(lags),
        "lag_ms": {"p50": q(0.5), "p95": q(0.95), "p99": q(0.99), "max": q(1.0)},
        "cpu_percent": round(100 * cpu / wall, 1),  # while streaming
        "cpus": os.cpu_count(),
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--rate", type=float, default=100, help="tokens per second per seat")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--size", default="120x36", help="terminal columns x rows")
    p.add_argument("--lang", choices=["en", "zh"], default="en", help="the words streamed")
    args = p.parse_args()
    cols, rows = (int(n) for n in args.size.split("x"))
    result = asyncio.run(main(args.rate, args.seconds, size=(cols, rows), lang=args.lang))
    result["command"] = (
        f".venv/bin/python bench/tui_bench.py --rate {args.rate:g} "
        f"--seconds {args.seconds:g} --size {args.size} --lang {args.lang}"
    )
    print(json.dumps(result, indent=2, ensure_ascii=False))
