"""Every setting of pztraining, and the one module that reads (or writes) the environment.

A setting comes from, highest first:

1. the command line (the CLI passes its options as ``overrides``);
2. the environment (``PZTRAINING_*``; the name of each is in :data:`FIELDS`);
3. a config file in TOML: the file ``$PZTRAINING_CONFIG`` names, else ``pztraining.toml`` in the
   data folder when it exists (keys as the field names below, e.g. ``timezone = "Europe/Amsterdam"``);
4. the defaults below.

Why the environment at all: a Voila kernel and the room service are child processes, and the
environment is how Jupyter (and JupyterHub's spawner) hand anything to them. So a server reads
its settings once at start, and :func:`hand_down` writes them for its children; the child reads
them back here with :func:`current`. No other module of pztraining reads ``os.environ``
(``tests/unit/test_settings.py`` checks that).

What Jupyter itself tells a kernel about its request (the logged-in user, the page's query
string, the hub prefix) is not a setting but comes the same way; :class:`Context` reads it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from pztraining.core.errors import PztrainingError
from pztraining.core.texts import t


class SettingsError(PztrainingError):
    """A setting has a value that cannot be used (which one, from where); Dutch."""

    exit_code = 2


#: The default time zone clock times are shown in.
DEFAULT_TIMEZONE = "Europe/Amsterdam"
#: Days a join code keeps working after the training's last meeting.
DEFAULT_JOIN_DAYS = 14
#: Anonymous answers the room stores together (see services/mixing.py).
DEFAULT_ANONYMOUS_BATCH = 5


@dataclass(frozen=True)
class Settings:
    """The settings of one process; see the module's docstring for where each comes from."""

    #: Where data lives (the SQLite database, decks, exports' default folder).
    data_dir: Path | None = None
    #: The database URL; None: SQLite in the data folder.
    database: str | None = None
    #: The zone clock times are shown in.
    timezone: str = DEFAULT_TIMEZONE
    #: The address people use to reach this server (the hub's public name, the trainer server's link).
    public_url: str = ""
    #: The room server's address as phones reach it (given to the trainer's kernels).
    participant_url: str = ""
    #: Another network's region file for the zorgkaart (None: the shipped one).
    region: Path | None = None
    #: An organisation's own cases and programmes, used next to the shipped content (None: none).
    content_dir: Path | None = None
    #: The folder the trainer server serves the slide decks from.
    slides_dir: Path | None = None
    #: Days after a training's last meeting that its join code still works.
    join_days: int = DEFAULT_JOIN_DAYS
    #: Anonymous answers stored together (at least 1).
    anonymous_batch: int = DEFAULT_ANONYMOUS_BATCH
    #: This process (and its kernels) serves the room: facilitator pages check their code themselves.
    room: bool = False
    #: The server's instance id, sent in a header so a starter knows it reached its own server.
    instance: str = ""
    #: The Chromium that prints handouts (None: look on the PATH).
    chromium: str | None = None
    #: Room server processes on its port (``--workers``); 0: one per core (one behind a hub's proxy).
    room_workers: int = 0
    #: The organisation a hosted server's database connections act for (PostgreSQL's row-level
    #: security, schema 18); None: not bound (a role that sees every organisation, or SQLite).
    organisation: str | None = None
    #: The cache folder (the slide decks, one build per content version); None: the XDG cache folder.
    cache_dir: Path | None = None

    def database_url(self) -> str:
        """The database to use: ``database``, else SQLite in the data folder."""
        if self.database:
            return self.database
        return f"sqlite:///{self.data_folder().expanduser().resolve() / 'pztraining.db'}"

    def cache_folder(self) -> Path:
        """``cache_dir``, else the XDG cache folder (``~/.cache/pztraining``)."""
        if self.cache_dir is not None:
            return self.cache_dir.expanduser()
        base = _environ().get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(base) / "pztraining"

    def data_folder(self) -> Path:
        """``data_dir``, else the XDG data folder (``~/.local/share/pztraining``)."""
        if self.data_dir is not None:
            return self.data_dir.expanduser()
        base = _environ().get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        return Path(base) / "pztraining"


#: Field -> the environment variable that sets it.
FIELDS: dict[str, str] = {
    "data_dir": "PZTRAINING_DATA",
    "database": "PZTRAINING_DB",
    "timezone": "PZTRAINING_TZ",
    "public_url": "PZTRAINING_PUBLIC_URL",
    "participant_url": "PZTRAINING_PARTICIPANT_URL",
    "region": "PZTRAINING_REGION",
    "content_dir": "PZTRAINING_CONTENT_DIR",
    "slides_dir": "PZTRAINING_SLIDES",
    "join_days": "PZTRAINING_JOIN_DAYS",
    "anonymous_batch": "PZTRAINING_ANONYMOUS_BATCH",
    "room": "PZTRAINING_ROOM",
    "instance": "PZTRAINING_INSTANCE",
    "chromium": "PZ_CHROMIUM",
    "room_workers": "PZTRAINING_ROOM_WORKERS",
    "organisation": "PZTRAINING_ORGANISATION",
    "cache_dir": "PZTRAINING_CACHE",
}
#: The environment variable naming a config file.
CONFIG_ENV = "PZTRAINING_CONFIG"
#: The config file looked for in the data folder.
CONFIG_NAME = "pztraining.toml"


