"""One deck location: the decks are built into the cache folder, one subfolder per content version,
never into the checkout or the installed package, and built once per version for every server
that shares the cache (all trainers of a hub)."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

import pztraining
from pztraining.content.deck import deck_files
from pztraining.reports import slides

CHECKOUT = Path(pztraining.__file__).resolve().parents[1]


def test_the_decks_are_built_in_the_cache_folder_never_in_the_checkout_or_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PZTRAINING_CACHE", str(tmp_path / "cache"))
    assert slides.default_build_dir() == tmp_path / "cache" / "dia" / slides.content_version()
    monkeypatch.delenv("PZTRAINING_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert slides.default_build_dir().parent == tmp_path / "xdg" / "pztraining" / "dia"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert not slides.default_build_dir().is_relative_to(CHECKOUT)  # a checkout decides nothing


def test_the_content_version_follows_the_sources_not_where_they_are_installed(tmp_path, monkeypatch):
    shipped = slides.content_version()
    copies = []
    for place in ("hier", "daar"):
        folder = tmp_path / place
        folder.mkdir()
        copies.append([Path(shutil.copy(path, folder)) for path in deck_files()])
    monkeypatch.setattr(slides, "deck_files", lambda: copies[0])
    first = slides.content_version()
    monkeypatch.setattr(slides, "deck_files", lambda: copies[1])
    assert slides.content_version() == first == shipped  # the same content anywhere: the same decks
    copies[1][0].write_text(copies[1][0].read_text(encoding="utf-8") + "\n\n## Nieuw\n", encoding="utf-8")
    assert slides.content_version() != first


def test_servers_starting_at_once_build_the_decks_once_and_share_them(tmp_path, monkeypatch):
    monkeypatch.setenv("PZTRAINING_CACHE", str(tmp_path / "cache"))
    real_build, builds = slides.build, []

    def counted(out, *args, **kwargs):
        builds.append(out)
        return real_build(out, *args, **kwargs)

    monkeypatch.setattr(slides, "build", counted)
    found: list[tuple[Path, list[str]]] = []
    servers = [threading.Thread(target=lambda: found.append(slides.fresh_decks())) for _ in range(3)]
    for server in servers:
        server.start()
    for server in servers:
        server.join()
    assert len(builds) == 1
    folder = slides.default_build_dir()
    assert [where for where, _problems in found] == [folder] * 3
    assert {deck.program for deck in slides.built_decks(folder)} >= {"mysupport"}
    assert sorted(p.name for p in folder.parent.iterdir()) == sorted([folder.name, f"{folder.name}.lock"])
    started = time.monotonic()
    assert slides.fresh_decks() == (folder, [])  # a later server: no build
    assert len(builds) == 1 and time.monotonic() - started < 5


def test_a_new_content_version_is_built_into_a_folder_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setenv("PZTRAINING_CACHE", str(tmp_path / "cache"))

    def fake_build(out, *args, **kwargs):
        (Path(out) / slides.MANIFEST).write_text("[]", encoding="utf-8")
        return slides.BuildReport(Path(out))

    monkeypatch.setattr(slides, "build", fake_build)
    monkeypatch.setattr(slides, "content_version", lambda: "versie-1")
    old, _ = slides.fresh_decks()
    monkeypatch.setattr(slides, "content_version", lambda: "versie-2")
    new, _ = slides.fresh_decks()
    assert (old.name, new.name) == ("versie-1", "versie-2")
    assert (old / slides.MANIFEST).is_file() and (new / slides.MANIFEST).is_file()


def test_a_failed_build_leaves_nothing_that_looks_built(tmp_path, monkeypatch):
    monkeypatch.setenv("PZTRAINING_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(slides, "reveal_source", lambda: (_ for _ in ()).throw(slides.SlidesError("weg")))
    with pytest.raises(slides.SlidesError):
        slides.fresh_decks()
    assert [p.name for p in slides.default_build_dir().parent.iterdir()] == [f"{slides.default_build_dir().name}.lock"]
