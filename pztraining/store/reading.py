"""Reading for reports: activity, every answer and every role-play turn of a set of trainings."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select

from pztraining.store.engine import Database
from pztraining.store.tables import (
    answers,
    drafts,
    form_sessions,
    meeting_runs,
    roleplay_groups,
    roleplay_turns,
    submissions,
    utc,
)


class Reading(Database):
    """Read-only queries that span aggregates, for results, reports and the kartrekker."""

    def last_activity(self) -> dict[int, datetime]:
        """Training id → the latest moment (UTC) something happened in it.

        Something is a submitted form, a run of a meeting, a form opened or closed, a draft or
        a role-play press; trainings where nothing happened yet are left out.
        """
        moments = (
            select(submissions.c.training_id, submissions.c.submitted_at.label("at")),
            select(meeting_runs.c.training_id, meeting_runs.c.updated_at),
            select(form_sessions.c.training_id, form_sessions.c.opened_at),
            select(form_sessions.c.training_id, form_sessions.c.closed_at),
            select(drafts.c.training_id, drafts.c.updated_at),
            select(roleplay_groups.c.training_id, roleplay_groups.c.updated_at),
        )
        latest: dict[int, datetime] = {}
        with self._read() as conn:
            for query in moments:
                columns = query.selected_columns
                grouped = select(columns[0], func.max(columns[1])).where(columns[1].is_not(None)).group_by(columns[0])
                for training_id, stored_at in conn.execute(grouped).all():
                    at = utc(stored_at)
                    if training_id not in latest or at > latest[training_id]:
                        latest[training_id] = at
        return latest

    def answer_rows(self, training_ids: list[int]) -> list[dict]:
        """Every stored answer of these trainings, one dict per answer (for ``report``).

        Participant names are not included; ``participant_id`` links to the training's participants
        (:func:`pztraining.domain.aggregate.pseudonym_codes` gives their codes).
        Submission ids are random, so their order says nothing about when a form was sent.
        """
        if not training_ids:
            return []
        query = (
            select(
                submissions.c.id.label("submission"),
                submissions.c.training_id,
                submissions.c.meeting,
                submissions.c.form_id,
                submissions.c.participant_id,
                submissions.c.paper,
                submissions.c.submitted_at,
                answers.c.item_id,
                answers.c.value,
                form_sessions.c.anonymous,
                form_sessions.c.form_spec,
            )
            .join(answers, answers.c.submission_id == submissions.c.id)
            .outerjoin(
                form_sessions,
                (form_sessions.c.training_id == submissions.c.training_id)
                & (form_sessions.c.meeting == submissions.c.meeting)
                & (form_sessions.c.form_id == submissions.c.form_id),
            )
            .where(submissions.c.training_id.in_(training_ids))
            .order_by(
                submissions.c.training_id,
                submissions.c.meeting,
                submissions.c.form_id,
                submissions.c.id,
                answers.c.item_id,
            )
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [
            {
                **row._asdict(),
                "value": json.loads(row.value),
                "submitted_at": utc(row.submitted_at),
                "anonymous": bool(row.anonymous),
                "form_spec": json.loads(row.form_spec) if row.form_spec else None,
            }
            for row in rows
        ]

    def roleplay_rows(self, training_ids: list[int]) -> list[dict]:
        """Every logged role-play turn of these trainings, with its group."""
        if not training_ids:
            return []
        query = (
            select(
                roleplay_groups.c.training_id,
                roleplay_groups.c.meeting,
                roleplay_groups.c.name.label("group"),
                roleplay_turns.c.turn,
                roleplay_turns.c.variant,
                roleplay_turns.c.planned_seconds,
                roleplay_turns.c.actual_seconds,
                roleplay_turns.c.paused_seconds,
            )
            .join(roleplay_turns, roleplay_turns.c.group_id == roleplay_groups.c.id)
            .where(roleplay_groups.c.training_id.in_(training_ids))
            .order_by(roleplay_groups.c.training_id, roleplay_groups.c.id, roleplay_turns.c.id)
        )
        with self._read() as conn:
            return [row._asdict() for row in conn.execute(query).all()]
