"""No export, report, handout or deck destroys a user's file or replaces one without --overwrite."""

from __future__ import annotations

import errno
import os
import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from pztraining.cli.main import main
from pztraining.core import files
from pztraining.reports import slides
from tests.unit.test_kartrekker_indicators import ORG, fill_organisation
from tests.unit.test_report import fill
from tests.unit.test_slides import GOOD_DECK

CSV_FILES = {
    "samenvatting.csv",
    "items.csv",
    "voor-na.csv",
    "open-antwoorden.csv",
    "respons.csv",
    "rollenspel.csv",
    "antwoorden.csv",
}
STAMP = r"\d{4}-\d\d-\d\d-\d{4}"


def users_folder(tmp_path: Path) -> Path:
    """A folder as a trainer's Documenten: files, one named like an export's, a hidden one, subfolders."""
    folder = tmp_path / "Documenten"
    (folder / "foto's").mkdir(parents=True)
    (folder / "leeg").mkdir()
    (folder / "brief.docx").write_bytes(b"PK\x03\x04 een brief")
    (folder / "items.csv").write_text("mijn eigen lijst;van items\n", encoding="utf-8")
    (folder / "index.html").write_text("<p>mijn eigen pagina</p>", encoding="utf-8")
    (folder / ".verborgen").write_bytes(b"\x00\x01")
    (folder / "foto's" / "vakantie.jpg").write_bytes(bytes(range(256)))
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by relative name, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def added_folder(before: dict[str, bytes], after: dict[str, bytes]) -> str:
    """The one new subfolder the new files are in."""
    tops = {name.split("/", 1)[0] for name in set(after) - set(before)}
    assert len(tops) == 1 and all("/" in name for name in set(after) - set(before)), sorted(set(after) - set(before))
    return tops.pop()


def test_a_csv_export_into_a_folder_full_of_files_keeps_every_file_and_adds_a_subfolder(store, tmp_path, capsys):
    training, _ = fill(store)
    documents = users_folder(tmp_path)
    before = snapshot(documents)
    command = ["export", "--db", store.url, "--training", str(training.id), "--format", "csv", "--out", str(documents)]
    assert main(command) == 0
    after = snapshot(documents)
    assert {name: after.get(name) for name in before} == before  # every file of the user, byte for byte
    assert (documents / "leeg").is_dir()
    sub = added_folder(before, after)
    assert re.fullmatch(f"pztraining-export-{STAMP}", sub), sub
    assert {name.split("/", 1)[1] for name in set(after) - set(before)} == CSV_FILES
    out = capsys.readouterr().out
    assert f"Nieuwe map: {documents / sub}" in out and f"Geschreven: {documents / sub}" in out

    assert main(command) == 0  # again, in the same minute: another new folder, still nothing touched
    again = snapshot(documents)
    assert {name: again.get(name) for name in after} == after
    assert added_folder(after, again) == f"{sub}-2"


def test_a_second_csv_export_to_its_own_folder_is_refused_and_replaces_only_with_overwrite(store, tmp_path, capsys):
    training, _ = fill(store)
    folder = tmp_path / "csv"
    command = ["export", "--db", store.url, "--training", str(training.id), "--format", "csv", "--out", str(folder)]
    assert main(command) == 0
    assert {p.name for p in folder.iterdir()} == CSV_FILES  # a new folder: the files go straight in
    (folder / "items.csv").write_text("bewerkt door de trainer", encoding="utf-8")
    capsys.readouterr()
    assert main(command) == 1
    err = capsys.readouterr().err
    assert err == (
        f"Fout: {folder / 'samenvatting.csv'} en nog 6 andere bestanden bestaan al; er is niets "
        "veranderd. Kies een andere map met --out, of vervang ze met --overwrite.\n"
    )
    assert (folder / "items.csv").read_text(encoding="utf-8") == "bewerkt door de trainer"
    assert {p.name for p in folder.iterdir()} == CSV_FILES  # no temporary file left behind
    assert main([*command, "--overwrite"]) == 0
    assert (folder / "items.csv").read_text(encoding="utf-8-sig").startswith('"Programma";')


