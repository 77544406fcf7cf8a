"""The training data as pandas DataFrames, for analysts and researchers (read-only).

Three lines in a notebook (``pztraining lab`` opens an example on the same database)::

    from pztraining import data
    db = data.connect()                        # the database of pztraining serve, read-only
    data.answers(db, program="mysupport")      # every answer, one row each, pseudonymised

Every function takes the store from :func:`connect` and returns a new DataFrame; nothing here
writes. Participants are pseudonymised (``D01``, ``D02`` … per training, in the order they joined)
unless ``with_names=True`` is asked (then a ``name`` column is added), and hosted
(``JUPYTERHUB_USER``) a login reads only what its role may read, as in the apps and exports: a
coordinator never gets names, a trainer only its organisation's trainings. The columns are the
exports' columns.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pandas as pd

from pztraining.core.clock import local, local_zone, utc_now
from pztraining.core.errors import ScopeError
from pztraining.core.texts import t
from pztraining.services import access, results
from pztraining.store import Store

__all__ = ["answers", "before_after", "connect", "indicators", "item_summary", "trainings"]


def connect(db: str | None = None, data_dir: Path | None = None) -> Store:
    """The pztraining database, opened read-only (``db``: a URL; default as ``pztraining serve`` chooses it).

    Its connections refuse every write; the database must exist and be at this version's schema.
    """
    return Store.open(db, data_dir, read_only=True)


def _user(store: Store) -> access.User:
    return access.current_user(store)


def trainings(store: Store) -> pd.DataFrame:
    """One row per training this login may read: id, name, program, organisation, dates, participants."""
    rows = []
    for training in access.visible_trainings(_user(store), store.list_trainings(), access.can_read_results):
        days = [d for d in training.meeting_dates if d]
        rows.append(
            {
                "training_id": training.id,
                "training": training.name,
                "program": training.program_id,
                "organisation": training.organisation,
                "meetings": len(training.meeting_dates),
                "first_date": min(days) if days else None,
                "last_date": max(days) if days else None,
                "participants": len(store.list_participants(training.id)),
                "created_at": local(training.created_at),
            }
        )
    columns = [
        "training_id",
        "training",
        "program",
        "organisation",
        "meetings",
        "first_date",
        "last_date",
        "participants",
        "created_at",
    ]
    return pd.DataFrame(rows, columns=columns)


def _bundle(
    store: Store,
    training: str | int | None,
    program: str | None,
    date_from: date | None,
    date_to: date | None,
    with_names: bool,
) -> results.Bundle:
    """The results bundle of one training (by id, code or name) or of a programme in a period."""
    user = _user(store)
    if training is not None:
        scope = results.training_scope(store, str(training))
        access.require(user, scope.trainings[0], access.can_read_results, "data")
    elif program is not None:
        scope = results.program_scope(store, program, date_from, date_to)
        scope = dataclasses.replace(
            scope, trainings=tuple(access.visible_trainings(user, scope.trainings, access.can_read_results))
        )
    else:
        raise ScopeError(t("export.need_scope"))
    return results.build(store, scope, with_names=with_names and not access.must_pseudonymize(user))


def answers(
    store: Store,
    training: str | int | None = None,
    program: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    with_names: bool = False,
) -> pd.DataFrame:
    """Every answer of a training (id, join code or name) or of a programme's trainings in a period (local dates).

    One row per answer: training, meeting, form, item, ``participant`` (the pseudonym; ``name`` only
    ``with_names``), value.
    """
    return _bundle(store, training, program, date_from, date_to, with_names).tidy


def item_summary(
    store: Store,
    training: str | int | None = None,
    program: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> pd.DataFrame:
    """Per form item: answers (``n``), mean, median, standard deviation, share (helemaal) eens."""
    return _bundle(store, training, program, date_from, date_to, False).summary


def before_after(
    store: Store,
    training: str | int | None = None,
    program: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> pd.DataFrame:
    """Per question asked before and after: pairs, means, the change and the Wilcoxon test (``note``: why none)."""
    return _bundle(store, training, program, date_from, date_to, False).before_after


def indicators(
    store: Store, organisation: str, date_from: date, date_to: date, program: str | None = None, per: str | None = None
) -> pd.DataFrame:
    """The borging indicators of ``organisation`` per half-year or year (``per``), as in ``pztraining borging``."""
    from pztraining.services.kartrekker import gather

    today = local(utc_now()).date()
    found = gather.borging(
        store, organisation, date_from, date_to, today, local_zone(), program_id=program, per=per, user=_user(store)
    )
    return found.rows
