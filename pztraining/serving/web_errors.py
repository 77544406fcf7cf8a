"""Error pages of our servers: one Dutch sentence, never a traceback, never a 500 of their own.

Voila and jupyter_server render their error, login and logout pages from jupyter_server's
templates, which need a ``static_path`` setting that Voila's application lacks: such a page
then fails while it is written (a 500 with an empty body and a traceback in the log, or a
405 whose page breaks), and where it does render it is English and may carry the exception.
:func:`dutch_errors` gives every handler of a route list (Voila's and jupyter_server's too,
which we do not otherwise subclass) :class:`DutchErrors`: a plain Dutch page for a person,
a small JSON object for the REST API, and Dutch login and logout pages.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from tornado import web

from pztraining.core.errors import PztrainingError
from pztraining.core.texts import t

#: Statuses with their own sentence; other 4xx and 5xx share one.
_SENTENCES = {
    400: "room.error.bad_request",
    401: "web.error.401",
    403: "web.error.403",
    404: "room.error.not_found",
    405: "room.error.method",
    413: "web.error.413",
}


def error_sentence(status: int) -> str:
    """The Dutch sentence shown for an HTTP error ``status``."""
    return t(_SENTENCES.get(status, "room.error.server" if status >= 500 else "web.error.4xx"))


def plain_page(message: str, title: str | None = None, body: str = "") -> str:
    """A page with one Dutch sentence (escaped) and optional extra HTML; loads nothing."""
    return (
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title or t('web.error.title'))}</title></head>"
        f"<body><p>{escape(message)}</p>{body}</body></html>"
    )


class DutchErrors:
    """Mixin (first base) for a tornado handler: Dutch error, login and logout pages."""

    def write_error(self: Any, status_code: int, **kwargs: Any) -> None:
        # Whatever went wrong, the body says it in Dutch and never carries the exception: the
        # log has the traceback (tornado logged it before calling us). An error of ours carries
        # a sentence meant for the user, and its own status.
        error = kwargs.get("exc_info", (None, None, None))[1]
        sentence = error_sentence(status_code)
        if isinstance(error, PztrainingError):
            self.set_status(error.http_status)
            sentence = str(error)
        self.set_header("Cache-Control", "no-store")
        if self._json_errors():
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps({"message": sentence, "reason": None}, ensure_ascii=False))
        else:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(plain_page(sentence))

    def _json_errors(self: Any) -> bool:
        from jupyter_server.base.handlers import APIHandler

        return isinstance(self, APIHandler)

    def render_template(self: Any, name: str, **ns: Any) -> str:
        # jupyter_server's login and logout handlers render these two; Voila cannot (above).
        if name == "login.html":
            failed = bool((ns.get("message") or {}).get("error"))
            form = (
                f"<form method='post' action='{escape(self.request.uri or '')}'>{self.xsrf_form_html()}"
                f"<label>{escape(t('web.login.field'))} <input type='password' name='password' "
                f"autocomplete='current-password' autofocus></label> "
                f"<button type='submit'>{escape(t('web.login.go'))}</button></form>"
            )
            if failed:
                form = f"<p role='alert'>{escape(t('web.login.wrong'))}</p>" + form
            return plain_page(t("web.login.text"), t("web.login.title"), form)
        if name == "logout.html":
            return plain_page(t("web.logout.done"))
        return super().render_template(name, **ns)  # type: ignore[misc]


class NotFoundHandler(DutchErrors, web.RequestHandler):
    """Any path no other route serves: a Dutch 404 (last in a server's route list)."""

    def prepare(self) -> None:
        raise web.HTTPError(404)


def error_templates() -> dict[str, str]:
    """jupyter_server's error templates as Dutch pages (by status; ``error.html`` for the others).

    jupyter_server renders ``<status>.html``, else ``error.html``, with ``status_code`` and the
    exception in the namespace; these show one Dutch sentence and nothing of the exception.
    """
    pages = {f"{status}.html": plain_page(error_sentence(status)) for status in _SENTENCES}
    pages["error.html"] = (
        "{% if status_code >= 500 %}"
        + plain_page(error_sentence(500))
        + "{% else %}"
        + plain_page(error_sentence(499))
        + "{% endif %}"
    )
    return pages


def use_dutch_error_templates(settings: dict) -> None:
    """Make a jupyter_server application (its tornado ``settings``) render :func:`error_templates`."""
    from jinja2 import ChoiceLoader, DictLoader

    env = settings["jinja2_env"]
    env.loader = ChoiceLoader([DictLoader(error_templates()), env.loader])


def _owns_error_page(cls: type) -> bool:
    """Whether ``cls`` writes its own (Dutch) error pages: a handler of this package that says so."""
    owner = next((c for c in cls.__mro__ if "write_error" in vars(c)), web.RequestHandler)
    return owner.__module__.startswith("pztraining.") or issubclass(cls, DutchErrors)


_wrapped: dict[type, type] = {}


def with_dutch_errors(cls: type) -> type:
    """``cls`` with :class:`DutchErrors` (the same class for the same ``cls``)."""
    if _owns_error_page(cls):
        return cls
    if cls not in _wrapped:
        extra: dict[str, Any] = {"__module__": cls.__module__, "__doc__": cls.__doc__}
        if _is_voila_template_files(cls):
            extra["parse_url_path"] = _template_path_or_404
        _wrapped[cls] = type(cls.__name__, (DutchErrors, cls), extra)
    return _wrapped[cls]


def _is_voila_template_files(cls: type) -> bool:
    from voila.static_file_handler import TemplateStaticFileHandler

    return issubclass(cls, TemplateStaticFileHandler)


def _template_path_or_404(self: Any, path: str) -> str:
    # Voila splits "<template>/static/<file>" without checking: "/voila/templates/x" was a 500.
    if path.count("/") < 2:
        raise web.HTTPError(404)
    return super(type(self), self).parse_url_path(path)


def dutch_errors(routes: list) -> list:
    """``routes`` (tornado's (pattern, handler[, kwargs]) tuples) with Dutch error pages."""
    return [
        (route[0], with_dutch_errors(route[1]), *route[2:]) if isinstance(route, tuple) else route for route in routes
    ]


__all__ = [
    "DutchErrors",
    "NotFoundHandler",
    "dutch_errors",
    "error_sentence",
    "error_templates",
    "plain_page",
    "use_dutch_error_templates",
    "with_dutch_errors",
]
