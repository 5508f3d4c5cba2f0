"""Read the catalogue in the shape of the Open Education API (OOAPI) v6, from the same snapshot
as the other routes (see articulation.interop.ooapi): the service, organisations, academic
sessions, courses and their offerings, programmes and their courses, learning outcomes.

Each list takes the filters the spec defines for it (and pageSize/pageNumber as the spec allows);
any other query parameter is answered 400. Errors on these routes are RFC 9457
``application/problem+json`` (see :func:`api.errors.install`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from api.deps import SettingsDep, SnapshotDep
from api.errors import ApiError, problem_responses
from articulation.interop.ooapi import (
    EXPANDS,
    FILTERS,
    ID_FIELD,
    LANGUAGE_TAG,
    MAX_FILTER,
    MAX_PAGE,
    PAGE_SIZES,
    QueryError,
    ooapi_files,
    ooapi_item,
    ooapi_list,
    service,
)
from articulation.support.suggest import unknown

PREFIX = "/ooapi/v6"
router = APIRouter(prefix=PREFIX, tags=["ooapi"])

Ident = Annotated[
    str,
    Path(
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@\-]*$",
        description="The OOAPI id (a UUID) or, as an extension, the primary code",
    ),
]
_ERRORS = problem_responses(400, 404)


def _params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    return params


def _bad(exc: QueryError) -> ApiError:
    return ApiError(400, ["query", exc.parameter], str(exc), "invalid_parameter")


def _list(request: Request, snapshot: Any, kind: str, parent: str | None = None) -> dict:
    try:
        return ooapi_list(snapshot.catalogue, kind, _params(request), parent)
    except QueryError as exc:
        raise _bad(exc) from None


def _get(params: dict[str, list[str]], snapshot: Any, kind: str, ident: str) -> dict[str, Any]:
    try:
        item = ooapi_item(snapshot.catalogue, kind, ident, params)
    except QueryError as exc:
        raise _bad(exc) from None
    if item is None:
        known = [
            i["primaryCode"]["code"] for i in ooapi_files(snapshot.catalogue)[FILE[kind]]["items"]
        ]
        raise ApiError(
            404, ["path", ID_FIELD[kind]], unknown(_NAMES[kind], ident, known), "not_found"
        )
    return item


_NAMES = {
    "courses": "course",
    "programmes": "programme",
    "learning-outcomes": "learning outcome",
    "organisations": "organisation",
    "academic-sessions": "academic session",
}
FILE = {kind: f"{kind}.json" for kind in _NAMES}


def _doc(kind: str) -> dict[str, Any]:
    """The description and the documented query parameters of a list (checked by the route
    itself, so that any other parameter is answered 400)."""
    parameters: list[dict[str, Any]] = [
        _query("pageSize", {"type": "integer", "enum": list(PAGE_SIZES), "default": 10}),
        _query("pageNumber", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    ]
    for name in FILTERS[kind]:
        schema: dict[str, Any] = {"type": "string", "maxLength": MAX_FILTER}
        if name == "teachingLanguage":
            schema["pattern"] = LANGUAGE_TAG.pattern
        elif name == "resultExpected":
            schema = {"type": "boolean"}
        parameters.append(_query(name, schema))
    return {
        "description": "Filters: " + ", ".join(("pageSize", "pageNumber", *FILTERS[kind])) + ".",
        "openapi_extra": {"parameters": parameters},
    }


def _item_doc(kind: str) -> dict[str, Any]:
    """The documented query parameters of a single item: ``expand`` as the spec lists it."""
    expand = {"type": "array", "items": {"type": "string", "enum": list(EXPANDS[kind])}}
    parameters = [_query("expand", expand)]
    if kind in ("courses", "programmes"):
        parameters.append(_query("returnTimelineOverrides", {"type": "boolean"}))
    return {"openapi_extra": {"parameters": parameters}}


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


@router.get("/", response_model=None, responses=_ERRORS)
def ooapi_service(request: Request, settings: SettingsDep) -> dict[str, Any]:
    """The OOAPI service metadata: the specification followed, the operations and expansions."""
    _no_params(request)
    return service(settings.ooapi_contact_email)


def _no_params(request: Request) -> None:
    for name in request.query_params:
        raise ApiError(
            400, ["query", name], f"unknown query parameter {name[:60]!r}", "invalid_parameter"
        )


@router.get("/courses", response_model=None, responses=_ERRORS, **_doc("courses"))
def courses(request: Request, snapshot: SnapshotDep) -> dict[str, Any]:
    """One page of OOAPI v6 courses."""
    return _list(request, snapshot, "courses")


@router.get("/programmes", response_model=None, responses=_ERRORS, **_doc("programmes"))
def programmes(request: Request, snapshot: SnapshotDep) -> dict[str, Any]:
    """One page of OOAPI v6 programmes (bachelors, masters, minors)."""
    return _list(request, snapshot, "programmes")


@router.get(
    "/learning-outcomes",
    response_model=None,
    responses=_ERRORS,
    **_doc("learning-outcomes"),
)
def learning_outcomes(request: Request, snapshot: SnapshotDep) -> dict[str, Any]:
    """One page of OOAPI v6 learning outcomes (one per outcome of the vocabulary)."""
    return _list(request, snapshot, "learning-outcomes")


@router.get("/organisations", response_model=None, responses=_ERRORS, **_doc("organisations"))
def organisations(request: Request, snapshot: SnapshotDep) -> dict[str, Any]:
    """One page of OOAPI v6 organisations: one root organisation per institution."""
    return _list(request, snapshot, "organisations")


@router.get(
    "/academic-sessions",
    response_model=None,
    responses=_ERRORS,
    **_doc("academic-sessions"),
)
def academic_sessions(request: Request, snapshot: SnapshotDep) -> dict[str, Any]:
    """One page of OOAPI v6 academic sessions: each institution's calendar as an academic year
    and its periods."""
    return _list(request, snapshot, "academic-sessions")


@router.get(
    "/programmes/{programmeId}/courses",
    response_model=None,
    responses=_ERRORS,
    **_doc("programme-courses"),
)
def programme_courses(request: Request, snapshot: SnapshotDep, programmeId: Ident) -> dict:
    """One page of the courses of a programme (a bachelor's or minor's own courses)."""
    programme = _get({}, snapshot, "programmes", programmeId)
    return _list(request, snapshot, "programme-courses", programme["programmeId"])


@router.get(
    "/courses/{courseId}/course-offerings",
    response_model=None,
    responses=_ERRORS,
    **_doc("course-offerings"),
)
def course_offerings(request: Request, snapshot: SnapshotDep, courseId: Ident) -> dict:
    """One page of the offerings of a course: one per period it is offered in."""
    course = _get({}, snapshot, "courses", courseId)
    return _list(request, snapshot, "course-offerings", course["courseId"])


@router.get("/courses/{courseId}", response_model=None, responses=_ERRORS, **_item_doc("courses"))
def course(request: Request, snapshot: SnapshotDep, courseId: Ident) -> dict[str, Any]:
    """One OOAPI v6 course; expand: programmes, coordinators, instructors, organisation."""
    return _get(_params(request), snapshot, "courses", courseId)


@router.get(
    "/programmes/{programmeId}", response_model=None, responses=_ERRORS, **_item_doc("programmes")
)
def programme(request: Request, snapshot: SnapshotDep, programmeId: Ident) -> dict[str, Any]:
    """One OOAPI v6 programme; expand: parent, children, coordinators, instructors,
    organisation."""
    return _get(_params(request), snapshot, "programmes", programmeId)


@router.get(
    "/learning-outcomes/{learningOutcomeId}",
    response_model=None,
    responses=_ERRORS,
    **_item_doc("learning-outcomes"),
)
def learning_outcome(
    request: Request,
    snapshot: SnapshotDep,
    learningOutcomeId: Ident,
) -> dict[str, Any]:
    """One OOAPI v6 learning outcome; expand: organisation, parents, children."""
    return _get(_params(request), snapshot, "learning-outcomes", learningOutcomeId)


@router.get(
    "/organisations/{organisationId}",
    response_model=None,
    responses=_ERRORS,
    **_item_doc("organisations"),
)
def organisation(
    request: Request,
    snapshot: SnapshotDep,
    organisationId: Ident,
) -> dict[str, Any]:
    """One OOAPI v6 organisation; expand: parent, children."""
    return _get(_params(request), snapshot, "organisations", organisationId)


@router.get(
    "/academic-sessions/{academicSessionId}",
    response_model=None,
    responses=_ERRORS,
    **_item_doc("academic-sessions"),
)
def academic_session(
    request: Request,
    snapshot: SnapshotDep,
    academicSessionId: Ident,
) -> dict[str, Any]:
    """One OOAPI v6 academic session; expand: parent, children, year."""
    return _get(_params(request), snapshot, "academic-sessions", academicSessionId)
