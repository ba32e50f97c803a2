"""The commands about the LLM bots: ``doctor`` checks their model, ``inspect`` prints a game's calls."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from pathlib import Path

from cli.remote import reaching_server, request
from shared.calls import CallRecord, render, summarize
from shared.settings import Settings
from tui import tokens


def llm_problem() -> str | None:
    """Why LLM bots cannot play here (no model set, or it does not answer), or None."""
    from server.bots import preflight

    problem = asyncio.run(preflight(["llm"]))
    return (
        f"LLM bots can't play: {problem} (`werewolf doctor` checks the setup)" if problem else None
    )


def seat_model(value: str) -> tuple[int, str]:
    """``--seat-model N=NAME``: (seat, the bot kind ``llm:NAME``, or ``llm`` for ``default``)."""
    seat, _, name = value.partition("=")
    if not seat.strip().isdigit() or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}", name):
        raise argparse.ArgumentTypeError(f"{value!r}: expected N=NAME, e.g. 3=qwen")
    return int(seat), "llm" if name == "default" else f"llm:{name}"


def seat_models(args: argparse.Namespace) -> dict[int, str]:
    """The seats ``--seat-model`` gave a model, checked against the table's size."""
    seats = dict(getattr(args, "seat_model", []) or [])
    bad = [s for s in seats if not 1 <= s <= args.players]
    if bad:
        raise SystemExit(f"--seat-model: no seat {bad[0]} at a {args.players}-player table")
    return seats


def llm_kinds_problem(kinds: set[str]) -> str | None:
    """Why the LLM bot kinds in ``kinds`` cannot play here, or None."""
    from server.bots import preflight

    wanted = sorted(k for k in kinds if k.startswith("llm"))
    problem = asyncio.run(preflight(wanted)) if wanted else None
    return (
        f"LLM bots can't play: {problem} (`werewolf doctor` checks the setup)" if problem else None
    )


def doctor(args: argparse.Namespace) -> int:
    from server.llm.doctor import main

    return main()


def inspect(args: argparse.Namespace) -> int:
    """Print a game's LLM calls: from a server (with a token), or from the local data dir."""
    return _inspect_served(args) if args.server else _inspect_kept(args)


@reaching_server
def _inspect_served(args: argparse.Namespace) -> int:
    token = args.token or (tokens.load(args.server, args.game_id) or {}).get("token")
    if not token:
        print(
            "--token: a token of this game is needed (the spectator token, or any "
            "seat's once the game is over)",
            file=sys.stderr,
        )
        return 2
    answer = request(args.server, lambda c: c.calls(args.seat), token=token, game_id=args.game_id)
    return _show([CallRecord.model_validate(c) for c in answer["calls"]], args)


def keep_calls(game_id: str, records: list[CallRecord], data_dir: Path | None = None) -> Path:
    """Keep a headless game's call records where ``werewolf inspect`` finds them."""
    from server.llm.calls import keep_calls as keep

    return asyncio.run(keep(data_dir or Settings.from_env().data_dir, game_id, records))


def _inspect_kept(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir) if args.data_dir else Settings.from_env().data_dir
    from server.llm.calls import HEADLESS

    paths = [p for p in (data_dir / "games.sqlite", data_dir / HEADLESS) if p.exists()]
    if not paths:
        print(f"no games kept at {data_dir} (try --data-dir or --server)", file=sys.stderr)
        return 1
    rows = None
    for path in paths:
        rows = asyncio.run(_kept_calls(path, args.game_id))
        if rows is not None:
            break
    if rows is None:
        print(f"no game {args.game_id} at {data_dir}", file=sys.stderr)
        return 1
    records = [CallRecord.model_validate_json(r) for r in rows]
    return _show([r for r in records if r.seat == args.seat] if args.seat else records, args)


async def _kept_calls(path: Path, game_id: str) -> list[str] | None:
    """The game's call records as the server kept them, or None for a game it never had."""
    from server.store import Store

    store = Store(path)
    await store.open(read_only=True)
    try:
        if await store.game(game_id) is None:
            return None
        return await store.calls(game_id)
    finally:
        await store.close()


# Raw in a JSON text, these would act on the terminal (C0 is escaped by json.dumps itself).
_RAW_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def _terminal_json(value: object) -> str:
    """JSON as readable as ``ensure_ascii=False``, with what a terminal obeys escaped."""
    text = json.dumps(value, ensure_ascii=False)
    return _RAW_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _show(records: list[CallRecord], args: argparse.Namespace) -> int:
    if args.json:
        summary = {"summary": summarize(records), "calls": [r.model_dump() for r in records]}
        print(_terminal_json(summary))
    else:
        print(render(records, prompts=args.prompts))
    return 0
