"""Request and response bodies of the HTTP API.

Catalogue entities use the curricula file format itself (:mod:`articulation.curriculum.model`);
answers of the engine use the JSON contracts of the command line, described here so that the OpenAPI
document is exact. Engine answers allow additional keys, so that a newer engine can add some.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from articulation.curriculum.edits import ACTIONS, WORDS
from articulation.curriculum.model import (
    CODE,
    MAX_CODE,
    ConditionId,
    CourseDocument,
    PrintedLine,
    TranscriptEntry,
)
from articulation.messages.status import VALUES
from articulation.storage.jobs import JOB_STATUSES

MAX_OFFSET = 1_000_000  # offset of a listed page
MAX_VERSION = 2**31 - 1  # versions (ETags) are 32-bit integers in the database
JOB_ID = r"^[A-Za-z0-9_-]+$"
NO_CONTROL = r"^[^\x00-\x1f\x7f-\x9f]*$"  # query texts: no control characters

CodeStr = Annotated[str, Field(pattern=CODE, max_length=MAX_CODE)]
TrackName = Annotated[str, Field(pattern=NO_CONTROL, min_length=1, max_length=200)]
SolveLimit = Annotated[
    float,
    Field(
        gt=0,
        description="Time limit of each solve, seconds (at most the server's "
        "ARTICULATION_MAX_TIME_LIMIT)",
    ),
]
RequestTimeLimit = Annotated[
    float,
    Field(
        gt=0,
        description="Time limit of the request, seconds: one deadline for all its solves (at "
        "most the server's ARTICULATION_MAX_TIME_LIMIT)",
    ),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- catalogue ----------------------------------------------------------------------------------


class Page(BaseModel):
    total: int = Field(description="Items matching the filters, before limit and offset")
    limit: int
    offset: int


class CoursePage(Page):
    items: list[CourseDocument]


class OutcomeOut(BaseModel):
    id: str
    title: str
    area: str
    parent: str | None = None


class OutcomeList(BaseModel):
    total: int
    items: list[OutcomeOut]


class ProgrammeSummary(BaseModel):
    code: str
    name: str
    kind: Literal["bachelor", "master", "minor"]
    institution: str
    ects: float
    illustrative: bool = Field(description="True when the programme's data is not sourced")


class ProgrammeList(BaseModel):
    total: int
    items: list[ProgrammeSummary]


# --- engine answers -----------------------------------------------------------------------------


class ChosenCourseOut(Open):
    code: str
    title: str
    ects: float
    covers: list[str]
    needed_for: list[str]


class ReasonOut(BaseModel):
    """One reason as a structured message: its id in the catalogue, its parameters (a nested
    message as ``{"id", "params"}``) and its text in the language asked."""

    id: str = Field(description="The message id, e.g. explain.total_over_cap")
    params: dict[str, Any]
    text: str = Field(description="In the language of ?lang= or Accept-Language (en, nl)")


class TailoredOut(BaseModel):
    status: str
    total_ects: float
    courses: list[str]


class FixedPackageOut(BaseModel):
    """A fixed pre-master package as a route: what of our encoding it leaves unmet and the
    smallest programme the engine finds instead (an alternative only where ``tailoring``)."""

    name: str
    tailoring: bool = Field(description="Whether the source allows a tailored programme")
    leaves_unmet: list[str]
    tailored: TailoredOut | None
    source: str | None


class ConditionOut(Open):
    """An admission condition no curriculum shows (e.g. VWO Mathematics B), with its source."""

    id: str
    text: str
    text_nl: str | None = None
    source: str | None = None


class MetConditionOut(ConditionOut):
    met: bool = Field(description="True when the student says they meet it (meets); else to check")


AdmissionKind = Literal["requirements", "policy", "assessment"]
ADMISSION_TEXT = (
    "direct only: admitted by the requirements (no gap), by the master's policy, or after the "
    "admission committee's individual assessment (null for other statuses)"
)
CONDITIONS_TEXT = (
    "The master's admission conditions that no curriculum shows and the bachelor's admission "
    "does not guarantee (all of them when the bachelor is not known)"
)


class GraduateOut(Open):
    """A pair's route for a graduate of the bachelor: direct or a pre-master only (the fields
    of a cell, without the pair's codes)."""

    status: str = Field(description=" | ".join(VALUES) + " (never electives or minor)")
    total_ects: float
    courses: list[ChosenCourseOut]
    optimal: bool
    unmet: list[str]
    reason: str
    cap: float
    over_cap_by: float | None = None
    track: str | None = None
    reasons: list[ReasonOut] = Field(default_factory=list)


