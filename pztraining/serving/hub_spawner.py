"""The trainers' servers under JupyterHub: local processes whose start is told in Dutch.

While a trainer's server starts, the hub's waiting page shows the lines of its progress stream
(``/hub/api/users/NAME/server/progress``). JupyterHub writes three of them in English: its own
first line ("Server requested", in ``Spawner._generate_progress``), the spawner's
``progress()`` ("Spawning server...") and the last one ("Server ready at ..."), which the
hub builds and passes through ``Spawner.progress_ready_hook``. :class:`TrainerSpawner` says all
three in Dutch. What the hub's API handler says when a start fails or is cancelled has no hook;
the waiting page's template says that in Dutch (pztraining/jupyter/hub/templates/spawn_pending.html).
Imported by the printed ``jupyterhub_config.py`` only (needs the ``hub`` extra).
"""

from __future__ import annotations

from contextlib import aclosing
from html import escape

from jupyterhub.spawner import SimpleLocalProcessSpawner
from traitlets import default

from pztraining.core.texts import t

#: JupyterHub's own progress lines, by the text of ours that replaces them.
HUB_LINES = {"Server requested": "hub.spawn.requested"}


def dutch_line(event: dict) -> dict:
    """``event`` with a line of JupyterHub's own in Dutch; any other event as it is."""
    key = HUB_LINES.get(event.get("message", ""))
    if key is None:
        return event
    dutch = {**event, "message": t(key)}
    dutch.pop("html_message", None)  # would be shown instead of the message
    return dutch


def ready_event(_spawner, event: dict) -> dict:
    """The hub's last event (the server answers) in Dutch, with the link the hub gives."""
    url = event.get("url", "")
    return event | {
        "message": t("hub.spawn.ready", url=url),
        "html_message": t("hub.spawn.ready_html", url=escape(url, quote=True)),
    }


class TrainerSpawner(SimpleLocalProcessSpawner):
    """One local process per trainer, as the hub's own user, with Dutch progress lines."""

    @default("progress_ready_hook")
    def _dutch_ready_event(self):
        return ready_event

    async def _generate_progress(self):
        # JupyterHub's wrapper around progress() yields its own first line: said in Dutch here.
        # (Private in JupyterHub: if it is renamed, its English line returns and
        # tests/unit/test_hub_spawner.py fails.)
        async with aclosing(super()._generate_progress()) as events:
            async for event in events:
                yield dutch_line(event)

    async def progress(self):
        yield {"progress": 50, "message": t("hub.spawn.starting")}
