"""The versioned content schema (``schema_version: 1``) for programs and checklists.

The models are strict (unknown fields are errors) so that a typo in a YAML file is
reported instead of silently ignored. Validation messages that we raise ourselves are
Dutch; pydantic's own messages are translated in :mod:`pztraining.content.errors`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pztraining.core.texts import t

SCHEMA_VERSION = 1

#: The one mark of this package's own proposals. Content writes ``<voorstel>`` right after a
#: number, item, block or slide text that does not come from the credited source; loading fills
#: in ``t("content.voorstel")`` ("(voorstel van pztraining)"), so programme, slide, handout and
#: report all show the same words. Everything without the mark comes from the source.
PROPOSAL = "<voorstel>"

#: Who can lead or take part in a block. Keys are what content files use. Not the roles of a
#: login name (trainer, kartrekker, coordinator): those are ``pztraining.services.access.ACCOUNT_ROLES``.
BLOCK_ROLES = (
    "trainer",
    "vertegenwoordiger organisatie",
    "facilitator",
    "simulant",
    "deelnemers",
    "ervaringsdeskundige",
    "kartrekker",
    "voorzitter",
    "casusinbrenger",
    "begeleider",
    "bezoekers",
)

Role = Literal[
    "trainer",
    "vertegenwoordiger organisatie",
    "facilitator",
    "simulant",
    "deelnemers",
    "ervaringsdeskundige",
    "kartrekker",
    "voorzitter",  # chairs a casuïstiekbespreking
    "casusinbrenger",  # the participant who brings the case to a casuïstiekbespreking
    "begeleider",  # hosts a public meeting (Voorbereiding Laatste Levensfase)
    "bezoekers",  # the public at such a meeting
]

Identifier = str  # lower-case ids such as "oefenen"; checked by _check_id below


def _check_id(value: str) -> str:
    if not value or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in value):
        raise ValueError(t("content.schema.moet_id_kleine_letters"))
    if value != value.lower():
        raise ValueError(t("content.schema.moet_id_kleine_letters"))
    return value


def _require_unique(ids: list[str], what: str) -> None:
    """Refuse a list of ids in which one occurs twice (Dutch message naming the first)."""
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(t("content.schema.komt_twee_keer_voor", what=what, ident=duplicates[0]))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Block(_Strict):
    """One part of a meeting's draaiboek."""

    id: Identifier
    title: str = Field(min_length=1)
    minutes: int = Field(gt=0, strict=True)
    #: The shortest this block may become when a meeting is shortened (equal to
    #: ``minutes`` when it may not be shortened). Defaults to ``minutes``.
    min_minutes: int | None = Field(default=None, ge=0, strict=True)
    leads: tuple[Role, ...] = Field(min_length=1)
    goal: str = Field(min_length=1)
    instructions: tuple[str, ...] = Field(min_length=1)
    materials: tuple[str, ...] = ()
    cases: tuple[Identifier, ...] = ()
    forms: tuple[Identifier, ...] = ()
    #: Questions the facilitator asks after each role-play turn in this block.
    reflection_questions: tuple[str, ...] = ()

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _minimum_not_above_planned(self) -> Block:
        if self.min_minutes is not None and self.min_minutes > self.minutes:
            raise ValueError(f"min_minutes ({self.min_minutes}) is groter dan minutes ({self.minutes})")
        return self

    @property
    def minimum(self) -> int:
        """The shortest allowed length of this block, in minutes."""
        return self.minutes if self.min_minutes is None else self.min_minutes


class Assignment(_Strict):
    """A workplace assignment participants do between this meeting and the next."""

    title: str = Field(min_length=1)
    instructions: tuple[str, ...] = Field(min_length=1)
    form: Identifier | None = None


