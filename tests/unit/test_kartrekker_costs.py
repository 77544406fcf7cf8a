"""The cost estimate: every line and the total as computed by hand, and wrong numbers refused in Dutch."""

import pytest

from pztraining.content import library
from pztraining.services.kartrekker import costs

MYSUPPORT = {
    "trainingen": "3",
    "deelnemers": "12",
    "uren-training": "5",
    "tarief-verzorgende": "38",
    "bewoners": "40",
    "uren-gesprek": "2",
    "kartrekker-per-week": "30",
    "looptijd-weken": "56",
    "voorbereiding-training": "4",
    "tarief-kartrekker": "52,50",
    "coachmomenten": "3",
    "uren-coaching": "1,5",
    "tarief-behandelaar": "95",
    "gidsen": "40",
    "prijs-gids": "4,95",
    "medewerkers-overig": "8",
    "uren-overig": "2",
    "materiaal": "€ 125",
    "simulant": "1.000",
    "trainingsprijs": "250",
    "uren-voorbereiding": "1,5",
    "leidinggevende-per-week": "60",
    "tarief-leidinggevende": "64",
}


def test_every_mysupport_line_and_the_total_match_the_figures_by_hand():
    estimate = costs.estimate(library().costs["kosten-mysupport"], MYSUPPORT)
    by_hand = {
        "trainingskosten": 3 * 12 * 250,  # the project's fee: 9000
        "voorbereiding-deelnemers": 3 * 12 * 1.5 * 38,  # 2052
        "leidinggevende": 1 * 56 * 64,  # 60 minutes a week: 3584
        "training": 3 * 12 * 5 * 38,  # 6840
        "gesprekken": 40 * 2 * 38,  # 3040
        "kartrekker-voortgang": 0.5 * 56 * 52.5,  # 30 minutes a week: 1470
        "kartrekker-voorbereiding": 3 * 4 * 52.5,  # 630
        "coaching": 3 * 1.5 * 95,  # 427.50
        "gidsen": 40 * 4.95,  # 198
        "overig-personeel": 8 * 2 * 38,  # 608
        "materiaal": 3 * 125,  # 375
        "simulant": 3 * 1000,  # 3000
    }
    assert {line.id: line.amount for line in estimate.lines} == pytest.approx(by_hand)
    assert estimate.total == pytest.approx(
        9000 + 2052 + 3584 + 6840 + 3040 + 1470 + 630 + 427.5 + 198 + 608 + 375 + 3000
    )
    assert estimate.total == pytest.approx(31224.5)
    assert costs.show_euro(estimate.total) == "€31.224,50"
    assert estimate.example_total == 35000


def test_the_formula_shows_the_numbers_as_people_read_them():
    estimate = costs.estimate(library().costs["kosten-mysupport"], {**MYSUPPORT, "trainingen": "1"})
    formulas = {line.id: line.formula for line in estimate.lines}
    assert formulas["training"] == "1 trainingen × 12 verzorgenden × 5 uur × €38"
    assert formulas["kartrekker-voortgang"] == "30 min × 56 weken × €52,50"
    assert formulas["coaching"] == "3 momenten × 1,5 uur × €95"


def test_every_line_of_the_campaign_format_matches_the_figures_by_hand():
    typed = {
        "kartrekker-uren": "4",
        "looptijd-weken": "104",
        "tarief-kartrekker": "50",
        "projectleider-uren": "6",
        "tarief-projectleider": "70",
        "medewerkers": "25",
        "uren-medewerker": "3",
        "tarief-medewerker": "42",
        "drukwerk-aantal": "2000",
        "drukwerk-prijs": "0,35",
        "website": "1.250",
    }
    estimate = costs.estimate(library().costs["kosten-vll"], typed)
    by_hand = {
        "kartrekker": 4 * 104 * 50,
        "projectgroep": 6 * 104 * 70,
        "medewerkers": 25 * 3 * 42,
        "drukwerk": 2000 * 0.35,
        "website": 1250,
    }
    assert {line.id: line.amount for line in estimate.lines} == pytest.approx(by_hand)
    assert estimate.total == pytest.approx(20800 + 43680 + 3150 + 700 + 1250)


def test_missing_inputs_take_the_formats_proposed_numbers():
    fmt = library().costs["kosten-mysupport"]
    assert costs.estimate(fmt, {}).total == costs.estimate(fmt, costs.default_inputs(fmt)).total


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("deelnemers", "-3", "Een aantal of bedrag kan niet negatief zijn."),
        ("tarief-verzorgende", "38000", "Dat is onwaarschijnlijk veel; hoogstens 250."),
        ("bewoners", "veel", "'veel' is geen getal."),
        ("deelnemers", "12,5", "Vul een heel getal in."),
        ("trainingen", "", "Vul een getal in."),
    ],
)
def test_a_wrong_number_gets_a_dutch_message_and_there_is_no_total(field, typed, message):
    fmt = library().costs["kosten-mysupport"]
    estimate = costs.estimate(fmt, {**MYSUPPORT, field: typed})
    assert estimate.errors == {field: message}
    assert estimate.total is None
    uses = [line for line, spec in zip(estimate.lines, fmt.lines) if field in spec.factors]
    assert uses and all(line.amount is None for line in uses)
    assert any(line.amount is not None for line in estimate.lines)  # the other lines still add up


@pytest.mark.parametrize(
    "typed, number",
    [
        ("12", 12),
        ("1,5", 1.5),
        ("1.5", 1.5),
        ("1.200", 1200),
        ("1.200,50", 1200.5),
        ("€ 38", 38),
        (" 7 ", 7),
        ("nan", None),
        ("1e400", None),
        ("", None),
    ],
)
def test_numbers_are_read_the_dutch_way(typed, number):
    assert costs.parse_number(typed) == number
