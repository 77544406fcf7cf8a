"""HTTP handlers of the participants' page: a small HTML shell, JSON endpoints, the event stream.

Handlers stay thin: they read the request, call :mod:`pztraining.services.participation` off the
event loop (the store blocks; a busy SQLite must never stall a thousand other phones), and
turn its answers and errors into JSON with a Dutch message. Every write needs the XSRF
token of the page (cookie ``_xsrf`` and header ``X-XSRFToken``), bodies are small, and
wrong join codes are counted per client.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import lru_cache, partial
from importlib.resources import files
from typing import Any

from tornado import web
from tornado.log import gen_log

from pztraining.content import UnknownContent
from pztraining.core.clock import local_zone, utc_now
from pztraining.core.errors import PztrainingError
from pztraining.core.text_input import whole_number
from pztraining.core.texts import t
from pztraining.services import participation
from pztraining.services.mixing import DEFAULT_BATCH_SIZE, Mixer
from pztraining.serving.request_body import clean_text, parse_object
from pztraining.serving.room.cache import KEEP_SECONDS, WRITER_SECONDS, Recent
from pztraining.serving.room.events import RoomEvents
from pztraining.serving.room.limits import AttemptLimiter
from pztraining.serving.room.streams import RETRY_AFTER_ADDRESS, RETRY_AFTER_FULL, StreamCaps
from pztraining.serving.web_errors import DutchErrors
from pztraining.store import FormClosed, MissingEntry, Store, StoreBusy, StoreError, Training

#: Writes on the event loop between two WAL checkpoints on the pool (a draft adds 2–4 pages to the
#: WAL; SQLite's own checkpoint would come at 1,000 pages, on the loop).
CHECKPOINT_EVERY = 200
#: The largest JSON body a phone sends (a long form with every text field full is ~20 kB).
MAX_BODY_BYTES = 64 * 1024

#: Files the page loads; the form renderer is the same file the ipywidgets form uses.
STATIC_FILES = {
    "form.js": ("ui", "application/javascript"),
    "form.css": ("ui", "text/css"),
    "participant.js": ("serving/room", "application/javascript"),
    "participant.css": ("serving/room", "text/css"),
}


@dataclass
class Room:
    """What every handler shares: the store, a thread pool for it, the events and the limiter,
    the trainings (by code) and participants (by device) looked up in the last seconds, and
    the caps on push streams."""

    store: Store
    events: RoomEvents
    limiter: AttemptLimiter
    pool: ThreadPoolExecutor
    trainings: Recent = field(default_factory=Recent)
    people: Recent = field(default_factory=lambda: Recent(WRITER_SECONDS))
    #: Days after a training's last meeting that its join code still works.
    join_days: int = participation.JOIN_DAYS
    #: Anonymous answers waiting to be stored in a batch (memory only).
    mixer: Mixer | None = None
    streams: StreamCaps = field(default_factory=StreamCaps)
    #: The zone clock times are shown in, read once: reading the settings (the environment and
    #: the config file) for every request was a fifth of a phone's write.
    zone: tzinfo = field(default_factory=local_zone)
    #: Join codes being looked up now: the phones asking for the same code meanwhile wait for that read.
    _joining: dict[str, asyncio.Future] = field(default_factory=dict)

    #: Writes made on the event loop since the last WAL checkpoint was handed to the pool.
    _written_here: int = 0

    async def run(self, function, *args, **kwargs) -> Any:
        """Run a (blocking) store call on the pool."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, partial(function, *args, **kwargs))

    async def write(self, function, *args) -> Any:
        """Run a phone's write (one store transaction, or none) right here when the database's
        lock is free, else on the pool as :meth:`run` does.

        Handing a write to a thread and back cost a third of its CPU (benchmarks/scale.py: 1.7
        → 1.2 ms a draft). On SQLite a free lock is taken at once and the write takes tens of
        microseconds; a held one (a trainer's notebook writing, a batch of anonymous answers)
        raises StoreBusy at once with nothing written, and the write waits on the pool. The
        loop never waits for a lock, and never copies the WAL into the database: every
        ``CHECKPOINT_EVERY`` writes here the pool does that. ``function`` must be safe to run
        again after a StoreBusy (its one write is the last thing that can be busy).
        """
        if self.store.writes_without_waiting:
            try:
                with self.store.without_waiting():
                    result = function(*args)
            except StoreBusy:
                pass
            else:
                self._written_here += 1
                if self._written_here >= CHECKPOINT_EVERY:
                    self._written_here = 0
                    self.pool.submit(self.store.checkpoint_wal)
                return result
        return await self.run(function, *args)

    async def join(self, code: str) -> Training:
        """The training of ``code``, read once for all the phones that ask while it is read.

        A hall of phones scanning the QR code (or their push streams reconnecting after a
        restart) asks for the same code hundreds of times in the same second, before the
        first answer is cached: each asking the store again queued ~2,000 reads ahead of
        the watcher and delayed the first form by seconds. Raises what the read raised.
        """
        pending = self._joining.get(code)
        if pending is None:
            pending = self._joining[code] = asyncio.ensure_future(self.run(participation.join, self.store, code))

            def done(future: asyncio.Future) -> None:
                self._joining.pop(code, None)
                if not future.cancelled() and future.exception() is None:  # also retrieves an error
                    self.trainings.put(code, future.result(), time.monotonic())

            pending.add_done_callback(done)
        return await asyncio.shield(pending)

    @classmethod
    def open(
        cls,
        store: Store,
        workers: int = 4,
        join_days: int = participation.JOIN_DAYS,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> Room:
        """The room of a server: ``workers`` threads for store calls (SQLite writes one at a time);
        join codes work until ``join_days`` after a training's last meeting; anonymous answers
        are stored ``batch_size`` at a time."""

        def items(training_id: int) -> dict:
            training = store.find_training(training_id)
            return {"items": [item.to_dict() for item in participation.open_items(store, training)]}

        room = cls(
            store,
            None,  # type: ignore[arg-type]
            AttemptLimiter(),
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pz-store"),
            join_days=join_days,
            mixer=Mixer(store, batch_size),
        )
        # The push channel's reads get a thread of their own: a burst of phone requests
        # queued on the pool must never hold back the change every phone waits for.
        watching = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pz-watch")

        async def watch_run(function, *args):
            return await asyncio.get_running_loop().run_in_executor(watching, function, *args)

        room.events = RoomEvents(store.room_versions, items, watch_run)
        return room

    async def store_due_answers(self) -> None:
        """Store the anonymous answers that are due (a full batch, or a closed form's rest)."""
        if self.mixer is None or not self.mixer.count():
            return

        def is_open(form: tuple[int, int, str]) -> bool:
            session = self.store.form_session(*form)
            return session is not None and session.is_open

        await self.run(self.mixer.tick, is_open, time.monotonic())


def person_key(training: Training, secret: str) -> tuple:
    """Whose participant a device is, in the room's cache (the code too: SQLite may give a
    removed training's id to a new one)."""
    return (training.id, training.join_code, participation.device_hash(secret))


class RoomError(PztrainingError, web.HTTPError):
    """An answer other than 200, with a Dutch message for the phone."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        web.HTTPError.__init__(self, status)
        self.message = message
        #: Headers of the error answer (set here: tornado clears the handler's own before an error).
        self.headers = headers or {}

    @property
    def http_status(self) -> int:  # type: ignore[override]
        return self.status_code

    def __str__(self) -> str:
        return self.message


#: Dutch messages for errors raised outside our code (tornado's own checks).
_STATUS_MESSAGES = {
    400: "room.error.bad_request",
    403: "room.error.xsrf",
    404: "room.error.not_found",
    405: "room.error.method",
    413: "room.error.too_big",
}


class RoomHandler(web.RequestHandler):
    """Base of the participants' handlers: JSON answers, Dutch errors, the shared room."""

    room: Room

    def initialize(self, room: Room) -> None:
        self.room = room

    def check_xsrf_cookie(self) -> None:
        # Explicitly on every write, whatever the server's own setting is.
        super().check_xsrf_cookie()

    def prepare(self) -> None:
        if self.request.method not in ("GET", "HEAD"):
            self.check_xsrf_cookie()
            if len(self.request.body or b"") > MAX_BODY_BYTES:
                raise RoomError(413, t("room.error.too_big"))

    def write_error(self, status_code: int, **kwargs) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, PztrainingError):
            # Every error of ours (a RoomError, a refused body, ...): its own status and Dutch sentence.
            self.set_status(error.http_status)
            message = str(error)
        else:
            message = t(_STATUS_MESSAGES.get(status_code, "room.error.server"))
        for name, value in (error.headers if isinstance(error, RoomError) else {}).items():
            self.set_header(name, value)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps({"error": message}, ensure_ascii=False))

    def log_exception(self, typ, value, tb) -> None:
        if isinstance(value, PztrainingError) and not isinstance(value, web.HTTPError):
            # An answer with a sentence, not a bug: one line, no traceback.
            gen_log.warning("%d %s %s: %s", value.http_status, self.request.method, self.request.path, typ.__name__)
            return
        super().log_exception(typ, value, tb)

    def _log(self) -> None:  # tornado calls this for its access log line when a request ends
        # Jupyter's access log writes successes at debug level only, yet builds each line (and a
        # metric) first: a tenth of a phone's write. Phones' errors are still logged as before.
        if self.get_status() >= 400:
            super()._log()

    def send(self, data: dict) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data, ensure_ascii=False))

    # ------------------------------------------------------------ reading the request

    def body(self) -> dict:
        """The JSON object sent (bounded in size and depth, its texts storable), or a Dutch 4xx."""
        return parse_object(self.request.body or b"", MAX_BODY_BYTES)  # a BadBody is a 4xx (write_error)

    def param(self, data: dict | None, name: str) -> str:
        value = data.get(name) if data is not None else self.get_argument(name, "")
        if not isinstance(value, str):
            return ""
        return clean_text(value)  # a query parameter has not been through parse_object

    def meeting(self, data: dict | None) -> int:
        value = data.get("meeting") if data is not None else self.get_argument("meeting", "")
        number = whole_number(value)  # ASCII digits only: "١" is no meeting
        if number is None or not 0 < number < 100:
            raise RoomError(400, t("room.error.bad_request"))
        return number

    def device(self) -> str:
        return participation.check_device(self.request.headers.get("X-PZ-Device"))  # InvalidDevice: a 400

    async def training(self, code: str) -> Training:
        """The training of a join code; wrong codes are counted per client and slowed."""
        client = self.request.remote_ip or "?"
        wait = self.room.limiter.blocked(client, time.monotonic())
        if wait:
            seconds = int(wait) + 1
            raise RoomError(429, t("room.error.too_many", seconds=seconds), {"Retry-After": str(seconds)})
        training = self.room.trainings.get(code, time.monotonic())
        if training is not None:
            return self._still_open(training)
        try:
            training = await self.room.join(code)
        except MissingEntry:
            self.room.limiter.failed(client, time.monotonic())
            raise RoomError(404, t("room.error.code")) from None
        except StoreError:
            raise RoomError(503, t("room.error.busy")) from None
        return self._still_open(training)

    def _still_open(self, training: Training) -> Training:
        """``training``, or a Dutch 410 once its join code has expired (after the last meeting)."""
        if participation.training_over(training, utc_now().astimezone(self.room.zone).date(), self.room.join_days):
            raise RoomError(410, t("room.error.training_over"))
        return training

    async def participant(self, training: Training, secret: str, seconds: float = KEEP_SECONDS):
        """The participant of this device, or a Dutch 403; looked up again when the one found
        before is ``seconds`` old (its name may have changed; a write needs only its id)."""
        key = person_key(training, secret)
        person = self.room.people.get(key, time.monotonic(), seconds)
        if person is None:
            person = await self.store(participation.me, self.room.store, training, secret)
            if person is None:
                raise RoomError(403, t("room.error.not_registered"))
            self.room.people.put(key, person, time.monotonic())
        return person

    async def store(self, function, *args, write: bool = False):
        """A participation call on the pool (``write``: see :meth:`Room.write`), its refusals as Dutch answers."""
        try:
            return await (self.room.write if write else self.room.run)(function, *args)
        except FormClosed:
            raise RoomError(409, t("form.closed")) from None
        except MissingEntry as exc:
            raise RoomError(404, str(exc)) from None
        except UnknownContent:
            raise RoomError(404, t("part.form_unknown")) from None
        except StoreError:
            # Busy or failing database: nothing stored, the phone keeps its copy and retries.
            raise RoomError(503, t("room.error.busy")) from None