class GradeOut(BaseModel):
    """Which parts of an answer rest on sourced data (``sourced`` | ``illustrative``; null: the
    part does not apply), and the compact grade: R (the master's requirements), B (the
    bachelor's side of the gap), P (the route, or the pool searched); a capital when sourced, a
    small letter when illustrative, ``–`` when not applicable."""

    requirements: str | None
    bachelor: str | None
    route: str | None
    grade: str = Field(description="e.g. RbP: R, B, P capital when sourced, small when not")


class CellOut(Open):
    """One (bachelor, master) pair, as one cell of ``articulation scan --json``: the route of a
    student still in the bachelor, and in ``graduate`` that of a graduate."""

    bachelor: str
    master: str
    status: str = Field(description=" | ".join(VALUES) + " (in this order of preference)")
    admission: AdmissionKind | None = Field(default=None, description=ADMISSION_TEXT)
    conditions: list[ConditionOut] = Field(default_factory=list, description=CONDITIONS_TEXT)
    total_ects: float
    courses: list[ChosenCourseOut]
    optimal: bool
    unmet: list[str]
    gap: list[str]
    reason: str
    why_not: list[str] = Field(default_factory=list)
    minor: str | None = None
    cap: float
    cap_status: Literal["sourced", "assumed"] = Field(
        description="Whether the master's pre-master cap is one a source gives or our assumption"
    )
    ceiling: float = Field(description="The largest pre-master allowed for this master (EC)")
    ceiling_status: Literal["sourced", "assumed"]
    over_cap_by: float | None = Field(
        default=None, description="over_cap: by how many EC the programme exceeds the cap"
    )
    bound_ects: float | None = None
    fixed_package: FixedPackageOut | None = Field(
        default=None,
        description="The fixed pre-master package a source prescribes for the bachelor, when "
        "the route is one",
    )
    illustrative: list[str]
    provenance: GradeOut | None = Field(default=None, description="The provenance grade")
    reasons: list[ReasonOut] = Field(
        default_factory=list,
        description="The answer explained, message by message (the verdict and its reason, the "
        "gap, why no earlier route, each course, the total and its proof)",
    )
    graduate: GraduateOut | None = Field(
        default=None,
        description="The route for a graduate of the bachelor (direct or a pre-master only); "
        "the cell's own is for a student still in the bachelor (electives and minors too)",
    )


class AlternativeOut(Open):
    total_ects: float
    optimal: bool
    courses: list[ChosenCourseOut]


class PathOut(CellOut):
    bachelor_name: str
    master_name: str
    explanation: list[str] = Field(description="The answer in sentences")
    alternatives: list[AlternativeOut] = Field(
        description="Next-best distinct programmes of the same route (electives or pre-master)"
    )


class PathRow(BaseModel):
    bachelor: str
    bachelor_name: str
    paths: list[CellOut] = Field(description="Every master, by status (direct first), then EC")


class PathColumn(BaseModel):
    master: str
    master_name: str
    sort: Literal["status", "name"]
    paths: list[CellOut] = Field(
        description="Every bachelor (its best track), by status then EC, or by bachelor name"
    )


# --- eligibility --------------------------------------------------------------------------------


def _entry_kind(value: Any) -> str:
    return "code" if isinstance(value, str) else "entry"


TranscriptItem = Annotated[
    Annotated[TranscriptEntry, Tag("entry")] | Annotated[PrintedLine, Tag("code")],
    Discriminator(_entry_kind),
]


class EligibilityRequest(Strict):
    """A student's transcript and, optionally, the masters to check (default: all)."""

    courses: Annotated[
        list[TranscriptItem],
        Field(
            description="The transcript: lines as printed (a code in any common form or a "
            "title, then EC and the grade or result, separated by spaces, tabs or semicolons: "
            '"XB_0114;Calculus 1;6;7,5", "Professional Development 0,5 V"), or {code, grade, '
            'ects} with a grade like 7.5 or "7,5" or a result in words ("V", "NV", "VR", '
            '"in progress"); read as the student page reads them (at most the server\'s '
            "ARTICULATION_MAX_TRANSCRIPT_ENTRIES)",
        ),
    ]
    bachelor: TrackName | None = Field(
        default=None,
        description="The student's bachelor (code or name, any case), for direct-admission "
        "policies",
    )
    masters: Annotated[list[CodeStr], Field(max_length=500)] | None = None
    studying: bool = Field(
        default=False,
        description="Still in the bachelor (needs `bachelor`): the transcript is the courses done "
        "so far, and every route of the bachelor's is open (electives, minors), as on the "
        "student page",
    )
    strict: bool = Field(default=False, description="Refuse unknown course codes (422)")
    meets: Annotated[list[ConditionId], Field(max_length=100)] = Field(
        default_factory=list,
        description="The admission conditions (ids, e.g. vwo-math-b) the student says they meet: "
        "shown as met in each result's conditions (an id no master defines: 422)",
    )
    time_limit: RequestTimeLimit | None = None


