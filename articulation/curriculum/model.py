"""The domain model and the curricula file format, as pydantic models.

The same models validate the YAML files (``extra="forbid"``), generate the JSON Schema
(``articulation schema``) and are what the engine computes over.

>>> Course(code="UT-1", title="Calculus A", ects=5, teaches={"math.calculus": "apply"}).teaches
{'math.calculus': 3}
"""

from __future__ import annotations

import datetime as dt
import re
from enum import IntEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    PlainValidator,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from articulation.curriculum.credits import EPSILON, is_half_multiple


class Level(IntEnum):
    """Bloom's taxonomy: a course teaching at level l satisfies a requirement at L when l >= L."""

    REMEMBER = 1
    UNDERSTAND = 2
    APPLY = 3
    ANALYSE = 4
    EVALUATE = 5
    CREATE = 6

    @property
    def label(self) -> str:
        return self.name.lower()


LEVEL_NAMES: dict[str, int] = {
    "remember": 1,
    "understand": 2,
    "apply": 3,
    "analyse": 4,
    "analyze": 4,
    "evaluate": 5,
    "create": 6,
    **{f"bloom_{i}": i for i in range(1, 7)},
}


def parse_level(value: Any) -> int:
    """Read a level written as 1..6, a Bloom name or ``bloom_1``..``bloom_6``.

    >>> parse_level("analyze"), parse_level(2), parse_level("bloom_6")
    (4, 2, 6)
    """
    if isinstance(value, bool):
        raise ValueError(f"level must be 1..6 or a Bloom name, got {value!r}")
    if isinstance(value, int):
        if 1 <= value <= 6:
            return value
        raise ValueError(f"level must be 1..6, got {value}")
    if isinstance(value, str):
        key = value.strip().lower()
        if key.isdigit() and 1 <= int(key) <= 6:
            return int(key)
        if key in LEVEL_NAMES:
            return LEVEL_NAMES[key]
    names = ", ".join(["remember", "understand", "apply", "analyse", "evaluate", "create"])
    raise ValueError(f"unknown level {value!r}; use 1..6, {names} or bloom_1..bloom_6")


_LABELS = ("", *(level.label for level in Level))


def level_label(level: int) -> str:
    """``3`` → ``'apply'``."""
    return _LABELS[level]


LevelValue = Annotated[
    int,
    BeforeValidator(parse_level),
    PlainSerializer(level_label, return_type=str),
    Field(json_schema_extra={"description": "1..6, remember..create, or bloom_1..bloom_6"}),
]

OUTCOME_ID = r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$"
CODE = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
INSTITUTION = r"^[A-Za-z][A-Za-z0-9]*$"
AREA = r"^[a-z][a-z0-9_-]*$"

# --- bounds of the format (the loader and the API validate with the same models) ---------------
MAX_CODE = 64  # course and programme codes: letters, digits, '_', '.', '-'; a letter or digit first
MAX_ID = 100  # outcome ids and area names
MAX_INSTITUTION = 20
MAX_LINE = 500  # titles, names and other one-line texts
MAX_TEXT = 5000  # notes and source URLs
MAX_COURSE_ECTS = 60.0
MAX_PROGRAMME_ECTS = 360.0  # programme size, elective space, pre-master caps, area minimums
MIN_GRADE, MAX_GRADE = 1.0, 10.0  # grades and grade averages (Dutch scale)
MAX_DEPTH = 16  # levels of any_of/at_least within one requirement (one of plain items is level 1)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LAYOUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _line(value: str) -> str:
    """A one-line text: no control characters.

    >>> _line("a\\x00b")
    Traceback (most recent call last):
    ValueError: control character U+0000 not allowed
    """
    found = _CONTROL.search(value)
    if found:
        raise ValueError(f"control character U+{ord(found.group()):04X} not allowed")
    return value


def _text(value: str) -> str:
    """A text that may span lines: tabs and line breaks, no other control characters."""
    found = _CONTROL_BUT_LAYOUT.search(value)
    if found:
        raise ValueError(f"control character U+{ord(found.group()):04X} not allowed")
    return value


_CONTROL_BUT_TAB = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def _printed(value: str) -> str:
    """A line as a transcript prints it: tabs between its fields, no other control characters.

    >>> _printed("XB_0114\\t7,5")
    'XB_0114\\t7,5'
    """
    found = _CONTROL_BUT_TAB.search(value)
    if found:
        raise ValueError(f"control character U+{ord(found.group()):04X} not allowed")
    return value


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


