"""Every fact the seeds give (counts, durations, items, frequencies) is in the shipped content.

One list per seed (``/work/shared/seeds/``, Dutch): the facts a trainer or kartrekker must find,
each searched in the *rendered* text of the content meant for that seed's programmes (YAML files
as loaded, regional names and the proposal mark filled in, and the slide decks). A fact that goes
missing from every file fails its seed's test, naming the fact. The package's own proposals carry
one mark, ``schema.PROPOSAL`` rendered as "(voorstel van pztraining)", in every kind of content.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
import yaml

from pztraining.content import deck, library, loader, schema
from pztraining.core.texts import t

MARK = t("content.voorstel")


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _texts(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _texts(v)]
    return []


def _programmes_of(item: object) -> set[str]:
    found = {getattr(item, "program", None)} | set(getattr(item, "programs", ()) or ())
    if isinstance(item, schema.Program):
        found.add(item.id)
    return {p for p in found if p}


@cache
def rendered(programs: frozenset[str]) -> str:
    """All text the shipped content shows for ``programs``, as loaded (marks and names filled in)."""
    parts: list[str] = []
    for path in loader.content_files():
        item = loader.load_file(path)
        mine = _programmes_of(item)
        regional = isinstance(item, schema.Region) and any(library().programs[p].region for p in programs)
        if mine & programs or regional or (not mine and isinstance(item, (schema.Conditions, schema.Indicators))):
            parts += _texts(item.model_dump())
    for path in deck.deck_files():
        source = deck.read_deck(path, library())
        if source.meta.program in programs:
            parts += [source.meta.source] + [s.markdown + "\n" + s.notes for s in source.slides]
    # Markdown emphasis is not part of a fact ("*De namen …:* (voorstel van pztraining)").
    return re.sub(r"\s+", " ", "\n".join(parts)).replace("*", "")


def missing(programs: set[str], facts: list[str]) -> list[str]:
    text = rendered(frozenset(programs)).lower()
    return [fact for fact in facts if re.sub(r"\s+", " ", fact).lower() not in text]


# ---------------------------------------------------------------- seed 000: Toolkit ggz

SEED_000 = [
    # the training: eight hours, three meetings, about four weeks apart, workplace assignments
    "acht uur",
    "drie bijeenkomsten",
    "ongeveer vier weken",
    "werkplek",
    # five steps and the six existing tools
    "vijf stappen",
    "Surprise Question",
    "Utrecht Symptoom Dagboek",
    "Wensenboekje",
    "Palliatief Redeneren",
    "Zorgpad Stervensfase",
    "Nazorggesprek",
    "12 maanden",
    # the management's recommendation (a), (b), (c)
    "(a) mensen en middelen",
    "(b) monitoring en periodieke evaluatie",
    "(c) deelname aan het regionale netwerk",
    # the plan van aanpak and what it holds
    "plan van aanpak",
    "kansen en bedreigingen",
    "geld en menskracht",
    "evaluatiemomenten",
    # kartrekkers and the regional network
    "minstens één kartrekker",
    "kartrekkersnetwerk",
    "netwerkcoördinator",
    "www.stichtingfibula.nl",
    "Informeer je collega's",
    "regiebehandelaar",
    # borging: every half year, with real clients; training via Inholland
    "eens per half jaar",
    "casuïstiekbesprekingen",
    "intervisie",
    "supervisie",
    "Inholland",
    "ervaringsdeskundige",
    "niet vergoed",
]

SEED_000_MARKED = [
    "vier stappen " + MARK,
    "De namen van stap 2 tot en met 5: " + MARK,
    "180, 180 en 120 minuten en de blokken " + MARK,
]


def test_seed_000_ggz_toolkit_facts_are_in_the_content():
    assert missing({"ggz"}, SEED_000) == []


def test_seed_000_the_packages_own_framing_is_marked():
    assert missing({"ggz"}, SEED_000_MARKED) == []


def test_seed_000_ggz_is_three_meetings_of_eight_hours_four_weeks_apart():
    program = library().programs["ggz"]
    assert program.minutes == 8 * 60 and len(program.meetings) == 3
    assert [m.weeks_after_previous for m in program.meetings[1:]] == [4, 4]


# ---------------------------------------------------------------- seed 002: hospice blueprint

SEED_002 = [
    # the training at least twice a year, for professionals and volunteers
    "minstens twee keer per jaar",
    "vrijwilligers",
    # the periodic evaluation's indicators
    "tijdige opname",
    "casusdoorlooptijd",
    "tevredenheid cliënten en naasten",
    "deskundigheid",
    # the phases
    "Fase 1",
    "Fase 2a",
    "Fase 2b",
    "Fase 2c",
    "Fase 3",
    # consultation, reachability, the portal, the expertise map, local cases
    "ggz-consultatieteam",
    "consultatief palliatief team",
    "24/7",
    "aanmeld- en verwijsportaal",
    "expertisekaart",
    "praktijk",
    "psychiatrie hoort ook in de palliatieve zorg",
    # the case discussions (PaTz style) with a fixed frequency
    "PaTz",
    "vaste frequentie",
    "bijvoorbeeld elk kwartaal",
]

SEED_002_MARKED = ["elk kwartaal " + MARK, "maand 7–9 " + MARK, "ongeveer vier weken ertussen " + MARK]


def test_seed_002_hospice_blueprint_facts_are_in_the_content():
    assert missing({"hospice-ggz", "casuistiekbespreking"}, SEED_002) == []


def test_seed_002_the_packages_proposals_are_marked():
    assert missing({"hospice-ggz", "casuistiekbespreking"}, SEED_002_MARKED) == []


def test_seed_002_planning_is_twelve_months_in_the_sources_phases():
    plan = library().plannings["planning-hospicezorg"]
    assert plan.months == 12 and plan.trainings_per_year == 2
    months = {a.id: a.months for a in plan.activities}
    assert months["intake"] == (1, 2) and months["scholing"] == (3, 4, 5) and months["consultatie"] == (6,)
    assert months["campagne"] == (7, 8, 9) and months["evaluatie"] == (10, 11, 12)


# ---------------------------------------------------------------- seed 003: Voorbereiding Laatste Levensfase

SEED_003 = [
    # the public campaign's toolkit
    "draaiboek",
    "filmpjes",
    "banieren",
    "folder",
    "eenvoudige wilsbeschikking",
    "Mijn Laatste Levensfase",
    "posters",
    "wachtkamerfilmpjes",
    "www.voorbereidinglaatstelevensfase.nl",
    "ouderenbonden",
    # the strand for professionals
    "Factsheet Implementatie proactieve zorgplanning",
    "Implementatieplan proactieve zorgplanning",
    "Stappenplan proactieve zorgplanning",
    "Signaleringsfolder",
    "niet pluis",
    "landelijke Leidraad proactieve zorgplanning",
    "behandelwensen en -grenzen",
    # the ICT strand
    "VIPLive",
    "ACP-plan",
    # investment lines and the planning's two years
    "uurtarief",
    "webpagina",
    "druk- en verspreidingskosten",
    "twee jaar",
]

SEED_003_MARKED = ["30 tot 150 bezoekers " + MARK, "anderhalf uur " + MARK]


def test_seed_003_voorbereiding_laatste_levensfase_facts_are_in_the_content():
    assert missing({"vll-publiek"}, SEED_003) == []


def test_seed_003_the_visitor_estimate_is_marked_and_no_slide_asks_for_a_name():
    assert missing({"vll-publiek"}, SEED_003_MARKED) == []
    assert library().programs["vll-publiek"].ask_names is False
    assert "verzonnen naam" not in rendered(frozenset({"vll-publiek"}))


def test_seed_003_the_checklist_of_conditions_has_its_seventeen_questions():
    conditions = library().conditions["randvoorwaarden"].conditions
    assert len(conditions) == 17


# ---------------------------------------------------------------- seed 004: regional care map

HANDOVER = [
    "belangrijkste behandeldoel",
    "behandelwensen en -grenzen",
    "actuele medicatieoverzicht",
    "verslag van het MDO of de aandachtspunten uit de PaTz-bespreking",
    "centrale zorgverlener is, met thuiszorgorganisatie en team",
    "welke zorgverleners betrokken zijn",
    "proactief anticiperend beleid",
    "lichamelijk, psychisch, sociaal en spiritueel",
    "het individueel zorgplan",
]

SEED_004 = HANDOVER + [
    # the timed process agreements
    "binnen 24 uur verstuurd",
    "binnen 24 uur na ontslag",
    "binnen twee werkdagen",
    "een dag vóór het ontslag",
    "Zorgdomein",
    "warme overdracht",
    # the emergency department
    "SEH-arts",
    "kantooruren",
    "ELV-bed",
    # ICPC codes
    "ICPC A69.01",
    "ICPC A20",
    # medication review tools
    "Polyfarmacie bij ouderen",
    "STRIP",
    "Ephor",
    "STOP-NL",
    # the consultations and their frequencies
    "zes keer per jaar",
    "Wekelijks",
    "Maandelijks",
    # the surprise question and the nine steps
    "twaalf maanden",
    "Signaleren",
    "Markeren",
    "Afstemming",
    "Coördinatie",
    "Behandelwensengesprek",
    "Medicatiereview",
    "Individueel zorgplan",
    "Begeleiding en monitoring",
    "Overlijden en nazorg",
]

SEED_004_MARKED = ["10 tot 40 per bijeenkomst " + MARK, "duurt twee uur " + MARK]


def test_seed_004_zorgkaart_facts_are_in_the_content():
    assert missing({"zorgkaart"}, SEED_004) == []


def test_seed_004_handover_has_the_nine_items_on_the_slide():
    source = deck.read_deck(deck.slides_dir() / "zorgkaart-1.md", library())
    slide = next(s for s in source.slides if s.heading == "Negen punten bij elke overdracht")
    assert len(re.findall(r"^[1-9]\. ", slide.markdown, re.M)) == 9


def test_seed_004_the_group_size_is_marked_and_the_meeting_has_evaluation_and_checklist():
    assert missing({"zorgkaart"}, SEED_004_MARKED) == []
    lib = library()
    assert "evaluatie-zorgkaart" in lib.programs["zorgkaart"].meeting(1).form_ids()
    assert lib.forms["evaluatie-zorgkaart"].purpose == "evaluatie"
    assert lib.checklists["zorgkaart"].items


def test_seed_004_the_card_has_the_nine_steps():
    assert len(library().cards["zorgkaart-stappen"].steps) == 9


# ---------------------------------------------------------------- the one convention for proposals


def test_the_proposal_mark_is_filled_in_everywhere_and_never_left_raw():
    for programs in ({"ggz"}, {"hospice-ggz", "casuistiekbespreking"}, {"vll-publiek"}, {"zorgkaart"}, {"mysupport"}):
        text = rendered(frozenset(programs))
        assert schema.PROPOSAL not in text
    assert MARK == "(voorstel van pztraining)"


def test_no_other_wording_marks_a_proposal_where_a_trainer_reads():
    """Credits (``source``, ``design_note``) explain; everything a trainer reads uses the one mark."""
    other = re.compile(r"voorstel van (dit pakket|deze training)|verzonnen door dit pakket", re.I)
    offenders = []
    for path in loader.content_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        shown = {k: v for k, v in data.items() if k not in ("source", "design_note")}
        offenders += [f"{path.name}: {s[:60]}" for s in _texts(shown) if other.search(s)]
    for path in deck.deck_files():
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        offenders += [f"{path.name}: {line[:60]}" for line in body.splitlines() if other.search(line)]
    assert offenders == []


SEED_TITLES = {
    "ggz": "Proactieve palliatieve zorg in de ggz",
    "hospice-ggz": "Versterken Hospicezorg",
    "casuistiekbespreking": "Versterken Hospicezorg",
    "vll-publiek": "Voorbereiding Laatste Levensfase",
    "zorgkaart": "Palliatieve zorgkaart",
}


@pytest.mark.parametrize("program_id", sorted(SEED_TITLES))
def test_every_content_file_of_a_seed_credits_its_source(program_id):
    credited = []
    for path in loader.content_files():
        item = loader.load_file(path)
        if getattr(item, "program", None) == program_id or getattr(item, "id", None) == program_id:
            assert SEED_TITLES[program_id].lower() in item.source.lower(), path.name
            credited.append(path.name)
    for path in deck.deck_files():
        source = deck.read_deck(path, library())
        if source.meta.program == program_id:
            assert SEED_TITLES[program_id].lower() in source.meta.source.lower(), path.name
            credited.append(path.name)
    assert len(credited) >= 3


@pytest.mark.parametrize("program_id", ["ggz", "hospice-ggz", "casuistiekbespreking", "vll-publiek", "zorgkaart"])
def test_every_time_on_a_seeds_checklist_is_marked_as_the_packages_proposal(program_id):
    """The seeds give no timeline for preparing a training; every "when" on these checklists is ours."""
    checklist = library().checklists[program_id]
    assert [item.id for item in checklist.items if item.when and not item.when.endswith(MARK)] == []
