"""Content as data: programs and checklists in YAML, validated by a versioned schema."""

from .errors import ContentError, ContentProblem
from .loader import (
    Library,
    UnknownCase,
    UnknownProgram,
    cases_for,
    library,
    load_case,
    check_files,
    content_files,
    load_checklist,
    load_file,
    load_program,
    programs,
)
from .schema import (
    CONVERSATION_STEPS, ROLES, SCHEMA_VERSION, Block, Case, Checklist, Meeting, Program,
)

__all__ = [
    "CONVERSATION_STEPS", "Case", "Library", "UnknownCase", "cases_for", "library", "load_case",
    "Block", "Checklist", "ContentError", "ContentProblem", "Meeting", "Program", "ROLES",
    "SCHEMA_VERSION", "UnknownProgram", "check_files", "content_files", "load_checklist",
    "load_file", "load_program", "programs",
]