Line = Annotated[
    str,
    AfterValidator(_line),
    Field(max_length=MAX_LINE, json_schema_extra={"pattern": r"^[^\x00-\x1f\x7f-\x9f]*$"}),
]
Text = Annotated[
    str,
    AfterValidator(_text),
    Field(
        max_length=MAX_TEXT,
        json_schema_extra={"pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"},
    ),
]


def number(ge: float | None = None, gt: float | None = None, le: float | None = None) -> Any:
    """A finite number (booleans refused) within the given bounds."""
    return Annotated[
        float, Field(ge=ge, gt=gt, le=le, allow_inf_nan=False), BeforeValidator(_no_bool)
    ]


OutcomeId = Annotated[str, Field(pattern=OUTCOME_ID, max_length=MAX_ID)]
Code = Annotated[str, Field(pattern=CODE, max_length=MAX_CODE)]
Institution = Annotated[str, Field(pattern=INSTITUTION, max_length=MAX_INSTITUTION)]
Area = Annotated[str, Field(pattern=AREA, max_length=MAX_ID)]
Grade = number(ge=MIN_GRADE, le=MAX_GRADE)
ProgrammeEcts = number(gt=0, le=MAX_PROGRAMME_ECTS)
ElectiveEcts = number(ge=0, le=MAX_PROGRAMME_ECTS)
EntryEcts = number(gt=0, le=MAX_COURSE_ECTS)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


#: The date a page gives itself, or the academic year it describes: ``2017-18``,
#: ``2021/2022``, ``2015`` or ``2019-03-01``.
AS_OF = r"^\d{4}(?:[-/](?:\d{2}|\d{4}))?(?:-\d{2})?$"
AsOf = Annotated[str, Field(pattern=AS_OF, max_length=10)]


class Provenance(Strict):
    """Where a fact comes from. ``illustrative`` data is never presented as fact. ``as_of`` is
    the page's own date or academic year, where it gives one: an old source stays visible as
    old (``retrieved`` is when it was read)."""

    source: Text | None = None
    retrieved: dt.date | None = None
    status: Literal["sourced", "illustrative"] = "illustrative"
    note: Text | None = None
    as_of: AsOf | None = None


def is_illustrative(item: Any) -> bool:
    """Whether a course's or programme's data is illustrative: not marked ``sourced``
    (no provenance counts as illustrative)."""
    provenance = getattr(item, "provenance", None)
    return provenance is None or provenance.status != "sourced"


# --- prerequisites -----------------------------------------------------------------------------

_OUTCOME_AT = re.compile(r"^\s*([^@\s]+)\s*@\s*(\S+)\s*$")


class OutcomeAt(Strict):
    """An outcome at a minimum level: a requirement item ``{outcome, level}``, or a
    prerequisite written ``math.calculus@apply``."""

    outcome: OutcomeId
    level: LevelValue

    def __str__(self) -> str:
        return f"{self.outcome}@{level_label(self.level)}"


def parse_member(value: Any) -> str | OutcomeAt:
    """A prerequisite alternative: a course code, or ``outcome@level``."""
    if isinstance(value, OutcomeAt):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"a prerequisite is a course code or 'outcome@level', got {value!r}")
    match = _OUTCOME_AT.match(value)
    if match:
        return OutcomeAt(outcome=match.group(1), level=match.group(2))
    if not re.match(CODE, value) or len(value) > MAX_CODE:
        raise ValueError(f"not a course code or 'outcome@level': {value[: MAX_CODE + 1]!r}")
    return value


Member = Annotated[
    str | OutcomeAt,
    BeforeValidator(parse_member),
    PlainSerializer(str, return_type=str),
    Field(json_schema_extra={"description": "course code or outcome@level"}),
]
Group = Annotated[list[Member], Field(min_length=1)]


# --- outcomes and courses ----------------------------------------------------------------------


