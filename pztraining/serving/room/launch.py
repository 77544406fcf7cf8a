"""Start the room server as a JupyterHub service: answer "starting" at once, then load Voila.

JupyterHub gives a managed service about ten seconds to answer HTTP and stops the whole hub
when it does not. Loading Voila and Jupyter Server takes longer than that on a busy machine,
so until the room server listens, a tiny placeholder on its port answers: the participants'
page with a Dutch "starting" page that reloads itself (the hub counts that as up), every other
path with 503 (the phones' script retries).
"""

from __future__ import annotations

import signal
import sys
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from pztraining.core.settings import Context
from pztraining.core.texts import t


class _Starting(BaseHTTPRequestHandler):
    #: The participants' page, and the path the hub checks (an extra copy's own service prefix).
    pages: tuple[str, ...] = ("/",)

    def do_GET(self) -> None:  # http.server API
        page = self.command == "GET" and urlsplit(self.path).path.rstrip("/") + "/" in self.pages
        text = (
            (
                f"<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
                f"<meta http-equiv='refresh' content='2'><title>{escape(t('room.title'))}</title></head>"
                f"<body><p>{escape(t('room.starting'))}</p></body></html>"
            )
            if page
            else t("room.starting")
        )
        body = text.encode()
        self.send_response(200 if page else 503)
        self.send_header("Content-Type", f"text/{'html' if page else 'plain'}; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Retry-After", "2")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_POST = do_GET

    def log_message(self, *args) -> None:
        return


def _option(argv: list[str], name: str, default: str) -> str:
    prefix = f"--{name}="
    return next((arg[len(prefix) :] for arg in argv if arg.startswith(prefix)), default)


def main(argv: list[str] | None = None) -> None:
    """Run the room server with ``argv`` (Voila's options; --port and --Voila.ip are read here)."""
    argv = sys.argv[1:] if argv is None else argv
    # JupyterHub stops a service with SIGINT (then SIGTERM after 10 s). A hub started from a
    # script in the background inherits SIGINT ignored, and so does every process it starts:
    # each copy then held the hub's stop up by 10 s. Ctrl+C is a clean stop here, always.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    host, port = _option(argv, "Voila.ip", "localhost"), int(_option(argv, "port", "8866"))
    _Starting.pages = tuple(
        path.rstrip("/") + "/" for path in (_option(argv, "Voila.base_url", "/"), Context.read().service_prefix or "/")
    )
    placeholder = ThreadingHTTPServer((host, port), _Starting)
    thread = threading.Thread(target=placeholder.serve_forever, name="pz-room-starting", daemon=True)
    thread.start()
    from pztraining.serving.room.app import main as room_main  # the slow part: Voila, Jupyter Server, the store

    placeholder.shutdown()
    placeholder.server_close()
    room_main()


if __name__ == "__main__":
    main()
