"""The links phones and tablets open, and their QR codes (no images, no network).

The room server's address reaches the trainer's kernels as ``$PZTRAINING_PARTICIPANT_URL``
(set by ``pztraining serve``); without it (a bare Voila) there is no link, only the code.
"""

from __future__ import annotations

from urllib.parse import quote

from pztraining.core import settings
from pztraining.core.settings import Context

#: Where the facilitator page lives on the room server (see pztraining.serving.room.app).
FACILITATOR_PATH = "rollenspel"
#: Path of the beamer page on the trainer's own server (see pztraining.serving.room.beamer).
ROOM_PAGE = "pz/zaal/"
#: Set by JupyterHub in a trainer's single-user server and its kernels: the server's base URL.
HUB_PREFIX_ENV = "JUPYTERHUB_SERVICE_PREFIX"


def room_base(base: str | None = None) -> str:
    """The room server's address ending in "/", or "" when unknown."""
    base = base if base is not None else settings.current().participant_url
    return base.rstrip("/") + "/" if base else ""


def trainer_page(path: str) -> str:
    """The link from a trainer app to ``path`` on its own server (the decks, the beamer page).

    On the laptop the trainer server lives at "/"; under JupyterHub below the trainer's
    single-user prefix (``/user/NAME/``), which the kernels know from the environment.
    """
    prefix = Context.read().service_prefix or "/"
    return prefix.rstrip("/") + "/" + path.lstrip("/")


def participant_url(code: str, base: str | None = None) -> str | None:
    """The link a participant opens for a training (its join code in the link), if known."""
    root = room_base(base)
    return f"{root}?code={quote(code)}" if root else None


def facilitator_url(code: str, base: str | None = None) -> str | None:
    """The link a facilitator's tablet opens for one meeting, if known."""
    root = room_base(base)
    return f"{root}{FACILITATOR_PATH}?f={quote(code)}" if root else None


def qr_svg(data: str) -> str:
    """A QR code as inline SVG."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def terminal_qr(data: str) -> str:
    """A QR code drawn with block characters, for the terminal."""
    import io

    import qrcode

    code = qrcode.QRCode(border=1)
    code.add_data(data)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()
