"""Build the slide decks: Markdown → notebook with slide metadata → reveal.js HTML (nbconvert).

Every build folder carries its own copy of reveal.js, taken from the copy vendored in this package
(``pztraining/vendor/revealjs``, reveal.js 5.2.0, MIT), and the decks refer to it by relative paths:
a deck opens from a USB stick or the file system with the Wi-Fi off, and no CDN is ever asked.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, partial
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no lock; two servers starting at once may then both build
    fcntl = None  # type: ignore[assignment]

from pztraining import content
from pztraining.content.deck import DeckSource, deck_files, read_deck
from pztraining.core.errors import PztrainingError
from pztraining.core.files import WriteError, write_files, write_folder
from pztraining.core.os_errors import dutch_reason
from pztraining.core.settings import current
from pztraining.core.texts import t

#: The files of reveal.js a deck needs, relative to reveal.js's own folder.
REVEAL_FILES = (
    "LICENSE",
    "dist/reset.css",
    "dist/reveal.css",
    "dist/reveal.js",
    "dist/theme/white.css",
    "dist/theme/fonts/source-sans-pro",
    "plugin/notes/notes.js",
)
REVEAL_FOLDER = "reveal.js"
#: What the build writes next to the decks: which deck belongs to which meeting.
MANIFEST = "decks.json"
#: Where the trainer server serves the build folder, below its base URL (see voila_app).
SLIDES_ROUTE = "pz/dia"
#: Tells the trainer kernels the folder their server serves at SLIDES_ROUTE (set by the server).
SLIDES_ENV = "PZTRAINING_SLIDES"
#: The package folder (this module lives in ``pztraining/reports``).
_PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE_ROOT = _PACKAGE / "slides_template"
#: reveal.js as vendored in this package (only the files above; see its README.md).
REVEAL_ROOT = _PACKAGE / "vendor" / "revealjs"


class SlidesError(PztrainingError):
    """The build as a whole cannot go on (no reveal.js, output folder not writable); Dutch."""


def cache_dir() -> Path:
    """pztraining's cache folder: the ``cache_dir`` setting (``$PZTRAINING_CACHE``), else
    ``$XDG_CACHE_HOME/pztraining`` (``~/.cache``)."""
    return current().cache_folder()


def _version_inputs() -> list[Path]:
    """Every file a build reads: the deck sources, the content, the template, reveal.js, this code."""
    reveal = [REVEAL_ROOT / relative for relative in REVEAL_FILES]
    reveal = [f for origin in reveal for f in (sorted(origin.rglob("*")) if origin.is_dir() else [origin])]
    return [
        *deck_files(),
        *content.content_files(),
        *sorted(TEMPLATE_ROOT.rglob("*")),
        *reveal,
        Path(__file__),
        Path(read_deck.__code__.co_filename),
    ]


def content_version() -> str:
    """The key of what the decks are built from (16 hex digits): equal content, equal key, on any install."""
    digest = hashlib.sha256()
    for path in _version_inputs():
        if path.is_file():
            digest.update(path.name.encode() + b"\0")  # the name, not the folder: the same on every install
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def default_build_dir() -> Path:
    """The one place the decks are built and served from: the cache folder, a subfolder per content version.

    Never the checkout or the installed package (site-packages is not a server's to write, and a
    checkout is not what runs in production). Every server with the same cache folder and content
    finds the same folder, so a deck is built once per content version and shared.
    """
    return cache_dir() / "dia" / content_version()


def fresh_decks(on_build: Callable[[], object] | None = None) -> tuple[Path, list[str]]:
    """The decks of the current content version, built only when no server built them yet; (folder, problems).

    Servers starting at once (trainers of one hub) take turns on a lock file beside the folder:
    the first builds, the others then find its build. The build goes into a private folder renamed
    into place when complete, so no page ever sees half a build. ``on_build`` is called before a
    build starts. A cache folder that cannot be written raises :class:`SlidesError`.
    """
    out = default_build_dir()
    if (out / MANIFEST).is_file():
        return out, []
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        lock = open(out.parent / f"{out.name}.lock", "a")  # noqa: SIM115 - held for the whole build
    except OSError as exc:
        raise SlidesError(t("slides.map_kan_niet_beschreven", out=out.parent, reason=dutch_reason(exc))) from None
    with lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if (out / MANIFEST).is_file():  # built by the server we waited for
            return out, []
        if on_build is not None:
            on_build()
        building = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
        try:
            report = build(building)
            building.rename(out)
        finally:
            shutil.rmtree(building, ignore_errors=True)  # only left when the build failed
    return out, report.problems


@dataclass(frozen=True)
class BuiltDeck:
    """One deck written to the build folder."""

    id: str
    program: str
    meeting: int
    title: str
    file: str  # the HTML file's name inside the build folder


@dataclass
class BuildReport:
    """What a build did: the decks it wrote and the problems of those it could not build."""

    out: Path
    built: list[BuiltDeck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def reveal_source() -> Path:
    """The folder of the reveal.js copy vendored in this package."""
    if not all((REVEAL_ROOT / relative).exists() for relative in REVEAL_FILES):
        raise SlidesError(t("slides.reveal_missing", folder=REVEAL_ROOT))
    return REVEAL_ROOT


def deck_notebook(deck: DeckSource, program: content.Program):
    """The deck as a notebook: a title slide, then one Markdown cell per slide and per note."""
    import nbformat

    meta = deck.meta
    meeting = program.meeting(meta.meeting)
    count = len(program.meetings)
    where = t("slides.meeting", number=meeting.number, count=count, title=meeting.title) if count > 1 else meeting.title
    title = [
        '<div class="pz-title-slide">',
        f"<h1>{html.escape(meta.title)}</h1>",
        f'<p class="pz-subtitle">{html.escape(meta.subtitle)}</p>' if meta.subtitle else "",
        f'<p class="pz-program">{html.escape(program.title)}<br>{html.escape(where)}</p>',
        f'<p class="pz-credit">{html.escape(t("handout.source"))}: {html.escape(meta.source)}</p>',
        "</div>",
    ]
    cells = [_cell("\n".join(line for line in title if line), "slide")]
    for slide in deck.slides:
        cells.append(_cell(slide.markdown, "slide" if slide.level == 2 else "subslide"))
        if slide.notes:
            cells.append(_cell(slide.notes, "notes"))
    for index, cell in enumerate(cells):
        cell.id = f"dia-{index}"  # the same source builds the same file, byte for byte
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata.update(
        {
            "title": meta.title,
            "language_info": {"name": "markdown"},
            "pztraining": {"deck": meta.id, "program": meta.program, "meeting": meta.meeting},
        }
    )
    return notebook


def _cell(source: str, slide_type: str):
    import nbformat

    return nbformat.v4.new_markdown_cell(source, metadata={"slideshow": {"slide_type": slide_type}})


@cache
def _exporter():
    # One exporter for every deck: it compiles its Jinja templates once per process, which was
    # two thirds of rendering a deck.
    from nbconvert.exporters import SlidesExporter

    return SlidesExporter(
        template_name="pz-reveal",
        extra_template_basedirs=[str(TEMPLATE_ROOT)],
        reveal_url_prefix=REVEAL_FOLDER,
        reveal_theme="white",
        reveal_transition="none",  # a beamer in a bright room: no motion to wait for
        exclude_input_prompt=True,
    )


#: The exporter sets its filters for the notebook it renders: one deck at a time.
_RENDERING = threading.Lock()
#: Pages rendered in this process, by their notebook and style sheet (JSON): a deck whose source,
#: programme and style did not change is not rendered again (a build renders every deck, ~60 ms of
#: CPU each, also when only one changed). At most RENDERED_KEPT pages, the oldest forgotten first.
RENDERED: dict[str, str] = {}
RENDERED_KEPT = 64


def render_deck(deck: DeckSource, program: content.Program) -> str:
    """The deck as one reveal.js HTML page that loads reveal.js from ``reveal.js/`` beside it."""
    css = (TEMPLATE_ROOT / "pz-reveal" / "deck.css").read_text(encoding="utf-8")
    notebook = deck_notebook(deck, program)
    key = json.dumps([notebook, css], sort_keys=True, ensure_ascii=False)
    with _RENDERING:
        body = RENDERED.get(key)
        if body is None:
            body, _resources = _exporter().from_notebook_node(notebook, resources={"pz_css": css})
            while len(RENDERED) >= RENDERED_KEPT:
                del RENDERED[next(iter(RENDERED))]
            RENDERED[key] = body
    return body


def build(
    out: Path | None = None, sources: list[Path] | None = None, *, overwrite: bool = False, now: datetime | None = None
) -> BuildReport:
    """Build every deck in ``sources`` (default: all shipped decks) into ``out``.

    A deck that cannot be read is named in the report and the others are still built;
    a folder that cannot be written stops the build with :class:`SlidesError`.

    Files are replaced only when they are this package's own: a folder whose ``decks.json``
    is a build manifest is a previous build, and the decks it lists, its index, manifest and
    reveal.js copy are rebuilt in place; other files in it are left alone. Any other file of
    the same name is refused (:class:`~pztraining.core.files.AlreadyExists`) unless ``overwrite``.
    An ``out`` chosen by the user that is no build and holds other files gets a new subfolder
    ``dia-<date>`` (``now``, local time; ``report.out`` says where); the default build folder
    is the package's own and never does.
    """
    chosen = out is not None
    out = default_build_dir() if out is None else Path(out)
    paths = deck_files() if sources is None else list(sources)
    # A broken content file is named, and the decks that do not need it are still built.
    lib, content_problems = content.load_library()
    problems = [str(problem) for problem in content_problems]
    writers = _reveal_writers(reveal_source())
    built: list[BuiltDeck] = []
    for path in paths:
        try:
            deck = read_deck(path, lib)
            html_text = render_deck(deck, lib.programs[deck.meta.program])
        except content.ContentError as exc:
            problems.extend(str(problem) for problem in exc.problems)
            continue
        name = f"{deck.meta.id}.html"
        writers[name] = _text_writer(html_text)
        built.append(BuiltDeck(deck.meta.id, deck.meta.program, deck.meta.meeting, deck.meta.title, name))
    if not paths:
        problems.append(t("slides.geen_dia_bestanden_gevonden"))
    writers[MANIFEST] = _text_writer(json.dumps([d.__dict__ for d in built], ensure_ascii=False, indent=1))
    writers["index.html"] = _text_writer(_index_page(built))
    ours = _previous_build(out, writers)
    try:
        if chosen and not ours:  # a folder of the user's: a new subfolder when it holds anything
            out = write_folder(out, writers, t("slides.folder"), now or datetime.now(), overwrite=overwrite, ours=ours)
        else:
            write_files(out, writers, overwrite=overwrite, ours=ours)
    except WriteError as exc:
        raise SlidesError(t("slides.map_kan_niet_beschreven", out=out, reason=exc.reason)) from None
    return BuildReport(out, built, problems)


def _reveal_writers(source: Path) -> dict[str, Callable[[Path], object]]:
    """A copy of reveal.js for the build folder: its files by name below ``reveal.js/``."""
    files = []
    for relative in REVEAL_FILES:
        origin = source / relative
        files += sorted(f for f in origin.rglob("*") if f.is_file()) if origin.is_dir() else [origin]
    return {f"{REVEAL_FOLDER}/{f.relative_to(source).as_posix()}": partial(shutil.copyfile, f) for f in files}


def _previous_build(out: Path, writers: dict) -> set[str]:
    """The files of a previous build in ``out`` that a new build may replace (none when it is no build).

    A folder is ours when its manifest reads as one this module wrote: then the decks it lists and
    the fixed files (index, manifest, reveal.js) are ours. A user's file is never in that list.
    """
    try:
        rows = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        decks = {BuiltDeck(**row).file for row in rows}
    except (OSError, ValueError, TypeError):
        return set()
    fixed = {MANIFEST, "index.html"} | {name for name in writers if name.startswith(f"{REVEAL_FOLDER}/")}
    return decks | fixed


def _text_writer(text: str) -> Callable[[Path], object]:
    return lambda target: target.write_text(text, encoding="utf-8")


def _index_page(decks: list[BuiltDeck]) -> str:
    items = "\n".join(f'<li><a href="{html.escape(d.file)}">{html.escape(d.title)}</a></li>' for d in decks)
    title = html.escape(t("slides.index.title"))
    return (
        f'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;line-height:1.5}</style>"
        f"</head><body><h1>{title}</h1><ul>\n{items}\n</ul>"
        f"<p>{html.escape(t('slides.index.keys'))}</p>"
        "</body></html>\n"
    )


def built_decks(out: Path | None = None) -> list[BuiltDeck]:
    """The decks of the last build in ``out`` (empty when nothing was built yet)."""
    out = default_build_dir() if out is None else Path(out)
    try:
        rows = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return [BuiltDeck(**row) for row in rows]
    except (OSError, ValueError, TypeError):
        return []


def deck_for(program_id: str, meeting: int, out: Path | None = None) -> BuiltDeck | None:
    """The built deck of this meeting, or None when there is none (yet).

    Every meeting of a recurring program (a series of the same meeting) shows the deck of
    meeting 1 unless it has one of its own.
    """
    decks = [d for d in built_decks(out) if d.program == program_id]
    wanted = [meeting]
    if meeting != 1 and program_id in content.programs() and content.programs()[program_id].recurrence:
        wanted.append(1)
    return next((d for number in wanted for d in decks if d.meeting == number), None)


def is_stale(out: Path | None = None) -> bool:
    """True when a deck source (or card) is newer than the build, or nothing was built yet."""
    out = default_build_dir() if out is None else Path(out)
    try:
        built = (out / MANIFEST).stat().st_mtime
    except OSError:
        return True
    sources = deck_files() + content.content_files() + list(TEMPLATE_ROOT.rglob("*"))
    return any(path.stat().st_mtime > built for path in sources if path.is_file())
