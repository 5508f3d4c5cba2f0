"""Read the catalogue: outcomes, courses, programmes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from api.deps import PageLimit, PageOffset, SnapshotDep
from api.errors import responses
from api.schemas import (
    NO_CONTROL,
    CourseDocument,
    CoursePage,
    OutcomeList,
    OutcomeOut,
    ProgrammeList,
    ProgrammeSummary,
)
from api.services import unknown_code
from articulation.curriculum.model import (
    CODE,
    MAX_CODE,
    MAX_ID,
    OUTCOME_ID,
    Programme,
    is_illustrative,
)
from articulation.curriculum.patch import course_document

router = APIRouter(prefix="/v1", tags=["catalogue"])

CodePath = Annotated[
    str, Path(max_length=MAX_CODE, pattern=CODE, description="A course or programme code")
]


def etag(version: int | None) -> str:
    return f'"{version or 0}"'


@router.get("/outcomes", response_model=OutcomeList)
def list_outcomes(
    snapshot: SnapshotDep,
    area: Annotated[
        str | None, Query(max_length=MAX_ID, pattern=NO_CONTROL, description="Only this area")
    ] = None,
) -> OutcomeList:
    """The outcome vocabulary, by id."""
    items = [
        OutcomeOut(**o.model_dump())
        for o in snapshot.catalogue.outcomes.values()
        if area is None or o.area == area
    ]
    return OutcomeList(total=len(items), items=items)


@router.get("/outcomes/{outcome_id}", response_model=OutcomeOut, responses=responses(404))
def get_outcome(
    snapshot: SnapshotDep, outcome_id: Annotated[str, Path(max_length=MAX_ID, pattern=OUTCOME_ID)]
) -> OutcomeOut:
    outcome = snapshot.catalogue.outcomes.get(outcome_id)
    if outcome is None:
        outcomes = snapshot.catalogue.outcomes
        raise unknown_code("outcome", outcome_id, outcomes, ["path", "outcome_id"])
    return OutcomeOut(**outcome.model_dump())


@router.get("/courses", response_model=CoursePage)
def list_courses(
    snapshot: SnapshotDep,
    institution: Annotated[str | None, Query(max_length=20, pattern=NO_CONTROL)] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, pattern=NO_CONTROL, description="Text in the code or title"),
    ] = None,
    bridging: Annotated[bool | None, Query(description="Only bridging (or other) courses")] = None,
    outcome: Annotated[
        str | None, Query(max_length=MAX_ID, pattern=NO_CONTROL, description="Teaches this outcome")
    ] = None,
    limit: PageLimit = 100,
    offset: PageOffset = 0,
) -> CoursePage:
    """Courses by code, filtered by institution, text, bridging and taught outcome."""
    catalogue = snapshot.catalogue
    needle = q.casefold() if q else None
    found = []
    for code, course in catalogue.courses.items():
        inst = catalogue.institution_of[code]
        if institution is not None and inst.casefold() != institution.casefold():
            continue
        if needle and needle not in code.casefold() and needle not in course.title.casefold():
            continue
        if bridging is not None and course.bridging != bridging:
            continue
        if outcome is not None and outcome not in course.teaches:
            continue
        found.append(CourseDocument(institution=inst, **course.model_dump()))
    page = found[offset : offset + limit]
    return CoursePage(total=len(found), limit=limit, offset=offset, items=page)


@router.get("/courses/{code}", response_model=CourseDocument, responses=responses(404))
def get_course(snapshot: SnapshotDep, code: CodePath, response: Response) -> CourseDocument:
    """One course; its ETag is what an update must send in If-Match."""
    catalogue = snapshot.catalogue
    course = catalogue.courses.get(code)
    if course is None:
        raise unknown_code("course", code, catalogue.courses, ["path", "code"])
    response.headers["ETag"] = etag(snapshot.entity_version("course", code))
    return CourseDocument.model_validate(course_document(catalogue.institution_of[code], course))


@router.get("/programmes", response_model=ProgrammeList)
def list_programmes(
    snapshot: SnapshotDep,
    kind: Literal["bachelor", "master", "minor"] | None = None,
    institution: Annotated[str | None, Query(max_length=20, pattern=NO_CONTROL)] = None,
) -> ProgrammeList:
    """Programmes by code, filtered by kind and institution."""
    items = [
        ProgrammeSummary(
            code=p.code,
            name=p.name,
            kind=p.kind,
            institution=p.institution,
            ects=p.ects,
            illustrative=is_illustrative(p),
        )
        for p in snapshot.catalogue.programmes.values()
        if (kind is None or p.kind == kind)
        and (institution is None or p.institution.casefold() == institution.casefold())
    ]
    return ProgrammeList(total=len(items), items=items)


def warning_header(warnings: list[str]) -> str:
    """An HTTP ``Warning`` header (code 199, miscellaneous) of ``warnings``, in ASCII."""
    text = "; ".join(warnings).replace("\\", "\\\\").replace('"', "'")
    return '199 articulation "' + text.encode("ascii", "replace").decode() + '"'


@router.get("/programmes/{code}", response_model=Programme, responses=responses(404))
def get_programme(snapshot: SnapshotDep, code: CodePath, response: Response) -> Programme:
    """One programme with its courses and requirements, in the curricula file format."""
    programme = snapshot.catalogue.programmes.get(code)
    if programme is None:
        raise unknown_code("programme", code, snapshot.catalogue.programmes, ["path", "code"])
    response.headers["ETag"] = etag(snapshot.entity_version("programme", code))
    warnings = snapshot.warnings.get(("programme", code))
    if warnings:  # stored before today's bounds: shown repaired
        response.headers["Warning"] = warning_header(warnings)
    return programme