class Meeting(_Strict):
    """A bijeenkomst: a list of blocks that must add up to ``minutes``."""

    number: int = Field(ge=1, strict=True)
    title: str = Field(min_length=1)
    minutes: int = Field(gt=0, strict=True)
    #: Planned gap to the previous meeting, in weeks (None for the first meeting).
    weeks_after_previous: int | None = Field(default=None, ge=0, strict=True)
    goal: str = Field(min_length=1)
    blocks: tuple[Block, ...] = Field(min_length=1)
    assignment: Assignment | None = None
    #: The pre-assignment form participants fill before this meeting.
    preparation_form: Identifier | None = None

    @model_validator(mode="after")
    def _blocks_add_up(self) -> Meeting:
        total = sum(block.minutes for block in self.blocks)
        if total != self.minutes:
            raise ValueError(t("content.schema.blokken_duren_samen_minuten", total=total, minutes=self.minutes))
        _require_unique([block.id for block in self.blocks], "blok-id")
        return self

    def lengths(self) -> tuple[list[int], list[int]]:
        """The planned and the minimum length of every block, in minutes."""
        return [b.minutes for b in self.blocks], [b.minimum for b in self.blocks]

    def form_ids(self) -> list[str]:
        """Every form this meeting uses, in order: preparation, blocks, assignment."""
        ids = [self.preparation_form] if self.preparation_form else []
        ids += [f for block in self.blocks for f in block.forms]
        if self.assignment and self.assignment.form:
            ids.append(self.assignment.form)
        return list(dict.fromkeys(ids))

    @property
    def minimum_minutes(self) -> int:
        """The shortest this meeting can be made, in minutes (sum of block minima)."""
        return sum(block.minimum for block in self.blocks)


class _Document(_Strict):
    """What every content file with an id has: version, id, title and its source credited."""

    schema_version: Literal[1]
    id: Identifier
    title: str = Field(min_length=1)
    source: str = Field(min_length=1)

    _id = field_validator("id")(_check_id)


class Recurrence(_Strict):
    """A meeting one team holds again and again, e.g. a quarterly casuïstiekbespreking.

    The file describes the meeting once; the program gets ``count`` numbered copies of it,
    ``every_weeks`` apart. So one training is one team's series (say a year of quarterly
    discussions) and the existing engine runs, dates and reports each discussion as a
    meeting: no second kind of training, and the Draaiboek, forms and results work as they do.
    """

    every_weeks: int = Field(ge=1, le=52, strict=True)
    count: int = Field(ge=2, le=24, strict=True)


