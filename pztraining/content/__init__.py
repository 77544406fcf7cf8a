"""Content as data: programs and checklists in YAML, validated by a versioned schema."""

from .errors import ContentError, ContentProblem
from .loader import (
    Library,
    UnknownCard,
    UnknownCase,
    UnknownForm,
    UnknownProgram,
    UnknownContent,
    load_form,
    of_program,
    cases_for,
    library,
    load_card,
    load_case,
    check_files,
    content_files,
    load_checklist,
    load_file,
    load_library,
    load_program,
    programs,
    UnknownTree,
    active_region,
    fill_region,
    load_tree,
    region_path,
)
from .schema import (
    AGREEMENT_LABELS, CONVERSATION_STEPS, ROLES, SCHEMA_VERSION, Block, Card, Case, Checklist, Deck, Form,
    FormItem, Meeting, Program, DecisionTree, Region, REGION_ROLES,
)

__all__ = [
    "AGREEMENT_LABELS", "Card", "Deck", "UnknownCard", "of_program", "UnknownContent", "load_card", "Form", "FormItem", "UnknownForm", "load_form",
    "CONVERSATION_STEPS", "Case", "Library", "UnknownCase", "cases_for", "library", "load_case",
    "Block", "Checklist", "ContentError", "ContentProblem", "Meeting", "Program", "ROLES",
    "SCHEMA_VERSION", "UnknownProgram", "check_files", "content_files", "load_checklist",
    "load_file", "load_library", "load_program", "programs",
    "DecisionTree", "Region", "REGION_ROLES", "UnknownTree", "active_region", "fill_region", "load_tree",
    "region_path",
]
