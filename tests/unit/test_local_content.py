"""An organisation's own cases next to the shipped ones: the template, the check, the read-only shipped content."""

from __future__ import annotations

import os

import pytest

from pztraining.cli.main import main
from pztraining.content import loader


@pytest.fixture
def own(tmp_path, monkeypatch):
    """An empty folder for the organisation's own content; the library forgets it afterwards."""
    folder = tmp_path / "eigen"
    loader.library.cache_clear()
    yield folder
    os.environ.pop(loader.CONTENT_ENV, None)  # the CLI's --content-dir sets it for its servers
    loader.library.cache_clear()


def test_a_new_case_from_the_template_validates_and_shows_both_briefings(own, capsys):
    assert main(["content", "new-case", "eigen-gesprek", "--program", "mysupport", "--content-dir", str(own)]) == 0
    written = own / "cases" / "eigen-gesprek.yaml"
    assert written.is_file() and "# Een eigen casus" in written.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["content", "check", "--content-dir", str(own)]) == 0
    out = capsys.readouterr().out
    assert "Wat de deelnemer leest:" in out
    assert "Je bent de zorgverlener van de cliënt en voert het gesprek met de naaste." in out
    assert "Wat de simulant leest (rol: Naaste van de cliënt" in out
    assert "1 eigen bestand(en)" in out


def test_new_case_never_writes_over_a_file(own, capsys):
    target = own / "cases" / "mijn-casus.yaml"
    target.parent.mkdir(parents=True)
    target.write_text("mijn eigen aantekeningen\n", encoding="utf-8")
    assert main(["content", "new-case", "mijn-casus", "--program", "ggz", "--content-dir", str(own)]) == 1
    assert "bestaat al" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "mijn eigen aantekeningen\n"


def test_a_broken_local_case_is_named_with_file_and_field(own, capsys):
    assert main(["content", "new-case", "fout-leeftijd", "--program", "ggz", "--content-dir", str(own)]) == 0
    path = own / "cases" / "fout-leeftijd.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("age: 80", "age: tachtig"), encoding="utf-8")
    capsys.readouterr()
    assert main(["content", "check", "--content-dir", str(own)]) == 1
    captured = capsys.readouterr()
    line = next(line for line in captured.out.splitlines() if "fout-leeftijd.yaml" in line)
    assert line.endswith("fout-leeftijd.yaml: person.age: moet een geheel getal zijn, niet 'tachtig'")
    assert "1 probleem/problemen" in captured.err


def test_a_local_case_cannot_replace_a_shipped_one(own, monkeypatch, capsys):
    shipped = loader.load_case("janssen")
    (own / "cases").mkdir(parents=True)
    copy = (loader.builtin_content_dir() / "cases" / "janssen.yaml").read_text(encoding="utf-8")
    (own / "cases" / "janssen.yaml").write_text(copy.replace(shipped.title, "Vervalst"), encoding="utf-8")
    assert main(["content", "check", "--content-dir", str(own)]) == 1
    assert "id 'janssen' staat ook in" in capsys.readouterr().out
    monkeypatch.setenv(loader.CONTENT_ENV, str(own))
    loader.library.cache_clear()
    assert loader.load_case("janssen").title == shipped.title  # the shipped case, unchanged
    assert main(["content", "new-case", "janssen", "--program", "mysupport"]) == 1
    assert "al een casus met de id 'janssen'" in capsys.readouterr().err


def test_the_shipped_content_is_no_place_for_own_cases(capsys):
    assert (
        main(["content", "new-case", "x", "--program", "ggz", "--content-dir", str(loader.builtin_content_dir())]) == 1
    )
    assert "meegeleverde inhoud" in capsys.readouterr().err
    assert not (loader.builtin_content_dir() / "cases" / "x.yaml").exists()


def test_a_broken_local_file_leaves_the_shipped_content_usable(own, monkeypatch):
    (own / "cases").mkdir(parents=True)
    (own / "cases" / "kapot.yaml").write_text("schema_version: 1\nkind: case\nid: [kapot\n", encoding="utf-8")
    monkeypatch.setenv(loader.CONTENT_ENV, str(own))
    loader.library.cache_clear()
    assert "janssen" in loader.library().cases


def test_a_file_edited_within_the_same_moment_and_size_is_read_as_it_is_now(tmp_path):
    # The loaded models are kept per text: an edit is seen even when the file's size and time of
    # change stay the same (an editor saving twice within one tick of the file system's clock).
    shipped = (loader.builtin_content_dir() / "cases" / "janssen.yaml").read_text(encoding="utf-8")
    path = tmp_path / "janssen.yaml"
    path.write_text(shipped, encoding="utf-8")
    stamp = path.stat().st_mtime_ns
    first = loader.load_file(path)
    path.write_text(shipped.replace("age: 83", "age: 84"), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    assert (first.person.age, loader.load_file(path).person.age) == (83, 84)
    path.write_text(shipped.replace("age: 83", "age: ab"), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    with pytest.raises(loader.ContentError, match=r"person\.age"):
        loader.load_file(path)