class Outcome(Strict):
    id: OutcomeId
    title: Line
    title_nl: Line | None = None  # the title in Dutch (texts fall back to ``title``)
    area: Area
    parent: OutcomeId | None = None

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (``nl`` or ``en``), English where no Dutch one is given."""
        return self.title_nl if lang == "nl" and self.title_nl else self.title


class OutcomesFile(Strict):
    """``outcomes.yaml``: the shared outcome vocabulary."""

    outcomes: list[Outcome]


def _half_ec(value: float) -> float:
    if not 0 < value <= MAX_COURSE_ECTS:
        raise ValueError(f"ects must be > 0 and <= 60, got {value}")
    if not is_half_multiple(value):
        raise ValueError(f"ects must be a multiple of 0.5, got {value}")
    return float(value)


ECTS = Annotated[
    float,
    Field(
        allow_inf_nan=False,
        json_schema_extra={"multipleOf": 0.5, "exclusiveMinimum": 0, "maximum": MAX_COURSE_ECTS},
    ),
    BeforeValidator(_no_bool),
]
Period = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=20)]
Language = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z_-]*$", max_length=20)]


class Course(Strict):
    code: Code
    title: Line
    title_nl: Line | None = None  # the Dutch title, where a source gives one (transcripts)
    ects: ECTS
    teaches: dict[OutcomeId, LevelValue] = Field(default_factory=dict)
    periods: list[Period] = Field(default_factory=list)
    language: Language | None = None
    area: Area | None = None
    # EC per credit area when the course counts toward several (they add up to ``ects``)
    areas: dict[Area, ECTS] | None = None
    prerequisites: list[Group] = Field(default_factory=list)
    bridging: bool = False
    # the module (a code) this course is a component of: not electable alone, only with all
    # its sibling components (the courses with the same ``part_of``), or as the module course
    # when the catalogue has one; a pre-master may still use a component on its own
    part_of: Code | None = None
    provenance: Provenance | None = None

    @field_validator("ects")
    @classmethod
    def _check_ects(cls, value: float) -> float:
        return _half_ec(value)

    @field_validator("areas")
    @classmethod
    def _check_areas(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is not None:
            if not value:
                raise ValueError("areas must name at least one area")
            for area, ects in value.items():
                if ects <= 0 or not is_half_multiple(ects):
                    raise ValueError(f"areas.{area}: EC must be > 0 and a multiple of 0.5")
        return value

    @model_validator(mode="after")
    def _areas_add_up(self) -> Course:
        if self.areas is not None:
            if self.area is not None:
                raise ValueError("give either 'area' or 'areas', not both")
            total = sum(self.areas.values())
            if abs(total - self.ects) > EPSILON:
                raise ValueError(
                    f"the EC of areas add up to {total:g}, not to the course's {self.ects:g} EC"
                )
        return self

    @field_validator("code", "part_of", mode="before")
    @classmethod
    def _code_str(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class CourseDocument(Course):
    """A course as in its institution's ``courses.yaml``, with that institution (the API's
    form of a course, and the document a merge patch of it changes)."""

    institution: Institution


# --- calendars ---------------------------------------------------------------------------------

PERIOD_NAME = r"^[A-Za-z][A-Za-z0-9]*$"
#: Weeks of one academic year on the timeline (week 0 is the start of September).
YEAR_WEEKS = 52


class PeriodSpec(Strict):
    """One teaching period of an institution's year: ``weeks`` of teaching from ``start_week``
    (weeks since the start of September); ``end_week`` when the period holds a break (default
    ``start_week + weeks``)."""

    name: Annotated[str, Field(pattern=PERIOD_NAME)]
    start_week: Annotated[int, Field(ge=0, lt=YEAR_WEEKS)]
    weeks: Annotated[int, Field(ge=1, le=YEAR_WEEKS)]
    end_week: Annotated[int, Field(ge=1, le=YEAR_WEEKS)] | None = None

    @property
    def end(self) -> int:
        return self.end_week if self.end_week is not None else self.start_week + self.weeks

    @model_validator(mode="after")
    def _check_weeks(self) -> PeriodSpec:
        if self.end < self.start_week + self.weeks:
            raise ValueError(
                f"period {self.name}: end_week {self.end} is before start_week + weeks "
                f"({self.start_week + self.weeks})"
            )
        if self.end > YEAR_WEEKS:
            raise ValueError(
                f"period {self.name} ends in week {self.end}, after the year's {YEAR_WEEKS}"
            )
        return self


#: The lowest passing grade on the Dutch 1–10 scale (a 5,5 passes, a 5,4 fails).
DUTCH_PASS_MARK = 5.5


class CalendarSpec(Strict):
    """An institution's academic year: its periods in order, none overlapping; and the lowest
    grade that passes a course there (``pass_mark``, on a transcript)."""

    periods: Annotated[list[PeriodSpec], Field(min_length=1)]
    pass_mark: Grade | None = None  # None: the Dutch pass mark, DUTCH_PASS_MARK

    @model_validator(mode="after")
    def _check_order(self) -> CalendarSpec:
        seen: set[str] = set()
        for before, period in zip([None, *self.periods], self.periods, strict=False):
            if period.name in seen:
                raise ValueError(f"period {period.name!r} is listed twice")
            seen.add(period.name)
            if before is not None and period.start_week < before.end:
                raise ValueError(
                    f"period {period.name} starts in week {period.start_week}, before "
                    f"{before.name} ends (week {before.end})"
                )
        return self


class CatalogueFile(Strict):
    """``<institution>/courses.yaml``: the course catalogue of one institution, optionally with
    its academic calendar (default: see :mod:`articulation.curriculum.calendar`)."""

    institution: Institution
    calendar: CalendarSpec | None = None
    courses: list[Course]


# --- requirements ------------------------------------------------------------------------------


class AreaRequirement(Strict):
    area: Area
    min_ects: ProgrammeEcts

    def __str__(self) -> str:
        return f">= {self.min_ects:g} EC {self.area}"


#: The keys under which a requirement item lists its members: ``any_of`` and ``at_least``'s ``of``.
_MEMBER_KEYS = ("any_of", "of")


def _members_of(item: Any) -> Any:
    """The members an item lists (raw data or a model), or None for a plain item."""
    for key in _MEMBER_KEYS:
        members = item.get(key) if isinstance(item, dict) else getattr(item, key, None)
        if isinstance(members, list | tuple):
            return members
    return None


def _nesting_depth(value: Any) -> int:
    """How many levels of ``any_of`` and ``at_least`` nest in ``value`` (raw data or models),
    counted without recursion so that no input depth can exhaust the stack."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        members = _members_of(item)
        if members is not None:
            deepest = max(deepest, depth + 1)
            if deepest > MAX_DEPTH:
                return deepest
            stack.extend((member, depth + 1) for member in members)
    return deepest


