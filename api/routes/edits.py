"""Catalogue edits: create, update and delete courses and programmes.

Only clients whose role may edit (:data:`articulation.storage.roles.ROLES`), of the institution
concerned, may edit. Updates and deletes must send ``If-Match`` with the entity's ETag; every
change is audited.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Request, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from api.deps import ClientDep, EngineDep, SnapshotDep, SnapshotsDep
from api.errors import ApiError, responses
from api.routes.catalogue import CodePath, etag
from api.schemas import MAX_VERSION, CourseDocument
from articulation.curriculum.edits import EditAction
from articulation.curriculum.model import Bachelor, Course, Master, Minor
from articulation.curriculum.patch import course_document
from articulation.curriculum.yamlfile import split_path
from articulation.storage.audit import Actor
from articulation.storage.edits import (
    AlreadyExists,
    Edit,
    EditResult,
    Forbidden,
    InvalidCatalogue,
    InvalidPatch,
    NotFound,
    PreconditionFailed,
    apply_edit,
)
from articulation.storage.roles import role_of, roles_that
from articulation.storage.snapshot import Snapshot, Snapshots
from articulation.storage.tables import ApiClient

router = APIRouter(prefix="/v1", tags=["catalogue edits"])

ProgrammeBody = Annotated[Bachelor | Master | Minor, Body(discriminator="kind")]
IfMatch = Annotated[
    str | None,
    Header(max_length=200, description='The ETag from GET, e.g. "42" (required)'),
]
WRITE_ERRORS = (401, 403, 404, 409, 412, 413, 422, 428)


_ETAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)')


def expected_version(if_match: str | None) -> frozenset[int] | None:
    """The entity versions an update may be based on, from ``If-Match`` as RFC 9110 reads it:
    ``*`` (any current version: None) or a list of entity tags, any of which may match. Weak
    tags never match (strong comparison); a tag that is no version this API gives out, or a
    header that is not a list of tags, matches nothing (412). 428 when missing.

    >>> sorted(expected_version('"3", W/"4", "x", "9223372036854775808", "5"'))
    [3, 5]
    >>> expected_version("*") is None, expected_version('"01"')
    (True, frozenset())
    """
    if if_match is None or not if_match.strip():
        raise ApiError(
            428,
            ["header", "If-Match"],
            "send If-Match with the entity's ETag (from GET); updates without it are refused",
            "precondition_required",
        )
    if if_match.strip() == "*":
        return None
    versions: set[int] = set()
    position, text = 0, if_match.strip()
    while position < len(text):
        match = _ETAG.match(text, position)
        if match is None:
            return frozenset()  # not a list of entity tags: matches nothing
        weak, tag = match.group(1), match.group(2)
        if not weak and re.fullmatch(r"0|[1-9][0-9]{0,9}", tag) and int(tag) <= MAX_VERSION:
            versions.add(int(tag))
        position = match.end()
    return frozenset(versions)


def authorizer(client: ApiClient) -> Callable[[set[str]], None]:
    """Whether ``client`` may edit the catalogues of the institutions: its role may edit, and
    they are its own."""

    def authorize(institutions: set[str]) -> None:
        for institution in sorted(institutions):
            if not role_of(client.role).may_edit or client.institution != institution:
                raise Forbidden(institution)

    return authorize


def run(
    engine: Engine, snapshots: Snapshots, client: ApiClient, edit: Edit, where: list[str | int]
) -> EditResult:
    """Apply an edit; map each refusal to its status and the field it is about."""
    try:
        return apply_edit(engine, edit, Actor(client.name, client.id), base=snapshots.parts_at)
    except NotFound as exc:
        raise ApiError(404, ["path", "code"], str(exc), "not_found") from None
    except AlreadyExists as exc:
        raise ApiError(409, ["body", "code"], str(exc), "already_exists") from None
    except PreconditionFailed as exc:
        raise ApiError(
            412,
            ["header", "If-Match"],
            f"{exc.entity} {exc.code!r} has changed since that ETag; its ETag is now "
            f"{etag(exc.current)}: GET it again and redo the change",
            "precondition_failed",
            {"ETag": etag(exc.current)},
        ) from None
    except Forbidden as exc:
        raise forbidden(client, exc.institution) from None
    except InvalidPatch as exc:
        items = [(["body", *path], msg, "invalid") for path, msg in exc.problems]
        raise ApiError.many(422, items) from None
    except InvalidCatalogue as exc:
        own = f"{edit.entity} {edit.code}"
        items = []
        for problem in exc.problems:
            if problem.file == own:
                items.append((["body", *split_path(problem.path)], problem.message, "invalid"))
            else:
                text = f"{problem.file}: {problem.path}: " if problem.path else f"{problem.file}: "
                items.append((where, f"would make {text}{problem.message}", "invalid"))
        raise ApiError.many(422, items) from None


def forbidden(client: ApiClient, institution: str) -> ApiError:
    return ApiError(
        403,
        ["header", "Authorization"],
        f"client {client.name!r} ({client.role}, {client.institution}) may not edit the "
        f"catalogue of {institution}; roles that may: "
        f"{roles_that(lambda role: role.may_edit)}, of that institution",
        "forbidden",
    )


def precheck(client: ApiClient, *institutions: str | None) -> None:
    try:
        authorizer(client)({i for i in institutions if i})
    except Forbidden as exc:
        raise forbidden(client, exc.institution) from None


def _course(body: CourseDocument) -> tuple[str, Course]:
    return body.institution, Course.model_validate(body.model_dump(exclude={"institution"}))


def _same_code(path_code: str, body_code: str) -> None:
    if path_code != body_code:
        raise ApiError(
            422, ["body", "code"], f"must equal the code in the path ({path_code!r})", "mismatch"
        )


def _institution_of(snapshot: Snapshot, entity: str, code: str) -> str | None:
    catalogue = snapshot.catalogue
    if entity == "course":
        return catalogue.institution_of.get(code)
    programme = catalogue.programmes.get(code)
    return programme.institution if programme else None


@dataclass(frozen=True)
class Editor:
    """Who edits, and the database and catalogue the edit applies to."""

    client: ApiClient
    engine: Engine
    snapshots: Snapshots
    snapshot: Snapshot


def get_editor(
    client: ClientDep, engine: EngineDep, snapshots: SnapshotsDep, snapshot: SnapshotDep
) -> Editor:
    return Editor(client, engine, snapshots, snapshot)


EditorDep = Annotated[Editor, Depends(get_editor)]


def _create(editor: Editor, entity: str, code: str, value: object, institution: str) -> str:
    """Add a course or programme; its ETag."""
    precheck(editor.client, institution)
    edit = Edit(EditAction.CREATE, entity, code, value, authorize=authorizer(editor.client))
    return etag(run(editor.engine, editor.snapshots, editor.client, edit, ["body"]).version)


def _update(
    editor: Editor, entity: str, code: str, value: object, institution: str, if_match: str | None
) -> str:
    """Replace a course or programme; its new ETag."""
    precheck(editor.client, institution, _institution_of(editor.snapshot, entity, code))
    expected = expected_version(if_match)
    edit = Edit(EditAction.UPDATE, entity, code, value, expected, authorizer(editor.client))
    return etag(run(editor.engine, editor.snapshots, editor.client, edit, ["body"]).version)


def _patch(
    editor: Editor, entity: str, code: str, patch: dict[str, Any], if_match: str | None
) -> tuple[str, dict[str, Any] | None]:
    """Merge a patch into a course or programme; its new ETag and document."""
    moved = patch.get("institution")  # a patch may move a course to another institution
    target = moved if isinstance(moved, str) else None
    precheck(editor.client, _institution_of(editor.snapshot, entity, code), target)
    expected = expected_version(if_match)
    edit = Edit(
        EditAction.UPDATE, entity, code, None, expected, authorizer(editor.client), patch=patch
    )
    result = run(editor.engine, editor.snapshots, editor.client, edit, ["body"])
    return etag(result.version), result.after


#: The media type of a JSON Merge Patch (RFC 7396, section 5).
MERGE_PATCH = "application/merge-patch+json"


def merge_patch_body(description: str) -> dict[str, Any]:
    """The OpenAPI request body of a PATCH route: a JSON Merge Patch of ``description``."""
    schema = {"type": "object", "additionalProperties": True, "description": description}
    return {"requestBody": {"required": True, "content": {MERGE_PATCH: {"schema": schema}}}}


async def read_patch(request: Request) -> dict[str, Any]:
    """The body of a PATCH: a JSON object sent as ``application/merge-patch+json`` (415 for
    another media type, 422 for a body that is no JSON object)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != MERGE_PATCH:
        raise ApiError(
            415,
            ["header", "Content-Type"],
            f"send the changed fields as {MERGE_PATCH} (a JSON Merge Patch, RFC 7396); got "
            f"{media_type or 'no Content-Type'!r}",
            "unsupported_media_type",
            {"Accept-Patch": MERGE_PATCH},  # RFC 5789, section 2.2
        )
    try:
        patch = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as exc:
        msg = f"the body is not valid JSON: {type(exc).__name__}"
        raise ApiError(422, ["body"], msg, "json_invalid") from None
    if not isinstance(patch, dict):
        msg = f"a merge patch is a JSON object of the fields to change (got {type(patch).__name__})"
        raise ApiError(422, ["body"], msg, "invalid")
    return patch


