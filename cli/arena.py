"""``werewolf arena``: run a rated tournament of models, resume it, report it, read its games."""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import secrets
import sys
import time
from pathlib import Path

from shared.settings import Settings

USAGE = """werewolf arena --models A,B,... --games N [--players P] [--parallel K]
werewolf arena --resume RUN
werewolf arena report RUN [--html FILE]
werewolf arena show RUN N [--thoughts | --tui]
werewolf arena runs"""


def add_arena_parser(sub) -> None:
    from server.game.config import BOARDS

    p = sub.add_parser(
        "arena",
        help="models against models on a balanced schedule: rated, with a report",
        usage=USAGE,
    )
    p.add_argument("what", nargs="*", help="report RUN | show RUN N | runs (nothing: a new run)")
    p.add_argument("--models", default=None, help="names: builtin, or endpoints of the file")
    p.add_argument("--games", type=int, default=None, help="a multiple of the number of models")
    p.add_argument("--players", type=int, choices=sorted(BOARDS), default=9)
    p.add_argument("--board", default=None, help="a named board (if the rules offer them)")
    p.add_argument("--parallel", type=int, default=4, help="games at once (default 4)")
    p.add_argument("--seed", type=int, default=None, help="first deal's seed (random if omitted)")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--resume", default=None, metavar="RUN", help="continue a stopped run")
    p.add_argument(
        "--endpoints", default=None, help="endpoints file (default: DATA_DIR/endpoints.toml)"
    )
    p.add_argument("--data-dir", default=None)
    p.add_argument("--html", default=None, help="report: where to write the HTML page")
    p.add_argument("--no-charts", action="store_true", help="report: tables only")
    p.add_argument("--thoughts", action="store_true", help="show: each bot's thoughts too")
    p.add_argument("--tui", action="store_true", help="show: in the terminal app's review")
    p.set_defaults(func=arena)


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if args.data_dir else Settings.from_env().data_dir


def _fail(message: str) -> int:
    print(f"werewolf arena: {message}", file=sys.stderr)
    return 2


def arena(args: argparse.Namespace) -> int:
    from server.arena.models import ModelError
    from server.arena.store import FILE_NAME, ArenaStore, UnknownRun

    what = args.what
    if what and what[0] not in ("report", "show", "runs"):
        return _fail(f"unknown action {what[0]!r}\nusage:\n{USAGE}")
    data_dir = _data_dir(args)
    try:
        if not what and not args.resume:
            return _new(data_dir, args)
    except (ModelError, ValueError) as e:
        return _fail(str(e))
    if not (data_dir / FILE_NAME).exists():
        return _fail(f"no arena runs in {data_dir} (start one: werewolf arena --models ...)")
    store = ArenaStore(data_dir)
    try:
        if what and what[0] == "runs":
            for run_id, created, total, done in store.runs():
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(created))
                print(f"{run_id}  {when}  {done}/{total} games")
            return 0
        if what and what[0] == "report":
            if len(what) != 2:
                return _fail("usage: werewolf arena report RUN [--html FILE]")
            return _report(store, what[1], args)
        if what and what[0] == "show":
            if len(what) != 3 or not what[2].isdigit():
                return _fail("usage: werewolf arena show RUN N (N: the game's number)")
            return _show(store, what[1], int(what[2]), args.thoughts, args.tui)
        return _resume(store, args)
    except (ModelError, UnknownRun, ValueError) as e:
        return _fail(str(e))
    finally:
        store.close()


def _new(data_dir: Path, args: argparse.Namespace) -> int:
    """Check everything, then write the run and its schedule, then play it."""
    from server.arena.models import endpoints_path, load_models, use_endpoints
    from server.arena.schedule import make_schedule
    from server.arena.store import ArenaStore
    from server.game import GameConfig

    if not args.models or args.games is None:
        return _fail(f"--models and --games are needed for a new run\nusage:\n{USAGE}")
    if args.parallel < 1:
        return _fail("--parallel must be at least 1")
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    path = endpoints_path(args.endpoints)
    specs = load_models(names, path)
    use_endpoints(path)  # the LLM bots of this process read the same file
    config: dict = {"players": args.players, "lang": args.lang}
    if args.board is not None:
        if "board" not in GameConfig.model_fields:
            return _fail("--board: this version of the rules has one board per player count")
        config["board"] = args.board
    seed = args.seed if args.seed is not None else secrets.randbelow(1_000_000)
    base = GameConfig(**config)
    schedule = make_schedule(names, args.games, base, seed)
    run_id = time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)
    plan = {
        "models": names,
        "specs": [s.public() for s in specs],
        "games": args.games,
        "config": base.model_dump(exclude={"seed"}),
        "seed": seed,
        "parallel": args.parallel,
        "endpoints": str(path),
    }
    store = ArenaStore(data_dir)
    try:
        store.create(run_id, plan, schedule)
        print(f"arena run {run_id}: {len(schedule)} games, schedule written", file=sys.stderr)
        print(f"(continue it after a stop: werewolf arena --resume {run_id})", file=sys.stderr)
        return _play(store, run_id, args.parallel)
    finally:
        store.close()