def _bounded(value: Any) -> Any:
    """Refuse nesting past :data:`MAX_DEPTH` before validating it: every reader of a
    requirement (reports, storage, exports) may then walk it recursively."""
    if _nesting_depth(value) > MAX_DEPTH:
        key = "at_least" if isinstance(value, dict) and "at_least" in value else "any_of"
        raise ValueError(f"{key} nests deeper than the limit of {MAX_DEPTH} levels")
    return value


class AnyOf(Strict):
    """One of the items (``any_of``): at least 1 of them."""

    any_of: Annotated[list[Requirement], Field(min_length=1)]

    @model_validator(mode="before")
    @classmethod
    def _bounded_depth(cls, value: Any) -> Any:
        return _bounded(value)

    @property
    def members(self) -> list[Requirement]:
        return self.any_of

    @property
    def needed(self) -> int:
        return 1

    def __str__(self) -> str:
        return "any of (" + " | ".join(str(item) for item in self.any_of) + ")"


def _count(value: Any) -> Any:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"at_least must be a whole number from 1, got {value!r}")
    return value


class AtLeast(Strict):
    """At least ``at_least`` of the items ``of`` (k of n, from 1 to the number of items): e.g. a
    master that asks for bachelor-level knowledge of three of six topics. ``at_least: 1`` is
    ``any_of``."""

    at_least: Annotated[int, Field(ge=1), BeforeValidator(_count)]
    of: Annotated[list[Requirement], Field(min_length=1)]

    @model_validator(mode="before")
    @classmethod
    def _bounded_depth(cls, value: Any) -> Any:
        return _bounded(value)

    @field_validator("of")
    @classmethod
    def _enough_items(cls, value: list[Any], info: ValidationInfo) -> list[Any]:
        needed = info.data.get("at_least")
        if needed is not None and needed > len(value):
            raise ValueError(
                f"at_least is {needed} but 'of' lists {len(value)} item(s); at_least must be "
                f"from 1 to {len(value)}"
            )
        return value

    @property
    def members(self) -> list[Requirement]:
        return self.of

    @property
    def needed(self) -> int:
        return self.at_least

    def __str__(self) -> str:
        return f"at least {self.at_least} of (" + " | ".join(str(item) for item in self.of) + ")"


