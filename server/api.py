"""HTTP routes: parse, authorise, call the moderator, stream the answer. Nothing more."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.sse import KEEPALIVE_COMMENT, EventSourceResponse, format_sse_event
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from server.bots import seat_kinds
from server.game import Action, GameConfig
from server.game.state import MAX_SPEECH_CHARS
from server.llm.calls import summarize
from server.llm.settings import LLMSettings, SettingsError
from server.moderator import LiveGame, Moderator, Refused, choose_humans
from server.views import Viewer, may_see, redact

router = APIRouter()
DEFAULT_TURN_TIMEOUT = 60.0
bearer = HTTPBearer(auto_error=False)


def moderator(request: Request) -> Moderator:
    return request.app.state.moderator


def refused(e: Refused) -> HTTPException:
    return HTTPException(e.status, detail={"code": e.code, "message": e.message})


async def the_game(game_id: str, mod: Annotated[Moderator, Depends(moderator)]) -> LiveGame:
    try:
        return mod.get(game_id)
    except Refused as e:
        raise refused(e) from None


async def the_viewer(
    g: Annotated[LiveGame, Depends(the_game)],
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Viewer:
    try:
        return g.viewer(creds.credentials if creds else None)
    except Refused as e:
        raise refused(e) from None


GameDep = Annotated[LiveGame, Depends(the_game)]
ViewerDep = Annotated[Viewer, Depends(the_viewer)]
ModDep = Annotated[Moderator, Depends(moderator)]


# -- bodies --------------------------------------------------------------------
class CreateGame(BaseModel):
    model_config = ConfigDict(extra="forbid")

    players: Literal[6, 9] = 9
    humans: list[int] | int = Field(default_factory=list, description="seats, or how many")
    lang: Literal["en", "zh"] = "en"
    pace: float = Field(default=30.0, ge=0, le=1000, description="tokens per second; 0 = instant")
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1)
    bots: Literal["builtin", "llm", "mixed"] | dict[int, Literal["builtin", "llm"]] = Field(
        default="builtin",
        description="who plays the seats no human holds: the built-in bots, LLM bots (the "
        "server's configured model), or mixed (every other bot seat an LLM); "
        "or a map of seat -> kind",
    )
    seat_bots: dict[int, Literal["builtin", "llm"]] = Field(
        default_factory=dict, description="per-seat overrides of `bots`"
    )
    step: bool = False
    witch_self_save: Literal["first_night", "never", "always"] = "first_night"
    win_condition: Literal["sides", "parity"] = "sides"
    max_days: int = Field(default=20, ge=3, le=100)
    hosted: bool = Field(default=False, description="open seats for others to join by code")
    host_seat: int | None = Field(default=None, description="the host's own seat, if it plays")
    turn_timeout: float | None = Field(
        default=None,
        ge=0,
        le=3600,
        description="seconds per human decision; 0 = none; default: none for one human, "
        f"{60} for several",
    )
    spectate: bool | None = Field(
        default=None,
        description="hand the creator a token that sees everything "
        "(default: yes, except in hosted games)",
    )

    @model_validator(mode="after")
    def _seats_exist(self) -> CreateGame:
        if isinstance(self.humans, int):
            if not 0 <= self.humans <= self.players:
                raise ValueError(f"humans: a count between 0 and {self.players}")
        else:
            if len(set(self.humans)) != len(self.humans):
                raise ValueError("humans: a seat is listed twice")
            bad = [s for s in self.humans if not 1 <= s <= self.players]
            if bad:
                raise ValueError(f"humans: no seat {bad[0]} at a {self.players}-player table")
        if self.host_seat is not None and not 1 <= self.host_seat <= self.players:
            raise ValueError(
                f"host_seat: no seat {self.host_seat} at a {self.players}-player table"
            )
        for name, seats in (
            ("bots", self.bots if isinstance(self.bots, dict) else {}),
            ("seat_bots", self.seat_bots),
        ):
            bad = [s for s in seats if not 1 <= s <= self.players]
            if bad:
                raise ValueError(f"{name}: no seat {bad[0]} at a {self.players}-player table")
        return self

    def bot_kinds(self, humans: list[int]) -> dict[int, str]:
        """Seat -> bot kind for every seat no human holds."""
        seats = [s for s in range(1, self.players + 1) if s not in humans]
        if isinstance(self.bots, dict):
            kinds = {s: self.bots.get(s, "builtin") for s in seats}
        else:
            kinds = seat_kinds(self.bots, seats)
        kinds.update({s: k for s, k in self.seat_bots.items() if s in kinds})
        return kinds


class Speak(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seat: int
    text: str = Field(max_length=MAX_SPEECH_CHARS)


class Vote(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seat: int
    target: int | None


class Night(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seat: int
    action: Literal["kill", "check", "save", "poison", "skip"]
    target: int | None = None


class Shoot(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seat: int
    target: int | None


# -- streams ---------------------------------------------------------------------
KEEPALIVE_SECONDS = 15.0
SSE_DOC = {
    200: {
        "content": {"text/event-stream": {}},
        "description": "Server-Sent Events: one game event per message (docs/protocol.md)",
    }
}


async def feed(
    g: LiveGame, viewer: Viewer, after: int, until: Literal["segment", "game_over"]
) -> AsyncIterator[bytes]:
    """The game's log from ``after`` as SSE, filtered for ``viewer``, until the segment's
    snapshot (or, for ``game_over``, the snapshot that closes the game).

    Each event is one SSE message (``id`` its sequence number, ``event`` its type,
    ``data`` its JSON), encoded once in the log and shared by every reader; events
    that piled up while the last write was on its way go out in one write.
    A comment line keeps a silent stream alive.
    """
    stream = g.log.follow(after, timeout=KEEPALIVE_SECONDS)
    async for entries in stream:
        if not entries:
            yield KEEPALIVE_COMMENT
            continue
        chunk: list[bytes] = []
        for entry in entries:
            event = entry.event
            if event.type == "snapshot":
                snap = redact(event.model_dump(mode="json"), viewer)
                chunk.append(
                    format_sse_event(
                        data_str=json.dumps(snap, ensure_ascii=False),
                        event="snapshot",
                        id=str(entry.seq),
                    )
                )
                if until == "segment" or snap["state"]["over"]:
                    yield b"".join(chunk)
                    return
            elif may_see(viewer, event, g.finished):
                chunk.append(entry.wire)
        if chunk:
            yield b"".join(chunk)


def sse(body: AsyncIterator[bytes]) -> EventSourceResponse:
    return EventSourceResponse(
        body, headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )


# -- routes ---------------------------------------------------------------------------
@router.get("/healthz")
async def healthz() -> dict:
    return {"ok": True}


@router.post("/games", status_code=201)
async def create_game(body: CreateGame, mod: ModDep) -> dict:
    import secrets

    # Drawn from the OS, not the process's Mersenne Twister: neither can be predicted.
    seed = body.seed if body.seed is not None else secrets.randbelow(2**31)
    try:
        # The names are public: drawn apart from the seed, they can't be used to find it.
        config = GameConfig(
            players=body.players,
            seed=seed,
            lang=body.lang,
            names_seed=secrets.randbelow(2**31),
            witch_self_save=body.witch_self_save,
            win_condition=body.win_condition,
            max_days=body.max_days,
        )
    except ValidationError as e:
        raise HTTPException(422, detail=e.errors(include_url=False)) from None
    humans = choose_humans(body.humans, body.players, seed)
    bots = body.bot_kinds(humans)
    if body.host_seat is not None and body.host_seat not in humans:
        humans = sorted({*humans, body.host_seat})
        if len(humans) > body.players:
            raise HTTPException(422, detail="host_seat: the table has no room left")
        bots.pop(body.host_seat, None)
    if "llm" in bots.values():
        try:
            LLMSettings.from_env()
        except SettingsError as e:
            raise HTTPException(
                422,
                detail=f"bots: LLM bots need a model on the server: {e} "
                "(`werewolf doctor` checks the setup)",
            ) from None
    timeout = body.turn_timeout
    if timeout is None and len(humans) > 1:  # several humans: nobody waits forever
        timeout = DEFAULT_TURN_TIMEOUT
    spectate = body.spectate if body.spectate is not None else not body.hosted
    g = await mod.create(
        config,
        humans,
        bots,
        body.pace,
        body.step,
        turn_timeout=timeout or None,
        hosted=body.hosted,
        host_seat=body.host_seat,
        spectate=spectate,
    )
    answer = {
        "game_id": g.id,
        "code": g.id,
        "humans": humans,
        "tokens": mod.seat_tokens(g),
        "spectator_token": g.spectator_token,
        "host_token": g.host_token,
        "open_seats": sorted(g.open_seats),
        "turn_timeout": g.table.turn_timeout,
    }
    if spectate:  # the seed tells the deal: only for whoever may see everything anyway
        answer["seed"] = seed
    return answer


class Join(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seat: int | None = None


@router.post("/games/{game_id}/join")
async def join(g: GameDep, mod: ModDep, body: Annotated[Join | None, Body()] = None) -> dict:
    """Take a free seat of a hosted game: the answer carries that seat's token."""
    try:
        seat, token = await mod.join(g, body.seat if body else None)
    except Refused as e:
        raise refused(e) from None
    return {"game_id": g.id, "seat": seat, "token": token}


