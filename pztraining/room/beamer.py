"""The page for the beamer: the room's address and, per training, its code and QR code.

Served by the trainer server (behind its token) at ``/pz/zaal/``; phones scan the code
from the screen. Facilitator codes are never shown here: they are for tablets, not for
the room (the Draaiboek shows them to the trainer).
"""

from __future__ import annotations

from html import escape

from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from ..links import participant_url, qr_svg, room_base, terminal_qr
from ..store import Store, StoreError
from ..texts import t

#: Path of the beamer page on the trainer server.
ROOM_PAGE = "pz/zaal/"

_STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;color:#1d232a}
h1{font-size:2.4rem;margin:.2em 0}.pz-room-training{display:flex;gap:2rem;align-items:center;margin:1.5rem 0;
flex-wrap:wrap}.pz-room-training svg{width:320px;height:320px}.pz-room-code{font:700 3.2rem ui-monospace,monospace;
letter-spacing:.12em}.pz-room-address{font-size:1.6rem}"""


def room_page_html(store: Store, base: str | None = None, training_id: int | None = None) -> str:
    """The beamer page: the address, then per training (or one) the QR code and join code."""
    trainings = store.list_trainings()
    if training_id is not None:
        trainings = [tr for tr in trainings if tr.id == training_id]
    root = room_base(base)
    parts = [f"<h1>{escape(t('room.beamer.title'))}</h1>"]
    if root:
        parts.append(f"<p class='pz-room-address'>{escape(t('room.beamer.address'))} <b>{escape(root)}</b></p>")
    for training in trainings:
        url = participant_url(training.join_code, base)
        qr = f"<div class='pz-room-qr'>{qr_svg(url)}</div>" if url else ""
        parts.append(f"<section class='pz-room-training'>{qr}<div><h2>{escape(training.name)}</h2>"
                     f"<p>{escape(t('room.beamer.code'))}</p><p class='pz-room-code'>{escape(training.join_code)}</p>"
                     "</div></section>")
    if not trainings:
        parts.append(f"<p>{escape(t('training.none'))}</p>")
    return ("<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
            f"<title>{escape(t('room.beamer.title'))}</title><style>{_STYLE}</style></head>"
            f"<body class='pz-room-page'>{''.join(parts)}</body></html>")


class RoomPageHandler(JupyterHandler):
    """``/pz/zaal/`` (all trainings) and ``/pz/zaal/?training=ID`` (one), behind the token."""

    @web.authenticated
    def get(self) -> None:
        chosen = self.get_argument("training", "")
        # A mistyped ?training= shows every training rather than an error page.
        training_id = int(chosen) if chosen.isdigit() else None
        try:
            store = Store.open()
            try:
                page = room_page_html(store, training_id=training_id)
            finally:
                store.close()
        except StoreError as exc:
            page = f"<!doctype html><html lang='nl'><meta charset='utf-8'><p>{escape(str(exc))}</p></html>"
        self.set_header("Cache-Control", "no-store")
        self.finish(page)


__all__ = ["ROOM_PAGE", "RoomPageHandler", "room_page_html", "terminal_qr"]
