"""Role-play rotation: a pure state machine with the time passed in.

In the mySupport "Oefenen" block a group takes turns with a simulant: a member practises
for a turn (default 2 minutes), the facilitator stops and asks the reflection questions,
then the next member goes. From the third turn on the facilitator chooses to repeat the
case ("herhalen") or to let the simulant react more sharply ("moeilijker").

:func:`reduce` takes a :class:`RolePlay`, an action name and ``now`` and returns the new
state plus the turns that the action finished (to be logged). Nothing here reads a clock
or touches widgets; the facilitator app dispatches and renders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from math import ceil, floor
from typing import Any, Literal

from pztraining.content import Block, Meeting
from pztraining.core.errors import PztrainingError
from pztraining.core.text_input import whole_number
from pztraining.core.texts import t
from pztraining.domain import schedule

Phase = Literal["ready", "turn", "reflection", "done"]
Variant = Literal["basis", "herhalen", "moeilijker"]

DEFAULT_TURN_SECONDS = 120
MAX_TURN_SECONDS = 30 * 60
EXTRA_SECONDS = 30
#: A reflection left untimed ("leeg = vrij") still takes time: the facilitator asks the block's
#: three reflection questions, about a minute each. Counting it as 0 s promised a room twice
#: the turns it could play ("past nog 29 beurten" in a 60-minute block of 2-minute turns).
PLANNED_REFLECTION_SECONDS = 180
#: From this turn on the facilitator may choose "herhalen" or "moeilijker".
CHOICE_FROM_TURN = 3
#: The source's advice for a practice group, and how many may share one simulant.
GROUP_MIN, GROUP_MAX, PER_SIMULANT_MAX = 3, 5, 10

ACTIONS = ("start", "stop", "pause", "resume", "extend", "next", "skip", "herhalen", "moeilijker", "end")


class RolePlayError(PztrainingError, ValueError):
    """An action that is not possible now; the message is Dutch and meant for users."""

    http_status = 409


@dataclass(frozen=True)
class Group:
    """A practice group: who plays in which order, who keeps time, and which case."""

    name: str
    members: tuple[str, ...]
    facilitator: str
    case_id: str
    turn_seconds: int = DEFAULT_TURN_SECONDS
    reflection_seconds: int | None = None  # None: reflection is not timed

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise RolePlayError(t("roleplay.geef_groep_naam"))
        if len(self.members) < 2:
            raise RolePlayError(t("roleplay.oefengroep_heeft_minstens_2"))
        if len(set(self.members)) != len(self.members):
            raise RolePlayError(t("roleplay.elke_deelnemer_staat_maar"))
        if any(not m.strip() for m in self.members):
            raise RolePlayError(t("roleplay.deelnemer_zonder_naam_kan"))
        if not 0 < self.turn_seconds <= MAX_TURN_SECONDS:
            raise RolePlayError(t("roleplay.beurt_duurt_langer_0"))
        if self.reflection_seconds is not None and not 0 < self.reflection_seconds <= MAX_TURN_SECONDS:
            raise RolePlayError(t("roleplay.reflectie_duurt_langer_0"))

    @property
    def planned_reflection_seconds(self) -> int:
        """The reflection as planned, in seconds: its timed length, else :data:`PLANNED_REFLECTION_SECONDS`."""
        return self.reflection_seconds or PLANNED_REFLECTION_SECONDS

    @property
    def cycle_seconds(self) -> int:
        """One turn plus its reflection as planned, in seconds."""
        return self.turn_seconds + self.planned_reflection_seconds


@dataclass(frozen=True)
class TurnRecord:
    """A finished turn, for the store's log."""

    number: int
    member: str
    variant: Variant
    planned_seconds: int  # the turn length, extensions (+30 s) included
    actual_seconds: int  # time played, pauses excluded
    paused_seconds: int
    started_at: datetime
    ended_at: datetime