@router.get("/games")
async def list_games(mod: ModDep) -> list[dict]:
    return [g.summary() for g in mod.games.values()]


@router.get("/games/{game_id}")
async def get_game(g: GameDep, viewer: ViewerDep, mod: ModDep) -> dict:
    """The current snapshot for this token, with ``seq``: the log's last sequence number."""
    return {**redact(await mod.snapshot(g), viewer), "seq": g.log.head, "host": viewer.host}


@router.get("/games/{game_id}/calls")
async def llm_calls(
    g: GameDep, viewer: ViewerDep, mod: ModDep, seat: Annotated[int | None, Query(ge=1)] = None
) -> dict:
    """Every LLM call the game's bots made: prompt, raw answer, parse, fallback, tokens, times.

    Prompts hold a seat's private knowledge: a spectator token (god) reads them at any
    time, every player once the game is over.
    """
    if not (viewer.god or g.finished):
        raise HTTPException(
            403,
            detail="LLM calls show the bots' private knowledge: they open "
            "to spectators, and to everyone once the game is over",
        )
    if seat is not None and seat > g.config.players:
        raise HTTPException(
            422, detail=f"seat: no seat {seat} at a {g.config.players}-player table"
        )
    records = [r for r in await mod.calls(g) if seat is None or r.seat == seat]
    return {
        "game_id": g.id,
        "summary": summarize(records),
        "calls": [r.model_dump() for r in records],
    }


