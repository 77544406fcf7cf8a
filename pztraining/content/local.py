"""An organisation's own cases and programmes, next to the shipped ones.

The folder is named by :func:`pztraining.content.loader.local_content_dir` (the one place that
reads the setting). Here: a commented template for a new case, and the check that validates
the folder against the shipped content and previews what participant and simulant read.
The shipped content is never written: a new case goes into the organisation's folder only.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pztraining.content import schema
from pztraining.content.errors import ContentError, ContentProblem, display_name
from pztraining.content.loader import (
    builtin_content_dir,
    check_files,
    content_files,
    library,
    load_file,
    local_content_dir,
)
from pztraining.core.errors import PztrainingError
from pztraining.core.files import atomic_text
from pztraining.core.texts import t


class LocalContentError(PztrainingError):
    """The organisation's own content cannot be made or checked as asked; the message is Dutch."""


@dataclass(frozen=True)
class LocalCheck:
    """What ``pztraining content check`` found in a folder: problems and the cases that load."""

    folder: Path
    files: tuple[Path, ...]
    problems: tuple[ContentProblem, ...]
    cases: tuple[schema.Case, ...]


def content_folder(folder: Path | None) -> Path:
    """``folder``, else the folder of the setting; LocalContentError when neither is given."""
    chosen = folder if folder is not None else local_content_dir()
    if chosen is None:
        raise LocalContentError(t("local.no_folder"))
    if _inside(chosen, builtin_content_dir()):
        raise LocalContentError(t("local.shipped_read_only", folder=chosen))
    return chosen


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def case_template(case_id: str, program_id: str) -> str:
    """The commented YAML of a new case ``case_id`` for ``program_id`` (valid as it is, to be filled in)."""
    text = (resources.files("pztraining") / "content" / "templates" / "case.yaml.template").read_text(encoding="utf-8")
    titles = schema.CONVERSATION_STEPS if program_id == "mysupport" else (t("local.template.step_title"),)
    steps = "".join(f'  - title: "{title}"\n    guidance: {t("local.template.step_guidance")}\n' for title in titles)
    return text.replace("{id}", case_id).replace("{program}", program_id).replace("{steps}", steps)


def new_case(case_id: str, program_id: str, folder: Path | None = None) -> Path:
    """Write the template of case ``case_id`` to ``<folder>/cases/<case_id>.yaml``; returns the path.

    Never over an existing file (:class:`~pztraining.core.files.AlreadyExists`), never into the
    shipped content; the id must be new and the programme known (LocalContentError, Dutch).
    """
    target_folder = content_folder(folder)
    try:
        schema._check_id(case_id)
    except ValueError as exc:
        raise LocalContentError(t("local.bad_id", ident=case_id, reason=exc)) from None
    lib = library()
    if program_id not in lib.programs:
        raise LocalContentError(t("local.unknown_program", program=program_id, known=", ".join(sorted(lib.programs))))
    if case_id in lib.cases:
        raise LocalContentError(t("local.id_taken", ident=case_id))
    path = target_folder / "cases" / f"{case_id}.yaml"
    atomic_text(path, case_template(case_id, program_id))
    return path


def check_folder(folder: Path | None = None) -> LocalCheck:
    """Validate every file of the organisation's folder together with the shipped content.

    A local file may point at shipped programmes and forms, and may not reuse a shipped id
    (the shipped content stays as it is). Problems name file and field path, in Dutch.
    """
    chosen = content_folder(folder)
    if not chosen.is_dir():
        raise LocalContentError(t("local.folder_missing", folder=chosen))
    local = content_files(chosen)
    shipped = content_files()
    problems = check_files([*shipped, *local])
    local_names = {display_name(path) for path in local}
    cases: list[schema.Case] = []
    for path in local:
        try:
            item = load_file(path)
        except ContentError:
            continue  # already among the problems
        if isinstance(item, schema.Case):
            cases.append(item)
    # A shipped file's problem is shown too: it is the package's, but the folder is checked against it.
    ordered = [p for p in problems if p.file in local_names] + [p for p in problems if p.file not in local_names]
    return LocalCheck(chosen, tuple(local), tuple(ordered), tuple(cases))


def briefing_preview(case: schema.Case) -> str:
    """The participant's and the simulant's briefing of ``case`` as plain text, as they read them."""
    lines = [
        t("local.preview.case", title=case.title, ident=case.id, program=case.program),
        "",
        t("local.preview.participant"),
    ]
    lines += [f"  - {line}" for line in case.participant_briefing]
    simulant = case.simulant_briefing
    lines.append("")
    if simulant is None:
        lines.append(t("local.preview.no_simulant"))
        return "\n".join(lines) + "\n"
    lines.append(t("local.preview.simulant", role=simulant.role))
    for label, items in (
        (t("local.preview.knows"), simulant.knows),
        (t("local.preview.feels"), simulant.feels),
        (t("local.preview.asks"), simulant.asks),
        (t("local.preview.harder"), simulant.harder),
    ):
        lines.append(f"  {label}")
        lines += [f"    - {item}" for item in items]
    lines.append(f"  {t('local.preview.start_mild')} {simulant.start_mild}")
    return "\n".join(lines) + "\n"
