"""The example analysis notebook of ``pztraining lab`` runs (nbclient) on the demo data, read-only."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from pztraining.cli import demo, lab
from pztraining.core.clock import utc_now
from pztraining.store import Store


def test_the_example_analysis_runs_on_the_demo_data(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'pz.db'}"
    store = Store(url)
    demo.ensure_demo_trainings(store, utc_now())
    trainings_before = len(store.list_trainings())
    store.close()
    monkeypatch.setenv("PZTRAINING_DB", url)
    notebook_path, _ = lab.place_notebook(tmp_path / "analyse")
    notebook = nbformat.read(notebook_path, as_version=4)
    NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(notebook_path.parent)}}
    ).execute()
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "Demo – team De Linde" in html  # the trainings table
    assert "vertrouwen-gesprek" in html  # before/after of the deskundigheid
    assert "trainings_held" in html  # the borging indicators
    assert len(Store(url).list_trainings()) == trainings_before
