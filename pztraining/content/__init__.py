"""Layer 1. Content as data: programs and checklists in YAML, validated by a versioned schema.

May import: ``core``.
"""

from pztraining.content.errors import ContentError, ContentProblem
from pztraining.content.loader import (
    Library,
    UnknownCard,
    UnknownCase,
    UnknownContent,
    UnknownForm,
    UnknownProgram,
    UnknownTree,
    active_region,
    case_choices,
    cases_for,
    check_files,
    content_files,
    fill_region,
    library,
    load_card,
    load_case,
    load_checklist,
    load_file,
    load_form,
    load_library,
    load_program,
    load_tree,
    of_program,
    programs,
    region_path,
)
from pztraining.content.schema import (
    AGREEMENT_LABELS,
    CONVERSATION_STEPS,
    REGION_ROLES,
    ROLES,
    SCHEMA_VERSION,
    Block,
    Card,
    Case,
    Checklist,
    DecisionTree,
    Deck,
    Form,
    FormItem,
    Meeting,
    Program,
    Region,
)

__all__ = [
    "AGREEMENT_LABELS", "Card", "Deck", "UnknownCard", "of_program", "UnknownContent", "load_card", "Form", "FormItem",
    "UnknownForm", "load_form",
    "CONVERSATION_STEPS", "Case", "Library", "UnknownCase", "cases_for", "library", "load_case",
    "Block", "Checklist", "ContentError", "ContentProblem", "Meeting", "Program", "ROLES",
    "SCHEMA_VERSION", "UnknownProgram", "check_files", "content_files", "load_checklist",
    "load_file", "load_library", "load_program", "programs",
    "DecisionTree", "Region", "REGION_ROLES", "UnknownTree", "active_region", "fill_region", "load_tree",
    "region_path", "case_choices",
]
