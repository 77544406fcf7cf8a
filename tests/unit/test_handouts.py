"""Printed handouts: made from the same content as the apps, and nothing leaks between roles."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import pytest

from pztraining import content
from pztraining.cli.main import main
from pztraining.domain.forms import form_spec
from pztraining.reports.handouts import TrainingInfo, card_copies, handouts_for
from pztraining.reports.handouts.pages import ROWS_PER_PAGE, attendance_list, card_sheet, case_sheets, paper_form

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _text(page: str) -> str:
    """The visible text of a page, unescaped, with whitespace collapsed."""
    body = page.split("<body", 1)[1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _flat(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


EVALUATIONS = [form for form in content.library().forms.values() if form.purpose == "evaluatie"]


@pytest.mark.parametrize("form", EVALUATIONS, ids=lambda f: f.id)
def test_the_paper_evaluation_has_exactly_the_items_of_the_digital_form(form):
    program = content.load_program(form.program)
    page = paper_form(form, program, None).html
    digital = form_spec(form)["items"]
    printed = re.findall(
        r'<section class="pz-item" data-item="([^"]+)" data-type="([^"]+)">(.*?)</section>', page, re.S
    )
    assert [(i, kind) for i, kind, _ in printed] == [(item["id"], item["type"]) for item in digital]
    for (_, kind, block), item in zip(printed, digital):
        text = _text("<body>" + block)
        assert _flat(item["text"]) in text
        for option in item["options"]:  # agreement labels and choices, as on the phone
            assert option in text
        if kind == "scale10":
            assert re.findall(r'class="pz-num">(\d+)<', block) == [str(n) for n in range(11)]
    if form.anonymous_by_default:
        assert "anoniem" in _text(page) and "Naam</div>" not in page


CASES = list(content.library().cases.values())


def _participant_only(case: content.Case) -> list[str]:
    lines = list(case.participant_briefing)
    for step in case.steps:
        lines += [step.guidance, *step.questions]
    return [_flat(line) for line in lines]


def _simulant_only(case: content.Case) -> list[str]:
    brief = case.simulant_briefing
    return [_flat(line) for line in (*brief.knows, *brief.feels, *brief.asks, brief.start_mild, *brief.harder)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_case_sheet_holds_the_case_facts_and_nothing_meant_for_the_other_role(case):
    program = content.load_program(case.program)
    sheets = {sheet.name.rsplit("-", 1)[1]: _text(sheet.html) for sheet in case_sheets(case, program)}
    facts = [case.person.name, f"{case.person.age} jaar", *map(_flat, case.person.situation)]
    for fact in facts:
        assert fact in sheets["deelnemer"]
    for line in _participant_only(case):
        assert line in sheets["deelnemer"]
    if case.simulant_briefing is None:
        assert set(sheets) == {"deelnemer"}
        return
    for fact in facts + [case.simulant_briefing.role]:
        assert fact in sheets["simulant"]
    for line in _simulant_only(case):
        assert line in sheets["simulant"]
        assert line not in sheets["deelnemer"], f"simulant-tekst op het deelnemersblad: {line}"
    for line in _participant_only(case):
        assert line not in sheets["simulant"], f"deelnemerstekst op het simulantblad: {line}"
    assert "niet aan deelnemers geven" in sheets["simulant"]


def test_cards_come_four_to_a_page_one_per_participant():
    card = content.load_card("gesprekskaartje")
    assert [card_copies(n) for n in (0, 1, 4, 5, 6, 9)] == [4, 4, 4, 8, 8, 12]
    sheet = card_sheet(card, card_copies(6))
    assert sheet.pages == 2
    assert sheet.html.count('<article class="pz-card">') == 8
    text = _text(sheet.html)
    for step in card.steps:
        assert step.title in text and _flat(step.summary) in text


def test_the_attendance_list_has_names_only_when_given_and_room_for_walk_ins():
    program = content.load_program("ggz")
    meeting = program.meeting(2)
    names = tuple(f"Deelnemer {n:02d}" for n in range(1, ROWS_PER_PAGE + 2))  # one more than a page
    training = TrainingInfo("Team Noord", "GGZ Oost", (date(2026, 12, 1), date(2026, 12, 29), None), names)
    sheet = attendance_list(program, meeting, training)
    assert sheet.pages == 2
    cells = re.findall(r'<tr class="pz-row"><td class="pz-nr">(\d+)</td><td>([^<]*)</td>', sheet.html)
    assert [int(n) for n, _ in cells] == list(range(1, 2 * ROWS_PER_PAGE + 1))
    assert [name for _, name in cells if name] == list(names)
    text = _text(sheet.html)
    assert "29-12-2026" in text and "Bijeenkomst 2" in text and "Duur: 3 uur" in text
    assert "Handtekening" in text and "Organisatie" in text

    blank = attendance_list(program, meeting, TrainingInfo("Team Noord", "", (None, None, None)))
    assert blank.pages == 1
    assert all(name == "" for _, name in re.findall(r'<td class="pz-nr">(\d+)</td><td>([^<]*)</td>', blank.html))
    full = attendance_list(program, meeting, TrainingInfo("Team Noord", "", (), names[:ROWS_PER_PAGE]))
    assert full.pages == 2  # a full page of names still leaves empty rows


def test_free_text_from_the_store_is_printed_escaped():
    program = content.load_program("mysupport")
    training = TrainingInfo("<script>alert(1)</script> & co", "Zorg <b>Oost</b>", (None,), ("<img src=x>",))
    pages = [
        attendance_list(program, program.meetings[0], training).html,
        paper_form(content.load_form("voorbereiding-mysupport"), program, training).html,
    ]
    for page in pages:
        assert "<script>alert" not in page and "<img src=x>" not in page and "<b>Oost</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in pages[0]
    assert "&lt;img src=x&gt;" in pages[0]


def test_every_handout_is_self_contained():
    for program in content.programs().values():
        for handout in handouts_for(program, None, 4):
            remote = r"""(?:src|href)=["']?(?:https?:)?//|url\(["']?(?:https?:)?//"""
            assert not re.search(remote, handout.html), handout.name
            assert 'lang="nl"' in handout.html


def test_the_cli_writes_every_handout_of_a_training(tmp_path, capsys, monkeypatch):
    from pztraining.store import Store

    db = f"sqlite:///{tmp_path / 'pz.db'}"
    store = Store(db)
    training = store.add_training(
        "Team De Linde", "mysupport", NOW, organisation="De Linde", meeting_dates=(date(2026, 12, 3),)
    )
    for n, name in enumerate(["Ans", "Bram", "Cor", "Dini", "Eef"]):
        store.add_participant(training.id, name, f"device-{n}", NOW)
    store.set_checklist_tick(training.id, "zalen", True, NOW)
    store.close()

    out = tmp_path / "uit"
    assert main(["handouts", "--db", db, "--training", training.join_code, "--out", str(out), "--no-pdf"]) == 0
    written = sorted(p.name for p in out.glob("*.html"))
    assert written == sorted(
        [
            "index.html",
            "gesprekskaartje.html",
            "casus-de-vries-deelnemer.html",
            "casus-de-vries-simulant.html",
            "casus-janssen-deelnemer.html",
            "casus-janssen-simulant.html",
            "formulier-voorbereiding-mysupport.html",
            "formulier-reflectie.html",
            "formulier-evaluatie-mysupport.html",
            "checklist-voorbereiding.html",
            "presentielijst-bijeenkomst-1.html",
        ]
    )
    assert "10 hand-outs geschreven" in capsys.readouterr().out
    cards = (out / "gesprekskaartje.html").read_text(encoding="utf-8")
    assert cards.count('<article class="pz-card">') == 8  # five participants: two sheets of four
    attendance = (out / "presentielijst-bijeenkomst-1.html").read_text(encoding="utf-8")
    assert "Ans" not in attendance and "03-12-2026" in attendance  # names only with --with-names
    checklist = (out / "checklist-voorbereiding.html").read_text(encoding="utf-8")
    assert re.search(r'data-item="zalen"><td class="pz-tick">✓', checklist)
    assert not re.search(r'data-item="uitnodigingen"><td class="pz-tick">✓', checklist)

    assert (
        main(
            [
                "handouts",
                "--db",
                db,
                "--training",
                "Team De Linde",
                "--out",
                str(out),
                "--no-pdf",
                "--with-names",
                "--overwrite",
            ]
        )
        == 0
    )  # the same handouts again, now with names
    attendance = (out / "presentielijst-bijeenkomst-1.html").read_text(encoding="utf-8")
    assert all(name in attendance for name in ["Ans", "Bram", "Cor", "Dini", "Eef"])


@pytest.mark.parametrize(
    "args, expected",
    [
        (["handouts", "--no-pdf"], "Geef een training (--training) of een programma (--program)."),
        (["handouts", "--program", "yoga", "--no-pdf"], "Onbekend programma 'yoga'"),
        (["handouts", "--program", "ggz", "--copies", "0", "--no-pdf"], "minstens 1"),
    ],
)
def test_handouts_refuse_bad_input_with_a_dutch_sentence(tmp_path, capsys, args, expected):
    assert main(args + ["--out", str(tmp_path / "uit")]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_an_unwritable_folder_for_handouts_gives_a_clear_message(tmp_path, capsys):
    blocker = tmp_path / "bestand.txt"
    blocker.write_text("geen map")
    assert main(["handouts", "--program", "mysupport", "--no-pdf", "--out", str(blocker / "uit")]) == 1
    err = capsys.readouterr().err
    assert "kan niet geschreven worden" in err and "Kies een andere map met --out" in err


def test_a_broken_content_file_is_named_and_the_other_handouts_are_written(broken_case_file, tmp_path, capsys):
    out = tmp_path / "uit"
    assert main(["handouts", "--program", "ggz", "--no-pdf", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "ggz-casus-1.yaml: regel 4, kolom 1: ongeldige YAML" in err
    assert "niet geschreven" in err and "Traceback" not in err
    written = {p.name for p in out.glob("*.html")}
    assert "casus-ggz-casus-2-deelnemer.html" in written and "formulier-evaluatie-ggz.html" in written
    assert "presentielijst-bijeenkomst-3.html" in written
    assert not any(name.startswith("casus-ggz-casus-1") for name in written)


@pytest.mark.parametrize(
    "program_id, expected",
    [
        (
            "hospice-ggz",
            {
                "casus-hospice-dekker-deelnemer.html",
                "casus-hospice-dekker-simulant.html",
                "casus-thuis-van-dam-deelnemer.html",
                "casus-thuis-van-dam-simulant.html",
                "formulier-deskundigheid-voor.html",
                "formulier-deskundigheid-na.html",
                "formulier-evaluatie-hospice-ggz.html",
                "checklist-voorbereiding.html",
                "presentielijst-bijeenkomst-1.html",
                "presentielijst-bijeenkomst-2.html",
            },
        ),
        (
            "casuistiekbespreking",
            {
                "formulier-casus-inbreng.html",
                "checklist-voorbereiding.html",
                *(f"presentielijst-bijeenkomst-{n}.html" for n in range(1, 5)),
            },
        ),
        (
            "vll-publiek",
            {"formulier-evaluatie-vll.html", "checklist-voorbereiding.html", "presentielijst-bijeenkomst-1.html"},
        ),
    ],
)
def test_the_handouts_of_the_newer_programs_are_written_offline(tmp_path, capsys, program_id, expected):
    out = tmp_path / "uit"
    assert main(["handouts", "--program", program_id, "--no-pdf", "--out", str(out)]) == 0
    written = {p.name for p in out.glob("*.html")}
    assert written == expected | {"index.html"}
    for name in written:
        page = (out / name).read_text(encoding="utf-8")
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page), name


def test_the_vll_checklist_names_the_publishers_of_what_visitors_take_home():
    [checklist] = [
        h for h in handouts_for(content.load_program("vll-publiek"), None, 1) if h.name.startswith("checklist")
    ]
    page = _text(checklist.html)
    assert "Netwerken Palliatieve Zorg Drenthe Steenwijkerland" in page
    assert "www.voorbereidinglaatstelevensfase.nl" in page
    for thing in ("wensenboekje", "wilsbeschikking", "banieren", "folders", "zaal"):
        assert thing in page.lower(), thing