@pytest.mark.parametrize("fmt", ["xlsx", "html"])
def test_an_export_over_an_existing_file_is_refused_in_dutch_and_replaced_only_with_overwrite(
    store, tmp_path, capsys, fmt
):
    training, _ = fill(store)
    out = tmp_path / "uit" / f"resultaten.{fmt}"
    out.parent.mkdir()
    out.write_bytes(b"het rapport van vorige week")
    command = ["export", "--db", store.url, "--training", str(training.id), "--format", fmt, "--out", str(out)]
    assert main(command) == 1
    assert capsys.readouterr().err == (
        f"Fout: {out} bestaat al; er is niets veranderd. Kies een andere naam met "
        "--out, of vervang het met --overwrite.\n"
    )
    assert out.read_bytes() == b"het rapport van vorige week"
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left behind
    assert main([*command, "--overwrite"]) == 0
    assert out.read_bytes() != b"het rapport van vorige week"
    if fmt == "xlsx":
        assert openpyxl.load_workbook(out).sheetnames[0] == "Samenvatting"


@pytest.mark.parametrize("fmt", ["xlsx", "html", "csv"])
def test_a_borging_report_over_an_existing_one_is_refused_and_replaced_only_with_overwrite(
    store, tmp_path, capsys, fmt
):
    fill_organisation(store)
    out = tmp_path / ("borging" if fmt == "csv" else f"borging.{fmt}")
    command = [
        "borging",
        "--db",
        store.url,
        "--org",
        ORG,
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--format",
        fmt,
        "--out",
        str(out),
    ]
    assert main(command) == 0
    first = snapshot(out) if fmt == "csv" else {"": out.read_bytes()}
    capsys.readouterr()
    assert main(command) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Fout: {out}") and ("bestaat al" in err or "bestaan al" in err) and "--overwrite" in err
    assert (snapshot(out) if fmt == "csv" else {"": out.read_bytes()}) == first
    assert main([*command, "--overwrite"]) == 0


