"""Small helpers every screen uses: stylesheet, messages, stable CSS classes."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import ipywidgets as w

if TYPE_CHECKING:
    from pztraining.services.access import User
    from pztraining.store import Store

W = TypeVar("W", bound=w.DOMWidget)

_STYLE = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")


def stylesheet() -> w.HTML:
    """An invisible widget carrying the apps' CSS."""
    return w.HTML(f"<style>{_STYLE}</style>", layout=w.Layout(display="none"))


def named(widget: W, name: str, *more: str) -> W:
    """Give ``widget`` the stable CSS class ``pz-<name>`` (and any extra classes)."""
    widget.add_class(f"pz-{name}")
    for extra in more:
        widget.add_class(extra)
    return widget


def esc(text: object) -> str:
    """Escape user or content text for HTML."""
    return html.escape(str(text), quote=True)


class Message(w.HTML):
    """A line for errors and confirmations, always escaped."""

    def __init__(self, name: str = "message"):
        super().__init__("")
        named(self, name)
        self._confirmations = 0

    def error(self, text: str) -> None:
        self.value = f'<div class="pz-message-error" role="alert">{esc(text)}</div>'

    def ok(self, text: str) -> None:
        """A confirmation; the page hides it at the next action (the pz Voila template).

        Each one is numbered, so the same sentence again is a new element, shown again.
        """
        self._confirmations += 1
        self.value = f'<div class="pz-message-ok" role="status" data-n="{self._confirmations}">{esc(text)}</div>'

    def clear(self) -> None:
        self.value = ""

    def attempt(self, change: Callable[[], object]) -> bool:
        """Run ``change`` (a store change); a StoreError, or a rule's refusal (InputRefused), is shown
        as its Dutch sentence.

        Returns whether it went through, so the page re-reads the store only then.
        """
        from pztraining.core.errors import InputRefused
        from pztraining.store import StoreError

        try:
            change()
        except (InputRefused, StoreError) as exc:
            self.error(str(exc))
            return False
        self.clear()
        return True


def set_options(dropdown: w.Dropdown, options: Sequence[tuple[str, object]]) -> None:
    """Replace a dropdown's options and keep a valid selection (the first when needed).

    ipywidgets 8 leaves a dropdown without a value after its options change; our pages
    always want something chosen when there is something to choose.
    """
    current = dropdown.value
    dropdown.options = options
    values = [value for _, value in options]
    if values and current not in values:
        dropdown.value = values[0]
    elif values and dropdown.value != current:
        dropdown.value = current


class Refresher:
    """Calls ``refresh`` every ``seconds`` while started, on the kernel's event loop.

    Pages use it to follow changes other kernels made in the store. Without a running
    event loop (plain Python, tests) it does nothing: tests call ``refresh`` themselves.
    A busy database is not an error here: the next round tries again.
    """

    def __init__(self, refresh: Callable[[], None], seconds: float):
        self.refresh = refresh
        self.seconds = seconds
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._task = loop.create_task(self._forever())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _forever(self) -> None:
        from pztraining.store import StoreError

        while True:
            await asyncio.sleep(self.seconds)
            try:
                self.refresh()
            except StoreError:
                pass


def open_page(page: Callable[[Store], Any], db: str | None = None) -> w.Widget:
    """``page(store).root`` on the chosen database, or a Dutch message when it cannot be opened.

    A login name without a role (hosted mode) gets that message only: nothing of the page.
    """
    from pztraining.services.access import AccessError
    from pztraining.store import Store, StoreError

    try:
        store = Store.open(db)
        return page(store).root
    except (StoreError, AccessError) as exc:
        return sentence_page(str(exc))


def sentence_page(text: str) -> w.Widget:
    """A page that says one (error) sentence and shows nothing else."""
    message = Message()
    message.error(text)
    return named(w.VBox([stylesheet(), message]), "access-message", "pz-app")


def login_refusal(environ=None, db: str | None = None) -> w.Widget | None:
    """For a page without a store: the Dutch page for a login name without a role, else None.

    Localhost mode (no login name) never opens the store here.
    """
    from pztraining.core.settings import Context
    from pztraining.services.access import AccessError, current_user, log_to_server
    from pztraining.store import Store, StoreError

    if not Context.read(environ).user:
        return None
    log_to_server()
    try:
        store = Store.open(db)
        try:
            current_user(store, environ)
        finally:
            store.close()
    except (StoreError, AccessError) as exc:
        return sentence_page(str(exc))
    return None


def page_user(store: Store, user: User | None) -> User:
    """``user``, or the one the hosting layer logged in (``JUPYTERHUB_USER``; localhost: everything)."""
    from pztraining.services.access import current_user, log_to_server

    log_to_server()
    return user if user is not None else current_user(store)


def training_options(trainings) -> list[tuple[str, int]]:
    """Dropdown options for trainings: "name (program title)" → id."""
    from pztraining.content import programs
    from pztraining.core.texts import t

    titles = {p.id: p.title for p in programs().values()}
    return [
        (t("training.option", name=tr.name, program=titles.get(tr.program_id, tr.program_id)), tr.id)
        for tr in trainings
    ]