def _environ() -> Mapping[str, str]:
    return os.environ


def _convert(name: str, value: Any, source: str) -> Any:
    """``value`` (text from the environment, or a TOML value) as the type of field ``name``."""
    kind = {f.name: f.type for f in fields(Settings)}[name]
    text = str(value).strip()
    if kind == "Path | None":
        return Path(text).expanduser() if text else None
    if kind == "str | None":
        return text or None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if text.lower() in {"1", "true", "ja", "yes"}:
            return True
        if text.lower() in {"", "0", "false", "nee", "no"}:
            return False
        raise SettingsError(t("settings.bad_value", name=name, value=text, source=source, kind=t("settings.kind.bool")))
    if kind == "int":
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if number is None and text.isascii() and text.isdigit():
            number = int(text)
        minimum = 1 if name == "anonymous_batch" else 0
        if number is None or number < minimum:
            raise SettingsError(
                t(
                    "settings.bad_value",
                    name=name,
                    value=text,
                    source=source,
                    kind=t("settings.kind.int", minimum=minimum),
                )
            )
        return number
    return text


@lru_cache(maxsize=8)
def _config_file(path: str, _mtime: float) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(t("settings.bad_file", path=path, problem=str(exc))) from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise SettingsError(t("settings.unknown_keys", path=path, keys=", ".join(unknown), known=", ".join(FIELDS)))
    return data


def _from_file(environ: Mapping[str, str], data_dir: Path | None) -> tuple[dict[str, Any], str]:
    named = environ.get(CONFIG_ENV, "").strip()
    path = Path(named).expanduser() if named else Settings(data_dir=data_dir).data_folder() / CONFIG_NAME
    try:
        mtime = path.stat().st_mtime
    except OSError:
        if named:
            raise SettingsError(t("settings.missing_file", path=str(path), env=CONFIG_ENV)) from None
        return {}, ""
    return _config_file(str(path), mtime), str(path)


def read(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """The settings from ``overrides`` (the command line; None means "not given"), the environment
    (``os.environ`` unless given), the config file and the defaults; SettingsError when one is unusable."""
    environ = _environ() if environ is None else environ
    given = {name: value for name, value in overrides.items() if value is not None}
    unknown = set(given) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    from_env = {
        name: _convert(name, environ[var], var) for name, var in FIELDS.items() if environ.get(var, "").strip() != ""
    }
    data_dir = given.get("data_dir", from_env.get("data_dir"))
    raw_file, path = _from_file(environ, data_dir)
    from_file = {name: _convert(name, value, path) for name, value in raw_file.items()}
    return replace(Settings(), **{**from_file, **from_env, **given})


def current() -> Settings:
    """The settings of this process as its environment gives them (the servers hand them down).

    Read once per state of the environment: a server asks for them on every request (the time
    zone of a clock time), and reading means a stat of the config file. A changed config file is
    seen at the next start, as with any server.
    """
    environ = _environ()
    keys = (*FIELDS.values(), CONFIG_ENV, "XDG_DATA_HOME", "XDG_CACHE_HOME", "HOME")
    return _current(tuple(environ.get(var, "") for var in keys))


@lru_cache(maxsize=16)
def _current(_key: tuple[str, ...]) -> Settings:
    return read()


def hand_down(settings: Settings, environ: MutableMapping[str, str] | None = None) -> None:
    """Write ``settings`` into ``environ`` (this process's by default) for the processes it starts."""
    target = os.environ if environ is None else environ
    defaults = Settings()
    for name, var in FIELDS.items():
        value = getattr(settings, name)
        if value == getattr(defaults, name):  # a default needs no variable: the child has it too
            target.pop(var, None)
        else:
            target[var] = "1" if value is True else str(value)


def as_environ(settings: Settings) -> dict[str, str]:
    """``settings`` as the environment variables a child process needs (for a spawner's config)."""
    found: dict[str, str] = {}
    hand_down(settings, found)
    return found


def process_environ() -> MutableMapping[str, str]:
    """This process's environment, for what a third-party library reads from it (JUPYTER_PATH)."""
    return os.environ


@dataclass(frozen=True)
class Context:
    """What Jupyter tells a kernel or a hub service about where it runs."""

    #: The login name JupyterHub gave a single-user server and its kernels ("" on a laptop).
    user: str = ""
    #: The prefix of a hub single-user server or service ("" on a laptop).
    service_prefix: str = ""
    #: The query string of the page a Voila kernel serves.
    query: str = ""

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> Context:
        environ = _environ() if environ is None else environ
        return cls(
            user=(environ.get(LOGIN_VARIABLE) or "").strip(),
            service_prefix=environ.get(SERVICE_PREFIX_VARIABLE, ""),
            query=environ.get("QUERY_STRING", ""),
        )


#: The variable through which JupyterHub tells a server (and its kernels) its user.
LOGIN_VARIABLE = "JUPYTERHUB_USER"
#: The base URL of a hub single-user server or service.
SERVICE_PREFIX_VARIABLE = "JUPYTERHUB_SERVICE_PREFIX"
