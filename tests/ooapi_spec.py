"""Checks against the pinned OOAPI v6 specification (tests/fixtures/ooapi): the JSON Schema of
each operation's answer, the spec's *extensible enumerations* (a value outside the listed ones
must start with ``x-``) and its expansion rules (an expanded object only where the path's
``expand`` parameter lists it, and only when it was asked for)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC = Path(__file__).parent / "fixtures" / "ooapi" / "oeapi-v6.0.json"
COMMIT = "ca188b6738a8a2bbbb7077a82eff08eb5538bbc6"
#: the object schema of each kind of item
SCHEMAS = {
    "courses": "Course",
    "programmes": "Programme",
    "learning-outcomes": "LearningOutcome",
    "organisations": "Organisation",
    "academic-sessions": "AcademicSession",
    "course-offerings": "CourseOffering",
}
#: the single-item path of each kind
SINGLE = {
    "courses": "/courses/{courseId}",
    "programmes": "/programmes/{programmeId}",
    "learning-outcomes": "/learning-outcomes/{learningOutcomeId}",
    "organisations": "/organisations/{organisationId}",
    "academic-sessions": "/academic-sessions/{academicSessionId}",
}


@functools.cache
def spec() -> dict[str, Any]:
    data = json.loads(SPEC.read_text())
    assert data["info"]["version"] == "6.0"
    return data


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource("urn:oeapi", Resource.from_contents(spec(), DRAFT202012))


def _extensible(_validator: Any, values: list[str], instance: Any, _schema: Any) -> Iterator:
    if isinstance(instance, str) and instance not in values and not instance.startswith("x-"):
        yield ValidationError(
            f"{instance!r} is not one of the extensible enumeration's values {values} and does "
            "not start with 'x-'"
        )


#: Draft 2020-12 with the spec's ``x-ooapi-extensible-enum`` keyword enforced
Strict = validators.extend(Draft202012Validator, {"x-ooapi-extensible-enum": _extensible})


def _pointer(path: str, status: str = "200", media: str = "application/json") -> str:
    pointer = "/paths/" + path.replace("~", "~0").replace("/", "~1")
    return f"{pointer}/get/responses/{status}/content/{media.replace('/', '~1')}/schema"


def validator(path: str, *, strict: bool = True, status: str = "200") -> Draft202012Validator:
    """The validator of the answer of ``GET path`` (a path of the spec)."""
    media = "application/json" if status == "200" else "application/problem+json"
    kind = Strict if strict else Draft202012Validator
    schema = spec()["paths"][path]["get"]["responses"][status]
    if "$ref" in schema:  # a shared error response
        name = schema["$ref"].rsplit("/", 1)[1]
        ref = f"urn:oeapi#/components/responses/{name}/content/{media.replace('/', '~1')}/schema"
    else:
        ref = f"urn:oeapi#{_pointer(path, status, media)}"
    return kind({"$ref": ref}, registry=_registry(), format_checker=FormatChecker())


def errors(data: Any, path: str, *, strict: bool = True, status: str = "200") -> list[str]:
    found = validator(path, strict=strict, status=status).iter_errors(data)
    return [f"{list(e.absolute_path)}: {e.message}" for e in found][:5]


def expand_values(kind: str) -> set[str]:
    """The ``expand`` values the spec lists for the single-item path of ``kind``."""
    for parameter in spec()["paths"][SINGLE[kind]]["get"].get("parameters", []):
        if "$ref" in parameter:
            parameter = spec()["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["name"] == "expand":
            return set(parameter["schema"]["items"]["enum"])
    return set()


def _properties(name: str) -> dict[str, Any]:
    schema = spec()["components"]["schemas"][name]
    found: dict[str, Any] = {}
    for part in schema.get("allOf", [schema]):
        if "$ref" in part:
            found.update(_properties(part["$ref"].rsplit("/", 1)[1]))
        else:
            found.update(part.get("properties", {}))
    return found


@functools.cache
def expandable(name: str) -> frozenset[str]:
    """The fields of schema ``name`` that hold an expanded object: those with an id field
    beside them (``programmes``/``programmeIds``, ``organisation``/``organisationId``,
    ``children``/``childIds``, …)."""
    props = _properties(name)
    found = set()
    for key in props:
        if key == "childIds" and "children" in props:
            found.add("children")
        elif key.endswith("Ids") and f"{key[:-3]}s" in props:
            found.add(f"{key[:-3]}s")
        elif key.endswith("Id") and key[:-2] in props:
            found.add(key[:-2])
    return frozenset(found)


def expansion_errors(item: dict[str, Any], kind: str, asked: Iterable[str] = ()) -> list[str]:
    """Where ``item`` breaks the expansion rules: an expanded field not asked for, or one the
    spec does not let its path expand."""
    allowed = set(asked) & (expand_values(kind) if kind in SINGLE else set())
    return [
        f"{field!r} is expanded" + (" (not expandable here)" if field not in allowed else "")
        for field in sorted(expandable(SCHEMAS[kind]) & set(item))
        if field not in allowed
    ]
