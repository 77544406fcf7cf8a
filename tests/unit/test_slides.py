"""The slide decks: every deck builds, runs offline, and a broken deck is named, not fatal."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pztraining import content
from pztraining.cli.main import main
from pztraining.content.deck import deck_files, read_deck
from pztraining.reports import slides

#: The sections a trainer needs in each deck (the issue's list), as `##` headings.
EXPECTED_SECTIONS = {
    "ggz-1": [
        "Palliatieve zorg in de ggz",
        "Waarom palliatieve zorg vaak gemist wordt",
        "De Toolkit: vijf stappen en zes instrumenten",
        "Stap 1: de Surprise Question",
        "Werkplekopdracht 1",
    ],
    "ggz-2": [
        "Terugblik op werkplekopdracht 1",
        "Het Utrecht Symptoom Dagboek",
        "Het Wensenboekje",
        "Palliatief redeneren",
        "Werkplekopdracht 2",
    ],
    "ggz-3": [
        "Terugblik op werkplekopdracht 2",
        "De stervensfase",
        "Het Zorgpad Stervensfase",
        "Nazorg en het Nazorggesprek",
        "Veelgestelde vragen",
        "Borging in het team",
    ],
    "mysupport-1": [
        "Waarom proactieve zorgplanning?",
        "Visie van de organisatie",
        "Aandachtspunten in het gesprek",
        "Het gesprekskaartje",
        "Het rollenspel",
        "Na de training",
    ],
    "hospice-ggz-1": [
        "Psychiatrie hoort ook in de palliatieve zorg",
        "Herkennen in de palliatieve fase",
        "Casus: meneer Dekker in het hospice",
        "Opdracht: wie bel je?",
    ],
    "hospice-ggz-2": [
        "Terugblik: wie bel je?",
        "Consultatie en verwijzen",
        "Casus: mevrouw Van Dam thuis",
        "Samenwerken",
        "Hoe deskundig voel je je nu?",
    ],
    "casuistiekbespreking-1": [
        "Agenda",
        "Afspraken van de vorige keer",
        "De casus en de vraag",
        "Bespreekronde",
        "Afspraken en leerpunten",
    ],
    "vll-publiek-1": [
        "Wat is samen beslissen?",
        "Wat zijn uw wensen?",
        "Wat helpt u?",
        "Filmpjes: anderen vertellen",
        "Vragen en gesprek",
        "Meenemen naar huis",
        "Wat vond u ervan?",
    ],
}

GOOD_DECK = """---
schema_version: 1
kind: deck
id: proef-1
program: ggz
meeting: 1
title: Proefdeck
source: Voor de test, in eigen woorden.
---

## Eerste dia

- een punt

Note:
Wat de trainer zegt.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> slides.BuildReport:
    return slides.build(tmp_path_factory.mktemp("slides"))


def _sections_of(html: str) -> list[str]:
    """The top-level sections of a built deck, as HTML."""
    slides_div = html.split('<div class="slides">', 1)[1]
    return re.findall(r"<section>(?:<section>)?(.*?)</section>", slides_div, re.S)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def test_there_is_a_deck_for_every_meeting_of_every_program(built):
    assert built.ok, built.problems
    assert {(d.program, d.meeting) for d in built.built} == {
        ("ggz", 1),
        ("ggz", 2),
        ("ggz", 3),
        ("mysupport", 1),
        ("hospice-ggz", 1),
        ("hospice-ggz", 2),
        ("casuistiekbespreking", 1),
        ("vll-publiek", 1),
        ("zorgkaart", 1),
    }
    assert slides.deck_for("ggz", 2, built.out).file == "ggz-2.html"
    assert slides.deck_for("ggz", 4, built.out) is None


def test_every_discussion_of_a_recurring_program_shows_the_one_agenda_deck(built):
    for meeting in (1, 2, 4):
        assert slides.deck_for("casuistiekbespreking", meeting, built.out).file == "casuistiekbespreking-1.html"
    assert slides.deck_for("hospice-ggz", 3, built.out) is None  # not recurring: no fallback


