"""The event vocabulary shared by the server and the terminal client.

Every event the game produces is one of the typed models below. Each carries
its ``vis`` (its audience): who may see it while the game runs. The server filters
every stream and snapshot for its viewer (``server/game/visibility.py``); after game
over everything is public. ``docs/protocol.md`` describes the same vocabulary in prose.

Text that people or models wrote (names, labels, speeches, thoughts, messages) is
:data:`~shared.text.OneLine` or :data:`~shared.text.Lines`: whoever builds or reads an
event, no escape sequence, control or bidi character is left in it (``shared/text.py``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from shared.actions import Decision, DecisionKind
from shared.audience import GOD as GOD
from shared.audience import PUBLIC as PUBLIC
from shared.audience import WOLVES as WOLVES
from shared.audience import Scope as Scope
from shared.audience import Visibility
from shared.audience import only as only
from shared.text import Lines, OneLine

# The protocol's version: in ``GET /healthz`` and every ``game_created``. 2: one action
# route (``POST /games/{id}/actions``), typed ``waiting`` decisions and snapshots.
PROTOCOL_VERSION = 2

Role = Literal["werewolf", "villager", "seer", "witch", "hunter", "guard", "idiot"]
Side = Literal["wolves", "villagers"]
Lang = Literal["en", "zh"]


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    vis: Visibility = PUBLIC
    ts: float | None = (
        None  # when the server released it to the streams (Unix time): the event log's
    )


class _SeatEvent(_Event):
    """An event about one seat. ``type`` is each event's own literal (declared here so
    that every event's fields keep their order on the wire: type, then seat)."""

    type: str
    seat: int


class SeatInfo(BaseModel):
    seat: int
    name: OneLine


class GameCreated(_Event):
    type: Literal["game_created"] = "game_created"
    protocol: int = PROTOCOL_VERSION
    players: int
    lang: Lang
    seats: list[SeatInfo]
    roles: dict[str, int]  # the board: role -> count
    humans: list[int] = []
    options: dict[str, Any] = {}


class RoleAssigned(_SeatEvent):
    """A seat learns its role; wolves also learn their teammates."""

    type: Literal["role"] = "role"
    role: Role
    teammates: list[int] = []


# "sheriff": the election on day 1, before the night's deaths are announced
PhaseName = Literal["night", "sheriff", "day", "vote", "pk", "game_over"]


class Phase(_Event):
    type: Literal["phase"] = "phase"
    phase: PhaseName
    day: int


class ThoughtStart(_SeatEvent):
    type: Literal["thought_start"] = "thought_start"
    label: OneLine = ""


class ThoughtToken(_SeatEvent):
    type: Literal["thought_token"] = "thought_token"
    content: Lines


class ThoughtEnd(_SeatEvent):
    type: Literal["thought_end"] = "thought_end"


# "sheriff" / "sheriff_pk": a candidate's speech on the stage (警上发言) and in its PK
SpeechKind = Literal["day", "pk", "last_words", "wolf_chat", "sheriff", "sheriff_pk"]


class SpeechStart(_SeatEvent):
    type: Literal["speech_start"] = "speech_start"
    kind: SpeechKind = "day"


class Token(_SeatEvent):
    """One token of a speech being spoken (public, or wolves-only at night)."""

    type: Literal["token"] = "token"
    content: OneLine


class SpeechEnd(_SeatEvent):
    type: Literal["speech_end"] = "speech_end"
    text: OneLine
    kind: SpeechKind = "day"
    day: int = 0
    target: int | None = None  # the wolves' talk: the kill this wolf proposes


VoteKind = Literal["day", "pk", "wolf", "sheriff", "sheriff_pk"]


class VoteCast(_SeatEvent):
    type: Literal["vote_cast"] = "vote_cast"
    target: int | None  # None: abstain (or "no kill" for the wolves)
    kind: VoteKind = "day"
    day: int = 0


class VoteResult(_Event):
    type: Literal["vote_result"] = "vote_result"
    kind: VoteKind
    day: int
    votes: dict[int, int | None]
    # votes per seat; the sheriff's ballot counts 1.5 in the day's votes, hence a float
    tally: dict[int, int | float]
    chosen: int | None  # exiled player, the wolves' victim, or the elected sheriff
    tie: list[int] = []


DeathCause = Literal["night", "exile", "shot", "destruct"]


class Death(_Event):
    """Players who died. At dawn the night's deaths come together without cause."""

    type: Literal["death"] = "death"
    seats: list[int]
    cause: DeathCause
    day: int


class NightDeathCause(_SeatEvent):
    """God's view of how a night death happened (never public before game over)."""

    type: Literal["death_cause"] = "death_cause"
    cause: Literal["wolves", "poison"]
    day: int


class CheckResult(_SeatEvent):
    type: Literal["check_result"] = "check_result"
    target: int
    is_wolf: bool
    day: int


class WitchInfo(_SeatEvent):
    type: Literal["witch_info"] = "witch_info"
    victim: int | None  # None when she no longer holds the antidote, or nobody
    can_save: bool
    can_poison: bool
    day: int


class NightAction(_SeatEvent):
    """A seat's own record of what it did at night (the witch's potion)."""

    type: Literal["night_action"] = "night_action"
    action: Literal["save", "poison", "check", "kill", "guard"]
    target: int | None
    day: int


class Shot(_SeatEvent):
    type: Literal["shot"] = "shot"
    target: int | None  # None: the hunter declined
    day: int


