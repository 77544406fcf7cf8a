"""Names without invisible characters, numbers in ASCII digits only (text_input and its callers)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pztraining.content import load_form
from pztraining.core.errors import InputRefused
from pztraining.core.text_input import INVISIBLE, clean_name, decimal_number, whole_number
from pztraining.domain.agenda import parse_clock
from pztraining.domain.forms import validate_answers
from pztraining.domain.roleplay import RolePlayError, parse_duration
from pztraining.domain.schedule import ScheduleError
from pztraining.services import participation
from pztraining.services.kartrekker.costs import parse_number
from pztraining.store import StoreError

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
#: Characters that make one name look like another, or hide in a list.
SPOOFING = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u2060",
    "\ufeff",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\x00",
    "\x1b",
    "\x7f",
    "\x9b",
]


def visible(name: str) -> bool:
    return not any(ch in INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name)


@pytest.mark.parametrize("hidden", SPOOFING)
def test_a_name_loses_invisible_and_bidi_characters(hidden):
    assert clean_name(f"Sa{hidden}nne") == "Sanne"


def test_a_name_is_nfc_with_single_spaces():
    decomposed = "Rene\u0301e  van\tDijk\n"
    assert clean_name(decomposed) == "Ren\u00e9e van Dijk"
    assert clean_name(decomposed) == clean_name("Renée van Dijk")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)
    | st.lists(st.sampled_from(SPOOFING + ["a", "e", "\u0301", " ", "\n", "\u00a0"]), max_size=20).map("".join)
)
def test_a_cleaned_name_is_visible_nfc_and_stays_the_same_when_cleaned_again(text):
    name = clean_name(text)
    assert visible(name)
    assert unicodedata.is_normalized("NFC", name)
    assert name == name.strip() and "  " not in name
    assert clean_name(name) == name


def test_the_store_keeps_a_participants_name_cleaned_and_refuses_an_invisible_one(store):
    training = store.add_training("Team\u200b De Linde\u202e", "mysupport", NOW)
    assert training.name == "Team De Linde"
    person = participation.register(store, training, "d1", "\u202eSanne\x00", NOW)
    assert person.name == "Sanne"
    with pytest.raises(InputRefused, match=r"Vul een naam of schuilnaam in\."):
        participation.register(store, training, "d2", "\u200b\u2066\u200f", NOW)
    with pytest.raises(StoreError, match=r"Geef de training een naam\."):
        store.add_training("\ufeff\u200d", "mysupport", NOW)


@pytest.mark.parametrize("typed, number", [("7", 7), (" 10 ", 10), (7, 7), ("0", 0)])
def test_a_whole_number_in_ascii_digits_is_read(typed, number):
    assert whole_number(typed) == number


@pytest.mark.parametrize("typed", ["١٠", "²", "٣", "7.0", "+7", "-1", "1_000", "", True, None, 1.0, "1" * 10])
def test_anything_else_is_no_whole_number(typed):
    assert whole_number(typed) is None


@pytest.mark.parametrize("typed", ["١٠", "nan", "inf", "1e999", "1_000", "٣,٥"])
def test_a_decimal_number_takes_ascii_digits_only(typed):
    assert decimal_number(typed) is None
    assert parse_number(typed) is None


def test_a_scale_answer_in_arabic_indic_digits_is_refused():
    form = load_form("deskundigheid-na")
    scale = next(item for item in form.items if item.type == "scale10")
    assert validate_answers(form, {scale.id: "10"}).values.get(scale.id) == 10
    result = validate_answers(form, {scale.id: "١٠"})
    assert scale.id in result.errors and scale.id not in result.values


def test_times_and_durations_take_ascii_digits_only():
    assert parse_clock("09:30").hour == 9 and parse_duration("2:00") == 120
    with pytest.raises(ScheduleError):
        parse_clock("٠٩:٣٠")
    with pytest.raises(RolePlayError):
        parse_duration("٢:٠٠")


def test_the_cli_takes_numbers_in_ascii_digits_only(capsys):
    from pztraining.cli.main import main

    assert main(["agenda", "mysupport", "--meeting", "١"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fout: --meeting: geen geheel getal: '١'.") and "Traceback" not in err


def test_a_training_is_found_by_its_name_typed_with_an_invisible_character(store):
    from pztraining.services.results import training_by_reference

    training = store.add_training("Team De Linde", "mysupport", NOW)
    assert training_by_reference(store, "Team\u200b De Linde").id == training.id