def _requirement_kind(value: Any) -> str | None:
    keys = value if isinstance(value, dict) else vars(value) if isinstance(value, BaseModel) else {}
    for key, tag in (
        ("any_of", "any-of-item"),
        ("at_least", "at-least-item"),
        ("of", "at-least-item"),
        ("area", "area-item"),
        ("outcome", "outcome-item"),
    ):
        if key in keys:
            return tag
    return None


Requirement = Annotated[
    Annotated[OutcomeAt, Tag("outcome-item")]
    | Annotated[AreaRequirement, Tag("area-item")]
    | Annotated[AnyOf, Tag("any-of-item")]
    | Annotated[AtLeast, Tag("at-least-item")],
    Discriminator(
        _requirement_kind,
        custom_error_type="requirement_kind",
        custom_error_message=(
            "a requirement is {outcome, level}, {area, min_ects}, {any_of: [...]} or "
            "{at_least: K, of: [...]}"
        ),
    ),
]
AnyOf.model_rebuild()
AtLeast.model_rebuild()


#: Whether a cap or ceiling is one a source gives (``sourced``) or our assumption.
CapStatus = Literal["sourced", "assumed"]


class FixedPackage(Strict):
    """A pre-master package a source prescribes as a whole for some bachelors (``bachelors``;
    empty: every bachelor): the answer for them is the package, not the smallest programme.
    ``tailoring`` says whether the source allows a tailored programme instead."""

    name: Line
    courses: Annotated[list[Code], Field(min_length=1)]
    bachelors: list[Code] = Field(default_factory=list)
    tailoring: bool = False
    provenance: Provenance | None = None

    def applies_to(self, bachelor: str | None) -> bool:
        """Whether the package is prescribed for ``bachelor`` (a code; None: not known)."""
        return not self.bachelors or (bachelor is not None and bachelor in self.bachelors)


#: Rules on the size of a pre-master that a master's page states. Each names its text in the
#: message catalogues (``premaster_rule.<id>``, English and Dutch).
PremasterRuleId = Literal["gap_under_30"]


class PremasterRule(Strict):
    """A rule on the size of a master's pre-master, as the master's page states it."""

    id: PremasterRuleId
    source: Text


class Premaster(Strict):
    """A master's pre-master: its cap, where its courses come from, and the largest pre-master
    the university allows at all (``ceiling``: a programme over the cap but within it is shown
    as ``over_cap``, one a director could grant as an exception). Cap and ceiling each say
    whether a source gives them (``cap_status``, ``ceiling_status``; without one, a number is an
    assumption) and where (``cap_source``, ``ceiling_source``). ``fixed`` lists the packages
    a source prescribes for some bachelors."""

    max_ects: ProgrammeEcts = 30
    cap_status: CapStatus = "assumed"
    cap_source: Text | None = None
    catalogue: list[Institution] = Field(default_factory=list)
    # the courses this master's pre-master draws on (default: the bridging courses of catalogue)
    courses: list[Code] | None = None
    ceiling: ProgrammeEcts = 60
    ceiling_status: CapStatus = "assumed"
    ceiling_source: Text | None = None
    fixed: list[FixedPackage] = Field(default_factory=list)

    # courses a university bachelor's pre-master may draw on besides ``courses`` (a published
    # list is often the package for HBO graduates): the engine's bachelors are university
    # bachelors, so their pool is the union
    university_courses: list[Code] | None = None
    # the master's own rule on the size of its pre-master, quoted by an over-cap answer
    rule: PremasterRule | None = None

    def package_for(self, bachelor: str | None) -> FixedPackage | None:
        """The first fixed package prescribed for ``bachelor``, if any."""
        return next((p for p in self.fixed if p.applies_to(bachelor)), None)


# --- admission conditions --------------------------------------------------------------------

ConditionId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=MAX_ID)]