class PageHandler(RoomHandler):
    """The participants' page: a shell that loads the form renderer and talks JSON."""

    def initialize(self, room: Room, base_url: str) -> None:  # type: ignore[override]  # tornado passes each route its own
        super().initialize(room)
        self.base_url = base_url

    def compute_etag(self) -> None:
        # The page is no-store: a browser never asks "changed?", so hashing it for every phone
        # (tornado's default) was work for nothing when a room arrives at once.
        return None

    def get(self) -> None:
        from pztraining.serving.room.page import page_bytes

        self.xsrf_token  # noqa: B018 - reading it sets the _xsrf cookie the page sends back with every write
        self.set_header("Cache-Control", "no-store")
        self.finish(page_bytes(self.base_url))


@lru_cache(maxsize=len(STATIC_FILES))
def static_file(name: str) -> tuple[bytes, str]:
    """The file ``name`` of :data:`STATIC_FILES` and its ETag, read once per server process: they
    belong to the installed package, which only changes with an update (and a restart)."""
    folder, _kind = STATIC_FILES[name]
    body = files("pztraining").joinpath(folder, name).read_bytes()
    return body, f'"{hashlib.sha1(body).hexdigest()}"'


class StaticHandler(DutchErrors, web.RequestHandler):
    """The page's own scripts and styles, from the installed package; nothing else."""

    def compute_etag(self) -> str | None:
        # The file's own, hashed once (tornado hashes every answer again); a phone that has the
        # file gets "304 Not Modified".
        name = self.path_args[0] if self.path_args else ""
        return static_file(name)[1] if name in STATIC_FILES else None

    def get(self, name: str) -> None:
        if name not in STATIC_FILES:
            self.set_status(404)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(t("room.error.not_found"))
            return
        _folder, kind = STATIC_FILES[name]
        self.set_header("Content-Type", f"{kind}; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(static_file(name)[0])


class NoContentHandler(DutchErrors, web.RequestHandler):
    """Browsers ask for a favicon; there is none, and that is not an error."""

    def get(self) -> None:
        self.set_status(204)
        self.finish()


class JoinHandler(RoomHandler):
    """POST {code}: the training's name and whether this phone is registered."""

    async def post(self) -> None:
        data = self.body()
        secret = self.device()
        training = await self.training(self.param(data, "code"))
        person = await self.store(participation.me, self.room.store, training, secret)
        self.send(
            {
                "training": training.name,
                "code": training.join_code,
                "name": person.name if person else None,
                "ask_name": participation.asks_names(training),
            }
        )


class RegisterHandler(RoomHandler):
    """POST {code, name}: register this phone under a name or pseudonym."""

    async def post(self) -> None:
        data = self.body()
        secret = self.device()
        training = await self.training(self.param(data, "code"))
        try:
            person = await self.room.run(
                participation.register, self.room.store, training, secret, self.param(data, "name"), utc_now()
            )
        except MissingEntry as exc:
            raise RoomError(404, str(exc)) from None
        except StoreBusy:
            raise RoomError(503, t("room.error.busy")) from None
        except StoreError as exc:  # the name was refused (empty, too long): say why
            raise RoomError(422, str(exc)) from None
        self.room.people.put(person_key(training, secret), person, time.monotonic())
        self.send({"name": person.name})


class StateHandler(RoomHandler):
    """GET ?code: what is open for this phone and where each form stands."""

    async def get(self) -> None:
        secret = self.device()
        training = await self.training(self.param(None, "code"))
        person = await self.participant(training, secret)
        items = await self.store(participation.open_items, self.room.store, training)
        statuses = await self.store(participation.statuses, self.room.store, training, person, secret, items)
        self.send(
            {
                "training": training.name,
                "name": person.name,
                "items": [item.to_dict() for item in items],
                "statuses": statuses,
            }
        )


class FormHandler(RoomHandler):
    """GET ?code&meeting&form: one form with this phone's draft or answers."""

    async def get(self) -> None:
        secret = self.device()
        training = await self.training(self.param(None, "code"))
        person = await self.participant(training, secret)
        state = await self.store(
            participation.form_state,
            self.room.store,
            training,
            person,
            secret,
            self.meeting(None),
            self.param(None, "form"),
        )
        self.send(state.to_dict())


class _AnswerHandler(RoomHandler):
    """What a draft and a submit both send: {code, meeting, form, values}."""

    async def answer(self) -> tuple:
        """The participation call's leading arguments (store, training, person, device, meeting,
        form) and the values sent (the whole body is kept as ``self.data``)."""
        data = self.data = self.body()
        secret = self.device()
        values = data.get("values")
        if not isinstance(values, dict):
            raise RoomError(400, t("room.error.bad_request"))
        training = await self.training(self.param(data, "code"))
        person = await self.participant(training, secret, WRITER_SECONDS)
        return (self.room.store, training, person, secret, self.meeting(data), self.param(data, "form")), values


class DraftHandler(_AnswerHandler):
    """POST {code, meeting, form, values}: keep a draft (not of an anonymous form: that stays on the phone).

    Also the beacon a phone sends when its page is hidden or closed (``navigator.sendBeacon``
    sets no headers): form-encoded, with ``_xsrf`` (checked by tornado as any token), ``device``
    and ``body`` (the same JSON object) as fields.
    """

    def _beacon(self) -> bool:
        kind = self.request.headers.get("Content-Type", "")
        return kind.split(";")[0].strip().lower() == "application/x-www-form-urlencoded"

    def body(self) -> dict:
        if not self._beacon():
            return super().body()
        return parse_object(self.get_body_argument("body", "").encode("utf-8", "surrogatepass"), MAX_BODY_BYTES)

    def device(self) -> str:
        if not self._beacon():
            return super().device()
        return participation.check_device(self.get_body_argument("device", None))

    async def post(self) -> None:
        who, values = await self.answer()
        now = utc_now()
        stored = await self.store(participation.save_draft, *who, values, now, write=True)
        self.send(
            {
                "ok": True,
                "message": t("form.saved", time=f"{now.astimezone(self.room.zone):%H:%M:%S}")
                if stored
                else t("form.kept_on_phone"),
            }
        )


class SubmitHandler(_AnswerHandler):
    """POST {code, meeting, form, values[, receipt]}: check and store; the same again stores it once.

    An anonymous answer is "pending" until its batch is stored (see :mod:`pztraining.services.mixing`);
    the reply then carries a receipt the phone keeps with the answer.
    """

    #: A named answer is one transaction: tried on the event loop first (see :meth:`Room.write`).
    write_here = True

    async def post(self) -> None:
        who, values = await self.answer()
        outcome = await self.store(
            participation.submit,
            *who,
            values,
            utc_now(),
            self.room.mixer,
            self.param(self.data, "receipt"),
            time.monotonic(),
            write=self.write_here,
        )
        if outcome.status == "closed":
            raise RoomError(409, t("form.closed"))
        reply = {"status": outcome.status, "errors": outcome.errors}
        if outcome.receipt:
            reply["receipt"] = outcome.receipt
        if outcome.status == "pending":
            reply["message"] = t("form.pending")
        self.send(reply)


class AnonymousSubmitHandler(SubmitHandler):
    """The same as a submit, on the route the phones use for anonymous forms: never logged.

    Tornado's access log (and any error line) would keep the client's address, the route and
    the moment of every anonymous answer; here nothing about the request is logged at all.
    """

    #: On the pool: a full batch is stored, and the WAL emptied after it, where waiting is allowed.
    write_here = False

    def _log(self) -> None:  # tornado calls this for its access log line when a request ends
        return

    def _request_summary(self) -> str:  # used by tornado's error lines: no client address
        return f"{self.request.method} {self.request.path}"

    def log_exception(self, typ, value, tb) -> None:
        # Tornado's own version prints the request with its client address.
        if not isinstance(value, web.HTTPError):
            web.app_log.error("Uncaught exception %s", self._request_summary(), exc_info=(typ, value, tb))


class CaseHandler(RoomHandler):
    """GET ?code&meeting&case: the participant briefing of a case the trainer shares."""

    async def get(self) -> None:
        secret = self.device()
        training = await self.training(self.param(None, "code"))
        await self.participant(training, secret)
        case = await self.store(
            participation.shared_case, self.room.store, training, self.meeting(None), self.param(None, "case")
        )
        self.send(case)


class EventsHandler(RoomHandler):
    """GET ?code: a stream of "items" events (what is open), as server-sent events.

    Streams are capped per device, per client address and in all (see :mod:`.streams`):
    over a cap the answer is a Dutch 429 or 503 with Retry-After, never a connection
    accepted and then dropped. A device over its cap loses its oldest stream instead.

    The room's watcher writes each message straight into the stream (:meth:`push`); the
    handler itself only waits until the phone goes away or the stream is evicted.
    """

    _over: asyncio.Future | None = None  # done when the stream is to stop
    _ended = False

    def _admit(self) -> None:
        # The page's EventSource sends no headers of ours, but it does send the page's _xsrf
        # cookie: set once per browser, the same in every tab and after a reload.
        device = self.get_cookie("_xsrf") or None
        admission = self.room.streams.open(self, self.request.remote_ip or "?", device, time.monotonic())
        if admission.refused == "address":
            raise RoomError(429, t("room.error.streams_address"), {"Retry-After": str(RETRY_AFTER_ADDRESS)})
        if admission.refused:
            raise RoomError(503, t("room.error.streams_full"), {"Retry-After": str(RETRY_AFTER_FULL)})
        for old in admission.evicted:
            old.end()

    def end(self) -> None:
        """Close this stream (its device opened one more than it may hold)."""
        self._ended = True
        self._stop()

    def _stop(self) -> None:
        if self._over is not None and not self._over.done():
            self._over.set_result(None)

    def push(self, message: bytes) -> None:
        """Write one message (or heartbeat) to the phone now, without waiting for it to be sent."""
        if self._over is None or self._over.done():
            return  # the stream is over: tornado may have finished the request already
        self.write(message)
        # Not awaited: the kernel's socket buffer takes a message at once; a phone that reads
        # slowly only makes its own buffer grow, and a closed one ends through on_connection_close.
        self.flush()

    async def get(self) -> None:
        self._over = asyncio.get_running_loop().create_future()
        self._admit()
        try:
            await self._stream()
        finally:
            self._stop()
            self.room.streams.close(self)
        if self._ended:  # evicted: the connection is stale or one tab too many, do not keep it alive
            self.finish()
            self.request.connection.close()  # type: ignore[union-attr]  # an HTTP1ServerConnection here

    async def _stream(self) -> None:
        training = await self.training(self.param(None, "code"))
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Accel-Buffering", "no")  # a proxy in front must not hold events back
        self.write(b"retry: 3000\n\n")  # sent with the first message (or dropped with a refusal)
        if self._over is not None and self._over.done():
            return  # evicted or gone while the training was looked up
        try:
            await self.room.events.listen(training.id, self.push)
        except StoreError:  # the store could not say what is open: the page retries later
            raise RoomError(503, t("room.error.busy"), {"Retry-After": "5"}) from None
        try:
            if not self._headers_written:  # no message yet (it was over already): the headers now
                self.flush()
            await self._over  # type: ignore[misc]  # set in get()
        finally:
            self.room.events.forget(training.id, self.push)

    def on_connection_close(self) -> None:
        self._stop()


def handlers(room: Room, base_url: str) -> list[tuple]:
    """The participants' routes under ``base_url`` (which ends in "/")."""
    api = base_url + "pz/api/"
    return [
        (base_url, PageHandler, {"room": room, "base_url": base_url}),
        (base_url + r"pz/static/([a-z]+\.(?:js|css))", StaticHandler),
        (base_url + "favicon.ico", NoContentHandler),
        (api + "join", JoinHandler, {"room": room}),
        (api + "register", RegisterHandler, {"room": room}),
        (api + "state", StateHandler, {"room": room}),
        (api + "form", FormHandler, {"room": room}),
        (api + "draft", DraftHandler, {"room": room}),
        (api + "submit", SubmitHandler, {"room": room}),
        (api + "anonymous", AnonymousSubmitHandler, {"room": room}),
        (api + "case", CaseHandler, {"room": room}),
        (api + "events", EventsHandler, {"room": room}),
    ]