class BridgingOut(Open):
    status: str
    total_ects: float
    courses: list[ChosenCourseOut]
    optimal: bool
    unmet: list[str]
    reason: str
    cap: float
    bound_ects: float | None = None


class GpaCheck(BaseModel):
    required: float
    gpa: float | None = Field(description="The transcript's EC-weighted mean grade, if graded")
    met: bool | None = Field(description="None when the transcript has no grades")


class RequirementText(BaseModel):
    id: str = Field(description="The requirement, as in gap: cs.algorithms@apply")
    text: str = Field(description="In words, in the language of Accept-Language (en, nl)")


class Suggestion(BaseModel):
    code: str
    title: str


class EligibilityResult(Open):
    master: str
    name: str
    status: Literal[tuple(VALUES)]  # type: ignore[valid-type]  # the status table's values
    admission: AdmissionKind | None = Field(default=None, description=ADMISSION_TEXT)
    conditions: list[MetConditionOut] = Field(default_factory=list, description=CONDITIONS_TEXT)
    reason: str
    reasons: list[ReasonOut] = Field(default_factory=list, description="Why, as messages")
    gap: list[str]
    requirements: list[RequirementText] = Field(description="The gap in words, id by id")
    bridging: BridgingOut
    cap_status: Literal["sourced", "assumed"] = Field(
        description="Whether the master's pre-master cap is one a source gives or our assumption"
    )
    fixed_package: FixedPackageOut | None = None
    min_gpa: GpaCheck | None
    illustrative: list[str]
    provenance: GradeOut | None = Field(default=None, description="The provenance grade")


class TranscriptLineOut(BaseModel):
    index: int = Field(description="The entry's position in courses")
    input: str = Field(description="The course as given (the line without its result)")
    code: str
    grade: float | None
    mark: str | None = Field(description="The result in words as given (V, NV, VR, ...)")
    result: Literal["passed", "exempt", "failed", "in_progress"]
    reason: str = Field(description="What the result means, with the pass mark")


class EligibilityResponse(BaseModel):
    bachelor: str | None
    recognised: list[str] = Field(description="The courses passed (or exempted)")
    planned: list[str] = Field(description="Courses in progress: counted as planned")
    not_passed: list[str] = Field(description="Recognised courses not passed: they stay in the gap")
    transcript: list[TranscriptLineOut] = Field(description="Each recognised entry, as read")
    matched: dict[str, str] = Field(description="Each recognised input → its catalogue code")
    unrecognised: list[str] = Field(description="Transcript entries the catalogue does not know")
    suggestions: dict[str, list[Suggestion]] = Field(
        description="Each unrecognised input → the nearest courses (by code or title)"
    )
    gpa: float | None
    results: list[EligibilityResult]


# --- minor design -------------------------------------------------------------------------------


class MinorRequest(Strict):
    bachelor: CodeStr
    track: TrackName | None = Field(
        default=None, description="The bachelor's track (default: the courses all tracks share)"
    )
    masters: Annotated[list[CodeStr], Field(max_length=500)] | None = Field(
        default=None, description="Target masters (default: every master of another institution)"
    )
    budget: Annotated[float, Field(gt=0, le=180)] = 30.0
    time_limit: RequestTimeLimit | None = None


class MinorCourseOut(Open):
    code: str
    title: str
    ects: float
    masters: list[str]
    covers: list[str]
    needed_for: list[str]


class StillClosed(Open):
    master: str
    missing: list[str]


class MinorDesignOut(Open):
    bachelor: str
    budget: float
    masters: list[str]
    opened: list[str]
    opened_count: int
    already_open: list[str]
    newly_opened: list[str]
    total_ects: float
    courses: list[MinorCourseOut]
    still_closed: list[StillClosed]
    optimal: bool
    bound_opened: int | None = None


# --- the flagship question ----------------------------------------------------------------------


class FlagshipRequest(Strict):
    bachelor: CodeStr
    masters: Annotated[list[CodeStr], Field(min_length=1, max_length=500)] | None = Field(
        default=None, description="Target masters (default: the bundled flagship list)"
    )
    budget: Annotated[float, Field(gt=0, le=180)] | None = Field(
        default=None,
        description="The flexible space in EC, above 0 up to 180 (default: the bachelor's "
        "elective EC)",
    )
    window: bool = Field(
        default=True,
        description="Plan the packages in the minor semester (false: any period of the final year)",
    )
    time_limit: RequestTimeLimit | None = None


class FlagshipMaster(Open):
    master: str
    seamless: bool
    status: str
    package: dict[str, Any] | None
    beyond_budget_ects: float | None
    unmet: list[str]
    grade: dict[str, Any]
    reasons: list[dict[str, Any]]


class FlagshipPackage(Open):
    courses: list[str]
    total_ects: float
    opens: list[str]
    plan: dict[str, Any] | None