class SheriffCandidates(_Event):
    """Who stands for sheriff (上警), once all have said; after the withdrawals (退水),
    who is left (``seats``) and who withdrew."""

    type: Literal["sheriff_candidates"] = "sheriff_candidates"
    seats: list[int]
    withdrawn: list[int] = []
    day: int


BadgeHow = Literal["elected", "passed", "torn", "lost"]


class Badge(_Event):
    """The sheriff's badge (警徽) changes hands: elected, passed by a dying sheriff, torn
    (撕警徽), or lost (警徽流失: nobody stood, a second tie, a self-destruct in the
    election, a revealed idiot's badge). ``seat`` holds it now (None: nobody)."""

    type: Literal["badge"] = "badge"
    seat: int | None
    previous: int | None = None
    how: BadgeHow
    day: int


class SelfDestruct(_SeatEvent):
    """A wolf reveals himself (自爆): he dies at once without last words; the day ends."""

    type: Literal["self_destruct"] = "self_destruct"
    day: int


class IdiotRevealed(_SeatEvent):
    """The idiot (白痴) voted out shows his card: he lives on, without a vote."""

    type: Literal["idiot_revealed"] = "idiot_revealed"
    day: int


Direction = Literal["left", "right"]


class SpeakingOrder(_Event):
    """The day's speaking order: the sheriff's pick (警左: his lower neighbour first,
    警右: his higher), or the rules' (from the lowest night death's neighbour, or a random
    seat after a peaceful night; a random direction)."""

    type: Literal["speaking_order"] = "speaking_order"
    seats: list[int]
    direction: Direction
    sheriff: int | None = None
    day: int


class GuardResult(_SeatEvent):
    """God's view of the guard's night when he protected the wolves' victim: the kill was
    stopped, or, guarded and saved at once (同守同救), the victim died all the same."""

    type: Literal["guard_result"] = "guard_result"
    target: int
    double: bool  # guarded and saved: dies
    day: int


ActionName = Literal[DecisionKind, Literal["advance"]]


class Waiting(_Event):
    """The game waits on one seat's decision (seen by that seat), or, with no decision,
    on someone to advance it (step mode)."""

    type: Literal["waiting"] = "waiting"
    decision: Decision | None = None
    deadline: float | None = None  # Unix time the turn timer takes the pass

    @property
    def seats(self) -> list[int]:
        return [self.decision.seat] if self.decision else []

    @property
    def action(self) -> ActionName:
        return self.decision.action if self.decision else "advance"


class Decided(_SeatEvent):
    """A seat has made its decision (what it chose is revealed later, if at all)."""

    type: Literal["decided"] = "decided"
    action: ActionName


class GameOver(_Event):
    type: Literal["game_over"] = "game_over"
    winner: Side
    roles: dict[int, Role]
    reason: OneLine
    day: int


class Error(_Event):
    type: Literal["error"] = "error"
    message: Lines
    seat: int | None = None


class SeatState(BaseModel):
    seat: int
    name: OneLine
    alive: bool
    role: Role | None = None  # None: this viewer does not know it


class TableState(BaseModel):
    """The game as one viewer may know it (see ``server/game/visibility.py``)."""

    started: bool
    day: int
    phase: PhaseName
    over: bool
    winner: Side | None = None
    reason: OneLine = ""
    players: int
    lang: Lang
    humans: list[int] = []
    you: int | None = None
    seats: list[SeatState]
    checks: dict[int, bool] = {}  # the seer's results (the seer, god)
    antidote: bool | None = None  # the witch's potions (the witch, god)
    poison: bool | None = None
    sheriff: int | None = None  # who holds the badge (public)
    revealed_idiot: int | None = None  # the idiot who showed his card (public)
    protected: int | None = None  # the guard's last protection (the guard, god)
    options: dict[str, Any] = {}  # the rule options (GameConfig)


class Resumed(_Event):
    """The server restarted in the middle of the game, which goes on from its last
    checkpoint. Events after ``after`` that the game does not produce again in the same
    words (an LLM bot may say something else the second time) are superseded."""

    type: Literal["resumed"] = "resumed"
    after: int
    day: int
    phase: PhaseName


class Snapshot(_Event):
    """The final message of every run segment: the game as the checkpoint holds it.

    ``waiting_for`` lists the human decisions pending: whole for the viewer's own seat,
    only seat and kind for others (and nothing of a night decision it may not know of).
    """

    type: Literal["snapshot"] = "snapshot"
    state: TableState
    next: list[str] = []
    waiting_for: list[Decision] = []
    paused: bool = False  # step mode: waiting on ``advance``
    # at night: how many jobs the table still waits on (never whose; see visibility.py)
    night_open: int = 0
    done: Literal[True] = True


class GameView(Snapshot):
    """``GET /games/{id}``: the snapshot for this token, the log's head, and whether the
    token is the host's."""

    seq: int = 0
    host: bool = False


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
    | SheriffCandidates
    | Badge
    | SelfDestruct
    | IdiotRevealed
    | SpeakingOrder
    | GuardResult
    | Waiting
    | Decided
    | GameOver
    | Error
    | Resumed
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
    "sheriff_candidates",
    "badge",
    "self_destruct",
    "idiot_revealed",
    "speaking_order",
    "guard_result",
    "waiting",
    "decided",
    "game_over",
    "error",
    "resumed",
    "snapshot",
)


def parse_event(data: dict[str, Any] | str | bytes) -> Event:
    """Parse one event from its JSON form (a dict or a JSON string)."""
    if isinstance(data, (str, bytes)):
        return EventAdapter.validate_json(data)
    return EventAdapter.validate_python(data)
