"""The demo trainings that ``make demo`` creates, so a newcomer sees filled-in apps.

The mySupport demo has its pre-assignment open (join it from a second browser with the
printed code) and six made-up participants who already answered the pre-assignment and
the evaluation, so the results page has charts to show. Its organisation also had three
mySupport trainings in the past year, filled in the same way, for the kartrekker's page.
The hospice has a hospice-ggz training and a series of case discussions whose first one left
actions (one done); the network has a zorgkaart evening and a public meeting.

The kartrekker's page has something in every tab: De Linde and De Vlinder scored the
implementation conditions twice (half a year apart, so the page shows what went better or
worse), filled in a cost estimate and chose a planning start month, and entered the figures the
forms cannot measure; the network filled in the campaign's cost estimate.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from pztraining.content import load_form, load_program
from pztraining.domain.forms import form_spec, validate_answers
from pztraining.domain.periods import check_span
from pztraining.services import forms
from pztraining.services.kartrekker.gather import conditions_for
from pztraining.services.kartrekker.indicators import bucket_of
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
#: An earlier hospice-ggz training at De Vlinder (name, days before today), its expertise asked
#: before and after, so the hospice's borging report has a before/after table too.
DEMO_HOSPICE_PAST = ("Demo – De Vlinder, voorjaar", 150)
DEMO_PEOPLE = (
    "Demo-deelnemer 1",
    "Demo-deelnemer 2",
    "Demo-deelnemer 3",
    "Demo-deelnemer 4",
    "Demo-deelnemer 5",
    "Demo-deelnemer 6",
)


def ensure_demo_trainings(store: Store, now: datetime) -> list[tuple[Training, bool]]:
    """Create the demo trainings that do not exist yet; returns (training, created) pairs."""
    existing = {(t.name, t.program_id): t for t in store.list_trainings()}
    result = []
    linde = DEMO_TRAININGS[0][2]
    wanted = [(name, "mysupport", linde, days) for name, days in DEMO_YEAR]
    wanted += [(name, program_id, organisation, 0) for name, program_id, organisation in DEMO_TRAININGS]
    wanted.append((DEMO_HOSPICE_PAST[0], "hospice-ggz", DEMO_DISCUSSIONS[1], DEMO_HOSPICE_PAST[1]))
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
        elif program_id == "hospice-ggz" and days_ago:
            _fill_before_after(
                store, training, now, (1, "deskundigheid-voor"), ((2, "deskundigheid-na"), (2, "evaluatie-hospice-ggz"))
            )
        elif program_id == "casuistiekbespreking":
            for text, who, done in DEMO_ACTIONS:
                action = store.add_case_action(training.id, 1, text, who, None, now)
                if done:
                    store.set_case_action_done(action.id, True)
        result.append((training, True))
    ensure_demo_kartrekker(store, now)
    return result


#: Per demo organisation and programme: the conditions scored (id → score) half a year ago and
#: a month ago, the cost format with the figures typed, the planning and its start (months
#: before today), and the entered figures (indicator, unit, value this half-year, value the one before).
DEMO_KARTREKKER = (
    (
        "Demo-verpleeghuis De Linde",
        "mysupport",
        (
            {
                "taken-kartrekkers": "gedeeltelijk",
                "looptijd": "niet",
                "management-weet": "wel",
                "doel-past": "gedeeltelijk",
                "tijd-en-geld": "niet",
                "kennis": "gedeeltelijk",
            },
            {
                "taken-kartrekkers": "wel",
                "looptijd": "wel",
                "management-weet": "wel",
                "doel-past": "wel",
                "tijd-en-geld": "gedeeltelijk",
                "kennis": "niet",
                "visie": "gedeeltelijk",
            },
        ),
        (
            "kosten-mysupport",
            {
                "trainingen": "4",
                "deelnemers": "8",
                "trainingsprijs": "175",
                "tarief-verzorgende": "36",
                "bewoners": "30",
                "tarief-kartrekker": "48",
                "looptijd-weken": "56",
            },
        ),
        ("planning-mysupport", 14),
        (("conversations_held", "gesprekken", 11, 6),),
    ),
    (
        "Demo-hospice De Vlinder",
        "hospice-ggz",
        (
            {"taken-kartrekkers": "niet", "management-weet": "gedeeltelijk", "kennis": "niet", "visie": "niet"},
            {"taken-kartrekkers": "gedeeltelijk", "management-weet": "wel", "kennis": "gedeeltelijk", "visie": "niet"},
        ),
        None,
        ("planning-hospicezorg", 4),
        (
            ("timely_admission", "% tijdig opgenomen", 75, 60),
            ("client_satisfaction", "cijfer (0–10)", 8, 7.4),
            ("lead_time", "dagen", 12, 19),
        ),
    ),
    (
        "Demo-netwerk palliatieve zorg",
        "vll-publiek",
        (
            {"taken-kartrekkers": "wel", "enthousiaste-kartrekkers": "gedeeltelijk"},
            {"taken-kartrekkers": "wel", "enthousiaste-kartrekkers": "wel"},
        ),
        ("kosten-vll", {"kartrekker-uren": "3", "tarief-kartrekker": "55", "drukwerk-aantal": "800"}),
        ("planning-vll", 6),
        (),
    ),
)


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def ensure_demo_kartrekker(store: Store, now: datetime) -> None:
    """Fill what the demo organisations have not filled yet: two scoring rounds, costs, planning, figures."""
    today = now.date()
    for organisation, program_id, rounds, cost, plan, figures in DEMO_KARTREKKER:
        if not store.condition_scores(organisation, program_id):
            conditions = conditions_for(program_id)
            texts = {c.id: c.text for c in conditions.conditions}
            for scores, days_ago in zip(rounds, (180, 30), strict=True):
                rows = [
                    (cid, conditions.version, texts[cid], score, "") for cid, score in scores.items() if cid in texts
                ]
                store.add_condition_scores(organisation, program_id, rows, now - timedelta(days=days_ago))
        if cost is not None and not store.cost_inputs(organisation, cost[0]):
            store.save_cost_inputs(organisation, cost[0], cost[1], now)
        if store.plan_start(organisation, program_id) is None:
            store.set_plan_start(organisation, program_id, plan[0], _months_before(today, plan[1]), now)
        if figures and not store.entered_indicators(organisation, program_id):
            this = bucket_of(today, "halfjaar")
            before = bucket_of(this.start - timedelta(days=1), "halfjaar")
            for indicator, unit, now_value, before_value in figures:
                for bucket, value in ((before, before_value), (this, now_value)):
                    check_span(bucket.start, bucket.end)
                    store.add_entered_indicator(
                        organisation, indicator, bucket.start, bucket.end, value, unit, "", now, program_id=program_id
                    )


def _answers(form_id: str, rng: random.Random, confidence: int) -> dict:
    form = load_form(form_id)
    values: dict = {}
    for item in form.items:
        if item.id.startswith(("vertrouwen", "deskundig-")):
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
    _fill_before_after(store, training, now, (1, "voorbereiding-mysupport"), ((1, "evaluatie-mysupport"),))


def _fill_before_after(
    store: Store,
    training: Training,
    now: datetime,
    before_form: tuple[int, str],
    after_forms: tuple[tuple[int, str], ...],
) -> None:
    """Six made-up participants answer the form before and those after, a little more confident after."""
    rng = random.Random(training.id)
    people = [
        store.add_participant(training.id, name, f"demo-{training.id}-{i}", now) for i, name in enumerate(DEMO_PEOPLE)
    ]
    for meeting, form_id in (before_form, *after_forms):
        forms.open_form(store, training.id, meeting, form_id, False, now, spec=form_spec(load_form(form_id)))
    for person in people:
        before = rng.randint(2, 6)
        forms.submit(
            store,
            training.id,
            before_form[0],
            before_form[1],
            f"p:{person.id}",
            _answers(before_form[1], rng, before),
            now,
            participant_id=person.id,
        )
        for meeting, form_id in after_forms:
            forms.submit(
                store,
                training.id,
                meeting,
                form_id,
                f"p:{person.id}",
                _answers(form_id, rng, min(before + rng.randint(1, 3), 10)),
                now,
                participant_id=person.id,
            )
    for meeting, form_id in after_forms:
        store.close_form(training.id, meeting, form_id, now)
