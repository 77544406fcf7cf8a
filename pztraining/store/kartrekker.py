"""The kartrekker's own records: condition scores, cost inputs, planning start months, entered indicators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, insert, select

from pztraining.store.engine import Database, retry_when_busy
from pztraining.store.tables import condition_scores, cost_inputs, entered_indicators, plan_starts, utc


@dataclass(frozen=True)
class ConditionScore:
    """One stored score of one implementation condition (see :mod:`pztraining.services.kartrekker.conditions`)."""

    organisation: str
    program_id: str
    condition_id: str
    content_version: int
    condition_text: str
    score: str
    remark: str
    scored_at: datetime


@dataclass(frozen=True)
class EnteredIndicator:
    """One figure a kartrekker entered for a period (see :mod:`pztraining.services.kartrekker.entered`)."""

    id: int
    organisation: str
    indicator_id: str
    period_start: date
    period_end: date
    value: float
    unit: str
    remark: str
    entered_at: datetime
    #: The programme it is for ("" when kept before figures had a programme).
    program_id: str = ""


class Kartrekker(Database):
    """The SQL of an organisation's implementation records."""

    @retry_when_busy
    def add_condition_scores(
        self, organisation: str, program_id: str, scores: list[tuple[str, int, str, str, str]], now: datetime
    ) -> None:
        """Keep one scoring round: ``(condition_id, content_version, text, score, remark)`` each.

        All rows get the moment ``now`` (UTC), so a round is read back as one; earlier rounds
        stay. The scores are checked by :func:`pztraining.services.kartrekker.conditions.checked_round`;
        the remark is stored as typed.
        """
        with self._write() as conn:
            for condition_id, version, condition_text, score, remark in scores:
                conn.execute(
                    insert(condition_scores).values(
                        organisation=organisation,
                        program_id=program_id,
                        condition_id=condition_id,
                        content_version=version,
                        condition_text=condition_text,
                        score=score,
                        remark=remark,
                        scored_at=now,
                    )
                )

    def condition_scores(self, organisation: str, program_id: str | None = None) -> list[ConditionScore]:
        """Every stored score of an organisation (of one programme, or all), oldest first."""
        query = select(condition_scores).where(condition_scores.c.organisation == organisation)
        if program_id is not None:
            query = query.where(condition_scores.c.program_id == program_id)
        with self._read() as conn:
            rows = conn.execute(query.order_by(condition_scores.c.scored_at, condition_scores.c.id)).all()
        return [
            ConditionScore(
                r.organisation,
                r.program_id,
                r.condition_id,
                r.content_version,
                r.condition_text,
                r.score,
                r.remark,
                utc(r.scored_at),
            )
            for r in rows
        ]

    @retry_when_busy
    def save_cost_inputs(self, organisation: str, format_id: str, values: dict[str, str], now: datetime) -> None:
        """Keep the cost estimate's inputs as typed (input id → text), replacing the earlier ones."""
        with self._write() as conn:
            conn.execute(
                delete(cost_inputs).where(
                    cost_inputs.c.organisation == organisation, cost_inputs.c.format_id == format_id
                )
            )
            for input_id, value in values.items():
                conn.execute(
                    insert(cost_inputs).values(
                        organisation=organisation,
                        format_id=format_id,
                        input_id=input_id,
                        value=str(value)[:100],
                        updated_at=now,
                    )
                )

    def cost_inputs(self, organisation: str, format_id: str) -> dict[str, str]:
        """The stored inputs of a cost estimate (input id → text as typed); empty when none."""
        with self._read() as conn:
            rows = conn.execute(
                select(cost_inputs.c.input_id, cost_inputs.c.value).where(
                    cost_inputs.c.organisation == organisation, cost_inputs.c.format_id == format_id
                )
            ).all()
        return {row.input_id: row.value for row in rows}

    @retry_when_busy
    def set_plan_start(self, organisation: str, program_id: str, planning_id: str, start: date, now: datetime) -> None:
        """Keep the chosen planning and its start month for an organisation's programme (replacing)."""
        with self._write() as conn:
            conn.execute(
                delete(plan_starts).where(
                    plan_starts.c.organisation == organisation, plan_starts.c.program_id == program_id
                )
            )
            conn.execute(
                insert(plan_starts).values(
                    organisation=organisation,
                    program_id=program_id,
                    planning_id=planning_id,
                    start_month=start.replace(day=1),
                    updated_at=now,
                )
            )

    def plan_start(self, organisation: str, program_id: str) -> tuple[str, date] | None:
        """The stored ``(planning id, start month)`` of an organisation's programme, or None."""
        with self._read() as conn:
            row = conn.execute(
                select(plan_starts.c.planning_id, plan_starts.c.start_month).where(
                    plan_starts.c.organisation == organisation, plan_starts.c.program_id == program_id
                )
            ).first()
        return (row.planning_id, row.start_month) if row else None

    @retry_when_busy
    def add_entered_indicator(
        self,
        organisation: str,
        indicator_id: str,
        period_start: date,
        period_end: date,
        value: float,
        unit: str,
        remark: str,
        now: datetime,
        program_id: str = "",
    ) -> None:
        """Keep one entered figure of a period for a programme ("" for none); earlier entries stay as history.

        The period is checked by :func:`pztraining.domain.periods.check_span`.
        """
        with self._write() as conn:
            conn.execute(
                insert(entered_indicators).values(
                    organisation=organisation,
                    program_id=program_id,
                    indicator_id=indicator_id,
                    period_start=period_start,
                    period_end=period_end,
                    value=float(value),
                    unit=unit[:40],
                    remark=remark,
                    entered_at=now,
                )
            )

    def entered_indicators(self, organisation: str, program_id: str | None = None) -> list[EnteredIndicator]:
        """Every entered figure of an organisation, oldest entry first.

        With ``program_id``: that programme's figures and those kept without one (program id "").
        """
        query = select(entered_indicators).where(entered_indicators.c.organisation == organisation)
        if program_id is not None:
            query = query.where(entered_indicators.c.program_id.in_(("", program_id)))
        with self._read() as conn:
            rows = conn.execute(query.order_by(entered_indicators.c.entered_at, entered_indicators.c.id)).all()
        return [
            EnteredIndicator(
                r.id,
                r.organisation,
                r.indicator_id,
                r.period_start,
                r.period_end,
                r.value,
                r.unit,
                r.remark,
                utc(r.entered_at),
                r.program_id,
            )
            for r in rows
        ]
