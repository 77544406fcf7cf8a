"""A page with one case for one audience: ``?case=de-vries&view=simulant`` (or participant, screen)."""

from __future__ import annotations

from urllib.parse import parse_qs

import ipywidgets as w

from pztraining.content import UnknownCase, load_case
from pztraining.core.settings import Context
from pztraining.core.texts import t
from pztraining.ui.case_view import participant_html, screen_html, simulant_html
from pztraining.ui.common import Message, login_refusal, named, stylesheet

VIEWS = {"simulant": simulant_html, "participant": participant_html, "screen": screen_html}


def case_app(query: str | None = None) -> w.Widget:
    """The case page; ``query`` defaults to the URL's query string (Voila's QUERY_STRING).

    Hosted, a login name without a role sees one Dutch sentence instead (cases hold no
    training's data, so every role may read them).
    """
    refusal = login_refusal()
    if refusal is not None:
        return refusal
    params = parse_qs(Context.read().query if query is None else query)
    case_id = params.get("case", [""])[0]
    view = params.get("view", ["simulant"])[0]
    try:
        case = load_case(case_id)
    except UnknownCase:
        message = Message()
        message.error(t("case.unknown"))
        return named(w.VBox([stylesheet(), message]), "case-app", "pz-app")
    html = VIEWS.get(view, simulant_html)(case)
    return named(w.VBox([stylesheet(), named(w.HTML(html), "case-view")]), "case-app", "pz-app")
