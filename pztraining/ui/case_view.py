"""A case as HTML for three audiences: the screen (plenary), the participant, the simulant.

Each view shows only what its audience should see: the simulant page never shows the
participant briefing and vice versa.
"""

from __future__ import annotations

from pztraining.content import Case
from pztraining.core.texts import t
from pztraining.ui.common import esc


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>"


def _head(case: Case) -> str:
    fictional = f"<div class='pz-note'>{esc(t('case.fictional'))}</div>" if case.fictional else ""
    return f"<h2 class='pz-case-title'>{esc(case.title)}</h2>{fictional}"


def _person(case: Case) -> str:
    return f"<p><b>{esc(case.person.name)}</b>, {case.person.age} jaar</p>{_list(case.person.situation)}"


def screen_html(case: Case) -> str:
    """For the beamer: the situation, learning goals and steps (no simulant secrets)."""
    steps = "".join(
        f"<li><b>{esc(s.title)}</b>: {esc(s.guidance)}" + (_list(s.questions) if s.questions else "") + "</li>"
        for s in case.steps
    )
    return (
        f"<div class='pz-case'>{_head(case)}<p>{esc(case.summary)}</p>{_person(case)}"
        f"<h3>{esc(t('case.goals'))}</h3>{_list(case.learning_goals)}"
        f"<h3>{esc(t('case.steps'))}</h3><ol>{steps}</ol>"
        f"<p class='pz-note'>{esc(case.source)}</p></div>"
    )


def participant_html(case: Case) -> str:
    """For the participant who plays the carer: only their briefing and the steps."""
    steps = "".join(f"<li><b>{esc(s.title)}</b>: {esc(s.guidance)}</li>" for s in case.steps)
    return (
        f"<div class='pz-case pz-case-participant'>{_head(case)}"
        f"<h3>{esc(t('case.participant'))}</h3>{_list(case.participant_briefing)}"
        f"<h3>{esc(t('case.steps'))}</h3><ol>{steps}</ol></div>"
    )


def simulant_html(case: Case) -> str:
    """For the simulant: who they play, what they know, feel and ask, and how to build up."""
    brief = case.simulant_briefing
    if brief is None:
        return f"<div class='pz-case'>{_head(case)}<p>{esc(case.summary)}</p></div>"
    return (
        f"<div class='pz-case pz-case-simulant'>{_head(case)}"
        f"<h3>{esc(t('case.role'))}: {esc(brief.role)}</h3>{_person(case)}"
        f"<h3>{esc(t('case.knows'))}</h3>{_list(brief.knows)}"
        f"<h3>{esc(t('case.feels'))}</h3>{_list(brief.feels)}"
        f"<h3>{esc(t('case.asks'))}</h3>{_list(brief.asks)}"
        f"<h3>{esc(t('case.start_mild'))}</h3><p>{esc(brief.start_mild)}</p>"
        f"<h3>{esc(t('case.harder'))}</h3>{_list(brief.harder)}</div>"
    )
