"""The link from the trainer page to the slide deck of the meeting being run."""

from __future__ import annotations

from urllib.parse import quote

from pztraining.core import settings
from pztraining.core.texts import t
from pztraining.domain.links import trainer_page
from pztraining.reports.slides import SLIDES_ENV, SLIDES_ROUTE, deck_for
from pztraining.ui.common import esc

__all__ = ["SLIDES_ENV", "slides_link_html"]


def slides_link_html(program_id: str, meeting: int) -> str:
    """A link that opens the meeting's deck in a new tab, or a hint when it is not built."""
    folder = settings.current().slides_dir
    if folder is None:
        return ""  # this server does not serve decks (e.g. a bare `voila notebooks/`)
    deck = deck_for(program_id, meeting, folder)
    if deck is None:
        return f"<div class='pz-note pz-slides-missing'>{esc(t('slides.missing'))}</div>"
    href = trainer_page(f"{SLIDES_ROUTE}/{quote(deck.file)}")
    return (
        f"<a class='pz-slides-open' href='{esc(href)}' target='_blank' rel='noopener'>"
        f"{esc(t('slides.open', title=deck.title))}</a>"
        f" <span class='pz-note'>{esc(t('slides.keys'))}</span>"
    )
