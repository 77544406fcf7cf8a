"""What every response of our servers carries, and what their logs never carry.

Security headers are added by a tornado output transform, so they are on every response
of the server: pages, JSON, static files, redirects and error pages alike (handlers of
Voila, jupyter_server and tornado included, which we do not subclass).
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable

from tornado.httputil import HTTPServerRequest
from tornado.web import Application, OutputTransform, RequestHandler

from pztraining.core.texts import t

#: The participants' page: our own scripts and styles only, never inside another site's frame.
STRICT_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
#: Voila pages run inline scripts and widget modules from blob: URLs, so their scripts cannot
#: be limited to files; they may still never be framed by another site or load plugins.
VOILA_POLICY = "frame-ancestors 'self'; object-src 'none'; base-uri 'self'"
#: `pztraining serve` names each server process it starts (a random value in this variable) and
#: the process answers with it in this header, so serve knows its own server from another
#: program that took the port first.
INSTANCE_ENV = "PZTRAINING_INSTANCE"
INSTANCE_HEADER = "X-Pz-Instance"


def security_headers(
    strict_prefixes: tuple[str, ...] = (), referrer: str = "same-origin", instance: str = ""
) -> type[OutputTransform]:
    """A transform adding our headers; paths under ``strict_prefixes`` get the strict policy.

    ``instance``, when given, is sent as ``INSTANCE_HEADER`` (see ``INSTANCE_ENV``).

    ``referrer`` is the Referrer-Policy: "same-origin" keeps a token in a URL on this server
    (jupyter_server checks the Referer of some requests); "no-referrer" on the room server,
    where nothing needs it.
    """

    class SecurityHeaders(OutputTransform):
        def __init__(self, request):
            super().__init__(request)
            path = request.path or "/"
            self.strict = any(path == p or (p.endswith("/") and path.startswith(p + "pz/")) for p in strict_prefixes)

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            headers["X-Content-Type-Options"] = "nosniff"
            headers["Referrer-Policy"] = referrer
            if instance:
                headers[INSTANCE_HEADER] = instance
            if self.strict:
                headers["Content-Security-Policy"] = STRICT_POLICY
                headers["X-Frame-Options"] = "DENY"
            else:
                if "Content-Security-Policy" not in headers:
                    headers["Content-Security-Policy"] = VOILA_POLICY
                headers.setdefault("X-Frame-Options", "SAMEORIGIN")
            return status_code, headers, chunk

    return SecurityHeaders


#: On every cookie our servers set (_xsrf, the token login). Lax, not Strict: no cookie goes
#: with another site's POST, fetch or frame (so no cross-site request carries it), while a
#: link to a deck or page in a mail or chat still arrives logged in; Strict would add nothing
#: for CSRF here (every change is a POST that must echo the _xsrf cookie) and break those links.
SAME_SITE = {"samesite": "Lax"}


_SECRET_IN_TEXT = re.compile(r"((?:token|f|_xsrf)=)[^&\s'\"]+", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with the values of access tokens and facilitator codes replaced by ``…``."""
    return _SECRET_IN_TEXT.sub(r"\1…", text)


class RedactSecrets(logging.Filter):
    """Keeps tokens and facilitator codes out of log files (URLs are logged on every request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


#: Tornado's loggers: requests and errors are logged here with their URL, often before any
#: handler is configured (then Python's last-resort handler prints them to stderr).
_TORNADO_LOGGERS = ("tornado.access", "tornado.application", "tornado.general")


def redact_logs(*loggers: logging.Logger) -> None:
    """Put :class:`RedactSecrets` on these loggers, tornado's, and the handlers of all and of the root."""
    tornado = [logging.getLogger(name) for name in _TORNADO_LOGGERS]
    for logger in (*loggers, *tornado):
        # On the logger itself: also records that reach no handler of ours (last resort).
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
    for logger in (*loggers, logging.getLogger(), *tornado):
        for handler in logger.handlers:
            if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                handler.addFilter(RedactSecrets())


# ------------------------------------------------------------------ Host check (DNS rebinding)
#: Always answered: this computer by name. Loopback addresses (127/8, ::1) are answered too.
LOCAL_NAMES = ("localhost",)


def host_name(host_header: str) -> str:
    """The name or address in a Host header: no port, no IPv6 brackets, lower case, no final dot."""
    host = host_header.strip().lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def host_allowed(host_header: str, names: Iterable[str]) -> bool:
    """Whether a request with this Host header is for this server: a loopback address or one of ``names``.

    A web page can point a name it controls at 127.0.0.1 (DNS rebinding); the browser then
    sends that name as Host. Addresses other than loopback are answered only when listed.
    """
    host = host_name(host_header)
    if host in LOCAL_NAMES or host in {host_name(name) for name in names}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ForeignHostHandler(RequestHandler):
    """403 with one Dutch sentence, for a request under a host name this server does not serve."""

    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(t("server.foreign_host"))

    def check_xsrf_cookie(self) -> None:  # refused anyway; no cookie is ever set by this handler
        return


def guard_hosts(app: Application, names: Iterable[str], log: logging.Logger) -> None:
    """Make ``app`` answer only requests for loopback, ``localhost`` and ``names``; others get a Dutch 403.

    Done where tornado picks the handler, so it covers every route: the apps, our own pages,
    static files, websockets, error pages. (jupyter_server has the same check, ``check_host``
    with ``allow_remote_access`` and ``local_hostnames``, but Voila switches it off and its
    static files and templates are served by handlers that never run it.)
    """
    allowed = tuple(names)
    find = app.find_handler

    def find_handler(request: HTTPServerRequest, **kwargs):
        if host_allowed(request.host, allowed):
            return find(request, **kwargs)
        log.warning("Refused a request for host %r (not this server's name)", host_name(request.host))
        return app.get_handler_delegate(request, ForeignHostHandler)

    app.find_handler = find_handler  # type: ignore[method-assign]  # this application only