class Program(_Document):
    """A training program: one or more meetings, with its source credited."""

    kind: Literal["program"]
    audience: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    minutes: int = Field(gt=0, strict=True)
    design_note: str | None = None
    #: How many times a year an organisation means to give this training (for the kartrekker).
    trainings_per_year: int | None = Field(default=None, ge=1, le=52, strict=True)
    #: Set for a recurring meeting type: ``meetings`` then holds the one meeting, repeated.
    recurrence: Recurrence | None = None
    #: The programme names regional roles (``<regio:KEY>``): the region file is printed with it.
    region: bool = False
    #: False for a public meeting: a visitor's phone joins without typing a name (it is
    #: registered as "bezoeker"), so 150 visitors need one step less and leave no name behind.
    ask_names: bool = True
    meetings: tuple[Meeting, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _repeat_the_recurring_meeting(cls, data: object) -> object:
        """Expand the one meeting of a recurring program into its numbered series."""
        if not isinstance(data, dict) or not isinstance(data.get("recurrence"), dict):
            return data
        meetings, recurrence = data.get("meetings"), data["recurrence"]
        count, weeks = recurrence.get("count"), recurrence.get("every_weeks")
        if not (
            isinstance(meetings, list)
            and len(meetings) == 1
            and isinstance(meetings[0], dict)
            and isinstance(count, int)
            and 2 <= count <= 24
        ):
            return data  # the field validators below say what is wrong
        one = meetings[0]
        try:
            Meeting.model_validate(one)
        except ValidationError:
            return data  # reported once, at meetings[0], instead of once per copy
        series = [
            {
                **one,
                "number": n,
                "title": f"{one.get('title', '')} {n}",
                "weeks_after_previous": None if n == 1 else weeks,
            }
            for n in range(1, count + 1)
        ]
        return {**data, "meetings": series}

    @model_validator(mode="after")
    def _meetings_add_up(self) -> Program:
        total = sum(meeting.minutes for meeting in self.meetings)
        if total != self.minutes:
            raise ValueError(t("content.schema.bijeenkomsten_duren_samen_minuten", total=total, minutes=self.minutes))
        numbers = [meeting.number for meeting in self.meetings]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(t("content.schema.bijeenkomsten_moeten_genummerd_1"))
        return self

    def meeting(self, number: int) -> Meeting:
        """The meeting with this number (1-based); KeyError when there is none."""
        for meeting in self.meetings:
            if meeting.number == number:
                return meeting
        raise KeyError(number)


class ChecklistItem(_Strict):
    id: Identifier
    text: str = Field(min_length=1)
    #: When to do it, e.g. "3 weken vooraf" (free text for the trainer).
    when: str | None = None

    _id = field_validator("id")(_check_id)


class Checklist(_Strict):
    """The preparation checklist of a program, ticked off by the trainer."""

    schema_version: Literal[1]
    kind: Literal["checklist"]
    program: Identifier
    title: str = Field(min_length=1)
    source: str = Field(min_length=1)
    items: tuple[ChecklistItem, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_items(self) -> Checklist:
        _require_unique([item.id for item in self.items], "item-id")
        return self


#: The five steps of the mySupport conversation card (gesprekskaartje), in order.
CONVERSATION_STEPS = (
    "Introductie",
    "Benoem het doel",
    "Verken wat naasten al weten",
    "Bespreek wat naasten nog willen weten en geef informatie",
    "Afronding",
)


class Person(_Strict):
    """The resident or client a case is about."""

    name: str = Field(min_length=1)
    age: int = Field(gt=0, lt=130, strict=True)
    situation: tuple[str, ...] = Field(min_length=1)


class SimulantBriefing(_Strict):
    """Everything the simulant (or the trainer playing the naaste) needs, and nothing more."""

    role: str = Field(min_length=1)  # e.g. "Anne, dochter van mevrouw De Vries"
    knows: tuple[str, ...] = Field(min_length=1)
    feels: tuple[str, ...] = Field(min_length=1)
    asks: tuple[str, ...] = Field(min_length=1)
    #: How to start: participants are new to this and nervous.
    start_mild: str = Field(min_length=1)
    #: The sharper variant for later turns ("moeilijker").
    harder: tuple[str, ...] = Field(min_length=1)


class CaseStep(_Strict):
    """One step of the conversation (mySupport) or of the Toolkit (ggz), applied to this case."""

    title: str = Field(min_length=1)
    guidance: str = Field(min_length=1)
    questions: tuple[str, ...] = ()


class Case(_Document):
    """A case scenario for role-play or case discussion."""

    kind: Literal["case"]
    program: Identifier
    fictional: bool
    summary: str = Field(min_length=1)  # a few sentences for the screen (plenary)
    person: Person
    participant_briefing: tuple[str, ...] = Field(min_length=1)
    simulant_briefing: SimulantBriefing | None = None
    learning_goals: tuple[str, ...] = Field(min_length=1)
    steps: tuple[CaseStep, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _mysupport_cases_follow_the_conversation_card(self) -> Case:
        if self.program == "mysupport":
            titles = tuple(step.title for step in self.steps)
            if titles != CONVERSATION_STEPS:
                raise ValueError(t("content.schema.mysupport_casus_volgt_vijf") + "; ".join(CONVERSATION_STEPS))
            if self.simulant_briefing is None:
                raise ValueError(t("content.schema.mysupport_casus_heeft_simulant"))
        return self


class CardStep(_Strict):
    """One step on a printed conversation card: what to do, and a few example sentences."""

    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    questions: tuple[str, ...] = Field(min_length=1)


class Card(_Document):
    """A pocket card participants keep at hand (mySupport's gesprekskaartje, printed A6)."""

    kind: Literal["card"]
    program: Identifier
    intro: str = Field(min_length=1)
    steps: tuple[CardStep, ...] = Field(min_length=1)
    tips: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _mysupport_card_has_the_five_steps(self) -> Card:
        titles = tuple(step.title for step in self.steps)
        if self.program == "mysupport" and titles != CONVERSATION_STEPS:
            raise ValueError(t("content.schema.mysupport_gesprekskaartje_heeft_vijf") + "; ".join(CONVERSATION_STEPS))
        return self


class Deck(_Document):
    """The front matter of a slide deck; the slides are the Markdown below it (see content.deck)."""

    kind: Literal["deck"]
    program: Identifier
    meeting: int = Field(ge=1, strict=True)
    subtitle: str | None = None


ItemType = Literal["agreement", "scale10", "single", "multiple", "short_text", "long_text", "quiz", "tree"]

#: The labelled five-point agreement scale, from 1 to 5.
AGREEMENT_LABELS = ("helemaal oneens", "oneens", "neutraal", "eens", "helemaal eens")
#: Default maximum lengths of free text, in characters.
TEXT_LIMITS = {"short_text": 200, "long_text": 2000}


class FormItem(_Strict):
    """One question of a form."""

    id: Identifier
    type: ItemType
    text: str = Field(min_length=1)
    help: str | None = None
    required: bool = True
    options: tuple[str, ...] = ()  # for single and multiple choice
    max_length: int | None = Field(default=None, gt=0, le=10000, strict=True)  # text items
    low_label: str | None = None  # scale10: what 0 means
    high_label: str | None = None  # scale10: what 10 means
    #: quiz: the right option, and why; never sent to a phone or screen before the reveal.
    correct: str | None = None
    explanation: str | None = None
    #: tree: the id of the decision tree (a ``kind: tree`` file) walked for this item.
    tree: Identifier | None = None

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _fits_its_type(self) -> FormItem:
        _quiz_and_tree_fields(self)
        choice = self.type in ("single", "multiple", "quiz")
        if choice and len(self.options) < 2:
            raise ValueError(t("content.schema.vraag_type_heeft_minstens", type=self.type))
        if not choice and self.options:
            raise ValueError(t("content.schema.vraag_type_heeft_geen", type=self.type))
        if choice and len(set(self.options)) != len(self.options):
            raise ValueError("options mogen niet dubbel voorkomen")
        if self.max_length is not None and self.type not in TEXT_LIMITS:
            raise ValueError(t("content.schema.max_length_hoort_alleen"))
        return self

    @property
    def limit(self) -> int | None:
        """The maximum length of a text answer, in characters (None for other types)."""
        return self.max_length or TEXT_LIMITS.get(self.type)


class Form(_Document):
    """A questionnaire: pre-assignment, workplace assignment, reflection or evaluation."""

    kind: Literal["form"]
    program: Identifier
    purpose: Literal["voorbereiding", "werkplekopdracht", "reflectie", "evaluatie", "oefening"]
    intro: str = Field(min_length=1)
    #: Evaluations are anonymous unless the trainer chooses otherwise when opening them.
    anonymous_by_default: bool = False
    #: Phones show every option as a big, full-width button (visitors of a public meeting).
    large_targets: bool = False
    items: tuple[FormItem, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_items(self) -> Form:
        _require_unique([item.id for item in self.items], "vraag-id")
        return self

    def item(self, item_id: str) -> FormItem:
        """The item with this id; KeyError when there is none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def _quiz_and_tree_fields(item: FormItem) -> None:
    """A quiz item has a right answer among its options; a tree item names its tree."""
    if item.type == "quiz":
        if not item.correct:
            raise ValueError(t("content.schema.quizvraag_zonder_juist_antwoord"))
        if item.correct not in item.options:
            raise ValueError(t("content.schema.juiste_antwoord_staat_niet", correct=item.correct))
    elif item.correct is not None or item.explanation is not None:
        raise ValueError(t("content.schema.correct_explanation_horen_alleen"))
    if item.type == "tree" and not item.tree:
        raise ValueError(t("content.schema.vraag_type_tree_noemt"))
    if item.type != "tree" and item.tree is not None:
        raise ValueError(t("content.schema.tree_hoort_alleen_bij"))


# ---------------------------------------------------------------- zorgkaart: region and trees

#: The roles of a regional network that content refers to as ``<regio:KEY>``. A region
#: file names every one of them (another network replaces the file, not the programme).
REGION_ROLES = (
    "netwerk",
    "zorgkaart_adres",
    "ziekenhuis",
    "ziekenhuis_team",
    "ziekenhuis_mdo",
    "regionaal_mdo",
    "consultatieteam",
    "gespecialiseerd_verpleegkundige",
    "thuiszorg",
    "huisartsenpost",
    "behandelwensen_hulpmiddel",
    "behandelwensen_formulier",
)


class RegionRole(_Strict):
    """Who fills a role in this region: a name and, optionally, what they do and how to reach them."""

    name: str = Field(min_length=1)
    what: str | None = None
    contact: str | None = None


class Region(_Document):
    """The names of one regional palliative care network (hospital, teams, consultants)."""

    kind: Literal["region"]
    roles: dict[str, RegionRole]

    @model_validator(mode="after")
    def _every_role_named(self) -> Region:
        missing = [key for key in REGION_ROLES if key not in self.roles]
        if missing:
            raise ValueError("deze regio-rollen ontbreken: " + ", ".join(missing))
        unknown = sorted(set(self.roles) - set(REGION_ROLES))
        if unknown:
            raise ValueError(t("content.onbekende_regio_rol", role=unknown[0], roles=", ".join(REGION_ROLES)))
        return self


class TreeChoice(_Strict):
    """One answer to a question of a decision tree, and the node it leads to."""

    label: str = Field(min_length=1)
    next: Identifier


class TreeNode(_Strict):
    """A question with choices, or an end with advice (whom to involve)."""

    id: Identifier
    question: str | None = None
    help: str | None = None
    choices: tuple[TreeChoice, ...] = ()
    #: At an end: what to do and whom to involve.
    advice: str | None = None

    _id = field_validator("id")(_check_id)


# ---------------------------------------------------------------- the kartrekker's content
# Implementation conditions, cost formats and implementation plannings (branch kartrekker).
# ``programs`` lists the programmes a file is meant for (empty: every programme); it is not
# checked against the shipped programmes, so a file may name one that arrives later.


class Condition(_Strict):
    """One general implementation condition, scored "voldoet (nog) niet / gedeeltelijk / wel"."""

    id: Identifier
    group: str = Field(min_length=1)
    text: str = Field(min_length=1)

    _id = field_validator("id")(_check_id)


class DecisionTree(_Document):
    """A decision tree walked step by step; the structure is checked by :mod:`pztraining.domain.decision_tree`."""

    kind: Literal["tree"]
    program: Identifier
    intro: str = Field(min_length=1)
    start: Identifier
    nodes: tuple[TreeNode, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_nodes(self) -> DecisionTree:
        _require_unique([node.id for node in self.nodes], "knoop-id")
        return self

    def node(self, node_id: str) -> TreeNode:
        """The node with this id; KeyError when there is none."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)


class Conditions(_Document):
    """The implementation checklist; ``version`` goes up whenever a condition's text changes.

    Scorings are matched to conditions by id, so a changed text is reported, not lost.
    """

    kind: Literal["conditions"]
    version: int = Field(ge=1, strict=True)
    programs: tuple[Identifier, ...] = ()
    conditions: tuple[Condition, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_conditions(self) -> Conditions:
        _require_unique([c.id for c in self.conditions], "voorwaarde-id")
        return self


#: How a cost input is shown in a formula: "12 verzorgenden", "5 uur", "30 min", "€38".
COST_UNITS = ("aantal", "uur", "minuten", "weken", "euro")


#: Where a cost input's default comes from: the credited source ("bron"), this package's
#: proposal ("voorstel", shown with the proposal mark), or a figure only the organisation knows
#: ("organisatie": the default is 0 until it is filled in). A typed value that differs from the
#: default is the organisation's own figure, whatever the default's origin.
COST_ORIGINS = ("bron", "voorstel", "organisatie")


class CostInput(_Strict):
    """A number the kartrekker enters; ``maximum`` is where a value becomes absurd."""

    id: Identifier
    label: str = Field(min_length=1)
    unit: Literal["aantal", "uur", "minuten", "weken", "euro"]
    #: The word after a count in a formula ("verzorgenden"); only for unit "aantal".
    word: str | None = None
    default: float = Field(ge=0)
    maximum: float = Field(gt=0)
    origin: Literal["bron", "voorstel", "organisatie"]

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _default_not_absurd(self) -> CostInput:
        if self.default > self.maximum:
            raise ValueError(
                t("content.schema.standaardwaarde_groter_maximum", default=self.default, maximum=self.maximum)
            )
        return self


class CostLine(_Strict):
    """One line of the estimate: the product of its factors (minutes count as hours / 60)."""

    id: Identifier
    label: str = Field(min_length=1)
    factors: tuple[Identifier, ...] = Field(min_length=1)
    note: str | None = None

    _id = field_validator("id")(_check_id)


class CostFormat(_Document):
    """A cost estimate format from a source: inputs, lines, and the source's example total (euro)."""

    kind: Literal["costs"]
    programs: tuple[Identifier, ...] = ()
    example_total: int | None = Field(default=None, ge=0)
    #: How the source's example total (the project's guide amount) relates to this estimate.
    example_note: str | None = None
    #: The input that is the run of the project in weeks: totals per year follow from it.
    run_weeks: Identifier | None = None
    inputs: tuple[CostInput, ...] = Field(min_length=1)
    lines: tuple[CostLine, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _lines_use_inputs(self) -> CostFormat:
        _require_unique([i.id for i in self.inputs], "invoer-id")
        _require_unique([line.id for line in self.lines], "regel-id")
        known = {i.id for i in self.inputs}
        for line in self.lines:
            for factor in line.factors:
                if factor not in known:
                    raise ValueError(t("content.schema.regel_gebruikt_onbekende_invoer", id=line.id, factor=factor))
        if self.run_weeks is not None and (self.run_weeks not in known or self.input(self.run_weeks).unit != "weken"):
            raise ValueError(t("content.schema.looptijd_geen_weken", id=self.run_weeks))
        return self

    def input(self, input_id: str) -> CostInput:
        """The input with this id; KeyError when there is none."""
        for item in self.inputs:
            if item.id == input_id:
                return item
        raise KeyError(input_id)


class PlanActivity(_Strict):
    """An activity in the months (1 = the chosen start month) the source plans it."""

    id: Identifier
    text: str = Field(min_length=1)
    phase: str | None = None
    months: tuple[int, ...] = Field(min_length=1)
    #: Trainings are expected in these months: none stored there once they are past is overdue.
    trainings: bool = False

    _id = field_validator("id")(_check_id)


class Planning(_Document):
    """An implementation planning, month by month, and how the kartrekker evaluates (borging)."""

    kind: Literal["planning"]
    programs: tuple[Identifier, ...] = ()
    months: int = Field(gt=0, le=60, strict=True)
    #: The source's target of trainings a year (None: the source sets none).
    trainings_per_year: int | None = Field(default=None, ge=1)
    evaluate: Literal["halfjaar", "jaar"] = "halfjaar"
    activities: tuple[PlanActivity, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _months_inside(self) -> Planning:
        _require_unique([a.id for a in self.activities], "activiteit-id")
        for activity in self.activities:
            outside = [m for m in activity.months if not 1 <= m <= self.months]
            if outside:
                raise ValueError(f"activiteit '{activity.id}' valt buiten de looptijd (maand {outside[0]})")
        return self


class IndicatorUnit(_Strict):
    """A unit an entered figure may be given in, and the largest plausible value in it."""

    unit: str = Field(min_length=1, max_length=40)
    maximum: float = Field(gt=0)


class EnteredIndicator(_Strict):
    """An indicator the forms cannot measure, so the kartrekker types it in per period."""

    id: Identifier
    label: str = Field(min_length=1)
    #: The programmes whose borging asks for it (empty: every programme).
    programs: tuple[Identifier, ...] = ()
    units: tuple[IndicatorUnit, ...] = Field(min_length=1)
    #: How to count it (shown under the form); the package's proposals carry the mark.
    how: str | None = None

    _id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _unique_units(self) -> EnteredIndicator:
        _require_unique([u.unit for u in self.units], "eenheid")
        return self


class Indicators(_Document):
    """The indicators a kartrekker enters by hand, per programme, with their units."""

    kind: Literal["indicators"]
    indicators: tuple[EnteredIndicator, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_indicators(self) -> Indicators:
        _require_unique([i.id for i in self.indicators], "indicator-id")
        return self


MODELS: dict[str, type[_Strict]] = {
    "program": Program,
    "checklist": Checklist,
    "case": Case,
    "form": Form,
    "card": Card,
    "deck": Deck,
    "region": Region,
    "tree": DecisionTree,
    "conditions": Conditions,
    "costs": CostFormat,
    "planning": Planning,
    "indicators": Indicators,
}
