"""The app's CPU demand for a firehose, independent of the machine's load.

9 panes × 100 tokens/s for ``seconds`` of game time, fed without waiting: after every
``FLUSH_SECONDS`` (the app's clock) of game time's tokens the app repaints (its flush and
Textual's screen refresh, awaited) and the process's CPU time is added up. CPU seconds
per game second is the core share the app needs; a busy machine delays it but does not
change it, unlike the wall-clock lag of bench/tui_bench.py. The waiting itself
(``pilot.pause`` posts a message to every widget and waits for each) is measured on
frames with nothing new and taken off: ``net_*`` is the app's own work.

    .venv/bin/python bench/tui_cpu.py --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tui_bench import WORDS, table, token  # noqa: E402  (the same table and words)

from tui.app import FLUSH_SECONDS, WerewolfApp  # noqa: E402

FRAME = FLUSH_SECONDS  # game seconds between repaints: the app's clock
IDLE_FRAMES = 50


async def main(seconds: float, rate: float = 100, seats: int = 9, size=(120, 36)) -> dict:
    app = WerewolfApp()
    board = app.board
    for event in table(seats):
        board.apply(event)
    per_frame = max(1, round(rate * FRAME))  # tokens per seat per frame
    frames = round(seconds / FRAME)
    # Events built beforehand: the feed's own cost is not the app's.
    words = WORDS["en"]
    batches = [
        [
            token(s, words[(f * per_frame + k + s) % len(words)])
            for k in range(per_frame)
            for s in range(1, seats + 1)
        ]
        for f in range(frames)
    ]
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        # The measuring's own cost: a frame with nothing new still waits on every widget
        # (pilot.pause posts to each), which the app's own clock never does.
        idle = 0.0
        for _ in range(IDLE_FRAMES):
            t0 = time.process_time()
            app.flush()
            await pilot.pause()
            idle += time.process_time() - t0
        idle /= IDLE_FRAMES
        cpu = 0.0
        for batch in batches:
            t0 = time.process_time()
            for event in batch:
                board.apply(event)
            app.flush()
            await pilot.pause()  # the screen's refresh of what the flush changed
            cpu += time.process_time() - t0
    net = max(0.0, cpu - idle * frames)
    return {
        "game_seconds": seconds,
        "tokens": sum(len(b) for b in batches),
        "cpu_seconds": round(cpu, 3),
        "ms_per_frame": round(1000 * cpu / frames, 2),
        "idle_ms_per_frame": round(1000 * idle, 2),
        "net_ms_per_frame": round(1000 * net / frames, 2),
        "net_core_pct": round(100 * net / seconds, 1),
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=5)
    print(json.dumps(asyncio.run(main(p.parse_args().seconds)), indent=2))
