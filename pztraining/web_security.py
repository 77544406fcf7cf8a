"""What every response of our servers carries, and what their logs never carry.

Security headers are added by a tornado output transform, so they are on every response
of the server: pages, JSON, static files, redirects and error pages alike (handlers of
Voila, jupyter_server and tornado included, which we do not subclass).
"""

from __future__ import annotations

import logging
import re

from tornado.web import OutputTransform

#: The participants' page: our own scripts and styles only, never inside another site's frame.
STRICT_POLICY = "; ".join([
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
])
#: Voila pages run inline scripts and widget modules from blob: URLs, so their scripts cannot
#: be limited to files; they may still never be framed by another site or load plugins.
VOILA_POLICY = "frame-ancestors 'self'; object-src 'none'; base-uri 'self'"


def security_headers(strict_prefixes: tuple[str, ...] = (), referrer: str = "same-origin") -> type[OutputTransform]:
    """A transform adding our headers; paths under ``strict_prefixes`` get the strict policy.

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
            if self.strict:
                headers["Content-Security-Policy"] = STRICT_POLICY
                headers["X-Frame-Options"] = "DENY"
            else:
                if "Content-Security-Policy" not in headers:
                    headers["Content-Security-Policy"] = VOILA_POLICY
                headers.setdefault("X-Frame-Options", "SAMEORIGIN")
            return status_code, headers, chunk

    return SecurityHeaders


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
