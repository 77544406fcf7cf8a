"""Write files completely or not at all, and never over a file the caller did not ask to replace.

Every writer of the package (exports, the kartrekker's report, handouts, slide decks) goes
through this module, so the rule lives in one place:

- a file is written to a temporary file beside its target and then given its name, so a
  browser reloading a deck or a trainer opening an export never sees half a file, and a
  failing writer leaves the previous file as it was;
- an existing file is replaced only when the caller says ``overwrite`` (the CLI's
  ``--overwrite``); otherwise :class:`AlreadyExists`. The name is taken with a hard link
  (or, where the file system has none, an exclusive create), so even a file that appears
  between our check and our rename is never clobbered;
- a set of files for a folder (the CSV export, handouts, decks) goes into that folder only
  when it is empty or holds nothing but files of those names; a folder with anything else in
  it gets a new, dated subfolder (:func:`folder_for`). Nothing is ever moved aside or deleted
  except the files a run wrote itself.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime
from pathlib import Path

from pztraining.core.errors import PztrainingError
from pztraining.core.os_errors import dutch_reason
from pztraining.core.texts import t

#: Errors of os.link on file systems without hard links (FAT and exFAT USB sticks, some shares).
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EXDEV, errno.EMLINK, errno.EACCES}


class WriteError(PztrainingError):
    """``path`` could not be written; ``reason`` is what the system said (in Dutch)."""

    def __init__(self, path: Path, reason: object):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class AlreadyExists(PztrainingError):
    """``path`` exists and replacing it was not asked for; ``others`` more files of the set exist too.

    The message names the file and says that --overwrite replaces it.
    """

    http_status = 409

    def __init__(self, path: Path, others: int = 0):
        message = t("files.exists_more", path=path, others=others) if others else t("files.exists", path=path)
        super().__init__(message)
        self.path, self.others = Path(path), others


def publish(temporary: Path, path: Path, *, overwrite: bool = False) -> None:
    """Give the finished file ``temporary`` the name ``path`` (same folder).

    Replaces an existing ``path`` only when ``overwrite``; otherwise raises
    :class:`AlreadyExists` and leaves both files as they are. OSError when the system refuses.
    """
    if overwrite:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)  # fails when the name is taken, however late it was taken
    except FileExistsError:
        raise AlreadyExists(path) from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        # No hard links here: claim the name with an exclusive create, then move onto our own empty file.
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            raise AlreadyExists(path) from None
        try:
            os.replace(temporary, path)
        except OSError:
            os.unlink(path)  # the empty file claimed just now, nobody else's
            raise
        return
    os.unlink(temporary)


def _reason(exc: BaseException) -> object:
    cause = exc if isinstance(exc, OSError) else (exc.__context__ if isinstance(exc.__context__, OSError) else exc)
    return dutch_reason(cause) if isinstance(cause, OSError) else cause


def atomic_file(path: Path, write: Callable[[Path], object], *, overwrite: bool = False) -> None:
    """Call ``write(temporary)`` and give the result the name ``path``.

    An existing ``path`` is replaced only when ``overwrite`` (else :class:`AlreadyExists`,
    checked before anything is written); WriteError when writing fails, and then nothing is left behind.
    """
    path = Path(path)
    if not overwrite and os.path.lexists(path):
        raise AlreadyExists(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        os.close(handle)
    except OSError as exc:
        raise WriteError(path, dutch_reason(exc)) from None
    try:
        write(Path(temporary))
        publish(Path(temporary), path, overwrite=overwrite)
    except AlreadyExists:
        raise
    except Exception as exc:  # a writer that fails half-way: still nothing half-written
        raise WriteError(path, _reason(exc)) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def atomic_text(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; replaces only when ``overwrite``."""
    atomic_file(path, lambda target: target.write_text(text, encoding="utf-8"), overwrite=overwrite)