def _resume(store, args: argparse.Namespace) -> int:
    from server.arena.models import ModelSpec, changed, endpoints_path, load_models, use_endpoints

    run = store.load(args.resume)
    path = endpoints_path(args.endpoints) if args.endpoints else Path(run.plan["endpoints"])
    planned = [ModelSpec(**s) for s in run.plan["specs"]]
    moved = changed(planned, load_models(run.plan["models"], path))
    if moved:
        return _fail(
            f"the endpoints of {', '.join(moved)} in {path} are not the ones run {run.id} "
            "started with: its games would not be comparable"
        )
    use_endpoints(path)
    parallel = args.parallel if "--parallel" in sys.argv else run.plan["parallel"]
    print(
        f"arena run {run.id}: {len(run.results)}/{len(run.schedule)} games already counted",
        file=sys.stderr,
    )
    return _play(store, run.id, parallel)


def _play(store, run_id: str, parallel: int) -> int:
    from server.arena.models import ModelSpec
    from server.arena.report import build, render_text
    from server.arena.runner import ModelUnavailable, run_arena

    lock = _lock(store.path.parent, run_id)
    if lock is None:
        return _fail(f"run {run_id} is being played by another process")
    run = store.load(run_id)
    specs = [ModelSpec(**s) for s in run.plan["specs"]]
    t0 = time.perf_counter()

    def shown(progress, result) -> None:
        print(
            f"game {result.n}: {result.winner} won on day {result.days} ({result.seconds:.1f} s)"
            f" · {progress.done}/{progress.total} counted",
            file=sys.stderr,
            flush=True,
        )

    try:
        progress = asyncio.run(run_arena(store, run, specs, parallel, on_game=shown))
    except ModelUnavailable as e:
        return _fail(str(e))
    print(
        f"{progress.done}/{progress.total} games in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    for n, why in progress.failed:
        print(f"game {n} failed: {why} (resume the run to play it again)", file=sys.stderr)
    print(render_text(build(store, run_id)))
    return 1 if progress.failed else 0


def _lock(data_dir: Path, run_id: str):
    """One process per run at a time (released by the OS if the process dies)."""
    fd = os.open(data_dir / f"arena-{run_id}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _report(store, run_id: str, args: argparse.Namespace) -> int:
    from server.arena.html import render_html
    from server.arena.report import build, render_text

    report = build(store, run_id)
    width = min(os.get_terminal_size().columns if sys.stdout.isatty() else 80, 120)
    print(render_text(report, width=max(60, width), charts=not args.no_charts))
    if args.html:
        events = {g.n: store.events(run_id, g.n) or [] for g in report.games if g.winner}
        Path(args.html).write_text(render_html(report, events), encoding="utf-8")
        print(f"HTML report: {Path(args.html).resolve()}", file=sys.stderr)
    return 0


def _show(store, run_id: str, n: int, thoughts: bool = False, tui: bool = False) -> int:
    from server.arena.review import game_lines

    run = store.load(run_id)
    slot = next((s for s in run.schedule if s.n == n), None)
    if slot is None:
        return _fail(f"run {run_id} has games 1..{len(run.schedule)}, not {n}")
    events = store.events(run_id, n)
    if events is None:
        return _fail(f"game {n} of run {run_id} has not been played yet")
    lang = run.plan["config"].get("lang", "en")
    if tui:
        return _review(events, lang)
    print("\n".join(game_lines(events, slot.seats, slot.roles, lang, thoughts=thoughts)))
    return 0


def _review(events: list[dict], lang: str) -> int:
    review_app(events, lang).run()
    return 0


def review_app(events: list[dict], lang: str):
    """The terminal app's game-over review (every role, the winner, each seat's thoughts)
    over a stored record; closing it ends the app."""
    from textual.app import App

    from shared.events import parse_event
    from tui.board import Board
    from tui.widgets.review import ReviewScreen

    board = Board(lang=lang, keep_all=True)  # the review: every thought in its phase
    for n, data in enumerate(events, 1):
        board.apply(parse_event(data), n)

    class Review(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ReviewScreen(board), lambda _: self.exit())

    return Review()


__all__ = ["add_arena_parser", "arena", "review_app"]