def _delete(editor: Editor, entity: str, code: str, if_match: str | None) -> Response:
    """Remove a course or programme."""
    precheck(editor.client, _institution_of(editor.snapshot, entity, code))
    expected = expected_version(if_match)
    edit = Edit(EditAction.DELETE, entity, code, None, expected, authorizer(editor.client))
    run(editor.engine, editor.snapshots, editor.client, edit, ["path", "code"])
    return Response(status_code=204)


# --- courses ------------------------------------------------------------------------------------


@router.post(
    "/courses", status_code=201, response_model=CourseDocument, responses=responses(*WRITE_ERRORS)
)
def create_course(body: CourseDocument, editor: EditorDep, response: Response) -> CourseDocument:
    """Add a course to its institution's catalogue."""
    response.headers["ETag"] = _create(editor, "course", body.code, _course(body), body.institution)
    response.headers["Location"] = f"/v1/courses/{body.code}"
    return body


@router.put("/courses/{code}", response_model=CourseDocument, responses=responses(*WRITE_ERRORS))
def update_course(
    code: CodePath,
    body: CourseDocument,
    editor: EditorDep,
    response: Response,
    if_match: IfMatch = None,
) -> CourseDocument:
    """Replace a course; send its ETag in If-Match."""
    _same_code(code, body.code)
    value = _course(body)
    response.headers["ETag"] = _update(editor, "course", code, value, body.institution, if_match)
    return CourseDocument.model_validate(course_document(*value))


