"""The bundle file (pure): sealed with a checksum, read back only when intact, anonymous answers
carrying nothing but what was answered, in an order of their own content; the organisation rules."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from pztraining.domain import bundle
from pztraining.domain.bundle import BundleError, DamagedBundle, ForeignBundle

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _rows(anonymous: list[dict] | None = None) -> dict:
    """A training as :meth:`Store.training_bundle` gives it (Python values)."""
    return {
        "training_uid": "0123456789abcdef0123456789abcdef",
        "organisation": "Zorggroep Noord",
        "training": {
            "name": "Team Noord",
            "program_id": "mysupport",
            "created_at": NOON,
            "meeting_dates": [date(2026, 11, 23), None],
        },
        "meetings": [{"meeting": 1, "state": {"current": 2}, "updated_at": NOON, "version": 3}],
        "checklist": [{"item_id": "zalen", "ticked_at": NOON}],
        "participants": [
            {"ref": 2, "name": "Joost", "joined_at": NOON},
            {"ref": 1, "name": "Sanne", "joined_at": NOON},
        ],
        "forms": [
            {
                "meeting": 1,
                "form_id": "reflectie",
                "anonymous": False,
                "opened_at": NOON,
                "closed_at": None,
                "spec": {"items": ["a"]},
            },
            {
                "meeting": 1,
                "form_id": "evaluatie",
                "anonymous": True,
                "opened_at": NOON,
                "closed_at": NOON,
                "spec": None,
            },
        ],
        "answers": [
            {
                "meeting": 1,
                "form_id": "reflectie",
                "participant": 1,
                "paper": False,
                "submitted_at": NOON,
                "answers": {"a": "goed"},
            }
        ],
        "anonymous_answers": anonymous
        if anonymous is not None
        else [
            {"meeting": 1, "form_id": "evaluatie", "paper": False, "answers": {"cijfer": 8}},
            {"meeting": 1, "form_id": "evaluatie", "paper": True, "answers": {"cijfer": 6}},
            {"meeting": 1, "form_id": "evaluatie", "paper": False, "answers": {"cijfer": 9, "open": "Fijn"}},
        ],
        "quiz_reveals": [],
        "roleplay": [
            {
                "meeting": 1,
                "name": "G",
                "state": {},
                "version": 2,
                "updated_at": NOON,
                "turns": [
                    {
                        "turn": 1,
                        "member": "Sanne",
                        "variant": "basis",
                        "planned_seconds": 300,
                        "actual_seconds": 280,
                        "paused_seconds": 0,
                        "started_at": NOON,
                        "ended_at": NOON,
                    }
                ],
            }
        ],
        "case_shares": [],
        "case_actions": [
            {"meeting": 1, "text": "Bel de huisarts", "who": "Sanne", "due": None, "done": False, "created_at": NOON}
        ],
    }


def _seal(rows: dict | None = None) -> str:
    text, _digest = bundle.seal(
        rows or _rows(), organisation="Zorggroep Noord", exported_at=NOON, version="0.1.0", schema_version=15
    )
    return text


def test_a_sealed_bundle_reads_back_as_it_was_written():
    text = _seal()
    found = bundle.read(text.encode(), "b.json")
    document = json.loads(text)
    assert found.checksum == document["checksum"] == bundle.checksum(document["content"])
    assert found.organisation == "Zorggroep Noord" and found.training_name == "Team Noord"
    content = found.content
    assert content["exported_at"] == NOON and content["training"]["meeting_dates"] == [date(2026, 11, 23), None]
    assert [p["name"] for p in content["participants"]] == ["Sanne", "Joost"]  # by ref: the order of joining
    assert content["answers"] == _rows()["answers"]
    assert sorted(a["answers"]["cijfer"] for a in content["anonymous_answers"]) == [6, 8, 9]
    assert content["roleplay"][0]["turns"][0]["actual_seconds"] == 280
    assert bundle.summary(content) == {"participants": 2, "answers": 4, "anonymous": 3}


def test_two_exports_of_the_same_data_differ_only_in_the_file_checksum():
    later, _digest = bundle.seal(
        _rows(), organisation="Zorggroep Noord", exported_at=NOON.replace(hour=13), version="0.2.0", schema_version=16
    )
    first, second = (bundle.read(text.encode(), "b.json") for text in (_seal(), later))
    assert first.checksum != second.checksum and first.data_checksum == second.data_checksum
    changed = _rows()
    changed["answers"][0]["answers"]["a"] = "anders"
    assert bundle.read(_seal(changed).encode(), "b.json").data_checksum != first.data_checksum


def test_a_changed_answer_is_refused_as_tampered():
    document = json.loads(_seal())
    document["content"]["answers"][0]["answers"]["a"] = "slecht"
    with pytest.raises(DamagedBundle) as refused:
        bundle.read(json.dumps(document).encode(), "b.json")
    assert str(refused.value) == (
        "b.json is beschadigd of aangepast: de inhoud klopt niet meer met de controlesom. "
        "Er is niets geïmporteerd; maak op de laptop een nieuwe bundel."
    )


@pytest.mark.parametrize("change", ["organisation", "checksum", "one byte"])
def test_any_change_breaks_the_checksum(change):
    text = _seal()
    if change == "organisation":
        text = text.replace('"organisation": "Zorggroep Noord"', '"organisation": "Zorggroep Zuid"')
    elif change == "checksum":
        document = json.loads(text)
        text = text.replace(document["checksum"], "0" * 64)
    else:
        text = text.replace('"cijfer": 8', '"cijfer": 9')
    with pytest.raises(DamagedBundle, match="beschadigd of aangepast"):
        bundle.read(text.encode(), "b.json")


def test_what_is_not_a_bundle_is_said_so():
    for data in (
        b"",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"format": "iets", "version": 1, "content": {}}',
        b'{"format": "pztraining-bundle", "version": "1", "content": {}}',
    ):
        with pytest.raises(DamagedBundle) as refused:
            bundle.read(data, "x.json")
        assert str(refused.value) == "x.json is geen pztraining-bundel of is onleesbaar. Er is niets geïmporteerd."
    document = json.loads(_seal())
    document["version"] = 2
    with pytest.raises(BundleError, match=r"nieuwere pztraining \(bundelversie 2, deze versie kent tot 1\)"):
        bundle.read(json.dumps(document).encode(), "x.json")


def test_a_recomputed_checksum_does_not_let_a_linkable_anonymous_answer_in():
    # Who edits on purpose can compute a new checksum; the shape still keeps a person out of
    # an anonymous answer (and a named answer off an anonymous form).
    for edit in ({"participant": 1}, {"submitted_at": "2026-11-23T12:00:00Z"}, {"respondent_key": "a:1"}):
        document = json.loads(_seal())
        document["content"]["anonymous_answers"][0].update(edit)
        document["checksum"] = bundle.checksum(document["content"])
        with pytest.raises(DamagedBundle, match=r"is geen geldige bundel \(anonymous_answers\[0\]\."):
            bundle.read(json.dumps(document).encode(), "b.json")
    document = json.loads(_seal())
    document["content"]["answers"][0]["form_id"] = "evaluatie"
    document["checksum"] = bundle.checksum(document["content"])
    with pytest.raises(DamagedBundle, match="is geen geldige bundel"):
        bundle.read(json.dumps(document).encode(), "b.json")


def test_anonymous_answers_carry_only_what_was_answered_in_an_order_of_their_content():
    rows = _rows()
    texts = {
        _seal({**rows, "anonymous_answers": order})
        for order in (
            rows["anonymous_answers"],
            rows["anonymous_answers"][::-1],
            rows["anonymous_answers"][1:] + rows["anonymous_answers"][:1],
        )
    }
    assert len(texts) == 1  # the order they came in (or were stored in) changes nothing in the file
    unnamed = json.loads(texts.pop())["content"]["anonymous_answers"]
    assert all(set(entry) == {"meeting", "form_id", "paper", "answers"} for entry in unnamed)
    assert unnamed == sorted(unnamed, key=bundle.canonical)


def test_a_training_is_bundled_for_its_own_organisation_only():
    assert bundle.export_organisation("Zorggroep Noord", None) == "Zorggroep Noord"
    assert bundle.export_organisation("Zorggroep Noord", "zorggroep  noord") == "Zorggroep Noord"
    assert bundle.export_organisation("", "Zorggroep Noord") == "Zorggroep Noord"
    with pytest.raises(BundleError, match="geen organisatie: geef met --org"):
        bundle.export_organisation("  ", None)
    with pytest.raises(ForeignBundle, match="hoort bij Zorggroep Noord, niet bij Zorggroep Zuid"):
        bundle.export_organisation("Zorggroep Noord", "Zorggroep Zuid")


def test_a_bundle_goes_into_the_organisation_named_as_the_server_spells_it():
    found = bundle.read(_seal().encode(), "b.json")
    known = {"Zorggroep Noord", "Zorggroep Zuid"}
    assert bundle.import_organisation(found, " zorggroep NOORD ", known) == "Zorggroep Noord"
    with pytest.raises(ForeignBundle) as refused:
        bundle.import_organisation(found, "Zorggroep Zuid", known)
    assert str(refused.value) == (
        "De bundel van 'Team Noord' hoort bij Zorggroep Noord, niet bij Zorggroep Zuid. Er is niets geïmporteerd."
    )
    with pytest.raises(
        ForeignBundle,
        match="De organisatie Zorggroep Noord is onbekend op deze server "
        r"\(bekend: Zorggroep Zuid\)",
    ):
        bundle.import_organisation(found, "Zorggroep Noord", {"Zorggroep Zuid"})
