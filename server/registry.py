"""The games on this server: how one is created (seeds, seats, bots, timer, who may
watch), found by its code, and joined; and which token sees and acts as whom."""

from __future__ import annotations

import asyncio
import random
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from server.bots import seat_kinds, unavailable
from server.call_records import GameCalls
from server.eventlog import EventLog
from server.game import GameConfig, GameState, Viewer, new_game
from server.game.config import BoardName, board_options
from server.graph_state import Table
from server.journal import Journal
from server.refusals import Refused
from server.store import Store

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud
DEFAULT_TURN_TIMEOUT = 60.0  # seconds per decision when several humans share a table
PAGE_SIZE, MAX_PAGE_SIZE = 50, 100  # games per page of GET /games
CURSOR = re.compile(r"^\d{10}\.\d{6}:[A-Z0-9]{1,32}$")
FULL_RETRY_SECONDS = 60  # a full server: a game may finish by then
# ``llm:NAME``: the LLM bot on the named model endpoint NAME (server/llm/endpoints.py).
BotKindName = (
    Literal["builtin", "llm"]
    | Annotated[str, Field(pattern=r"^llm:[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")]
)
MAX_SEATS = 9  # the largest table: no list or map of seats in a request is longer
SeatList = Annotated[list[int], Field(max_length=MAX_SEATS)]
# (a JSON object's keys are strings: a seat's number is read from one)
SeatMap = Annotated[dict[Annotated[int, Strict(False)], BotKindName], Field(max_length=MAX_SEATS)]


def new_token() -> str:
    """A game's secret (a seat's, the spectator's, the host's): 18 random bytes, URL-safe,
    and never one that starts with "-". A token is typed after ``--token`` on a command line
    (``werewolf watch GAME --token T``), where argparse takes "-…" for an option: one token
    in 64 was refused so."""
    while (token := secrets.token_urlsafe(18)).startswith("-"):
        pass
    return token


