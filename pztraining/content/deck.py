"""Read a slide deck: YAML front matter (a :class:`~.schema.Deck`) and Markdown slides.

The format is described in ``slides/README.md``: ``---`` starts a slide, ``--`` a sub-slide,
``Note:`` the speaker notes, and ``<!-- include: <card> -->`` puts a card's steps on a slide,
so that the slide and the printed card are made from one content file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pztraining.content import loader, schema
from pztraining.content.errors import ContentError, ContentProblem, display_name
from pztraining.core.texts import t

SLIDE_BREAK = "---"
SUBSLIDE_BREAK = "--"
NOTES_START = re.compile(r"^(note|notes|notities):\s*$", re.IGNORECASE)
INCLUDE = re.compile(r"^<!--\s*include:\s*(?P<card>[a-z0-9_-]+)\s*-->\s*$")
HEADING = re.compile(r"^(?P<hashes>#{2,3})\s+(?P<text>\S.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Slide:
    """One slide: its heading, its Markdown (heading included) and its speaker notes."""

    heading: str
    #: 2 for a slide of its own (a section), 3 for a sub-slide below the previous one.
    level: int
    markdown: str
    notes: str
    #: Where the slide starts in its file (1-based), for error messages.
    line: int


@dataclass(frozen=True)
class DeckSource:
    """A validated deck: front matter and slides."""

    path: Path
    meta: schema.Deck
    slides: tuple[Slide, ...]

    @property
    def sections(self) -> list[str]:
        """The headings of the deck's slides (``##``), in order."""
        return [slide.heading for slide in self.slides if slide.level == 2]


def slides_dir() -> Path:
    """The folder with the deck sources, inside the package (``slides/`` links to it in a checkout)."""
    return Path(__file__).resolve().parent / "slides"


def deck_files(root: Path | None = None) -> list[Path]:
    """Every deck source (``*.md`` except README) in ``root`` (default: the shipped decks)."""
    root = slides_dir() if root is None else root
    return sorted(p for p in root.glob("*.md") if p.is_file() and p.name.lower() != "readme.md")


def card_markdown(card: schema.Card) -> str:
    """A card's steps as a Markdown list (used on slides; the handout prints the same card)."""
    lines = []
    for number, step in enumerate(card.steps, start=1):
        lines.append(f"{number}. **{step.title}** – {step.summary}")
    return "\n".join(lines)


def read_deck(path: Path, lib: loader.Library | None = None) -> DeckSource:
    """Read, validate and resolve one deck file; ContentError lists every problem.

    ``lib`` is the content the deck may refer to (default: the shipped content).
    """
    lib = loader.library() if lib is None else lib
    name = display_name(path)
    text = loader.read_text(path)
    front, body, body_line = _split_front_matter(text, name)
    meta = loader.validate_data(loader._fill_data(loader.parse_yaml(front, name, first_line=2), name), name)
    if not isinstance(meta, schema.Deck):
        raise ContentError([ContentProblem(name, "kind", t("content.deck.dia_bestand_heeft_kind"))])
    problems = list(_reference_problems(name, meta, lib))
    slides: list[Slide] = []
    for number, (level_break, start, lines) in enumerate(_chunks(body, body_line), start=1):
        where = t("content.deck.dia_regel", number=number, start=start)
        try:
            slides.append(_slide(lines, level_break, start, lib))
        except ValueError as exc:
            problems.append(ContentProblem(name, where, str(exc)))
    if not slides and not problems:
        problems.append(ContentProblem(name, "", "bevat geen dia's"))
    if problems:
        raise ContentError(problems)
    return DeckSource(path, meta, tuple(slides))


def _split_front_matter(text: str, name: str) -> tuple[str, str, int]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != SLIDE_BREAK:
        raise ContentError(
            [ContentProblem(name, t("content.deck.regel_1"), t("content.deck.dia_bestand_begint_voorpagina"))]
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == SLIDE_BREAK:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise ContentError(
        [ContentProblem(name, t("content.deck.regel_1"), t("content.deck.voorpagina_gegevens_worden_niet"))]
    )


def _reference_problems(name: str, meta: schema.Deck, lib: loader.Library) -> Iterator[ContentProblem]:
    programs = lib.programs
    if meta.program not in programs:
        yield ContentProblem(name, "program", t("content.onbekend_programma_id", program=meta.program))
        return
    numbers = [m.number for m in programs[meta.program].meetings]
    if meta.meeting not in numbers:
        yield ContentProblem(
            name,
            "meeting",
            t("content.deck.programma_heeft_geen_bijeenkomst", program=meta.program, meeting=meta.meeting),
        )


def _chunks(body: str, first_line: int) -> Iterator[tuple[str, int, list[str]]]:
    """Split the body on slide breaks outside code fences: (break, start line, lines)."""
    chunk: list[str] = []
    kind, start, fenced = SLIDE_BREAK, first_line, False
    for offset, line in enumerate(body.splitlines()):
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
        if not fenced and stripped in (SLIDE_BREAK, SUBSLIDE_BREAK):
            if any(part.strip() for part in chunk):
                yield kind, start, chunk
            chunk, kind, start = [], stripped, first_line + offset + 1
            continue
        if not chunk and not stripped:
            start = first_line + offset + 1  # report where the slide's text starts
            continue
        chunk.append(line)
    if any(part.strip() for part in chunk):
        yield kind, start, chunk


def _slide(lines: list[str], level_break: str, start: int, lib: loader.Library) -> Slide:
    match = HEADING.match(lines[0].strip())
    expected = 2 if level_break == SLIDE_BREAK else 3
    if not match:
        raise ValueError(t("content.deck.no_heading", expected="#" * expected))
    level = len(match["hashes"])
    if level != expected:
        what = t("content.deck.dia_na") if expected == 2 else t("content.deck.subdia_na")
        raise ValueError(t("content.deck.wrong_heading", what=what, expected="#" * expected, found=match["hashes"]))
    content: list[str] = []
    notes: list[str] | None = None
    for offset, raw in enumerate(lines):
        if notes is None and NOTES_START.match(raw.strip()):
            notes = []
            continue
        try:
            line = loader.fill_region(raw)
        except ValueError as exc:
            raise ValueError(t("content.deck.regel", line=start + offset, problem=exc)) from None
        included = INCLUDE.match(line.strip())
        if included:
            card = lib.cards.get(included["card"])
            if card is None:
                known = ", ".join(sorted(lib.cards)) or "geen"
                raise ValueError(
                    t("content.deck.unknown_card", line=start + offset, card=included["card"], known=known)
                )
            line = card_markdown(card)
        (content if notes is None else notes).append(line)
    return Slide(
        heading=loader.fill_region(match["text"]),
        level=level,
        markdown="\n".join(content).strip(),
        notes="\n".join(notes or []).strip(),
        line=start,
    )


def check_decks(paths: list[Path], lib: loader.Library | None = None) -> list[ContentProblem]:
    """Read every deck in ``paths``; return all problems found (none when all are fine)."""
    problems: list[ContentProblem] = []
    for path in paths:
        try:
            read_deck(path, lib)
        except ContentError as exc:
            problems.extend(exc.problems)
    return problems
