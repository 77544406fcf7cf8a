"""Load and validate content files (programs, checklists, and later cases and forms).

This is the only module that parses YAML. Every file declares ``schema_version`` and
``kind``; the matching model in :mod:`pztraining.content.schema` validates it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from pztraining.content import schema
from pztraining.content.errors import ContentError, ContentProblem, display_name, problems_from_validation
from pztraining.content.tree_shape import problems as tree_problems
from pztraining.core import settings
from pztraining.core.errors import PztrainingError
from pztraining.core.os_errors import dutch_reason
from pztraining.core.texts import t


def builtin_content_dir() -> Path:
    """The folder with the content shipped inside the package."""
    return Path(str(resources.files("pztraining") / "content"))


def content_files(root: Path | None = None) -> list[Path]:
    """All ``*.yaml`` files under ``root`` (default: the shipped content), sorted."""
    root = builtin_content_dir() if root is None else root
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


# ---------------------------------------------------------------- an organisation's own content

#: Environment variable (set by ``--content-dir``) naming a folder with an organisation's own
#: cases and programmes, used next to the shipped content.
CONTENT_ENV = settings.FIELDS["content_dir"]


def local_content_dir() -> Path | None:
    """The organisation's own content folder, or None when none is set.

    The ``content_dir`` setting (the CLI's ``--content-dir`` hands it down, so the app servers
    and their kernels see the same folder).
    """
    return settings.current().content_dir


def local_content_files() -> list[Path]:
    """The ``*.yaml`` files of the organisation's own content folder (none when it is not set or absent)."""
    folder = local_content_dir()
    return content_files(folder) if folder is not None and folder.is_dir() else []


def read_text(path: Path) -> str:
    """The UTF-8 text of a content file; ContentError (Dutch) when it cannot be read."""
    name = display_name(path)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError([ContentProblem(name, "", t("content.geen_utf_8_tekst"))]) from None
    except FileNotFoundError:
        raise ContentError([ContentProblem(name, "", t("content.bestaat_niet"))]) from None
    except OSError as exc:
        raise ContentError(
            [ContentProblem(name, "", t("content.kan_niet_gelezen_worden", reason=dutch_reason(exc)))]
        ) from None


