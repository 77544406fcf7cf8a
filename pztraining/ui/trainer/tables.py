"""HTML for the running meeting: the current block, the end time, what is next, the summary."""

from __future__ import annotations

from datetime import datetime

from pztraining.content import Meeting
from pztraining.core.clock import local
from pztraining.core.texts import t
from pztraining.domain.agenda import leads_label
from pztraining.domain.schedule import Projection, Run
from pztraining.ui.common import esc


def hhmm(moment: datetime) -> str:
    """A moment as local clock time, e.g. "09:05"."""
    return f"{local(moment):%H:%M}"


def _minutes_text(seconds: int) -> str:
    return str(round(abs(seconds) / 60))


def block_html(block) -> str:
    """What the trainer needs to give a block: who leads, its goal, what to do, materials."""
    items = "".join(f"<li>{esc(line)}</li>" for line in block.instructions)
    materials = "".join(f"<li>{esc(line)}</li>" for line in block.materials)
    return (
        f"<div class='pz-block'><div class='pz-block-title'>{esc(block.title)}</div>"
        f"<div class='pz-block-meta'><b>{esc(t('run.leads'))}:</b> {esc(leads_label(block))}</div>"
        f"<div class='pz-block-meta'><b>{esc(t('run.goal'))}:</b> {esc(block.goal)}</div>"
        f"<div class='pz-block-meta'><b>{esc(t('run.instructions'))}:</b></div><ul>{items}</ul>"
        + (
            f"<div class='pz-block-meta'><b>{esc(t('run.materials'))}:</b></div><ul>{materials}</ul>"
            if materials
            else ""
        )
        + "</div>"
    )


def end_html(projection: Projection) -> str:
    """The expected end time and how it compares with the promised one."""
    planned = hhmm(projection.end_at)
    late = projection.late_seconds
    if projection.keep_end and late > 0:
        cannot_keep = t("run.cannot_keep", planned=planned, minutes=_minutes_text(late))
        status = f"<span class='pz-late'>{esc(cannot_keep)}</span>"
    elif late >= 60:
        status = f"<span class='pz-late'>{esc(t('run.late', minutes=_minutes_text(late), planned=planned))}</span>"
    elif late <= -60:
        status = f"<span class='pz-early'>{esc(t('run.early', minutes=_minutes_text(late), planned=planned))}</span>"
    else:
        status = esc(t("run.on_time"))
    return f"<div class='pz-block-meta'><b>{esc(t('run.ends_at', end=hhmm(projection.end)))}</b> · {status}</div>"


def upcoming_html(meeting: Meeting, projection: Projection) -> str:
    """The blocks still to come with their re-planned times."""
    if not projection.upcoming:
        return f"<p class='pz-note'>{esc(t('run.nothing_next'))}</p>"
    rows = []
    for slot in projection.upcoming:
        block = meeting.blocks[slot.index]
        was = (
            f" <span class='pz-note'>({esc(t('table.was', minutes=block.minutes))})</span>"
            if slot.minutes != block.minutes
            else ""
        )
        rows.append(
            f"<tr><td>{hhmm(slot.start)}–{hhmm(slot.end)}</td>"
            f"<td class='pz-num'>{slot.minutes}{was}</td><td>{esc(block.title)}</td>"
            f"<td>{esc(leads_label(block))}</td></tr>"
        )
    return (
        f"<h3>{esc(t('run.upcoming'))}</h3><table class='pz-table'><thead><tr>"
        f"<th>{esc(t('table.time'))}</th><th class='pz-num'>{esc(t('table.minutes'))}</th>"
        f"<th>{esc(t('table.block'))}</th><th>{esc(t('table.leads'))}</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def finished_html(meeting: Meeting, run: Run) -> str:
    """The summary of a meeting that is over: planned and actual minutes per block."""
    rows = []
    for done in run.finished:
        block = meeting.blocks[done.index]
        minutes = round((done.end - done.start).total_seconds() / 60)
        actual = esc(t("table.skipped")) if done.skipped and minutes == 0 else f"{minutes}"
        rows.append(
            f"<tr class='{'pz-row-skipped' if done.skipped else ''}'>"
            f"<td>{hhmm(done.start)}–{hhmm(done.end)}</td><td>{esc(block.title)}</td>"
            f"<td class='pz-num'>{run.planned[done.index]}</td><td class='pz-num'>{actual}</td></tr>"
        )
    for index in sorted(run.skipped - {d.index for d in run.finished}):
        rows.append(
            f"<tr class='pz-row-skipped'><td></td><td>{esc(meeting.blocks[index].title)}</td>"
            f"<td class='pz-num'>{run.planned[index]}</td><td>{esc(t('table.skipped'))}</td></tr>"
        )
    ended = hhmm(run.ended_at or run.current_started_at)
    return (
        f"<h2>{esc(t('run.over', time=ended))}</h2><table class='pz-table'><thead><tr>"
        f"<th>{esc(t('table.time'))}</th><th>{esc(t('table.block'))}</th>"
        f"<th class='pz-num'>{esc(t('table.minutes'))}</th><th class='pz-num'>{esc(t('table.actual'))}</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
