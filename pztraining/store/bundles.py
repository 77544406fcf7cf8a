"""Bundles: one training read out for a laptop's bundle, and a bundle written in on the server.

The file, its checksum and its checks are :mod:`pztraining.domain.bundle`'s (pure); here is only the
SQL, with plain dicts in and out (the shape of ``pztraining.domain.bundle.Content``). Drafts, join
codes, device hashes, submission ids and the respondent keys of anonymous answers stay on the
laptop; an imported training gets new ones of the server, and its anonymous answers are written
like a batch of the mixing pool: random ids, random order, no participant, no time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from pztraining.core.texts import t
from pztraining.store.bundle_rows import Kept, write_bundle_rows
from pztraining.store.engine import Database, inserted_id, retry_when_busy
from pztraining.store.errors import MissingEntry
from pztraining.store.keys import new_device_salt
from pztraining.store.tables import (
    answers,
    bundle_imports,
    case_actions,
    case_shares,
    checklist_ticks,
    form_sessions,
    meeting_date_rows,
    meeting_runs,
    participants,
    quiz_reveals,
    roleplay_groups,
    roleplay_turns,
    submissions,
    trainings,
    utc,
)

#: What an import did: a new training, an earlier import replaced by a newer export, nothing
#: (the same bundle again), or nothing because it was refused (an older export than the one
#: imported, or a training imported before for another organisation).
OUTCOMES = ("new", "replaced", "unchanged", "older", "other_organisation")

_TURN_FIELDS = (
    "turn",
    "member",
    "variant",
    "planned_seconds",
    "actual_seconds",
    "paused_seconds",
    "started_at",
    "ended_at",
)


@dataclass(frozen=True)
class BundleImport:
    """The server's training of an imported bundle and what the import did (one of :data:`OUTCOMES`);
    ``server_newer``: what the server kept over the bundle because it changed it later (see
    :mod:`pztraining.store.bundle_rows`)."""

    training_id: int
    outcome: str
    server_newer: tuple[Kept, ...] = ()


def training_uid(salt: str) -> str:
    """A laptop training's stable id in bundles: derived from its secret salt, so it needs no
    column, never changes, and says nothing about the salt (nor the device hashes keyed with it)."""
    return hmac.new(bytes.fromhex(salt), b"key:bundle", hashlib.sha256).hexdigest()[:32]


def _loads(text_: str | None) -> Any:
    return json.loads(text_) if text_ is not None else None


class Bundles(Database):
    """The SQL of ``pztraining bundle export`` and ``bundle import``."""

    def training_bundle(self, training_id: int) -> dict[str, Any]:
        """Everything a bundle carries of one training, read in one transaction; MissingEntry without it."""
        with self._read() as conn:
            row = conn.execute(select(trainings).where(trainings.c.id == training_id)).first()
            if row is None or not row.device_salt:
                raise MissingEntry(t("store.training_missing", training_id=training_id))
            # An imported training keeps the laptop's id: exported again, it stays the same training.
            uid = conn.execute(
                select(bundle_imports.c.training_uid).where(bundle_imports.c.training_id == training_id)
            ).scalar() or training_uid(row.device_salt)
            return {
                "training_uid": uid,
                "organisation": row.organisation,
                "training": self._bundle_training(conn, row),
                **self._bundle_rows(conn, training_id),
            }

    @staticmethod
    def _bundle_training(conn: Connection, row: Any) -> dict[str, Any]:
        days = conn.execute(
            select(meeting_date_rows.c.meeting, meeting_date_rows.c.date)
            .where(meeting_date_rows.c.training_id == row.id)
            .order_by(meeting_date_rows.c.meeting)
        ).all()
        return {
            "name": row.name,
            "program_id": row.program_id,
            "created_at": utc(row.created_at),
            "meeting_dates": [day.date for day in days],
        }

    @staticmethod
    def _bundle_rows(conn: Connection, training_id: int) -> dict[str, Any]:
        def of(table):
            return conn.execute(select(table).where(table.c.training_id == training_id)).all()

        people = sorted(of(participants), key=lambda p: p.id)  # the order of joining (the D01… codes)
        refs = {p.id: number for number, p in enumerate(people, start=1)}
        forms = of(form_sessions)
        anonymous = {(f.meeting, f.form_id) for f in forms if f.anonymous}
        sent = of(submissions)
        values: dict[int, dict[str, Any]] = {s.id: {} for s in sent}
        for answer in conn.execute(
            select(answers.c.submission_id, answers.c.item_id, answers.c.value).where(
                answers.c.submission_id.in_(list(values))
            )
        ).all():
            values[answer.submission_id][answer.item_id] = json.loads(answer.value)
        named, unnamed = [], []
        for s in sent:
            if (s.meeting, s.form_id) in anonymous:  # no key, id, participant or time: only what was answered
                unnamed.append(
                    {"meeting": s.meeting, "form_id": s.form_id, "paper": bool(s.paper), "answers": values[s.id]}
                )
            else:
                named.append(
                    {
                        "meeting": s.meeting,
                        "form_id": s.form_id,
                        "participant": refs.get(s.participant_id),
                        "paper": bool(s.paper),
                        "submitted_at": utc(s.submitted_at),
                        "answers": values[s.id],
                    }
                )
        groups = []
        for group in of(roleplay_groups):
            turns = conn.execute(
                select(roleplay_turns).where(roleplay_turns.c.group_id == group.id).order_by(roleplay_turns.c.id)
            ).all()
            groups.append(
                {
                    "meeting": group.meeting,
                    "name": group.name,
                    "state": json.loads(group.state),
                    "version": group.version,
                    "updated_at": utc(group.updated_at),
                    "turns": [
                        {
                            name: utc(getattr(turn, name)) if name.endswith("_at") else getattr(turn, name)
                            for name in _TURN_FIELDS
                        }
                        for turn in turns
                    ],
                }
            )
        return {
            "meetings": [
                {
                    "meeting": r.meeting,
                    "state": json.loads(r.state),
                    "updated_at": utc(r.updated_at),
                    "version": r.version,
                }
                for r in of(meeting_runs)
            ],
            "checklist": [{"item_id": r.item_id, "ticked_at": utc(r.ticked_at)} for r in of(checklist_ticks)],
            "participants": [{"ref": refs[p.id], "name": p.name, "joined_at": utc(p.created_at)} for p in people],
            "forms": [
                {
                    "meeting": f.meeting,
                    "form_id": f.form_id,
                    "anonymous": bool(f.anonymous),
                    "opened_at": utc(f.opened_at),
                    "closed_at": utc(f.closed_at),
                    "spec": _loads(f.form_spec),
                }
                for f in forms
            ],
            "answers": named,
            "anonymous_answers": unnamed,
            "quiz_reveals": [
                {"meeting": r.meeting, "form_id": r.form_id, "item_id": r.item_id, "revealed_at": utc(r.revealed_at)}
                for r in of(quiz_reveals)
            ],
            "roleplay": groups,
            "case_shares": [
                {
                    "meeting": r.meeting,
                    "case_id": r.case_id,
                    "opened_at": utc(r.opened_at),
                    "closed_at": utc(r.closed_at),
                }
                for r in of(case_shares)
            ],
            "case_actions": [
                {
                    "meeting": r.meeting,
                    "text": r.text,
                    "who": r.who,
                    "due": r.due,
                    "done": bool(r.done),
                    "created_at": utc(r.created_at),
                }
                for r in sorted(of(case_actions), key=lambda a: a.id)
            ],
        }

    @retry_when_busy
    def import_bundle(self, content: dict[str, Any], organisation: str, checksum: str, now: datetime) -> BundleImport:
        """Write a checked bundle's training into ``organisation``, all in one transaction.

        The training's stable id decides: not seen before, a new training; seen with this
        ``checksum`` (of the training's data, :func:`pztraining.domain.bundle.data_checksum`), nothing
        at all is written; imported before from an earlier export, its rows are brought up to date
        (same training id) and what was entered on the server since is kept
        (:func:`~pztraining.store.bundle_rows.write_bundle_rows`); from a later export, or for another
        organisation: nothing.
        """
        uid, exported_at = content["training_uid"], content["exported_at"]
        part = content["training"]
        with self._write() as conn:
            seen = conn.execute(
                select(bundle_imports).where(bundle_imports.c.training_uid == uid).with_for_update()
            ).first()
            if seen is not None:
                owner = conn.execute(
                    select(trainings.c.organisation).where(trainings.c.id == seen.training_id)
                ).scalar()
                if owner != organisation:
                    return BundleImport(seen.training_id, "other_organisation")
                if seen.checksum == checksum:
                    return BundleImport(seen.training_id, "unchanged")
                if utc(seen.exported_at) >= exported_at:
                    return BundleImport(seen.training_id, "older")
                training_id = seen.training_id
                conn.execute(
                    update(trainings)
                    .where(trainings.c.id == training_id)
                    .values(name=part["name"], program_id=part["program_id"], created_at=part["created_at"])
                )
                conn.execute(
                    update(bundle_imports)
                    .where(bundle_imports.c.training_uid == uid)
                    .values(checksum=checksum, exported_at=exported_at, imported_at=now)
                )
                outcome = "replaced"
            else:
                # No join code: phones cannot join a training that was held elsewhere.
                training_id = inserted_id(
                    conn.execute(
                        insert(trainings).values(
                            name=part["name"],
                            program_id=part["program_id"],
                            organisation=organisation,
                            created_at=part["created_at"],
                            join_code=None,
                            device_salt=new_device_salt(),
                        )
                    )
                )
                conn.execute(
                    insert(bundle_imports).values(
                        training_uid=uid,
                        training_id=training_id,
                        checksum=checksum,
                        exported_at=exported_at,
                        imported_at=now,
                    )
                )
                outcome = "new"
            kept = write_bundle_rows(conn, training_id, content)
        return BundleImport(training_id, outcome, tuple(kept))