def parse_yaml(text: str, name: str, first_line: int = 1) -> Any:
    """Parse YAML ``text`` from file ``name``; errors give the line as counted in that file.

    libyaml's parser (PyYAML's ``CSafeLoader``, in every PyYAML wheel) reads the content ten times
    faster than PyYAML's own, with the same result; a kernel loads the whole library when it starts.
    A file it refuses is read again by PyYAML's own parser, whose message and place are what the
    trainer is shown, on every install alike.
    """
    if yaml.__with_libyaml__:
        try:
            return yaml.load(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = t("content.regel_kolom", line=mark.line + first_line, column=mark.column + 1) if mark else ""
        problem = getattr(exc, "problem", None) or t("content.onleesbare_yaml")
        raise ContentError([ContentProblem(name, where, t("content.ongeldige_yaml", problem=problem))]) from None


# ---------------------------------------------------------------- the region (zorgkaart)

#: Where content names a regional role: ``<regio:ziekenhuis>`` becomes that role's name.
REGION_PLACEHOLDER = re.compile(r"<regio:([a-z_]+)>")
#: Environment variable with the path of another network's region file (the ``region`` setting).
REGION_ENV = settings.FIELDS["region"]
DEFAULT_REGION = "noord-holland-zuid"


def region_path() -> Path:
    """The region file in use: the ``region`` setting when set, else the shipped one."""
    chosen = settings.current().region
    return chosen if chosen is not None else builtin_content_dir() / "regions" / f"{DEFAULT_REGION}.yaml"


@lru_cache(maxsize=4)
def _region_at(path: str, _mtime: float) -> schema.Region:
    region = load_file(Path(path))
    if not isinstance(region, schema.Region):
        problem = ContentProblem(display_name(Path(path)), "kind", t("content.regiobestand_heeft_kind_region"))
        raise ContentError([problem])
    return region


def active_region() -> schema.Region:
    """The validated region file in use (see :func:`region_path`); ContentError when broken."""
    path = region_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise ContentError(
            [ContentProblem(display_name(path), "", t("content.regiobestand_bestaat_niet", region_env=REGION_ENV))]
        ) from None
    return _region_at(str(path), mtime)


def fill_region(text: str, region: schema.Region | None = None) -> str:
    """``text`` with every ``<regio:KEY>`` replaced by that role's name; ValueError (Dutch) for an unknown key.

    The proposal mark (``<voorstel>``, :data:`schema.PROPOSAL`) is filled in here too, so every
    text that reaches a trainer shows it the same way.
    """
    if schema.PROPOSAL in text:
        text = text.replace(schema.PROPOSAL, t("content.voorstel"))
    if "<regio:" not in text:
        return text
    region = region or active_region()

    def name(match: re.Match[str]) -> str:
        role = region.roles.get(match[1])
        if role is None:
            raise ValueError(t("content.onbekende_regio_rol", role=match[1], roles=", ".join(schema.REGION_ROLES)))
        return role.name

    return REGION_PLACEHOLDER.sub(name, text)


def _fill_data(data: Any, name: str, where: str = "") -> Any:
    """Parsed YAML with the region's names filled into every text; ContentError names each unknown key."""
    problems: list[ContentProblem] = []

    def fill(value: Any, at: str) -> Any:
        if isinstance(value, str):
            try:
                return fill_region(value)
            except ValueError as exc:
                problems.append(ContentProblem(name, at, str(exc)))
                return value
        if isinstance(value, dict):
            return {k: fill(v, f"{at}.{k}" if at else str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v, f"{at}[{i}]") for i, v in enumerate(value)]
        return value

    filled = fill(data, where)
    if problems:
        raise ContentError(problems)
    return filled


def validate_data(data: Any, name: str) -> BaseModel:
    """Validate already-parsed YAML ``data`` from file ``name``; raise ContentError."""
    if not isinstance(data, dict):
        raise ContentError([ContentProblem(name, "", t("content.moet_verzameling_velden_sleutel"))])
    version = data.get("schema_version")
    if version is None:
        raise ContentError([ContentProblem(name, "schema_version", t("content.ontbreekt"))])
    if not isinstance(version, int) or isinstance(version, bool):
        raise ContentError(
            [ContentProblem(name, "schema_version", t("content.versie_geen_geheel_getal", version=version))]
        )
    if version > schema.SCHEMA_VERSION:
        raise ContentError(
            [
                ContentProblem(
                    name,
                    "schema_version",
                    t("content.versie_nieuwer_pztraining_kent", version=version, schema_version=schema.SCHEMA_VERSION),
                )
            ]
        )
    if version < 1:
        raise ContentError(
            [ContentProblem(name, "schema_version", t("content.versie_bestaat_niet_oudste", version=version))]
        )
    kind = data.get("kind")
    model = schema.MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        known = ", ".join(sorted(schema.MODELS))
        raise ContentError([ContentProblem(name, "kind", t("content.moet_een_van_kind", known=known, kind=kind))])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentError(problems_from_validation(name, exc)) from None


def load_file(path: Path) -> BaseModel:
    """Read and validate one content file; raise ContentError with every problem.

    Regional names (``<regio:KEY>``) are filled in from the region file in use.
    """
    name = display_name(path)
    return _validated(read_text(path), name, _region_state())


def _region_state() -> tuple[str, float] | None:
    """What a loaded file's regional names depend on: the region file in use and its time of change
    (as :func:`active_region` keys it); None when it cannot be told (filling then says why)."""
    try:
        path = region_path()
        return str(path), path.stat().st_mtime
    except (OSError, PztrainingError):
        return None


@lru_cache(maxsize=256)
def _validated(text: str, name: str, _region: tuple[str, float] | None) -> BaseModel:
    # Once per text, name and region: a file's model depends on nothing else. Parsing and
    # validating the library took ~90 ms of CPU, and builds, handouts and the CLI load it again
    # (load_library); the models are frozen, so every caller may share one. A file that does
    # not load raises, and lru_cache keeps no exception: it is read and named again next time.
    data = parse_yaml(text, name)
    if isinstance(data, dict) and data.get("kind") != "region":
        data = _fill_data(data, name)
    return validate_data(data, name)


def check_files(paths: list[Path]) -> list[ContentProblem]:
    """Validate ``paths`` and the references between them; return all problems found."""
    problems: list[ContentProblem] = []
    loaded: list[tuple[Path, Any]] = []
    for path in paths:
        try:
            loaded.append((path, load_file(path)))
        except ContentError as exc:
            problems.extend(exc.problems)
    problems.extend(_cross_file_problems(loaded))
    return problems


def _cross_file_problems(loaded: list[tuple[Path, Any]]) -> Iterator[ContentProblem]:
    """Ids that files use to point at each other must exist (programs, cases)."""
    by_kind: dict[type, dict[str, Path]] = {}
    for path, item in loaded:
        key = item.program if isinstance(item, schema.Checklist) else item.id
        known = by_kind.setdefault(type(item), {})
        if key in known and not isinstance(item, schema.Checklist):
            yield ContentProblem(display_name(path), "id", f"id '{key}' staat ook in {display_name(known[key])}")
        known[key] = path
    programs = by_kind.get(schema.Program, {})
    cases, forms = by_kind.get(schema.Case, {}), by_kind.get(schema.Form, {})
    trees = by_kind.get(schema.DecisionTree, {})
    for path, item in loaded:
        name = display_name(path)
        if (
            isinstance(item, (schema.Checklist, schema.Case, schema.Form, schema.Card, schema.DecisionTree))
            and item.program not in programs
        ):
            yield ContentProblem(name, "program", t("content.onbekend_programma_id", program=item.program))
        if isinstance(item, schema.Program):
            yield from _reference_problems(name, item, cases, forms)
        if isinstance(item, schema.DecisionTree):
            for problem in tree_problems(item):
                yield ContentProblem(name, problem.where, problem.message)
        if isinstance(item, schema.Form) and trees:
            for i, form_item in enumerate(item.items):
                if form_item.tree and form_item.tree not in trees:
                    yield ContentProblem(
                        name, f"items[{i}].tree", t("content.onbekende_beslisboom_id", tree=form_item.tree)
                    )


def _reference_problems(
    name: str, program: schema.Program, cases: Mapping[str, Path], forms: Mapping[str, Path]
) -> Iterator[ContentProblem]:
    # Only checked when that kind is part of the checked set: a program file checked on
    # its own cannot know the cases and forms.
    for m, meeting in enumerate(program.meetings):
        where = f"meetings[{m}]"
        if forms and meeting.preparation_form and meeting.preparation_form not in forms:
            yield ContentProblem(
                name, f"{where}.preparation_form", t("content.onbekend_formulier_id", form=meeting.preparation_form)
            )
        if forms and meeting.assignment and meeting.assignment.form and meeting.assignment.form not in forms:
            yield ContentProblem(
                name, f"{where}.assignment.form", t("content.onbekend_formulier_id", form=meeting.assignment.form)
            )
        for b, block in enumerate(meeting.blocks):
            for c, case_id in enumerate(block.cases):
                if cases and case_id not in cases:
                    yield ContentProblem(
                        name, f"{where}.blocks[{b}].cases[{c}]", t("content.onbekende_casus_id", case=case_id)
                    )
            for f, form_id in enumerate(block.forms):
                if forms and form_id not in forms:
                    yield ContentProblem(
                        name, f"{where}.blocks[{b}].forms[{f}]", t("content.onbekend_formulier_id", form=form_id)
                    )


@dataclass(frozen=True)
class Library:
    """All shipped content, validated."""

    programs: dict[str, schema.Program]
    checklists: dict[str, schema.Checklist]
    cases: dict[str, schema.Case]
    forms: dict[str, schema.Form]
    cards: dict[str, schema.Card]
    trees: dict[str, schema.DecisionTree] = field(default_factory=dict)
    #: The kartrekker's content (conditions, cost formats, plannings), by id.
    conditions: dict[str, schema.Conditions] = field(default_factory=dict)
    costs: dict[str, schema.CostFormat] = field(default_factory=dict)
    plannings: dict[str, schema.Planning] = field(default_factory=dict)
    #: The indicators a kartrekker enters by hand, by indicator id (from every ``indicators`` file).
    indicators: dict[str, schema.EnteredIndicator] = field(default_factory=dict)
    #: The ids of what came from the organisation's own folder (:func:`local_content_dir`).
    local: set[str] = field(default_factory=set)


def load_library(root: Path | None = None) -> tuple[Library, list[ContentProblem]]:
    """Every content file under ``root`` that loads, and the problems of those that do not.

    For builds that should go on when one file is broken (slides, handouts): a broken file
    is left out and named in the problems; so are references to it.
    """
    problems: list[ContentProblem] = []
    loaded: list[tuple[Path, Any]] = []
    # Without a root: the shipped content first, then the organisation's own; a local file
    # never replaces a shipped one (the shipped content is read-only), it is named instead.
    shipped = content_files(root)
    local = local_content_files() if root is None else []
    for path in [*shipped, *local]:
        try:
            loaded.append((path, load_file(path)))
        except ContentError as exc:
            problems.extend(exc.problems)
    problems.extend(_cross_file_problems(loaded))
    lib = Library({}, {}, {}, {}, {})
    kinds: dict[type[BaseModel], dict[str, Any]] = {
        schema.Program: lib.programs,
        schema.Case: lib.cases,
        schema.Form: lib.forms,
        schema.Card: lib.cards,
        schema.DecisionTree: lib.trees,
        schema.Conditions: lib.conditions,
        schema.CostFormat: lib.costs,
        schema.Planning: lib.plannings,
    }
    shipped_paths = set(shipped)
    for path, item in loaded:
        from_local = path not in shipped_paths
        if isinstance(item, schema.Checklist):
            if not (from_local and item.program in lib.checklists):
                lib.checklists[item.program] = item
            continue
        if isinstance(item, schema.Indicators):  # like every kind: a local file never replaces a shipped one
            lib.indicators.update({i.id: i for i in item.indicators if not (from_local and i.id in lib.indicators)})
            continue
        shelf = kinds.get(type(item))
        if shelf is None or (from_local and item.id in shelf):  # the duplicate is named in the problems
            continue
        shelf[item.id] = item
        if from_local:
            lib.local.add(item.id)
    return lib, problems


def library() -> Library:
    """The content in use, loaded and validated once per process and content folder; ContentError if any is broken.

    That is the shipped content plus the organisation's own folder (:func:`local_content_dir`).
    A broken shipped file stops everything; a broken local file is left out (``pztraining
    content check`` names it), so one typo in a local case never stops a training.
    """
    return _library(local_content_dir())


def _clear() -> None:
    _library.cache_clear()


#: ``library.cache_clear()`` empties the cache, as when ``library`` itself was cached.
library.cache_clear = _clear  # type: ignore[attr-defined]


@cache
def _library(_folder: Path | None) -> Library:
    # Keyed on the folder: a process whose content folder setting changes loads that folder.
    lib, problems = load_library()
    local = {display_name(path) for path in local_content_files()}
    if any(problem.file not in local for problem in problems):
        raise ContentError(problems)
    return lib


def case_choices(program_id: str, listed: tuple[str, ...]) -> tuple[str, ...]:
    """The cases a block offers: those it lists, then the organisation's own cases of its programme.

    Only a block that lists cases (a role-play or case discussion) offers local ones: an
    organisation's own case is practised where the shipped cases are.
    """
    if not listed:
        return listed
    lib = library()
    own = [case.id for case in of_program(lib.cases, program_id) if case.id in lib.local and case.id not in listed]
    return (*listed, *own)


class UnknownContent(PztrainingError, KeyError):
    """No shipped content of this kind has this id; the message is Dutch."""

    http_status = 404

    #: How the message starts, e.g. "Onbekende casus".
    label = t("content.onbekende_inhoud")
    #: The Library field whose ids the message offers as choices ("" for none).
    choices = ""

    def __init__(self, ident: str):
        super().__init__(ident)
        self.ident = ident

    def __str__(self) -> str:
        text = f"{self.label} '{self.ident}'."
        if self.choices:
            # load_library, not library: the message must also work when another file is broken.
            known = ", ".join(sorted(getattr(load_library()[0], self.choices)))
            text += t("content.kies_uit", known=known)
        return text


class UnknownProgram(UnknownContent):
    label, choices = t("content.onbekend_programma"), "programs"


class UnknownCase(UnknownContent):
    label, choices = t("content.onbekende_casus"), "cases"


class UnknownForm(UnknownContent):
    label = t("content.onbekend_formulier")


class UnknownCard(UnknownContent):
    label, choices = t("content.onbekend_kaartje"), "cards"


class UnknownTree(UnknownContent):
    label, choices = t("content.onbekende_beslisboom"), "trees"


_Item = TypeVar("_Item")


def _shipped(shelf: Mapping[str, _Item], ident: str, error: type[UnknownContent]) -> _Item:
    try:
        return shelf[ident]
    except KeyError:
        raise error(ident) from None


def of_program(items: Mapping[str, Any], program_id: str) -> list[Any]:
    """The items (cases, cards, …) of one program, by id."""
    return sorted((item for item in items.values() if item.program == program_id), key=lambda item: item.id)


def programs() -> dict[str, schema.Program]:
    """Every shipped program by id (validated once per process)."""
    return dict(library().programs)


def load_program(program_id: str) -> schema.Program:
    """The shipped program with this id; UnknownProgram when there is none."""
    return _shipped(library().programs, program_id, UnknownProgram)


def load_checklist(program_id: str) -> schema.Checklist | None:
    """The preparation checklist of a program, or None when it has none."""
    return library().checklists.get(program_id)


def load_case(case_id: str) -> schema.Case:
    """The shipped case with this id; UnknownCase when there is none."""
    return _shipped(library().cases, case_id, UnknownCase)


def load_form(form_id: str) -> schema.Form:
    """The shipped form with this id; UnknownForm when there is none."""
    return _shipped(library().forms, form_id, UnknownForm)


def load_card(card_id: str) -> schema.Card:
    """The shipped card (e.g. the gesprekskaartje) with this id; UnknownCard when there is none."""
    return _shipped(library().cards, card_id, UnknownCard)


def load_tree(tree_id: str) -> schema.DecisionTree:
    """The shipped decision tree with this id; UnknownTree when there is none."""
    return _shipped(library().trees, tree_id, UnknownTree)


def cases_for(program_id: str) -> list[schema.Case]:
    """The shipped cases of a program, by id."""
    return of_program(library().cases, program_id)
