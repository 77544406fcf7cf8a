"""The demo trainings that ``make demo`` creates, so a newcomer sees a filled-in app."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .content import load_program
from .store import Store, Training

#: (name, program, organisation): one demo training per shipped program.
DEMO_TRAININGS = (
    ("Demo – team De Linde", "mysupport", "Demo-verpleeghuis De Linde"),
    ("Demo – ggz-team Oost", "ggz", "Demo-ggz-instelling"),
)


def ensure_demo_trainings(store: Store, now: datetime) -> list[tuple[Training, bool]]:
    """Create the demo trainings that do not exist yet; returns (training, created) pairs."""
    existing = {(t.name, t.program_id): t for t in store.list_trainings()}
    result = []
    for name, program_id, organisation in DEMO_TRAININGS:
        if (name, program_id) in existing:
            result.append((existing[(name, program_id)], False))
            continue
        program = load_program(program_id)
        first = now.date()
        dates: list[date | None] = []
        for meeting in program.meetings:
            first = first + timedelta(weeks=meeting.weeks_after_previous or 0)
            dates.append(first)
        training = store.add_training(name, program_id, now, organisation, tuple(dates))
        result.append((training, True))
    return result