@pytest.mark.parametrize("deck_id", sorted(EXPECTED_SECTIONS))
def test_each_deck_has_a_title_slide_speaker_notes_and_its_sections(built, deck_id):
    html = (built.out / f"{deck_id}.html").read_text(encoding="utf-8")
    deck = read_deck(next(p for p in deck_files() if read_deck(p).meta.id == deck_id))
    title_slide = _sections_of(html)[0]
    assert f"<h1>{deck.meta.title}</h1>" in title_slide.replace("&#x27;", "'")
    assert "Bron:" in title_slide  # the source is credited where everyone sees it
    notes = re.findall(r'<aside class="notes">(.*?)</aside>', html, re.S)
    assert notes and all(_text(note) for note in notes)
    headings = [_text(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]
    headings = [h.rstrip("¶").strip() for h in headings]
    for section in EXPECTED_SECTIONS[deck_id]:
        assert section in headings, f"{deck_id} mist de sectie '{section}'"


def test_no_built_file_loads_a_script_or_style_sheet_from_the_internet(built):
    remote = re.compile(
        r"""<script[^>]+src=["']?(?:https?:)?//|<link[^>]+href=["']?(?:https?:)?//|@import\s+(?:url\()?["']?(?:https?:)?//|url\(["']?(?:https?:)?//""",
        re.I,
    )
    checked = 0
    for path in built.out.rglob("*"):
        if path.suffix in (".html", ".css"):
            checked += 1
            assert not remote.search(path.read_text(encoding="utf-8")), path
    assert checked >= 6  # four decks, the index, and reveal.js's style sheets
    for deck in built.built:
        html = (built.out / deck.file).read_text(encoding="utf-8")
        for reference in re.findall(r'(?:src|href)="(reveal\.js/[^"]+)"', html):
            assert (built.out / reference).is_file(), reference  # the local copy is complete


def test_the_conversation_card_slide_is_made_from_the_card_file(built):
    card = content.load_card("gesprekskaartje")
    html = (built.out / "mysupport-1.html").read_text(encoding="utf-8")
    card_slide = next(s for s in _sections_of(html) if "Het gesprekskaartje" in s)
    for step in card.steps:
        assert step.title in _text(card_slide)
        assert _text(step.summary) in _text(card_slide).replace("&#x27;", "'")


def test_building_twice_gives_the_same_files(tmp_path, monkeypatch):
    monkeypatch.setattr(slides, "RENDERED", {})
    first = slides.build(tmp_path / "a")
    slides.RENDERED.clear()  # the second build renders every deck anew, as another process would
    second = slides.build(tmp_path / "b")
    for deck in first.built:
        assert (tmp_path / "a" / deck.file).read_bytes() == (tmp_path / "b" / deck.file).read_bytes()
    assert len(second.built) == len(first.built)


def test_a_deck_is_rendered_again_only_when_its_source_changed(tmp_path, monkeypatch):
    monkeypatch.setattr(slides, "RENDERED", {})
    real, rendered = slides._exporter(), []

    class Counting:
        def from_notebook_node(self, notebook, **kwargs):
            rendered.append(notebook.metadata["pztraining"]["deck"])
            return real.from_notebook_node(notebook, **kwargs)

    monkeypatch.setattr(slides, "_exporter", Counting)
    source = _deck(tmp_path, "proef-1.md", GOOD_DECK)
    first = slides.build(tmp_path / "a", [source])
    slides.build(tmp_path / "b", [source])
    assert rendered == ["proef-1"]
    assert (tmp_path / "b" / "proef-1.html").read_bytes() == (tmp_path / "a" / "proef-1.html").read_bytes()
    source.write_text(GOOD_DECK.replace("- een punt", "- een ander punt"), encoding="utf-8")
    slides.build(tmp_path / "c", [source])
    assert rendered == ["proef-1", "proef-1"]
    assert "een ander punt" in (tmp_path / "c" / "proef-1.html").read_text(encoding="utf-8")
    assert first.ok


def _deck(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_broken_deck_is_named_and_the_others_are_still_built(tmp_path, capsys):
    good = _deck(tmp_path, "proef-1.md", GOOD_DECK)
    broken = _deck(
        tmp_path,
        "kapot.md",
        GOOD_DECK.replace("id: proef-1", "id: kapot").replace("## Eerste dia", "Eerste dia zonder kop"),
    )
    code = main(["slides", "--out", str(tmp_path / "out"), str(broken), str(good)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "kapot.md: dia 1 (regel 11): begint niet met een kop (## …)" in err
    assert (tmp_path / "out" / "proef-1.html").is_file()
    assert not (tmp_path / "out" / "kapot.html").exists()
    assert "proef-1.html" in out


def test_a_missing_deck_is_named(tmp_path, capsys):
    good = _deck(tmp_path, "proef-1.md", GOOD_DECK)
    code = main(["slides", "--out", str(tmp_path / "out"), str(tmp_path / "weg.md"), str(good)])
    err = capsys.readouterr().err
    assert code == 1
    assert "weg.md: bestaat niet" in err
    assert (tmp_path / "out" / "proef-1.html").is_file()


@pytest.mark.parametrize(
    "change, expected",
    [
        (("meeting: 1", "meeting: 7"), "meeting: programma 'ggz' heeft geen bijeenkomst 7"),
        (("program: ggz", "program: yoga"), "program: onbekend programma 'yoga'"),
        (("source: Voor de test, in eigen woorden.\n", ""), "source: ontbreekt"),
        (
            ("- een punt", "- een punt\n\n--\n\n## Te hoog"),
            "dia 2 (regel 17): een subdia na '--' begint met een kop '### …', niet '## …'",
        ),
        (("- een punt", "<!-- include: bestaat-niet -->"), "onbekend kaartje 'bestaat-niet'"),
        (("---\nschema_version", "schema_version"), "regel 1: een dia-bestand begint met voorpagina-gegevens"),
    ],
)
def test_deck_errors_name_the_file_the_place_and_the_problem(tmp_path, change, expected):
    path = _deck(tmp_path, "proef-1.md", GOOD_DECK.replace(*change, 1))
    with pytest.raises(content.ContentError) as raised:
        read_deck(path)
    assert any(
        Path(problem.file).name == "proef-1.md" and expected in f"{problem.path}: {problem.message}"
        for problem in raised.value.problems
    ), raised.value.problems


def test_an_output_folder_that_cannot_be_written_gives_a_clear_message(tmp_path, capsys):
    blocker = tmp_path / "bestand.txt"
    blocker.write_text("geen map")
    code = main(["slides", "--out", str(blocker / "dia")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"Fout: De map {blocker / 'dia'} kan niet beschreven worden" in err
    assert "Traceback" not in err


def test_check_also_checks_the_decks(tmp_path, capsys):
    broken = _deck(tmp_path, "proef-1.md", GOOD_DECK.replace("meeting: 1", "meeting: 0"))
    assert main(["check", str(broken)]) == 1
    assert "proef-1.md: meeting:" in capsys.readouterr().out


def test_the_build_is_stale_when_a_deck_source_changes(tmp_path, monkeypatch):
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(deck_files()[0], source / deck_files()[0].name)
    monkeypatch.setattr(slides, "deck_files", lambda: sorted(source.glob("*.md")))
    out = tmp_path / "out"
    assert slides.is_stale(out)  # nothing built yet
    slides.build(out)
    assert not slides.is_stale(out)
    changed = source / deck_files()[0].name
    later = (out / slides.MANIFEST).stat().st_mtime + 5
    import os

    os.utime(changed, (later, later))
    assert slides.is_stale(out)


def test_a_broken_content_file_is_named_and_every_deck_that_does_not_need_it_is_built(
    broken_case_file, tmp_path, capsys
):
    code = main(["slides", "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 1
    assert "ggz-casus-1.yaml: regel 4, kolom 1: ongeldige YAML" in err
    for deck in ("ggz-1", "ggz-2", "ggz-3", "mysupport-1"):
        assert (tmp_path / "out" / f"{deck}.html").is_file()
        assert f"{deck}.html" in out
