"""The draaiboek of one meeting as rows with clock times: shared by the CLI and the apps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from pztraining.content import Block, Meeting, Program
from pztraining.core.text_input import whole_number
from pztraining.core.texts import t
from pztraining.domain.schedule import ScheduleError, shorten, timeline


@dataclass(frozen=True)
class AgendaRow:
    """One block of a planned meeting."""

    block: Block
    start: datetime
    end: datetime
    minutes: int  # after shortening

    @property
    def shortened_by(self) -> int:
        return self.block.minutes - self.minutes


def find_meeting(program: Program, number: int) -> Meeting:
    """Meeting ``number`` of ``program``; ScheduleError (Dutch) when it has no such meeting."""
    try:
        return program.meeting(number)
    except KeyError:
        count = len(program.meetings)
        options = "1" if count == 1 else f"1 t/m {count}"
        raise ScheduleError(
            t("agenda.programma_heeft_geen_bijeenkomst", program=program.id, number=number, options=options)
        ) from None


def plan_meeting(meeting: Meeting, start: datetime, target: int | None = None) -> list[AgendaRow]:
    """The blocks of ``meeting`` on the clock from ``start``, shortened to ``target`` minutes."""
    lengths = shorten(*meeting.lengths(), meeting.minutes if target is None else target)
    return [
        AgendaRow(block, slot.start, slot.end, slot.minutes)
        for block, slot in zip(meeting.blocks, timeline(lengths, start))
    ]


def parse_clock(text: str) -> time:
    """``"09:00"`` → ``time(9, 0)``; ScheduleError (Dutch) for anything else."""
    parts = text.strip().split(":")
    numbers = [whole_number(p) if len(p) == 2 else None for p in parts]
    if len(numbers) == 2:
        hours, minutes = numbers
        if hours is not None and minutes is not None and hours < 24 and minutes < 60:
            return time(hours, minutes)
    raise ScheduleError(t("agenda.begintijd_geen_tijd_als", text=text))


def role_label(role: str) -> str:
    """How a role is shown: ``"vertegenwoordiger organisatie"`` → ``"Vertegenwoordiger organisatie"``."""
    return role[:1].upper() + role[1:]


def leads_label(block: Block) -> str:
    """Who leads a block, for display: ``"Trainer, deelnemers en simulant"``."""
    names = [role_label(block.leads[0])] + list(block.leads[1:])
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def format_agenda(program: Program, meeting: Meeting, rows: list[AgendaRow]) -> str:
    """The draaiboek as a plain-text table (for the terminal or printing)."""
    total = sum(r.minutes for r in rows)
    head = [
        program.title,
        t("handout.attendance.meeting", number=meeting.number, title=meeting.title),
        t(
            "agenda.min_gepland_min_minimaal",
            total=total,
            minutes=meeting.minutes,
            minimum_minutes=meeting.minimum_minutes,
        ),
        "",
    ]
    block = t("agenda.col.block")
    title_width = max(len(block), *(len(r.block.title) for r in rows))
    lines = [f"{t('agenda.col.time'):<11}  {t('agenda.col.minutes'):>3}  {block:<{title_width}}  {t('agenda.col.who')}"]
    for r in rows:
        minutes = f"{r.minutes:>3}"
        note = t("agenda.was", minutes=r.block.minutes) if r.shortened_by else ""
        lines.append(
            f"{r.start:%H:%M}-{r.end:%H:%M}  {minutes}  {r.block.title:<{title_width}}  {leads_label(r.block)}{note}"
        )
    end = rows[-1].end if rows else None
    foot = ["", t("agenda.einde_totaal_min", end=end, total=total)] if end else []
    return "\n".join(head + lines + foot) + "\n"


def start_on(day: datetime | None, clock: time) -> datetime:
    """A naive datetime for ``clock`` on ``day`` (today's date is irrelevant for printing)."""
    base = day or datetime(2000, 1, 1)
    return datetime.combine(base.date(), clock)


__all__ = [
    "AgendaRow",
    "find_meeting",
    "format_agenda",
    "leads_label",
    "parse_clock",
    "plan_meeting",
    "role_label",
    "start_on",
]
