"""Draaiboek timing: pure functions over block lengths and an injected "now".

Nothing here reads a clock. Lengths of blocks are whole minutes; moments are
``datetime`` objects (aware, in UTC, when they come from the store); durations of a
running meeting are seconds.

A meeting is planned in two steps:

1. :func:`shorten` fits the planned block lengths to a target length (e.g. 120 → 90).
2. :class:`Run` is the state of a meeting being given. It changes only through the
   reducer functions (:func:`start`, :func:`advance`, :func:`extend`, :func:`skip`,
   :func:`set_keep_end`), each returning a new Run; :func:`project` turns a Run and a
   moment into what the trainer sees: the current block, its deadline, and the re-planned
   clock times of the blocks still to come.

What a page does to a stored run is an action (:class:`Start`, :class:`Advance`, …) given
to :func:`step`, which the store applies under a lock (``Store.update_run``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from math import ceil, floor
from typing import Any, ClassVar

from pztraining.core.errors import PztrainingError
from pztraining.core.texts import t

MINUTE = 60


class ScheduleError(PztrainingError, ValueError):
    """A request the schedule cannot honour; the message is Dutch and meant for users."""

    http_status = 400


# --------------------------------------------------------------------------- shortening


def shorten(planned: Sequence[int], minima: Sequence[int], target: int) -> list[int]:
    """Block lengths (minutes) that add up to exactly ``target`` minutes.

    Time is taken from the blocks that can give it (planned minus minimum), in proportion
    to what each can give, in whole minutes; leftover minutes go to the blocks with the
    largest remainders (earlier blocks first on a tie). No block goes below its minimum.
    """
    planned, minima = list(planned), list(minima)
    if len(planned) != len(minima):
        raise ValueError("planned and minima differ in length")
    total, floor_total = sum(planned), sum(minima)
    if target > total:
        raise ScheduleError(t("schedule.doellengte_min_langer_gepland", target=target, total=total))
    if target < floor_total:
        raise ScheduleError(t("schedule.doellengte_min_korter_minimum", target=target, floor_total=floor_total))
    to_cut = total - target
    if to_cut == 0:
        return planned
    slack = [p - m for p, m in zip(planned, minima)]
    total_slack = sum(slack)
    ideal = [to_cut * s / total_slack for s in slack]
    cuts = [floor(x) for x in ideal]
    left = to_cut - sum(cuts)
    by_remainder = sorted(range(len(planned)), key=lambda i: (-(ideal[i] - cuts[i]), i))
    for i in by_remainder[:left]:
        cuts[i] += 1  # never exceeds slack[i]: ideal[i] had a fractional part, so ceil <= slack
    return [p - c for p, c in zip(planned, cuts)]


# ----------------------------------------------------------------------------- timelines


@dataclass(frozen=True)
class Slot:
    """A block placed on the clock: ``index`` into the meeting's blocks, start and end."""

    index: int
    start: datetime
    end: datetime
    skipped: bool = False

    @property
    def seconds(self) -> int:
        return round((self.end - self.start).total_seconds())

    @property
    def minutes(self) -> int:
        return round(self.seconds / MINUTE)


def timeline(minutes: Sequence[int], start: datetime) -> list[Slot]:
    """Place blocks of ``minutes`` one after the other from ``start``."""
    slots, at = [], start
    for index, length in enumerate(minutes):
        end = at + timedelta(minutes=length)
        slots.append(Slot(index, at, end))
        at = end
    return slots


def slot_at(slots: Sequence[Slot], now: datetime) -> tuple[Slot | None, int]:
    """The slot running at ``now`` and its remaining seconds.

    Before the first slot: (None, seconds until it starts). After the last: (None, minus
    the seconds since it ended).
    """
    if not slots or now < slots[0].start:
        return None, (round((slots[0].start - now).total_seconds()) if slots else 0)
    for slot in slots:
        if slot.start <= now < slot.end:
            return slot, ceil((slot.end - now).total_seconds())
    return None, -floor((now - slots[-1].end).total_seconds())


# ------------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class Finished:
    """A block that is over: when it ran (equal start and end when skipped)."""

    index: int
    start: datetime
    end: datetime
    skipped: bool = False