class Condition(Strict):
    """An admission condition of a master that no curriculum shows (e.g. VWO Mathematics B):
    every pair whose bachelor does not guarantee it carries it on its answer."""

    id: ConditionId
    text: Line
    text_nl: Line | None = None  # the text in Dutch (texts fall back to ``text``)
    provenance: Provenance | None = None

    def text_in(self, lang: str) -> str:
        """The text in ``lang`` (``nl`` or ``en``), English where no Dutch one is given."""
        return self.text_nl if lang == "nl" and self.text_nl else self.text

    @property
    def source(self) -> str | None:
        return self.provenance.source if self.provenance else None

    def answer_json(self) -> dict[str, Any]:
        """The condition as an answer carries it: ``{id, text, text_nl, source}``."""
        return {"id": self.id, "text": self.text, "text_nl": self.text_nl, "source": self.source}


class Assessment(Strict):
    """Bachelors a master admits directly only after its admission committee's individual
    assessment (direct admission by assessment, not a status of its own)."""

    bachelors: Annotated[list[Code], Field(min_length=1)]
    provenance: Provenance | None = None


class Guarantee(Strict):
    """A condition (a master's ``conditions`` id) that a bachelor's own admission guarantees."""

    condition: ConditionId
    provenance: Provenance | None = None


# --- programmes --------------------------------------------------------------------------------


class ProgrammeBase(Strict):
    code: Code
    name: Line
    institution: Institution
    ects: ProgrammeEcts
    provenance: Provenance | None = None


class Track(Strict):
    name: Line
    courses: list[Code]


class StudyWindow(Strict):
    """Where a bachelor's elective space (its minor) lies in time: periods (names or spans) of
    an institution's calendar in one year of the bachelor."""

    institution: Institution
    periods: Annotated[list[Period], Field(min_length=1)]
    year: Annotated[int, Field(ge=1, le=6)] = 3


class Bachelor(ProgrammeBase):
    kind: Literal["bachelor"]
    courses: list[Code] = Field(default_factory=list)
    electives: ElectiveEcts = 0
    # institutions whose courses may fill the elective space; default: the bachelor's own and
    # those of its mandatory courses
    elective_catalogue: list[Institution] | None = None
    tracks: list[Track] = Field(default_factory=list)
    # when the elective space is taken; default: the first semester of year 3 in the calendar of
    # the institution that teaches most of the mandatory courses
    minor_window: StudyWindow | None = None
    # the masters' admission conditions that the bachelor's own admission guarantees
    guarantees: list[Guarantee] = Field(default_factory=list)

    def courses_of(self, track: str | None) -> tuple[str, ...]:
        """The courses a graduate of ``track`` has passed: the common ones and the track's."""
        chosen = next((t for t in self.tracks if t.name == track), None) if track else None
        if track is not None and chosen is None:
            raise ValueError(f"{self.code} has no track {track!r}")
        return (*self.courses, *(chosen.courses if chosen else ()))

    @property
    def track_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tracks)


class TransferMinor(Strict):
    """A master's policy: students of ``bachelors`` reach it through the transfer minor
    ``minor`` taken in their minor space (a pre-master inside the bachelor)."""

    minor: Code
    bachelors: Annotated[list[Code], Field(min_length=1)]
    provenance: Provenance | None = None


class Master(ProgrammeBase):
    kind: Literal["master"]
    requires: list[Requirement] = Field(default_factory=list)
    premaster: Premaster = Field(default_factory=Premaster)
    direct_admission: list[Code] = Field(default_factory=list)
    # direct admission (by the requirements or by policy) after an individual assessment
    assessment: list[Assessment] = Field(default_factory=list)
    # conditions of admission the curriculum cannot show
    conditions: list[Condition] = Field(default_factory=list)
    transfer_minors: list[TransferMinor] = Field(default_factory=list)
    min_gpa: Grade | None = None
    language: Language | None = None

    @model_validator(mode="after")
    def _check_admission(self) -> Master:
        ids = [c.id for c in self.conditions]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"conditions: id {twice[0]!r} is listed twice")
        assessed = [code for a in self.assessment for code in a.bachelors]
        twice = sorted({c for c in assessed if assessed.count(c) > 1})
        if twice:
            raise ValueError(f"assessment: bachelor {twice[0]!r} is listed twice")
        both = sorted(set(assessed) & set(self.direct_admission))
        if both:
            raise ValueError(
                f"bachelor {both[0]!r} is in both direct_admission and assessment; a policy "
                "admits without assessment: keep one"
            )
        return self

    def assessment_of(self, bachelor: str | None) -> Assessment | None:
        """The assessment that direct admission of ``bachelor`` (a code) follows, if any."""
        return next((a for a in self.assessment if bachelor in a.bachelors), None)

    def open_conditions(self, bachelor: Bachelor | None) -> tuple[Condition, ...]:
        """The conditions that ``bachelor``'s admission does not guarantee (all of them
        without a bachelor: nothing is known of the student)."""
        guaranteed = {g.condition for g in bachelor.guarantees} if bachelor else set()
        return tuple(c for c in self.conditions if c.id not in guaranteed)


