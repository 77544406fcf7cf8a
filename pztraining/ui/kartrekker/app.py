"""The kartrekker's page: choose an organisation and a programme; four tabs do the rest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from pztraining.content import library
from pztraining.core.clock import utc_now
from pztraining.core.texts import t
from pztraining.services.access import User
from pztraining.services.kartrekker.gather import organisations_for, trainings_of
from pztraining.store import Store
from pztraining.ui.common import Message, esc, named, open_page, page_user, set_options, stylesheet
from pztraining.ui.kartrekker.borging import BorgingView
from pztraining.ui.kartrekker.conditions import ConditionsView
from pztraining.ui.kartrekker.costs import CostsView
from pztraining.ui.kartrekker.planning import PlanningView


class KartrekkerApp:
    """The kartrekker page. ``clock`` returns the current UTC time (injectable for tests)."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = utc_now, user: User | None = None):
        self.store, self.clock = store, clock
        self.user = page_user(store, user)  # hosted: a kartrekker or trainer sees its own organisation only
        self.message = Message()
        self.org_select = named(w.Dropdown(description=t("kt.org"), layout=w.Layout(width="min(100%, 460px)")), "org")
        self.program_select = named(
            w.Dropdown(description=t("kt.program"), layout=w.Layout(width="min(100%, 460px)")), "program"
        )
        self.conditions = ConditionsView(store, clock)
        self.costs = CostsView(store, clock)
        self.planning = PlanningView(store, clock)
        self.borging = BorgingView(store, clock)
        self.views = (self.conditions, self.costs, self.planning, self.borging)
        self.tabs = named(w.Tab(children=[view.root for view in self.views]), "kartrekker-tabs")
        self.tabs.titles = tuple(t(f"kt.tab.{name}") for name in ("conditions", "costs", "planning", "borging"))
        self.tabs.observe(lambda _: self._show_tab(), names="selected_index")
        self.root = named(
            w.VBox(
                [
                    stylesheet(),
                    w.HTML(
                        f"<h1>{esc(t('app.kartrekker.title'))}</h1>"
                        f"<div class='pz-sub'>{esc(t('app.kartrekker.subtitle'))}</div>"
                    ),
                    w.HBox([self.org_select, self.program_select], layout=w.Layout(flex_flow="row wrap")),
                    self.message,
                    self.tabs,
                ]
            ),
            "kartrekker-app",
            "pz-app",
        )
        self._shown: set[int] = set()
        self._shown_key: tuple | None = None
        set_options(self.org_select, [(org, org) for org in organisations_for(store, self.user)])
        self.org_select.observe(lambda _: self._on_org(), names="value")
        self.program_select.observe(lambda _: self._on_program(), names="value")
        self._on_org()

    def _on_org(self) -> None:
        """Offer the programmes, the organisation's own first (once per organisation chosen)."""
        if self.org_select.value is None:
            self.message.ok(t("kt.no_orgs"))
            self.tabs.layout.display = "none"
            return
        if self._shown_key and self._shown_key[0] == self.org_select.value:
            return  # the same organisation again (a dropdown echo): keep the chosen programme
        self.tabs.layout.display = None
        own = list(dict.fromkeys(tr.program_id for tr in trainings_of(self.store, self.org_select.value)))
        programs = library().programs
        ids = [p for p in own if p in programs] + [p for p in programs if p not in own]
        set_options(self.program_select, [(programs[p].title, p) for p in ids])
        self.program_select.value = ids[0]
        self._on_program()

    def _on_program(self) -> None:
        # A dropdown echo from the browser (the same choice again) must not refill the tabs
        # and so throw away what the kartrekker is entering.
        key = (self.org_select.value, self.program_select.value)
        if key == self._shown_key:
            return
        self._shown_key = key
        self._shown = set()
        self._show_tab()

    def _show_tab(self) -> None:
        """Fill the open tab for the chosen organisation and programme (each tab once per choice)."""
        index = self.tabs.selected_index or 0
        if index in self._shown or self.org_select.value is None or self.program_select.value is None:
            return
        self._shown.add(index)
        self.views[index].show(self.org_select.value, self.program_select.value)


def kartrekker_app(db: str | None = None) -> w.Widget:
    """The kartrekker page as a widget (what ``notebooks/kartrekker.ipynb`` shows)."""
    return open_page(KartrekkerApp, db)
