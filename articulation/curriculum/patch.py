"""A change of a few fields of a course or programme: a JSON Merge Patch (RFC 7396).

Every surface that changes part of a course or programme — a what-if edit
(:mod:`articulation.answers.whatif`), ``PATCH /v1/courses/{code}`` and
``PATCH /v1/programmes/{code}`` (:mod:`articulation.storage.edits`) — applies the patch here, to
the entity's document (its file form, a course with its ``institution``): a field the patch does
not name keeps its value, ``null`` removes a field (its default applies, or it is missing), an
object merges member by member and anything else (a list, a number, a text) replaces the value.
The result is validated by the same models as the curricula files; a problem names the field
and the value.

The merge itself is RFC 7396's ``MergePatch`` (section 2), about ten lines: the one package on
PyPI for it (``json-merge-patch``) implements the obsoleted RFC 7386 and is little kept, so it
is written here and tested against the RFC's appendix A.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from articulation.curriculum.model import Course, CourseDocument, Programme

#: Programmes validated by their ``kind``, as the curricula files are.
_PROGRAMME: TypeAdapter[Any] = TypeAdapter(Programme)

Path = list[str | int]


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 ``MergePatch(Target, Patch)``: neither argument is changed.

    >>> merge_patch({"a": "b", "c": {"d": "e", "f": "g"}}, {"a": "z", "c": {"f": None}})
    {'a': 'z', 'c': {'d': 'e'}}
    >>> merge_patch({"a": [{"b": "c"}]}, {"a": [1]}), merge_patch({"a": "b"}, ["c"])
    ({'a': [1]}, ['c'])
    """
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


class PatchError(ValueError):
    """A patch whose result is no valid course or programme: per problem the field's path in
    the document and the message (with the value)."""

    def __init__(self, problems: list[tuple[Path, str]]):
        self.problems = problems
        said = (f"{'.'.join(map(str, path))}: {msg}" if path else msg for path, msg in problems)
        super().__init__("; ".join(said))


def course_document(institution: str, course: Course) -> dict[str, Any]:
    """A course in its file form, with its institution (the API's and the audit log's form)."""
    return {"institution": institution, **course.model_dump(mode="json", exclude_defaults=True)}


def programme_document(programme: Programme) -> dict[str, Any]:
    """A programme in its file form."""
    return programme.model_dump(mode="json", exclude_defaults=True)


def _object(patch: Any, entity: str) -> Mapping[str, Any]:
    if not isinstance(patch, Mapping):
        got = type(patch).__name__ if patch is not None else "null"
        raise PatchError([([], f"a patch of a {entity} is a JSON object (got {got})")])
    return patch


def _problems(error: ValidationError) -> list[tuple[Path, str]]:
    """Each problem of a validation with its field and, where it is one value, that value."""
    found: list[tuple[Path, str]] = []
    for item in error.errors():
        path: Path = [p if isinstance(p, int) else str(p) for p in item["loc"]]
        value = item.get("input")
        msg = str(item["msg"])
        if item["type"] != "missing" and not isinstance(value, Mapping | list):
            shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
            msg = f"{msg} (got {shown})"
        found.append((path, msg))
    return found


def patched_course(
    current: tuple[str, Course] | None, patch: Any, *, code: str | None = None
) -> tuple[str, Course]:
    """``(institution, course)`` after merging ``patch`` into ``current``'s document (None: a
    new course, whose patch is its whole document). :class:`PatchError` names each problem's
    field; a patch that changes the code (``code``: the one it must keep) is refused."""
    patch = _object(patch, "course")
    document = merge_patch(course_document(*current) if current else {}, patch)
    _same_code(document, code)
    try:
        valid = CourseDocument.model_validate(document)
    except ValidationError as exc:
        raise PatchError(_problems(exc)) from None
    return valid.institution, Course.model_validate(valid.model_dump(exclude={"institution"}))


def patched_programme(current: Programme | None, patch: Any, *, code: str | None = None) -> Any:
    """The programme after merging ``patch`` into ``current``'s document (None: a new
    programme); :class:`PatchError` names each problem's field."""
    patch = _object(patch, "programme")
    document = merge_patch(programme_document(current) if current else {}, patch)
    _same_code(document, code)
    try:
        return _PROGRAMME.validate_python(document)
    except ValidationError as exc:
        raise PatchError(_problems(exc)) from None


def _same_code(document: Mapping[str, Any], code: str | None) -> None:
    """A code in the result must be ``code`` (a missing one the model refuses)."""
    got = document.get("code")
    if code is not None and got is not None and got != code:
        raise PatchError([(["code"], f"must be {code!r}: a patch keeps the code (got {got!r})")])