class Minor(ProgrammeBase):
    kind: Literal["minor"]
    courses: list[Code] = Field(default_factory=list)
    open_to: list[Institution] = Field(default_factory=list)
    entry: list[Requirement] = Field(default_factory=list)


Programme = Annotated[Bachelor | Master | Minor, Field(discriminator="kind")]


class ProgrammeFile(BaseModel):
    """One programme per file, discriminated by ``kind``."""

    programme: Programme


# --- transcripts -------------------------------------------------------------------------------


def decimal_comma(value: Any) -> Any:
    """A number written with a decimal comma (``"7,5"``) as a number; anything else unchanged.

    >>> decimal_comma("7,5"), decimal_comma("8"), decimal_comma(6)
    (7.5, 8.0, 6)
    """
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(?:[.,]\d+)?\s*", value):
        return float(value.strip().replace(",", "."))
    return value


#: a transcript's result: a grade (7.5 or "7,5") or in words as printed ("V", "NV", "VR")
def _entry_result(value: Any) -> float | str:
    """A transcript entry's result: a grade from 1 to 10 (a number, or a text with a decimal
    comma or point) or a result in words (read by :mod:`articulation.interop.transcript`).

    >>> _entry_result("7,5"), _entry_result(" V ")
    (7.5, 'V')
    >>> _entry_result(11.5)
    Traceback (most recent call last):
    ValueError: grade 11.5 is not between 1 and 10
    """
    value = decimal_comma(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not MIN_GRADE <= value <= MAX_GRADE:
            raise ValueError(f"grade {value} is not between 1 and 10")
        return float(value)
    if isinstance(value, str) and 0 < len(value.strip()) <= 20 and not _CONTROL.search(value):
        return value.strip()
    shown = str(value).lower() if isinstance(value, bool) else repr(value)
    raise ValueError(f"expected a grade from 1 to 10 or a result in words (V, NV, VR), got {shown}")


EntryGrade = Annotated[
    float | str,
    PlainValidator(_entry_result),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": MIN_GRADE, "maximum": MAX_GRADE},
                {"type": "string", "minLength": 1, "maxLength": 20},
            ]
        }
    ),
]
# a transcript names a course by its code in any common form, or by its title
CourseRef = Annotated[Line, Field(min_length=1)]
# a transcript line as printed: the course, then EC and grade or result, tab-separated or not
PrintedLine = Annotated[
    str,
    AfterValidator(_printed),
    Field(
        min_length=1,
        max_length=MAX_LINE,
        json_schema_extra={"pattern": r"^[^\x00-\x08\x0a-\x1f\x7f-\x9f]*$"},
    ),
]


class TranscriptEntry(Strict):
    code: CourseRef = Field(
        description="A course code in any common form (with or without the institution "
        "prefix, '_' or '-', any case) or a course title"
    )
    grade: EntryGrade | None = Field(
        default=None,
        description='A grade from 1 to 10 (7.5 or "7,5"; from the pass mark, 5.5, it passes) '
        "or the result in words: V/voldaan/P/pass (passed), VR/VRS/EX/vrijstelling (exempt), "
        "NV/NVD/niet voldaan/F/fail (not passed), bezig/in progress (counted as planned)",
    )
    ects: Annotated[EntryEcts, BeforeValidator(decimal_comma)] | None = None


class Transcript(Strict):
    """A student's passed courses, optionally with the bachelor they follow."""

    courses: list[TranscriptEntry]
    bachelor: Code | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_codes(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("courses"), list):
            data = dict(data)
            data["courses"] = [
                {"code": item} if isinstance(item, str) else item for item in data["courses"]
            ]
        return data