async def _started(g: GameDep, viewer: ViewerDep, mod: ModDep) -> int:
    try:
        return await mod.start(g, viewer)
    except Refused as e:
        raise refused(e) from None


async def _advanced(g: GameDep, viewer: ViewerDep, mod: ModDep) -> int:
    try:
        return await mod.advance(g)
    except Refused as e:
        raise refused(e) from None


async def _act(mod: Moderator, g: LiveGame, viewer: Viewer, action: Action) -> int:
    try:
        return await mod.act(g, viewer, action)
    except Refused as e:
        raise refused(e) from None


async def _spoke(body: Speak, g: GameDep, viewer: ViewerDep, mod: ModDep) -> int:
    return await _act(mod, g, viewer, Action(seat=body.seat, kind="speak", text=body.text))


async def _voted(body: Vote, g: GameDep, viewer: ViewerDep, mod: ModDep) -> int:
    return await _act(mod, g, viewer, Action(seat=body.seat, kind="vote", target=body.target))


async def _night(body: Night, g: GameDep, viewer: ViewerDep, mod: ModDep) -> int:
    return await _act(mod, g, viewer, Action(seat=body.seat, kind=body.action, target=body.target))


async def _shot(body: Shoot, g: GameDep, viewer: ViewerDep, mod: ModDep) -> int:
    kind = "shoot" if body.target is not None else "skip"
    return await _act(mod, g, viewer, Action(seat=body.seat, kind=kind, target=body.target))


@router.post("/games/{game_id}/start", responses=SSE_DOC)
async def start(g: GameDep, viewer: ViewerDep, pos: Annotated[int, Depends(_started)]):
    return sse(feed(g, viewer, pos, "segment"))


@router.post("/games/{game_id}/advance", responses=SSE_DOC)
async def advance(g: GameDep, viewer: ViewerDep, pos: Annotated[int, Depends(_advanced)]):
    return sse(feed(g, viewer, pos, "segment"))


@router.post("/games/{game_id}/action/speak", responses=SSE_DOC)
async def speak(g: GameDep, viewer: ViewerDep, pos: Annotated[int, Depends(_spoke)]):
    return sse(feed(g, viewer, pos, "segment"))


@router.post("/games/{game_id}/action/vote", responses=SSE_DOC)
async def vote(g: GameDep, viewer: ViewerDep, pos: Annotated[int, Depends(_voted)]):
    return sse(feed(g, viewer, pos, "segment"))


@router.post("/games/{game_id}/action/night", responses=SSE_DOC)
async def night(g: GameDep, viewer: ViewerDep, pos: Annotated[int, Depends(_night)]):
    return sse(feed(g, viewer, pos, "segment"))


@router.post("/games/{game_id}/action/shoot", responses=SSE_DOC)
async def shoot(g: GameDep, viewer: ViewerDep, pos: Annotated[int, Depends(_shot)]):
    return sse(feed(g, viewer, pos, "segment"))


@router.get("/games/{game_id}/events", responses=SSE_DOC)
async def events(
    g: GameDep,
    viewer: ViewerDep,
    after: Annotated[int | None, Query(ge=0)] = None,
    last_event_id: Annotated[str | None, Header()] = None,
):
    pos = after or 0
    if last_event_id:
        try:
            pos = max(pos, int(last_event_id))
        except ValueError:
            raise HTTPException(422, detail="Last-Event-ID must be an integer") from None
    return sse(feed(g, viewer, pos, "game_over"))


__all__ = ["Body", "router"]