def folder_for(folder: Path, names: Iterable[str], stem: str, now: datetime) -> Path:
    """The folder a set of files (``names``, relative to ``folder``) is written into.

    ``folder`` itself when it does not exist, is empty, or holds nothing but entries of those
    names (a previous run of the same writer); otherwise a new subfolder named
    ``<stem>-YYYY-MM-DD-HHMM`` (``-2``, ``-3`` … when taken), created here and now so that
    nobody else's folder is ever written into. ``now`` is the local time of the run.
    """
    folder = Path(folder)
    ours = {Path(name).parts[0] for name in names}
    try:
        present = set(os.listdir(folder))
    except FileNotFoundError:
        return folder
    except NotADirectoryError as exc:
        reason = t("files.not_a_folder") if os.path.lexists(folder) else (dutch_reason(exc))
        raise WriteError(folder, reason) from None
    except OSError as exc:
        raise WriteError(folder, dutch_reason(exc)) from None
    if present <= ours:
        return folder
    base = f"{stem}-{now:%Y-%m-%d-%H%M}"
    for number in range(1, 1000):
        candidate = folder / (base if number == 1 else f"{base}-{number}")
        try:
            candidate.mkdir()  # exclusive: a folder that exists, even one made a moment ago, is skipped
            return candidate
        except FileExistsError:
            continue
        except OSError as exc:
            raise WriteError(candidate, dutch_reason(exc)) from None
    raise WriteError(folder / base, t("files.veel_mappen_naam"))


def write_files(
    folder: Path,
    writers: Mapping[str, Callable[[Path], object]],
    *,
    overwrite: bool = False,
    ours: Collection[str] = (),
) -> list[Path]:
    """Write a set of files into ``folder``, all or nothing; returns their paths.

    ``writers`` maps a relative name (``a.csv``, ``reveal.js/dist/reveal.css``) to a function
    that writes that file's content to the path it is given. An existing file is replaced
    only when ``overwrite`` or when its name is in ``ours`` (files this package wrote there
    before and may rebuild); otherwise :class:`AlreadyExists` is raised before anything is
    written. Every file is written first, then all are given their names; when that fails,
    the files and folders this call created are removed again, and nothing else.
    """
    folder = Path(folder)
    targets = {name: folder / name for name in writers}
    replaceable = set(ours)
    taken = [
        path for name, path in targets.items() if not overwrite and name not in replaceable and os.path.lexists(path)
    ]
    if taken:
        raise AlreadyExists(taken[0], len(taken) - 1)
    made_folders: list[Path] = []
    staged: list[tuple[Path, Path, bool]] = []  # (temporary, target, may replace)
    published: list[Path] = []
    current = folder
    try:
        for name, write in writers.items():
            current = targets[name]
            for parent in reversed([p for p in current.parents if not p.exists()]):
                parent.mkdir()
                made_folders.append(parent)
            handle, temporary_name = tempfile.mkstemp(prefix=f".{current.name}.", dir=current.parent)
            os.close(handle)
            staged.append((Path(temporary_name), current, overwrite or name in replaceable))
            write(Path(temporary_name))
        for temporary, current, may_replace in staged:
            existed = os.path.lexists(current)
            publish(temporary, current, overwrite=may_replace)
            if not existed:
                published.append(current)
    except BaseException as exc:
        _undo([temporary for temporary, _, _ in staged] + published, made_folders)
        if isinstance(exc, AlreadyExists) or not isinstance(exc, Exception):
            raise
        raise WriteError(current, _reason(exc)) from None
    return list(targets.values())


def _undo(created: list[Path], folders: list[Path]) -> None:
    """Remove what this run created (files it made, then its folders when empty); nothing else."""
    for path in created:
        try:
            os.unlink(path)
        except OSError:  # already gone, or not removable: never worse than leaving it
            pass
    for folder in reversed(folders):
        try:
            folder.rmdir()  # only when empty: never a file that is not ours
        except OSError:
            pass


def write_folder(
    folder: Path,
    writers: Mapping[str, Callable[[Path], object]],
    stem: str,
    now: datetime,
    *,
    overwrite: bool = False,
    ours: Collection[str] = (),
) -> Path:
    """Write a set of files into ``folder`` or, when it holds anything else, a new dated subfolder.

    Returns the folder the files are in (say it to the user when it is not ``folder``). See
    :func:`folder_for` for the choice and :func:`write_files` for ``overwrite`` and ``ours``.
    """
    target = folder_for(folder, [*writers, *ours], stem, now)
    try:
        write_files(target, writers, overwrite=overwrite, ours=ours)
    except BaseException:
        if target != Path(folder):
            try:
                target.rmdir()  # the subfolder made for this run, when still empty
            except OSError:
                pass
        raise
    return target