@dataclass(frozen=True)
class Run:
    """The state of a meeting being given. Replace, never mutate."""

    planned: tuple[int, ...]  # minutes per block after shortening to the target
    minima: tuple[int, ...]
    started_at: datetime
    end_at: datetime  # the end time promised at the start
    current: int | None  # index of the running block; None when the meeting is over
    current_started_at: datetime
    current_seconds: int  # the time allotted to the current block, extensions included
    keep_end: bool = False
    skipped: frozenset[int] = frozenset()
    finished: tuple[Finished, ...] = ()
    ended_at: datetime | None = None

    @property
    def is_over(self) -> bool:
        return self.current is None

    @property
    def target_minutes(self) -> int:
        return round((self.end_at - self.started_at).total_seconds() / MINUTE)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (datetimes as ISO 8601 strings)."""

        def iso(d: datetime | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "planned": list(self.planned),
            "minima": list(self.minima),
            "started_at": iso(self.started_at),
            "end_at": iso(self.end_at),
            "current": self.current,
            "current_started_at": iso(self.current_started_at),
            "current_seconds": self.current_seconds,
            "keep_end": self.keep_end,
            "skipped": sorted(self.skipped),
            "finished": [[f.index, iso(f.start), iso(f.end), f.skipped] for f in self.finished],
            "ended_at": iso(self.ended_at),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Run:
        """The inverse of :meth:`to_dict`."""

        def dt(s: str | None) -> datetime | None:
            return datetime.fromisoformat(s) if s else None

        at = datetime.fromisoformat  # the moments a run always has
        return cls(
            planned=tuple(data["planned"]),
            minima=tuple(data["minima"]),
            started_at=at(data["started_at"]),
            end_at=at(data["end_at"]),
            current=data["current"],
            current_started_at=at(data["current_started_at"]),
            current_seconds=data["current_seconds"],
            keep_end=data["keep_end"],
            skipped=frozenset(data["skipped"]),
            finished=tuple(Finished(i, at(s), at(e), k) for i, s, e, k in data["finished"]),
            ended_at=dt(data.get("ended_at")),
        )


def start(planned: Sequence[int], minima: Sequence[int], target: int, now: datetime, keep_end: bool = False) -> Run:
    """Start a meeting at ``now``, shortened to ``target`` minutes."""
    lengths = shorten(planned, minima, target)
    return Run(
        planned=tuple(lengths),
        minima=tuple(minima),
        started_at=now,
        end_at=now + timedelta(minutes=target),
        current=0,
        current_started_at=now,
        current_seconds=lengths[0] * MINUTE,
        keep_end=keep_end,
    )


def _require_running(run: Run) -> int:
    if run.current is None:
        raise ScheduleError(t("schedule.bijeenkomst_afgelopen"))
    return run.current


def advance(run: Run, now: datetime) -> Run:
    """Finish the current block at ``now`` (early or late) and start the next one."""
    current = _require_running(run)
    finished = run.finished + (Finished(current, run.current_started_at, now),)
    return _begin_next(replace(run, finished=finished), after=current, now=now)


def _begin_next(run: Run, after: int, now: datetime) -> Run:
    projection = project(replace(run, current=after, current_started_at=now, current_seconds=0), now)
    if not projection.upcoming:
        return replace(run, current=None, current_started_at=now, current_seconds=0, ended_at=now)
    nxt = projection.upcoming[0]
    return replace(run, current=nxt.index, current_started_at=now, current_seconds=nxt.seconds)


def extend(run: Run, now: datetime, minutes: int = 5) -> Run:
    """Give the current block ``minutes`` more (later blocks re-plan around it)."""
    _require_running(run)
    if minutes <= 0:
        raise ScheduleError(t("schedule.verlengen_kan_alleen_positief"))
    return replace(run, current_seconds=run.current_seconds + minutes * MINUTE)


def skip(run: Run, index: int, now: datetime) -> Run:
    """Skip block ``index``: the current one (move on now) or one still to come."""
    current = _require_running(run)
    if index == current:
        finished = run.finished + (Finished(current, run.current_started_at, now, skipped=True),)
        return _begin_next(replace(run, finished=finished, skipped=run.skipped | {index}), after=current, now=now)
    if index < current or index >= len(run.planned) or index in run.skipped:
        raise ScheduleError(t("schedule.blok_kan_niet_meer"))
    return replace(run, skipped=run.skipped | {index})


def set_keep_end(run: Run, keep_end: bool) -> Run:
    """Choose between keeping the promised end time and shifting it."""
    return replace(run, keep_end=keep_end)


@dataclass(frozen=True)
class Projection:
    """What a Run looks like at one moment."""

    current: Slot | None  # its end is the deadline of the current block
    remaining_seconds: int  # negative on overrun
    upcoming: tuple[Slot, ...]  # blocks still to come, with re-planned times
    end: datetime  # projected end of the meeting
    end_at: datetime  # the end time promised at the start
    keep_end: bool

    @property
    def late_seconds(self) -> int:
        """How much later than promised the meeting will end (negative: earlier)."""
        return round((self.end - self.end_at).total_seconds())

    @property
    def overrun(self) -> bool:
        return self.remaining_seconds < 0


def project(run: Run, now: datetime) -> Projection:
    """The current block, its remaining seconds and the re-planned rest at ``now``."""
    if run.current is None:
        end = run.ended_at or run.current_started_at
        return Projection(None, 0, (), end, run.end_at, run.keep_end)
    deadline = run.current_started_at + timedelta(seconds=run.current_seconds)
    current = Slot(run.current, run.current_started_at, deadline)
    remaining = ceil((deadline - now).total_seconds()) if now < deadline else -floor((now - deadline).total_seconds())
    todo = [i for i in range(run.current + 1, len(run.planned)) if i not in run.skipped]
    next_start = max(deadline, now)
    lengths = [run.planned[i] for i in todo]
    if run.keep_end and todo:
        available = floor((run.end_at - next_start).total_seconds() / MINUTE)
        lengths = _fit(lengths, [run.minima[i] for i in todo], available)
    upcoming, at = [], next_start
    for index, length in zip(todo, lengths):
        upcoming.append(Slot(index, at, at + timedelta(minutes=length)))
        at = upcoming[-1].end
    return Projection(current, remaining, tuple(upcoming), at, run.end_at, run.keep_end)


def _fit(lengths: list[int], minima: list[int], available: int) -> list[int]:
    """Shorten ``lengths`` to fit ``available`` minutes, never below the minima."""
    if available >= sum(lengths):
        return lengths
    return shorten(lengths, minima, max(available, sum(minima)))


# --------------------------------------------------------------------- the stored run


@dataclass(frozen=True)
class Start:
    """Start the meeting, shortened to ``target`` minutes."""

    planned: tuple[int, ...]
    minima: tuple[int, ...]
    target: int
    positional: ClassVar[bool] = True


@dataclass(frozen=True)
class Advance:
    """Finish the current block and begin the next one ("Volgende blok")."""

    positional: ClassVar[bool] = True


@dataclass(frozen=True)
class SkipNext:
    """Leave out the first block still to come."""

    positional: ClassVar[bool] = True


@dataclass(frozen=True)
class Extend:
    """Give the current block ``minutes`` more ("+5 min")."""

    minutes: int = 5
    positional: ClassVar[bool] = False


@dataclass(frozen=True)
class KeepEnd:
    """Keep the promised end time (True) or let it shift (False)."""

    keep: bool
    positional: ClassVar[bool] = False


@dataclass(frozen=True)
class Reset:
    """Forget the run, to give the meeting again from the start."""

    positional: ClassVar[bool] = True


Action = Start | Advance | SkipNext | Extend | KeepEnd | Reset

# Why some actions carry the version the page showed and others do not:
# "Volgende blok", "overslaan", start and reset are *positional*: they mean "this block
# is done" or "from the beginning", about the state the trainer saw. Pressed twice on
# the same state (a double click, or two tabs at once) they must act once; a press on
# an older state changes nothing and the page shows the latest. "+5 min" is *additive*:
# two presses mean ten minutes more, whichever state they land on, so it is applied
# to the latest state without a check. "Eindtijd vasthouden" sets a value: applying it
# twice is the same as once. See ``Store.update_run``.


def checks_version(action: Action) -> bool:
    """Whether ``action`` must be refused when the run moved on since the page showed it."""
    return action.positional


def reduce(run: Run | None, action: Action, now: datetime) -> Run | None:
    """The run after ``action`` at ``now`` (None: no run). ScheduleError (Dutch) when it cannot."""
    if isinstance(action, Reset):
        return None
    if isinstance(action, Start):
        if run is not None:
            raise ScheduleError(t("schedule.bijeenkomst_gestart"))
        return start(action.planned, action.minima, action.target, now)
    if run is None:
        raise ScheduleError(t("schedule.bijeenkomst_nog_niet_gestart"))
    if isinstance(action, Advance):
        return advance(run, now)
    if isinstance(action, SkipNext):
        _require_running(run)
        upcoming = project(run, now).upcoming
        if not upcoming:
            raise ScheduleError(t("run.nothing_next"))
        return skip(run, upcoming[0].index, now)
    if isinstance(action, Extend):
        return extend(run, now, action.minutes)
    if isinstance(action, KeepEnd):
        return set_keep_end(run, action.keep)
    raise TypeError(f"unknown action {action!r}")


def step(state: dict[str, Any] | None, action: Action, now: datetime) -> dict[str, Any] | None:
    """:func:`reduce` on the stored form of a run: for the store's locked update."""
    new = reduce(Run.from_dict(state) if state else None, action, now)
    return new.to_dict() if new is not None else None


def running_meeting(states: dict[int, dict[str, Any]]) -> int | None:
    """Of the stored runs (meeting number → state), the first meeting that is still running."""
    for number in sorted(states):
        if states[number] and states[number].get("current") is not None:
            return number
    return None


def default_meeting(dates: dict[int, date | None], states: dict[int, dict[str, Any]], today: date) -> int:
    """The meeting a page opens on: a running one, else the first dated ``today`` or later, else 1.

    ``dates`` is meeting number → planned date (None when not set), ``states`` the stored runs.
    """
    running = running_meeting(states)
    if running is not None:
        return running
    for number in sorted(dates):
        day = dates[number]
        if day and day >= today:
            return number
    return 1
