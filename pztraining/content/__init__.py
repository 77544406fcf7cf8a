"""Content as data: programs and checklists in YAML, validated by a versioned schema."""

from .errors import ContentError, ContentProblem
from .loader import (
    UnknownProgram,
    check_files,
    content_files,
    load_checklist,
    load_file,
    load_program,
    programs,
)
from .schema import ROLES, SCHEMA_VERSION, Block, Checklist, Meeting, Program

__all__ = [
    "Block", "Checklist", "ContentError", "ContentProblem", "Meeting", "Program", "ROLES",
    "SCHEMA_VERSION", "UnknownProgram", "check_files", "content_files", "load_checklist",
    "load_file", "load_program", "programs",
]