class NewGame(BaseModel):
    """What a creator asks for (the body of ``POST /games``): strict, as its schema says
    (``0`` is not ``false``, ``"9"`` not ``9``)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    players: Literal[6, 9, 12] = 9
    board: BoardName | None = Field(
        default=None, description="6, 9, 12-guard (预女猎守) or 12-idiot (预女猎白); sets players"
    )
    sheriff: bool | None = Field(
        default=None, description="the sheriff's election (default: on at 12 players)"
    )
    humans: SeatList | int = Field(default_factory=list, description="seats, or how many")
    lang: Literal["en", "zh"] = "en"
    pace: float = Field(default=30.0, ge=0, le=1000, description="tokens per second; 0 = instant")
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1)
    names_seed: int | None = Field(
        default=None,
        ge=0,
        le=2**63 - 1,
        description="seed of the seat names (default: drawn by the server, apart from the "
        "seed); with the seed, the same answers replay the same game (the built-in bots' "
        "temperament follows the names)",
    )
    bots: Literal["builtin", "llm", "mixed"] | SeatMap = Field(
        default="builtin",
        description="who plays the seats no human holds: the built-in bots, LLM bots (the "
        "server's configured model), or mixed (every other bot seat an LLM); "
        "or a map of seat -> kind",
    )
    seat_bots: SeatMap = Field(default_factory=dict, description="per-seat overrides of `bots`")
    step: bool = False
    witch_self_save: Literal["first_night", "never", "always"] = "first_night"
    win_condition: Literal["sides", "city", "parity"] = "sides"
    max_days: int = Field(default=20, ge=3, le=100)
    hosted: bool = Field(default=False, description="open seats for others to join by code")
    host_seat: int | None = Field(default=None, description="the host's own seat, if it plays")
    turn_timeout: float | None = Field(
        default=None,
        ge=0,
        le=3600,
        description="seconds per human decision; 0 = none; default: none for one human, "
        f"{DEFAULT_TURN_TIMEOUT:g} for several",
    )
    spectate: bool | None = Field(
        default=None,
        description="hand the creator a token that sees everything "
        "(default: yes, except in hosted games; refused to a host who plays)",
    )
    open: bool = Field(
        default=False,
        description="an open table: every bot's thoughts stream to every viewer, for "
        "learning the game and debugging bots (everyone at the table is told)",
    )
    public: bool = Field(
        default=False,
        description="list the game in GET /games for everyone (default: only for those "
        "holding one of its tokens; the code is the invitation)",
    )

    @model_validator(mode="after")
    def _board_sets_players(self) -> NewGame:
        if self.board is not None:
            self.players = board_options(self.board)["players"]
        return self

    @model_validator(mode="after")
    def _seats_exist(self) -> NewGame:
        n = self.players
        if isinstance(self.humans, int):
            if not 0 <= self.humans <= n:
                raise ValueError(f"humans: a count between 0 and {n}")
        else:
            if len(set(self.humans)) != len(self.humans):
                raise ValueError("humans: a seat is listed twice")
            bad = [s for s in self.humans if not 1 <= s <= n]
            if bad:
                raise ValueError(f"humans: no seat {bad[0]} at a {n}-player table")
        if self.host_seat is not None and not 1 <= self.host_seat <= n:
            raise ValueError(f"host_seat: no seat {self.host_seat} at a {n}-player table")
        if self.hosted and self.host_seat is not None and self.spectate:
            raise ValueError(
                "spectate: a host who plays (host_seat) can't also see everything: the other "
                "players would be at a table where one of them knows every role; host "
                "without a seat to watch, or play without spectate"
            )
        for name, seats in (
            ("bots", self.bots if isinstance(self.bots, dict) else {}),
            ("seat_bots", self.seat_bots),
        ):
            bad = [s for s in seats if not 1 <= s <= n]
            if bad:
                raise ValueError(f"{name}: no seat {bad[0]} at a {n}-player table")
        return self

    # -- the creation policy ----------------------------------------------------------
    def human_seats(self, seed: int) -> list[int]:
        if isinstance(self.humans, int):
            seats = random.Random(f"humans:{seed}").sample(range(1, self.players + 1), self.humans)
        else:
            seats = list(self.humans)
        if self.host_seat is not None:
            seats.append(self.host_seat)
        return sorted(set(seats))

    def bot_kinds(self, humans: list[int]) -> dict[int, str]:
        """Seat -> bot kind for every seat no human holds."""
        seats = [s for s in range(1, self.players + 1) if s not in humans]
        if isinstance(self.bots, dict):
            kinds = {s: self.bots.get(s, "builtin") for s in seats}
        else:
            kinds = seat_kinds(self.bots, seats)
        kinds.update({s: k for s, k in self.seat_bots.items() if s in kinds})
        return kinds

    def timer(self, humans: list[int]) -> float | None:
        """Seconds per human decision: as asked, else none for one human, a minute for several."""
        timeout = self.turn_timeout
        if timeout is None and len(humans) > 1:  # several humans: nobody waits forever
            timeout = DEFAULT_TURN_TIMEOUT
        return timeout or None

    def may_spectate(self) -> bool:
        return self.spectate if self.spectate is not None else not self.hosted


@dataclass
class LiveGame:
    id: str  # also the join code
    config: GameConfig
    table: Table
    tokens: dict[str, int | None]  # seat tokens handed out: token -> seat
    created: float
    log: EventLog
    # The deal, before the graph runs: kept while the game may run; a finished game deals it
    # again when asked (the rules are deterministic, and that is rare).
    deal: GameState | None = None
    spectator_token: str | None = None  # sees everything (None in hosted games)
    host_token: str | None = None  # may start the game
    public: bool = False  # listed for everyone in GET /games
    open: bool = False  # every bot's thoughts go to every viewer
    open_seats: dict[int, str] = field(default_factory=dict)  # human seats not yet taken
    started: bool = False
    finished: bool = False
    phase: str = "night"
    day: int = 1
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    task: asyncio.Task | None = None
    timers: dict[int, int] = field(default_factory=dict)  # seat -> seq of the waiting it times
    calls: GameCalls | None = None  # the LLM bots' call records
    # While a segment runs: the game at its last phase's end that was not checkpointed (the
    # graph's ``progress``), newer than the checkpoint; None otherwise.
    live: GameState | None = None
    # A finished game's last word, the snapshot that closed it, as the log wrote it (JSON:
    # a KiB, where its models take several); read when someone asks for it.
    final: str | None = None

    @property
    def initial(self) -> GameState:
        """The deal, before the graph runs (the seats, names and roles)."""
        return self.deal if self.deal is not None else new_game(self.config).state

    def record(self) -> dict[str, Any]:
        return {
            "config": self.config.model_dump(),
            "table": self.table.model_dump(),
            "tokens": self.tokens,
            "spectator_token": self.spectator_token,
            "host_token": self.host_token,
            "open_seats": {str(k): v for k, v in self.open_seats.items()},
            "public": self.public,
            "open": self.open,
        }

    def viewer(self, token: str | None) -> Viewer:
        if token is None:
            raise Refused("unauthorized", "bad_token", "missing bearer token")
        host = token == self.host_token or (
            self.host_token is None and (token in self.tokens or token == self.spectator_token)
        )
        if token == self.spectator_token:
            return Viewer(seat=None, god=True, host=host)
        if token in self.tokens:
            seat = self.tokens[token]
            is_wolf = seat is not None and self.initial.role(seat) == "werewolf"
            return Viewer(seat=seat, is_wolf=is_wolf, host=host, minds=self.open)
        if token == self.host_token:
            return Viewer(seat=None, host=True, minds=self.open)
        raise Refused("forbidden", "bad_token", "this token does not belong to this game")

    def holds(self, token: str) -> bool:
        """Whether ``token`` is one this game handed out (a seat's, the host's, the spectator's)."""
        return token in self.tokens or token in (self.host_token, self.spectator_token)

    def cursor(self) -> str:
        """Where this game sits in the listing (newest first): creation time, then code."""
        return f"{self.created:017.6f}:{self.id}"

    def seat_tokens(self) -> dict[int, str]:
        return {s: tok for tok, s in self.tokens.items() if s is not None}

    def summary(self) -> dict[str, Any]:
        return {
            "game_id": self.id,
            "code": self.id,
            "players": self.config.players,
            "phase": self.phase,
            "day": self.day,
            "humans": self.table.humans,
            "open_seats": sorted(self.open_seats),
            "hosted": self.host_token is not None,
            "public": self.public,
            "open": self.open,
            # a token that sees everything exists: in a hosted game, its players are told
            "spectated": self.spectator_token is not None,
            "started": self.started,
            "finished": self.finished,
            "created": self.created,
        }


@dataclass
class Created:
    """A new game and what only its creator learns: tokens, and the seed if it may see all."""

    game: LiveGame
    seed: int | None

    def answer(self) -> dict[str, Any]:
        g = self.game
        out: dict[str, Any] = {
            "game_id": g.id,
            "code": g.id,
            "humans": g.table.humans,
            "tokens": g.seat_tokens(),
            "spectator_token": g.spectator_token,
            "host_token": g.host_token,
            "open_seats": sorted(g.open_seats),
            "turn_timeout": g.table.turn_timeout,
        }
        if self.seed is not None:  # the seed tells the deal: only for whoever sees all anyway
            out["seed"] = self.seed
        return out


class Registry:
    """Every game this server holds, by code."""

    def __init__(
        self, store: Store | None, journal: Journal | None = None, max_live: int = 0
    ) -> None:
        self.store = store
        self.journal = journal
        self.games: dict[str, LiveGame] = {}
        self.max_live = max_live  # unfinished games this server takes; 0: no cap
        self._creating = 0  # creations on their way (they count against the cap)

    def get(self, game_id: str) -> LiveGame:
        try:
            return self.games[game_id]
        except KeyError:
            raise Refused(
                "not_found", "unknown_game", f"no game {game_id!r} on this server"
            ) from None

    def listing(
        self, token: str | None = None, limit: int = PAGE_SIZE, after: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the games this caller may see listed, newest first: the public ones
        and the one ``token`` belongs to. Returns the page and the cursor of the next one
        (None on the last page)."""
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise Refused("invalid", "bad_limit", f"limit: between 1 and {MAX_PAGE_SIZE}")
        if after is not None and not CURSOR.match(after):
            raise Refused("invalid", "bad_cursor", "after: a cursor from a previous page's next")
        shown = [
            g
            for g in self.games.values()
            if (g.public or (token and g.holds(token))) and (after is None or g.cursor() < after)
        ]
        shown.sort(key=LiveGame.cursor, reverse=True)
        page = shown[:limit]
        more = len(shown) > limit
        return [g.summary() for g in page], page[-1].cursor() if more else None

    def live(self) -> int:
        return sum(1 for g in self.games.values() if not g.finished)

    def new_log(self, game_id: str) -> EventLog:
        """A game's event log, written by the journal when the server keeps its games."""
        return self.journal.log_for(game_id) if self.journal is not None else EventLog()

    def calls(self, g: LiveGame) -> GameCalls:
        """The game's LLM call records (a finished game's are read back from the store when
        first asked for)."""
        if g.calls is None:
            g.calls = GameCalls(g.id, self.store, stored=g.finished)
        return g.calls

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
            if code not in self.games:
                return code

    async def create(self, ask: NewGame) -> Created:
        """A new game. Unhosted: every human seat's token goes to the creator. Hosted: the
        creator gets a host token (its own seat's, if it plays) and the other human seats
        wait, open, for ``join``."""
        if self.journal is not None and not self.journal.healthy:
            raise Refused(
                "unavailable",
                "storage",
                f"the server can't write its games right now ({self.journal.error}); try again",
            )
        if self.max_live and self.live() + self._creating >= self.max_live:
            raise Refused(
                "unavailable",
                "server_full",
                f"this server is running {self.max_live} unfinished games, the most it takes: "
                "try again when one has finished",
                retry_after=FULL_RETRY_SECONDS,
            )
        self._creating += 1
        try:
            return await self._create(ask)
        finally:
            self._creating -= 1

    async def _create(self, ask: NewGame) -> Created:
        # Drawn from the OS, not the process's Mersenne Twister: neither can be predicted.
        seed = ask.seed if ask.seed is not None else secrets.randbelow(2**31)
        rules: dict[str, Any] = board_options(ask.board) if ask.board else {"players": ask.players}
        config = GameConfig(
            **rules,
            sheriff=ask.sheriff,
            seed=seed,
            lang=ask.lang,
            # The names are public: drawn apart from the seed, they can't be used to find it.
            names_seed=ask.names_seed if ask.names_seed is not None else secrets.randbelow(2**31),
            witch_self_save=ask.witch_self_save,
            win_condition=ask.win_condition,
            max_days=ask.max_days,
        )
        humans = ask.human_seats(seed)
        bots = ask.bot_kinds(humans)
        if problem := unavailable(bots.values()):
            raise Refused("invalid", "bots_unavailable", f"bots: {problem}")
        table = Table(
            humans=humans,
            bots=bots,
            pace=ask.pace,
            step=ask.step,
            turn_timeout=ask.timer(humans),
        )
        game_id = self._new_code()
        t = new_game(config)
        g = LiveGame(
            id=game_id,
            config=config,
            table=table,
            tokens={},
            created=time.time(),
            log=self.new_log(game_id),
            deal=t.state,
            public=ask.public,
            open=ask.open,
        )
        seat_tokens = {s: new_token() for s in table.humans}
        spectate = ask.may_spectate()
        if spectate:
            g.spectator_token = new_token()
        if ask.hosted:
            g.open_seats = dict(seat_tokens)
            if ask.host_seat is not None:
                g.host_token = g.open_seats.pop(ask.host_seat)
                g.tokens[g.host_token] = ask.host_seat
            else:
                g.host_token = new_token()
        else:
            g.tokens = {tok: s for s, tok in seat_tokens.items()}
        if self.store:
            try:
                await self.store.add_game(game_id, g.created, g.record())
            except Exception as e:  # noqa: BLE001 - a full disk: refuse, having kept nothing
                if self.journal is not None:
                    self.journal.report(e)
                raise Refused(
                    "unavailable", "storage", f"the server can't store a game: {e}"
                ) from e
        for e in t.events:
            if e.type == "game_created":
                e = e.model_copy(update={"humans": table.humans})
            g.log.publish(e)
        self.games[game_id] = g
        return Created(g, seed if spectate else None)

    async def join(self, g: LiveGame, seat: int | None) -> tuple[int, str]:
        """Take an open seat (the lowest, unless one is asked for) and its token."""
        if g.started:
            raise Refused("conflict", "started", "the game has already started")
        if not g.open_seats:
            raise Refused("conflict", "full", "every seat is taken")
        if seat is None:
            seat = min(g.open_seats)
        elif seat not in g.open_seats:
            raise Refused(
                "conflict", "seat_taken", f"seat {seat} is not open (open: {sorted(g.open_seats)})"
            )
        token = g.open_seats.pop(seat)
        g.tokens[token] = seat
        await self.save_record(g)
        return seat, token

    async def save_record(self, g: LiveGame) -> None:
        if self.store:
            await self.store.update_record(g.id, g.record())


__all__ = ["Created", "LiveGame", "NewGame", "Registry"]
