"""The event vocabulary shared by the server and the terminal client.

Every event the game produces is one of the typed models below. Each carries
its ``vis`` (visibility): who may see it while the game runs. The server filters
every stream and snapshot through :func:`visible_to`; after game over everything
is public. ``docs/protocol.md`` describes the same vocabulary in prose.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Role = Literal["werewolf", "villager", "seer", "witch", "hunter"]
Side = Literal["wolves", "villagers"]
Lang = Literal["en", "zh"]

Scope = Literal["public", "wolves", "seat", "god"]


class Visibility(BaseModel):
    """Who may see an event: everyone, the wolves, one seat, or god (spectators)."""

    model_config = ConfigDict(frozen=True)

    scope: Scope = "public"
    seat: int | None = None


PUBLIC = Visibility(scope="public")
WOLVES = Visibility(scope="wolves")
GOD = Visibility(scope="god")


def only(seat: int) -> Visibility:
    return Visibility(scope="seat", seat=seat)


def visible_to(vis: Visibility, seat: int | None, is_wolf: bool, god: bool = False) -> bool:
    """May a viewer sitting at ``seat`` (None: a spectator without god rights) see it?"""
    if god or vis.scope == "public":
        return True
    if vis.scope == "wolves":
        return is_wolf
    if vis.scope == "seat":
        return seat is not None and vis.seat == seat
    return False


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    vis: Visibility = PUBLIC
    ts: float | None = None  # when the server published it (Unix time), set by the event log


class SeatInfo(BaseModel):
    seat: int
    name: str


class GameCreated(_Event):
    type: Literal["game_created"] = "game_created"
    players: int
    lang: Lang
    seats: list[SeatInfo]
    roles: dict[str, int]  # the board: role -> count
    humans: list[int] = []
    options: dict[str, Any] = {}


class RoleAssigned(_Event):
    """A seat learns its role; wolves also learn their teammates."""

    type: Literal["role"] = "role"
    seat: int
    role: Role
    teammates: list[int] = []


PhaseName = Literal["night", "day", "vote", "pk", "game_over"]


class Phase(_Event):
    type: Literal["phase"] = "phase"
    phase: PhaseName
    day: int


class ThoughtStart(_Event):
    type: Literal["thought_start"] = "thought_start"
    seat: int
    label: str = ""


class ThoughtToken(_Event):
    type: Literal["thought_token"] = "thought_token"
    seat: int
    content: str


class ThoughtEnd(_Event):
    type: Literal["thought_end"] = "thought_end"
    seat: int


SpeechKind = Literal["day", "pk", "last_words", "wolf_chat"]


class SpeechStart(_Event):
    type: Literal["speech_start"] = "speech_start"
    seat: int
    kind: SpeechKind = "day"


class Token(_Event):
    """One token of a speech being spoken (public, or wolves-only at night)."""

    type: Literal["token"] = "token"
    seat: int
    content: str


class SpeechEnd(_Event):
    type: Literal["speech_end"] = "speech_end"
    seat: int
    text: str
    kind: SpeechKind = "day"
    day: int = 0


VoteKind = Literal["day", "pk", "wolf"]


class VoteCast(_Event):
    type: Literal["vote_cast"] = "vote_cast"
    seat: int
    target: int | None  # None: abstain (or "no kill" for the wolves)
    kind: VoteKind = "day"
    day: int = 0


class VoteResult(_Event):
    type: Literal["vote_result"] = "vote_result"
    kind: VoteKind
    day: int
    votes: dict[int, int | None]
    tally: dict[int, int]
    chosen: int | None  # exiled player, or the wolves' victim
    tie: list[int] = []


DeathCause = Literal["night", "exile", "shot"]


class Death(_Event):
    """Players who died. At dawn the night's deaths come together without cause."""

    type: Literal["death"] = "death"
    seats: list[int]
    cause: DeathCause
    day: int


class NightDeathCause(_Event):
    """God's view of how a night death happened (never public before game over)."""

    type: Literal["death_cause"] = "death_cause"
    seat: int
    cause: Literal["wolves", "poison"]
    day: int


class CheckResult(_Event):
    type: Literal["check_result"] = "check_result"
    seat: int
    target: int
    is_wolf: bool
    day: int


class WitchInfo(_Event):
    type: Literal["witch_info"] = "witch_info"
    seat: int
    victim: int | None  # None when she no longer holds the antidote, or nobody
    can_save: bool
    can_poison: bool
    day: int


class NightAction(_Event):
    """A seat's own record of what it did at night (the witch's potion)."""

    type: Literal["night_action"] = "night_action"
    seat: int
    action: Literal["save", "poison", "check", "kill"]
    target: int | None
    day: int


class Shot(_Event):
    type: Literal["shot"] = "shot"
    seat: int
    target: int | None  # None: the hunter declined
    day: int


ActionName = Literal[
    "speak",
    "wolf_chat",
    "wolf_kill",
    "check",
    "witch",
    "vote",
    "pk_speak",
    "pk_vote",
    "last_words",
    "shoot",
    "advance",
]


class Waiting(_Event):
    """The game waits on these seats for this decision."""

    type: Literal["waiting"] = "waiting"
    seats: list[int]
    action: ActionName
    options: list[int | None] = []
    deadline: float | None = None


class Decided(_Event):
    """A seat has made its decision (what it chose is revealed later, if at all)."""

    type: Literal["decided"] = "decided"
    seat: int
    action: ActionName


class GameOver(_Event):
    type: Literal["game_over"] = "game_over"
    winner: Side
    roles: dict[int, Role]
    reason: str
    day: int


class Error(_Event):
    type: Literal["error"] = "error"
    message: str
    seat: int | None = None


class Snapshot(_Event):
    """The final message of every run segment: the game as the checkpoint holds it."""

    type: Literal["snapshot"] = "snapshot"
    state: dict[str, Any]
    next: list[str] = []
    waiting_for: list[dict[str, Any]] = []
    done: Literal[True] = True


Event = Annotated[
    GameCreated
    | RoleAssigned
    | Phase
    | ThoughtStart
    | ThoughtToken
    | ThoughtEnd
    | SpeechStart
    | Token
    | SpeechEnd
    | VoteCast
    | VoteResult
    | Death
    | NightDeathCause
    | CheckResult
    | WitchInfo
    | NightAction
    | Shot
    | Waiting
    | Decided
    | GameOver
    | Error
    | Snapshot,
    Field(discriminator="type"),
]

EventAdapter: TypeAdapter[Event] = TypeAdapter(Event)

EVENT_TYPES: tuple[str, ...] = (
    "game_created",
    "role",
    "phase",
    "thought_start",
    "thought_token",
    "thought_end",
    "speech_start",
    "token",
    "speech_end",
    "vote_cast",
    "vote_result",
    "death",
    "death_cause",
    "check_result",
    "witch_info",
    "night_action",
    "shot",
    "waiting",
    "decided",
    "game_over",
    "error",
    "snapshot",
)


def parse_event(data: dict[str, Any] | str | bytes) -> Event:
    """Parse one event from its JSON form (a dict or a JSON string)."""
    if isinstance(data, (str, bytes)):
        return EventAdapter.validate_json(data)
    return EventAdapter.validate_python(data)