class FlagshipPoint(Open):
    budget: float
    window: bool
    seamless: int
    packages: int | None


class FlagshipOut(Open):
    bachelor: str
    budget: float
    window: bool
    masters: list[FlagshipMaster]
    packages: list[FlagshipPackage]
    curve: list[FlagshipPoint]
    optimal: bool
    masters_source: Literal["sourced", "illustrative"]


# --- scans --------------------------------------------------------------------------------------


class ScanRequest(Strict):
    bachelors: Annotated[list[CodeStr], Field(max_length=500)] | None = Field(
        default=None, description="Bachelors to scan (default: all)"
    )
    masters: Annotated[list[CodeStr], Field(max_length=500)] | None = Field(
        default=None, description="Masters to scan (default: all)"
    )
    solve_limit: SolveLimit | None = None


class Progress(BaseModel):
    done: int
    total: int
    retried: int = Field(
        default=0,
        description="Bachelor rows (or alternatives) computed again because the worker running "
        "them was lost (Dask); the report is the same",
    )


JobStatusValue = Literal[tuple(JOB_STATUSES)]  # type: ignore[valid-type]  # the table's values


class ScanJobOut(BaseModel):
    id: str
    status: JobStatusValue = Field(
        description="; ".join(f"{s.value}: {s.description}" for s in JOB_STATUSES.values())
    )
    progress: Progress
    catalogue_version: int
    parameters: dict[str, Any]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    counts: dict[str, int] | None = Field(description="Cells per status, once done")
    error: str | None
    reports: dict[str, str] = Field(description="Report URLs per format, once done")
    cells: str | None = Field(
        default=None, description="URL of the cells, once done (kept after the files expire)"
    )
    server: str | None = Field(
        default=None, description="The server process that runs (or ran) the job: host:pid"
    )


class ScanCells(BaseModel):
    cells: list[CellOut] = Field(description="One per (bachelor, master) pair, as report.json")


# --- audit and health ---------------------------------------------------------------------------


class AuditOut(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    code: str
    catalogue_version: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    warnings: list[str] = Field(
        default_factory=list,
        description="What was repaired to show a document stored before today's bounds",
    )


class AuditList(BaseModel):
    items: list[AuditOut]


class Health(BaseModel):
    status: Literal["ok"]
    database: str
    catalogue_version: int
    schema_revision: str | None


#: The words a what-if edit's action may be given as: the actions and their synonyms.
ActionWord = Literal[tuple(WORDS)]  # type: ignore[valid-type]


class WhatIfEdit(Strict):
    """One proposed edit: a course or programme to create (add), update (change) or delete
    (remove; with ``entity`` and ``code``, or with its document). An update is a JSON Merge
    Patch (RFC 7396) of the current document: ``{"code": "UT-202001184", "ects": 6}`` changes
    the EC and keeps every other field; ``null`` removes a field; an object (``teaches``)
    merges key by key, a list replaces. A create gives the whole document."""

    action: ActionWord = Field(
        description="; ".join(
            f"`{spec.action}` or `{spec.synonym}`: {spec.description}" for spec in ACTIONS.values()
        )
    )
    course: dict[str, Any] | None = Field(
        default=None,
        description="A course document (CourseDocument, with its institution) for a create; "
        "for an update, a JSON Merge Patch of it: the code and the fields to change",
    )
    programme: dict[str, Any] | None = Field(
        default=None,
        description="A programme document (bachelor, master or minor, by kind) for a create; "
        "for an update, a JSON Merge Patch of it: the code and the fields to change",
    )
    entity: Literal["course", "programme"] | None = Field(
        default=None, description="For a remove by code: what the code names"
    )
    code: CodeStr | None = Field(default=None, description="For a remove: the code")


class WhatIfRequest(Strict):
    """Proposed catalogue edits, applied in order to a copy of the current catalogue."""

    edits: Annotated[list[WhatIfEdit], Field(min_length=1, max_length=100)]
    time_limit: RequestTimeLimit | None = None


class WhatIfOut(Open):
    changed: list[dict[str, Any]] = Field(
        description="Cells whose status, EC, route, track or plan finish changed: bachelor, "
        "master, change, before, after ({status, total_ects, courses, track, finish, "
        "graduate}), causes (the catalogue changes that reached it) and reasons (why it "
        "changed, as messages {id, params, text}: the catalogue change with the fields it "
        "changed, the status, each requirement that became unmet or met, each course that "
        "entered or left the route and what it covered, EC, track, plan finish, admission)"
    )
    counts: dict[str, int] = Field(
        description="Changed cells per kind, e.g. 'premaster → electives'"
    )
    changes: list[str] = Field(description="The catalogue changes, e.g. 'course UT-X changed'")
    recomputed: int = Field(description="Cells computed again (the others cannot change)")
    cells: int = Field(description="Cells of the scan after the edits")
