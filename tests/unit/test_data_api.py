"""pztraining.data: the training data as DataFrames for analysts, pseudonymised unless asked, read-only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pztraining import data
from pztraining.cli import demo
from pztraining.cli.main import main
from pztraining.store import Store, StoreError

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('data-api') / 'pz.db'}"
    store = Store(url)
    demo.ensure_demo_trainings(store, NOW)
    store.close()
    return url


@pytest.fixture
def db(demo_url):
    store = data.connect(demo_url)
    yield store
    store.close()


def test_trainings_lists_every_demo_training(db):
    frame = data.trainings(db)
    assert {"Demo – team De Linde", "Demo – ggz-team Oost"} <= set(frame["training"])
    assert frame.loc[frame["training"] == "Demo – team De Linde", "participants"].iloc[0] == 6


def test_answers_are_pseudonymised_unless_names_are_asked(db):
    answers = data.answers(db, training="Demo – team De Linde")
    assert not answers.empty
    assert "name" not in answers.columns
    assert set(answers["participant"]) == {f"D0{n}" for n in range(1, 7)}
    assert not answers.astype(str).apply(lambda column: column.str.contains("Demo-deelnemer")).any().any()
    named = data.answers(db, training="Demo – team De Linde", with_names=True)
    assert set(named["name"]) == {f"Demo-deelnemer {n}" for n in range(1, 7)}


def test_summaries_before_after_and_indicators_come_as_frames(db):
    summary = data.item_summary(db, program="mysupport")
    assert {"item_key", "n", "mean"} <= set(summary.columns) and summary["n"].sum() > 0
    change = data.before_after(db, program="mysupport")
    assert "mean_change" in change.columns and not change.empty
    rows = data.indicators(db, "Demo-verpleeghuis De Linde", date(2025, 1, 1), date(2026, 12, 31))
    assert rows["trainings_held"].sum() >= 1


def test_the_connection_refuses_every_write(db):
    with pytest.raises(StoreError, match="alleen gelezen"):
        db.add_training("Stiekem", "mysupport", NOW)
    assert "Stiekem" not in set(data.trainings(db)["training"])


def test_a_missing_database_is_not_created(tmp_path):
    with pytest.raises(StoreError):
        data.connect(f"sqlite:///{tmp_path / 'nergens.db'}")
    assert not (tmp_path / "nergens.db").exists()


def test_lab_copies_the_notebook_once_and_gives_jupyterlab_the_same_database(demo_url, tmp_path, monkeypatch, capsys):
    from pztraining.cli import lab

    started = []
    monkeypatch.setattr(lab, "run", lambda command, url: started.append((command, url)) or 0)
    folder = tmp_path / "analyse"
    assert main(["lab", "--db", demo_url, "--folder", str(folder), "--no-browser"]) == 0
    notebook = folder / lab.NOTEBOOK
    assert notebook.read_text(encoding="utf-8") == lab.example_notebook()
    ((command, url),) = started
    assert url == demo_url and str(notebook) in command and "--no-browser" in command
    assert command[1:3] == ["-m", "jupyterlab"]
    notebook.write_text("{}", encoding="utf-8")  # the analyst's own edits
    assert main(["lab", "--db", demo_url, "--folder", str(folder)]) == 0
    assert notebook.read_text(encoding="utf-8") == "{}"
    assert "eigen kopie" in capsys.readouterr().out


def test_read_only_on_sqlite_and_postgresql(any_store):
    any_store.add_training("Echt", "mysupport", NOW, "Org")
    reader = data.connect(any_store.url)
    try:
        with pytest.raises(StoreError):
            reader.add_training("Stiekem", "mysupport", NOW)
        assert list(data.trainings(reader)["training"]) == ["Echt"]
    finally:
        reader.close()
    assert [training.name for training in any_store.list_trainings()] == ["Echt"]  # the writer still writes
