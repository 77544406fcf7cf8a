"""The trainer-side Voila server, with the built slide decks served beside the apps.

Voila serves files only from the notebooks' own folder, and only images by default; the
decks live in their build folder (``slides/build``). This subclass adds one read-only route,
``/pz/dia/``, for that folder, so the trainer app can open the deck of the current meeting.
The participant server stays plain Voila: phones never see this route.
"""

from __future__ import annotations

from jupyter_server.utils import url_path_join
from tornado.web import StaticFileHandler
from traitlets import Unicode
from voila.app import Voila

from .slides import SLIDES_ROUTE



class DecksVoila(Voila):
    """Voila that also serves a folder of built slide decks at ``/pz/dia/``."""

    slides_dir = Unicode("", config=True, help="Folder with the built slide decks (empty: not served).")

    def init_handlers(self) -> list:
        handlers = super().init_handlers()
        if self.slides_dir:
            route = url_path_join(self.server_url, SLIDES_ROUTE, "(.*)")
            # First in the list: tornado takes the first pattern that matches.
            handlers.insert(0, (route, StaticFileHandler, {"path": self.slides_dir, "default_filename": "index.html"}))
        return handlers


main = DecksVoila.launch_instance

if __name__ == "__main__":
    main()