def test_borging_writes_the_csv_its_help_offers(store, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["borging", "--help"])
    assert "csv" in capsys.readouterr().out
    fill_organisation(store)
    out = tmp_path / "borging"
    assert (
        main(
            [
                "borging",
                "--db",
                store.url,
                "--org",
                ORG,
                "--from",
                "2026-01-01",
                "--to",
                "2026-12-31",
                "--format",
                "csv",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert {p.name for p in out.iterdir()} == {
        "samenvatting.csv",
        "indicatoren.csv",
        "voor-en-na.csv",
        "randvoorwaarden.csv",
        "kosten.csv",
        "planning.csv",
        "ingevoerd.csv",
    }
    assert f"Managementrapportage geschreven: {out}" in capsys.readouterr().out


def test_handouts_into_a_folder_with_other_files_go_into_a_subfolder_and_touch_nothing(tmp_path, capsys):
    documents = users_folder(tmp_path)
    before = snapshot(documents)
    assert main(["handouts", "--program", "ggz", "--out", str(documents), "--no-pdf"]) == 0
    after = snapshot(documents)
    assert {name: after.get(name) for name in before} == before
    sub = added_folder(before, after)
    assert re.fullmatch(f"hand-outs-{STAMP}", sub), sub
    assert f"{sub}/index.html" in after
    assert f"in {documents / sub}." in capsys.readouterr().out


def test_handouts_over_earlier_handouts_are_refused_without_overwrite(tmp_path, capsys):
    out = tmp_path / "hand-outs"
    command = ["handouts", "--program", "ggz", "--out", str(out), "--no-pdf"]
    assert main(command) == 0
    (out / "index.html").write_text("aangepast", encoding="utf-8")
    before = snapshot(out)
    capsys.readouterr()
    assert main(command) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Fout: {out}") and "bestaan al; er is niets veranderd" in err and "--overwrite" in err
    assert snapshot(out) == before
    assert main([*command, "--overwrite"]) == 0
    assert (out / "index.html").read_text(encoding="utf-8") != "aangepast"


def _deck(tmp_path: Path, text: str = GOOD_DECK) -> Path:
    source = tmp_path / "bron" / "proef-1.md"
    source.parent.mkdir(exist_ok=True)
    source.write_text(text, encoding="utf-8")
    return source


def test_decks_into_a_folder_with_other_files_go_into_a_subfolder_and_touch_nothing(tmp_path, capsys):
    documents = users_folder(tmp_path)
    before = snapshot(documents)
    assert main(["slides", "--out", str(documents), str(_deck(tmp_path))]) == 0
    after = snapshot(documents)
    assert {name: after.get(name) for name in before} == before  # the user's own index.html too
    sub = added_folder(before, after)
    assert re.fullmatch(f"dia-{STAMP}", sub) and f"{sub}/proef-1.html" in after
    assert f"Nieuwe map: {documents / sub}" in capsys.readouterr().out


def test_a_rebuild_replaces_the_packages_own_decks_and_nothing_else(tmp_path, monkeypatch):
    out = tmp_path / "dia"
    monkeypatch.setattr(slides, "default_build_dir", lambda: out)
    slides.build(None, [_deck(tmp_path)])
    (out / "notities.txt").write_text("van de trainer", encoding="utf-8")
    slides.build(None, [_deck(tmp_path, GOOD_DECK.replace("Eerste dia", "Nieuwe eerste dia"))])
    assert "Nieuwe eerste dia" in (out / "proef-1.html").read_text(encoding="utf-8")  # its own deck: rebuilt
    assert (out / "notities.txt").read_text(encoding="utf-8") == "van de trainer"
    # A file that no build of ours wrote, where a new deck would go: kept, and the build says so.
    (out / "proef-2.html").write_text("eigen dia's", encoding="utf-8")
    second = _deck(tmp_path, GOOD_DECK.replace("id: proef-1", "id: proef-2"))
    second = second.rename(second.with_name("proef-2.md"))
    with pytest.raises(files.AlreadyExists) as refused:
        slides.build(None, [_deck(tmp_path), second])
    assert refused.value.path == out / "proef-2.html"
    assert (out / "proef-2.html").read_text(encoding="utf-8") == "eigen dia's"


def test_the_default_deck_folder_never_replaces_a_file_it_did_not_build(tmp_path, monkeypatch):
    out = tmp_path / "dia"
    out.mkdir()
    (out / "index.html").write_text("<p>niet van pztraining</p>", encoding="utf-8")
    monkeypatch.setattr(slides, "default_build_dir", lambda: out)
    with pytest.raises(files.AlreadyExists):
        slides.build(None, [_deck(tmp_path)])
    assert snapshot(out) == {"index.html": b"<p>niet van pztraining</p>"}  # and nothing half-built beside it


@pytest.mark.parametrize("hard_links", [True, False])
def test_a_file_that_appears_while_an_export_is_written_is_not_clobbered(tmp_path, monkeypatch, hard_links):
    if not hard_links:  # a FAT USB stick: no hard links, the name is claimed with an exclusive create

        def no_link(source, target):
            raise OSError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_link)
    target = tmp_path / "rapport.html"

    def slow_writer(temporary: Path) -> None:
        target.write_text("van een ander programma", encoding="utf-8")  # appears between check and rename
        temporary.write_text("<!DOCTYPE html>", encoding="utf-8")

    with pytest.raises(files.AlreadyExists):
        files.atomic_file(target, slow_writer)
    assert target.read_text(encoding="utf-8") == "van een ander programma"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.html"]  # no temporary file left
    files.atomic_text(tmp_path / "nieuw.html", "<p>nieuw</p>")
    assert (tmp_path / "nieuw.html").read_text(encoding="utf-8") == "<p>nieuw</p>"


def test_a_set_of_files_that_fails_half_way_leaves_exactly_what_was_there(tmp_path):
    folder = users_folder(tmp_path)
    before = snapshot(folder)

    def broken(target: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    writers = {"a.csv": lambda p: p.write_text("a"), "sub/b.csv": lambda p: p.write_text("b"), "c.csv": broken}
    with pytest.raises(files.WriteError):
        files.write_folder(folder, writers, "export", datetime(2026, 11, 23, 10, 0))
    assert snapshot(folder) == before
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == ["foto's", "leeg"]  # no half-made subfolder