@dataclass(frozen=True)
class RolePlay:
    """The state of one group's practice. Replace, never mutate."""

    group: Group
    phase: Phase = "ready"
    turn: int = 1  # number of the current turn, or of the next one when not playing
    position: int = 0  # index (modulo the group) of the member who is up
    variant: Variant = "basis"
    started_at: datetime | None = None  # start of the current turn or reflection
    allotted_seconds: int = 0  # the current turn's length, extensions included
    paused_at: datetime | None = None
    paused_seconds: float = 0.0  # pauses of the current turn so far
    block_ends_at: datetime | None = None  # end of the Oefenen block, when known
    skipped: tuple[str, ...] = ()  # members skipped in this round (for display)

    # ------------------------------------------------------------------ views

    @property
    def member(self) -> str:
        """Who is playing now, or who is up next when nobody plays."""
        return self.group.members[self.position % len(self.group.members)]

    @property
    def next_member(self) -> str:
        """Who follows the member who is up."""
        return self.group.members[(self.position + 1) % len(self.group.members)]

    @property
    def upcoming_turn(self) -> int:
        """The number of the turn that is about to be played."""
        return self.turn + 1 if self.phase == "reflection" else self.turn

    @property
    def can_choose_variant(self) -> bool:
        """Before the third and later turns, "herhalen" or "moeilijker" may be chosen."""
        return self.upcoming_turn >= CHOICE_FROM_TURN and self.phase in ("ready", "reflection")

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def deadline(self) -> datetime | None:
        """When the running phase's time is up (turn or timed reflection); None otherwise."""
        if self.started_at is None:
            return None
        if self.phase == "turn":
            return self.started_at + timedelta(seconds=self.allotted_seconds + self.paused_seconds)
        if self.phase == "reflection" and self.group.reflection_seconds:
            return self.started_at + timedelta(seconds=self.group.reflection_seconds)
        return None

    def remaining_seconds(self, now: datetime) -> int | None:
        """Seconds left in the running phase (negative over time); frozen while paused."""
        deadline = self.deadline()
        if deadline is None:
            return None
        at = self.paused_at or now
        left = (deadline - at).total_seconds()
        return ceil(left) if left >= 0 else -floor(-left)

    def played_seconds(self, now: datetime) -> float:
        """Seconds played in the current turn, pauses excluded."""
        if self.phase != "turn" or self.started_at is None:
            return 0.0
        at = self.paused_at or now
        return (at - self.started_at).total_seconds() - self.paused_seconds

    def block_remaining_seconds(self, now: datetime) -> int | None:
        """Seconds left in the Oefenen block, when its end is known."""
        if self.block_ends_at is None:
            return None
        return floor((self.block_ends_at - now).total_seconds())

    def turns_that_fit(self, now: datetime) -> int | None:
        """How many more turns can still be played, each with its reflection as planned; None when unknown.

        Only turns that can still happen count: a turn being played is already started, so
        the rest of it and its reflection come off the time left first; a running reflection
        comes off with what is left of it (an untimed one with what is left of the planned
        :attr:`Group.planned_reflection_seconds`, never 0 s).
        """
        left = self.block_remaining_seconds(now)
        if left is None:
            return None
        if self.phase == "done":
            return 0
        reflection = self.group.planned_reflection_seconds
        if self.phase == "turn":
            left -= max(self.remaining_seconds(now) or 0, 0) + reflection
        elif self.phase == "reflection":
            if self.group.reflection_seconds:
                left -= max(self.remaining_seconds(now) or 0, 0)
            elif self.started_at is not None:
                left -= max(reflection - floor((now - self.started_at).total_seconds()), 0)
        return max(left // self.group.cycle_seconds, 0)

    # ------------------------------------------------------------------ storage

    def to_dict(self) -> dict[str, Any]:
        def iso(d: datetime | None) -> str | None:
            return d.isoformat() if d else None

        g = self.group
        return {
            "group": {
                "name": g.name,
                "members": list(g.members),
                "facilitator": g.facilitator,
                "case_id": g.case_id,
                "turn_seconds": g.turn_seconds,
                "reflection_seconds": g.reflection_seconds,
            },
            "phase": self.phase,
            "turn": self.turn,
            "position": self.position,
            "variant": self.variant,
            "started_at": iso(self.started_at),
            "allotted_seconds": self.allotted_seconds,
            "paused_at": iso(self.paused_at),
            "paused_seconds": self.paused_seconds,
            "block_ends_at": iso(self.block_ends_at),
            "skipped": list(self.skipped),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RolePlay:
        def dt(s: str | None) -> datetime | None:
            return datetime.fromisoformat(s) if s else None

        g = data["group"]
        group = Group(
            g["name"], tuple(g["members"]), g["facilitator"], g["case_id"], g["turn_seconds"], g["reflection_seconds"]
        )
        return cls(
            group=group,
            phase=data["phase"],
            turn=data["turn"],
            position=data["position"],
            variant=data["variant"],
            started_at=dt(data["started_at"]),
            allotted_seconds=data["allotted_seconds"],
            paused_at=dt(data["paused_at"]),
            paused_seconds=data["paused_seconds"],
            block_ends_at=dt(data["block_ends_at"]),
            skipped=tuple(data["skipped"]),
        )


# ---------------------------------------------------------------------- the reducer


_Outcome = tuple[RolePlay, list[TurnRecord]]  # the new state and the turns it finished
_Handler = Callable[[RolePlay, datetime], _Outcome]


def practice_block(meeting: Meeting) -> Block | None:
    """The block of a meeting in which cases are practised (mySupport: "Oefenen"): its first block with cases."""
    return next((b for b in meeting.blocks if b.cases), None)


def first_practice_meeting(meetings: Sequence[Meeting]) -> int | None:
    """The number of the first meeting with a practice block, else of the first meeting (None: no meetings)."""
    return next((m.number for m in meetings if practice_block(m)), meetings[0].number if meetings else None)


def with_block_end(state: RolePlay, meeting: Meeting, run: dict[str, Any] | None, now: datetime) -> RolePlay:
    """``state`` with the end of the practice block as the trainer's run (``schedule.Run.to_dict()``) has it.

    Only while the run is *in* the practice block does its deadline (re-planned at ``now``)
    bound the turns; otherwise the state is returned as it is.
    """
    block = practice_block(meeting)
    if run is None or block is None:
        return state
    saved = schedule.Run.from_dict(run)
    if saved.current is None or meeting.blocks[saved.current].id != block.id:
        return state
    current = schedule.project(saved, now).current
    assert current is not None  # saved.current is set
    return replace(state, block_ends_at=current.end)


def reduce(state: RolePlay, action: str, now: datetime) -> tuple[RolePlay, list[TurnRecord]]:
    """Apply ``action`` at ``now``; returns the new state and the turns it finished."""
    handler = _HANDLERS.get(action)
    if handler is None:
        raise RolePlayError(t("roleplay.onbekende_actie", action=action))
    if state.phase == "done" and action != "end":
        raise RolePlayError(t("roleplay.oefenen_groep_afgelopen"))
    return handler(state, now)


def _start(state: RolePlay, now: datetime) -> _Outcome:
    if state.phase == "turn":
        raise RolePlayError(t("roleplay.loopt_beurt"))
    finished = state if state.phase == "ready" else _to_ready(state)
    return replace(
        finished,
        phase="turn",
        started_at=now,
        allotted_seconds=state.group.turn_seconds,
        paused_at=None,
        paused_seconds=0.0,
    ), []


def _finish_turn(state: RolePlay, now: datetime) -> TurnRecord:
    assert state.started_at is not None
    played = state.played_seconds(now)
    paused = state.paused_seconds + ((now - state.paused_at).total_seconds() if state.paused_at else 0.0)
    return TurnRecord(
        state.turn,
        state.member,
        state.variant,
        state.allotted_seconds,
        round(played),
        round(paused),
        state.started_at,
        now,
    )


def _stop(state: RolePlay, now: datetime) -> _Outcome:
    if state.phase != "turn":
        raise RolePlayError(t("roleplay.loopt_geen_beurt_stoppen"))
    record = _finish_turn(state, now)
    return replace(state, phase="reflection", started_at=now, paused_at=None, paused_seconds=0.0, allotted_seconds=0), [
        record
    ]


def _to_ready(state: RolePlay) -> RolePlay:
    """After a reflection: the next member is up for the next turn."""
    turn = state.turn + 1
    variant: Variant = (
        "basis" if turn < CHOICE_FROM_TURN else (state.variant if state.variant != "basis" else "herhalen")
    )
    return replace(state, phase="ready", turn=turn, position=state.position + 1, variant=variant, started_at=None)


def _next(state: RolePlay, now: datetime) -> _Outcome:
    if state.phase != "reflection":
        raise RolePlayError(t("roleplay.volgende_kan_na_reflectie"))
    return _to_ready(state), []


def _pause(state: RolePlay, now: datetime) -> _Outcome:
    if state.phase != "turn" or state.is_paused:
        raise RolePlayError(t("roleplay.alleen_lopende_beurt_kan"))
    return replace(state, paused_at=now), []


def _resume(state: RolePlay, now: datetime) -> _Outcome:
    if not state.is_paused:
        raise RolePlayError(t("roleplay.beurt_niet_gepauzeerd"))
    assert state.paused_at is not None  # is_paused
    paused = (now - state.paused_at).total_seconds()
    return replace(state, paused_at=None, paused_seconds=state.paused_seconds + paused), []


def _extend(state: RolePlay, now: datetime) -> _Outcome:
    if state.phase != "turn":
        raise RolePlayError(t("roleplay.extra_tijd_kan_alleen"))
    return replace(state, allotted_seconds=state.allotted_seconds + EXTRA_SECONDS), []


def _skip(state: RolePlay, now: datetime) -> _Outcome:
    if state.phase != "ready":
        raise RolePlayError(t("roleplay.deelnemer_overslaan_kan_alleen"))
    return replace(state, position=state.position + 1, skipped=state.skipped + (state.member,)), []


def _choose(variant: Variant) -> _Handler:
    def handler(state: RolePlay, now: datetime) -> _Outcome:
        if not state.can_choose_variant:
            raise RolePlayError(t("roleplay.herhalen_moeilijker_kies_vanaf"))
        return replace(state, variant=variant), []

    return handler


def _end(state: RolePlay, now: datetime) -> _Outcome:
    records = [_finish_turn(state, now)] if state.phase == "turn" else []
    return replace(state, phase="done", started_at=None, paused_at=None), records


_HANDLERS: dict[str, _Handler] = {
    "start": _start,
    "stop": _stop,
    "pause": _pause,
    "resume": _resume,
    "extend": _extend,
    "next": _next,
    "skip": _skip,
    "herhalen": _choose("herhalen"),
    "moeilijker": _choose("moeilijker"),
    "end": _end,
}


# ---------------------------------------------------------------------- planning helpers


def parse_duration(text: str) -> int:
    """``"2:00"`` → 120 seconds (also ``"90"`` seconds); RolePlayError (Dutch) otherwise."""
    value = text.strip()
    minutes, _, seconds = value.rpartition(":")
    whole_minutes, whole_seconds = whole_number(minutes or "0"), whole_number(seconds)  # ASCII digits only
    if whole_minutes is not None and whole_seconds is not None and (minutes == "" or len(seconds) == 2):
        return whole_minutes * 60 + whole_seconds
    raise RolePlayError(t("fac.length_invalid", text=text))


def step(state: dict[str, Any], action: str, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """:func:`reduce` on the stored form of a state: for the store's locked update."""
    new, records = reduce(RolePlay.from_dict(state), action, now)
    return new.to_dict(), [
        {
            "turn": r.number,
            "member": r.member,
            "variant": r.variant,
            "planned_seconds": r.planned_seconds,
            "actual_seconds": r.actual_seconds,
            "paused_seconds": r.paused_seconds,
            "started_at": r.started_at,
            "ended_at": r.ended_at,
        }
        for r in records
    ]


def turns_in_block(block_seconds: int, group: Group) -> int:
    """How many full turns (each with its reflection as planned) fit in a block of ``block_seconds``."""
    return max(block_seconds // group.cycle_seconds, 0)


@dataclass(frozen=True)
class GroupPlan:
    """How to split participants into practice groups, with the warnings a trainer should see."""

    sizes: tuple[int, ...]
    warnings: tuple[str, ...]


def split_groups(participants: int, simulants: int = 2) -> GroupPlan:
    """Split ``participants`` into one or two practice groups (of 3–5 as the source advises).

    Two groups need two simulants (and two rooms); with one simulant the whole group plays
    the case together (plenary).
    """
    if participants < 2:
        raise RolePlayError(t("roleplay.voor_oefenen_minstens_2"))
    if simulants < 1:
        raise RolePlayError(t("roleplay.voor_oefenen_minstens_simulant"))
    two_groups = simulants >= 2 and participants >= 2 * GROUP_MIN
    sizes = ((participants + 1) // 2, participants // 2) if two_groups else (participants,)
    warnings = []
    for number, size in enumerate(sizes, start=1):
        label = t("roleplay.groep_nummer", number=number) if len(sizes) > 1 else t("roleplay.de_groep")
        if size > GROUP_MAX:
            warnings.append(
                t(
                    "roleplay.telt_deelnemers_advies_tot",
                    label=label,
                    size=size,
                    group_min=GROUP_MIN,
                    group_max=GROUP_MAX,
                )
                + (t("roleplay.overweeg_twee_groepen_elk") if len(sizes) == 1 else "")
            )
        elif size < GROUP_MIN:
            warnings.append(
                t(
                    "roleplay.telt_deelnemers_advies_tot",
                    label=label,
                    size=size,
                    group_min=GROUP_MIN,
                    group_max=GROUP_MAX,
                )
            )
        if size > PER_SIMULANT_MAX:
            warnings.append(
                t("roleplay.meer_deelnemers_delen_simulant", label=label, per_simulant_max=PER_SIMULANT_MAX)
            )
    return GroupPlan(sizes, tuple(warnings))