@router.patch(
    "/courses/{code}",
    response_model=CourseDocument,
    responses=responses(*WRITE_ERRORS, 415),
    openapi_extra=merge_patch_body(
        "The fields of the course (CourseDocument) to change; null removes one (its default "
        'applies), an object (teaches) merges key by key: {"ects": 6}'
    ),
)
async def patch_course(
    code: CodePath,
    request: Request,
    editor: EditorDep,
    response: Response,
    if_match: IfMatch = None,
) -> dict[str, Any] | None:
    """Change some fields of a course: a JSON Merge Patch (RFC 7396) sent as
    ``application/merge-patch+json``; the fields it does not name keep their value. Send the
    course's ETag in If-Match; the result is validated and audited as a PUT is."""
    patch = await read_patch(request)
    tag, after = await run_in_threadpool(_patch, editor, "course", code, patch, if_match)
    response.headers["ETag"] = tag
    return after


@router.delete("/courses/{code}", status_code=204, responses=responses(*WRITE_ERRORS))
def delete_course(code: CodePath, editor: EditorDep, if_match: IfMatch = None) -> Response:
    """Remove a course; refused (422) while a programme or prerequisite still names it."""
    return _delete(editor, "course", code, if_match)


# --- programmes ---------------------------------------------------------------------------------


@router.post(
    "/programmes",
    status_code=201,
    response_model=Bachelor | Master | Minor,
    responses=responses(*WRITE_ERRORS),
)
def create_programme(
    body: ProgrammeBody, editor: EditorDep, response: Response
) -> Bachelor | Master | Minor:
    """Add a bachelor, master or minor."""
    response.headers["ETag"] = _create(editor, "programme", body.code, body, body.institution)
    response.headers["Location"] = f"/v1/programmes/{body.code}"
    return body


@router.put(
    "/programmes/{code}",
    response_model=Bachelor | Master | Minor,
    responses=responses(*WRITE_ERRORS),
)
def update_programme(
    code: CodePath,
    body: ProgrammeBody,
    editor: EditorDep,
    response: Response,
    if_match: IfMatch = None,
) -> Bachelor | Master | Minor:
    """Replace a programme; send its ETag in If-Match."""
    _same_code(code, body.code)
    response.headers["ETag"] = _update(editor, "programme", code, body, body.institution, if_match)
    return body


@router.patch(
    "/programmes/{code}",
    response_model=Bachelor | Master | Minor,
    responses=responses(*WRITE_ERRORS, 415),
    openapi_extra=merge_patch_body(
        "The fields of the programme (bachelor, master or minor) to change; null removes one, "
        'an object (premaster) merges key by key, a list (requires) replaces: {"ects": 90}'
    ),
)
async def patch_programme(
    code: CodePath,
    request: Request,
    editor: EditorDep,
    response: Response,
    if_match: IfMatch = None,
) -> dict[str, Any] | None:
    """Change some fields of a programme: a JSON Merge Patch (RFC 7396) sent as
    ``application/merge-patch+json``; the fields it does not name keep their value. Send the
    programme's ETag in If-Match; the result is validated and audited as a PUT is."""
    patch = await read_patch(request)
    tag, after = await run_in_threadpool(_patch, editor, "programme", code, patch, if_match)
    response.headers["ETag"] = tag
    return after


@router.delete("/programmes/{code}", status_code=204, responses=responses(*WRITE_ERRORS))
def delete_programme(code: CodePath, editor: EditorDep, if_match: IfMatch = None) -> Response:
    """Remove a programme; refused (422) while a master's direct admission names it."""
    return _delete(editor, "programme", code, if_match)
