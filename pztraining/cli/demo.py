"""The demo trainings that ``make demo`` creates, so a newcomer sees filled-in apps.

The mySupport demo has its pre-assignment open (join it from a second browser with the
printed code) and six made-up participants who already answered the pre-assignment and
the evaluation, so the results page has charts to show. Its organisation also had three
mySupport trainings in the past year, filled in the same way, for the kartrekker's page.
The hospice has a hospice-ggz training and a series of case discussions whose first one left
actions (one done); the network has a zorgkaart evening and a public meeting.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from pztraining.content import load_form, load_program
from pztraining.domain.forms import form_spec, validate_answers
from pztraining.store import Store, Training

#: (name, program, organisation): one demo training per shipped program.
DEMO_TRAININGS = (
    ("Demo – team De Linde", "mysupport", "Demo-verpleeghuis De Linde"),
    ("Demo – ggz-team Oost", "ggz", "Demo-ggz-instelling"),
    ("Demo – regio-avond zorgkaart", "zorgkaart", "Demo-netwerk palliatieve zorg"),
    ("Demo – hospice De Vlinder", "hospice-ggz", "Demo-hospice De Vlinder"),
    ("Demo – publieksavond", "vll-publiek", "Demo-netwerk palliatieve zorg"),
)
#: A series of case discussions that began months ago (name, organisation, days before today):
#: the first ones are held and left actions, so the Draaiboek and the kartrekker's count show them.
DEMO_DISCUSSIONS = ("Demo – casuïstiek De Vlinder", "Demo-hospice De Vlinder", 200)
DEMO_ACTIONS = (
    ("Huisarts vragen om een consult bij het ggz-consultatieteam", "verpleegkundige hospice", True),
    ("Signaleringslijst verslaving bespreken in het teamoverleg", "teamleider", False),
)
#: A year of earlier mySupport trainings at De Linde (name, days before today), so the
#: kartrekker's borging page has periods to compare.
DEMO_YEAR = (
    ("Demo – De Linde, voorjaar", 330),
    ("Demo – De Linde, zomer", 230),
    ("Demo – De Linde, najaar", 120),
)
DEMO_PEOPLE = ("Demo-deelnemer 1", "Demo-deelnemer 2", "Demo-deelnemer 3", "Demo-deelnemer 4",
               "Demo-deelnemer 5", "Demo-deelnemer 6")


def ensure_demo_trainings(store: Store, now: datetime) -> list[tuple[Training, bool]]:
    """Create the demo trainings that do not exist yet; returns (training, created) pairs."""
    existing = {(t.name, t.program_id): t for t in store.list_trainings()}
    result = []
    linde = DEMO_TRAININGS[0][2]
    wanted = [(name, "mysupport", linde, days) for name, days in DEMO_YEAR]
    wanted += [(name, program_id, organisation, 0) for name, program_id, organisation in DEMO_TRAININGS]
    wanted.append((DEMO_DISCUSSIONS[0], "casuistiekbespreking", DEMO_DISCUSSIONS[1], DEMO_DISCUSSIONS[2]))
    for name, program_id, organisation, days_ago in wanted:
        if (name, program_id) in existing:
            result.append((existing[(name, program_id)], False))
            continue
        program = load_program(program_id)
        day = now.date() - timedelta(days=days_ago)
        dates: list[date | None] = []
        for meeting in program.meetings:
            day = day + timedelta(weeks=meeting.weeks_after_previous or 0)
            dates.append(day)
        training = store.add_training(name, program_id, now, organisation, tuple(dates))
        if program_id == "mysupport":
            _fill_mysupport(store, training, now)
        elif program_id == "casuistiekbespreking":
            for text, who, done in DEMO_ACTIONS:
                action = store.add_case_action(training.id, 1, text, who, None, now)
                if done:
                    store.set_case_action_done(action.id, True)
        result.append((training, True))
    return result


def _answers(form_id: str, rng: random.Random, confidence: int) -> dict:
    form = load_form(form_id)
    values: dict = {}
    for item in form.items:
        if item.id.startswith("vertrouwen"):
            values[item.id] = confidence
        elif item.type == "agreement":
            values[item.id] = rng.choice((3, 4, 4, 5, 5))
        elif item.type == "scale10":
            values[item.id] = rng.randint(6, 10)
        elif item.type == "single":
            values[item.id] = item.options[0]
        elif item.type == "multiple":
            values[item.id] = list(item.options[:1])
        elif item.required:
            values[item.id] = "Voorbeeldantwoord van een demo-deelnemer."
    assert validate_answers(form, values).ok, form_id
    return values


def _fill_mysupport(store: Store, training: Training, now: datetime) -> None:
    rng = random.Random(training.id)
    people = [store.add_participant(training.id, name, f"demo-{training.id}-{i}", now)
              for i, name in enumerate(DEMO_PEOPLE)]
    for form_id in ("voorbereiding-mysupport", "evaluatie-mysupport"):
        store.open_form(training.id, 1, form_id, False, now, spec=form_spec(load_form(form_id)))
    for person in people:
        before = rng.randint(2, 6)
        store.submit(training.id, 1, "voorbereiding-mysupport", f"p:{person.id}",
                     _answers("voorbereiding-mysupport", rng, before), now, participant_id=person.id)
        store.submit(training.id, 1, "evaluatie-mysupport", f"p:{person.id}",
                     _answers("evaluatie-mysupport", rng, min(before + rng.randint(1, 3), 10)), now,
                     participant_id=person.id)
    store.close_form(training.id, 1, "evaluatie-mysupport", now)
