"""The page for the beamer: the room's address and, per training, its code and QR code.

Served by the trainer server (behind its token) at ``/pz/zaal/``, and under JupyterHub by
each trainer's single-user server (behind the hub's login, see
:mod:`pztraining.serving.hub_server`); phones scan the code from the screen. Facilitator
codes are never shown here: they are for tablets, not for the room (the Draaiboek shows them to the trainer).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from pztraining.core.text_input import whole_number
from pztraining.core.texts import t
from pztraining.domain.links import ROOM_PAGE, participant_url, qr_svg, room_base, terminal_qr
from pztraining.services import access
from pztraining.services.access import LOCAL, AccessError, User
from pztraining.serving.web_errors import DutchErrors
from pztraining.store import Store, StoreError

_STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;color:#1d232a}
h1{font-size:2.4rem;margin:.2em 0}.pz-room-training{display:flex;gap:2rem;align-items:center;margin:1.5rem 0;
flex-wrap:wrap}.pz-room-training svg{width:320px;height:320px}.pz-room-code{font:700 3.2rem ui-monospace,monospace;
letter-spacing:.12em}.pz-room-address{font-size:1.6rem}"""


def room_page_html(store: Store, base: str | None = None, training_id: int | None = None, user: User = LOCAL) -> str:
    """The beamer page: the address, then per training (or one) the QR code and join code.

    Only the trainings ``user`` may run; another organisation's ``training_id`` is refused
    (:class:`~pztraining.services.access.AccessDenied`, logged).
    """
    trainings = access.visible_trainings(user, store.list_trainings(), access.can_run)
    if training_id is not None:
        if user.hosted:
            access.permitted_training(store, user, training_id, access.can_run, "beamer")
        trainings = [tr for tr in trainings if tr.id == training_id]
    root = room_base(base)
    parts = [f"<h1>{escape(t('room.beamer.title'))}</h1>"]
    if root:
        parts.append(f"<p class='pz-room-address'>{escape(t('room.beamer.address'))} <b>{escape(root)}</b></p>")
    for training in trainings:
        url = participant_url(training.join_code, base)
        qr = f"<div class='pz-room-qr'>{qr_svg(url)}</div>" if url else ""
        parts.append(
            f"<section class='pz-room-training'>{qr}<div><h2>{escape(training.name)}</h2>"
            f"<p>{escape(t('room.beamer.code'))}</p><p class='pz-room-code'>{escape(training.join_code)}</p>"
            "</div></section>"
        )
    if not trainings:
        parts.append(f"<p>{escape(t('training.none'))}</p>")
    return (
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
        f"<title>{escape(t('room.beamer.title'))}</title><style>{_STYLE}</style></head>"
        f"<body class='pz-room-page'>{''.join(parts)}</body></html>"
    )


def room_page(chosen: str, environ: Mapping[str, str] | None) -> tuple[int, str]:
    """(HTTP status, page) for ``/pz/zaal/?training=<chosen>`` on the server whose env is ``environ``.

    The trainer server learns its user as its kernels do: under JupyterHub the single-user
    server has ``JUPYTERHUB_USER``. A login name without a role, or another organisation's
    training, gets one Dutch sentence (403) and nothing else.
    """
    # A mistyped ?training= shows every training rather than an error page.
    training_id = whole_number(chosen)
    try:
        store = Store.open()
        try:
            user = access.current_user(store, environ)
            return 200, room_page_html(store, training_id=training_id, user=user)
        finally:
            store.close()
    except AccessError as exc:
        return 403, _sentence_page(str(exc))
    except StoreError as exc:
        return 200, _sentence_page(str(exc))


def _sentence_page(sentence: str) -> str:
    return f"<!doctype html><html lang='nl'><meta charset='utf-8'><p>{escape(sentence)}</p></html>"


class RoomPageHandler(DutchErrors, JupyterHandler):
    """``/pz/zaal/`` (all trainings) and ``/pz/zaal/?training=ID`` (one), behind the token."""

    @web.authenticated
    def get(self) -> None:
        access.log_to_server()
        status, page = room_page(self.get_argument("training", ""), None)
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        self.finish(page)


__all__ = ["ROOM_PAGE", "RoomPageHandler", "room_page", "room_page_html", "terminal_qr"]
