"""One path from the store to the answers: the exports, the results page, ``pztraining.data``
and the kartrekker's borging report all read them through ``results.gather_answers``."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

import pztraining
from pztraining.services import results
from pztraining.services.kartrekker import gather
from tests.source import module_tree, nodes
from tests.unit.test_kartrekker_indicators import AMSTERDAM, ORG, TODAY, fill_organisation

PACKAGE = Path(pztraining.__file__).parent


def _calls(name: str) -> list[str]:
    """Where the package calls ``<something>.name(...)``, as "path:line"."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in nodes(module_tree(path)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
                found.append(f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno}")
    return found


def test_only_gather_answers_reads_the_answers_and_makes_them_tidy():
    # The store's answer rows, the pseudonym codes and the tidy frame are made in one function.
    for name in ("answer_rows", "tidy_answers", "pseudonym_codes"):
        places = {place.split(":")[0] for place in _calls(name)}
        assert places == {"services/results.py"}, (name, places)


@pytest.fixture
def counted(monkeypatch):
    calls: list[tuple[int, ...]] = []
    real = results.gather_answers

    def counting(store, trainings, with_names=False):
        calls.append(tuple(tr.id for tr in trainings))
        return real(store, trainings, with_names)

    monkeypatch.setattr(results, "gather_answers", counting)
    return calls


def test_the_borging_report_and_the_exports_gather_the_same_answers(store, counted):
    fill_organisation(store)
    found = gather.borging(store, ORG, date(2026, 1, 1), date(2026, 12, 31), TODAY, AMSTERDAM, program_id="mysupport")
    [borging_ids] = counted
    scope = results.Scope(tuple(tr for tr in store.list_trainings() if tr.id in borging_ids), "alle")
    bundle = results.build(store, scope)
    assert sorted(counted[1]) == sorted(borging_ids)  # the export went the same way
    # Both count the same participants of those trainings (A 4, B 2, C 3, D 2).
    assert sum(facts.participants for facts in found.trainings) == bundle.participants == 11
