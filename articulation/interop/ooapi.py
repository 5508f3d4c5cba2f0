"""The catalogue as the Open Education API (OOAPI) v6 publishes it, and back.

Three OOAPI v6.0 list responses (pagination fields and ``items``) hold the catalogue:

- ``learning-outcomes.json``: the outcome vocabulary as ``LearningOutcome`` objects (the id as
  ``primaryCode``, the title as ``name``, the parent as ``parentIds``; the area in ``ext``);
- ``courses.json``: ``Course`` objects: the code as ``primaryCode``, the title as ``name``, the
  EC as ``studyLoad`` (unit ``ects``), the language as ``teachingLanguages``, each outcome taught
  as an expanded ``learningOutcomes`` entry with its Bloom level as ``complexityLevel``
  (``bloom_1`` … ``bloom_6``), the programmes it is part of as ``programmeIds``;
- ``programmes.json``: ``Programme`` objects: code, name, EC and language likewise; a bachelor or
  master is ``programmeType: programme`` with ``level`` bachelor/master, a minor
  ``programmeType: minor``.

What OOAPI has no field for goes into each object's ``ext``: a course's institution, periods,
area(s), prerequisites, bridging flag, module (``part_of``) and provenance; a programme's
institution, courses, electives, tracks, requirements, pre-master, admission lists and
provenance; and the academic calendars (in the ``ext`` of the courses list). Ids are UUIDs
derived from the codes (UUID 5), so the same catalogue always gives the same ids.
:func:`import_ooapi` reads the three files back into the same
:class:`~articulation.curriculum.catalogue.Catalogue`.

>>> from articulation.curriculum.loader import load_curricula
>>> cat = load_curricula("tests/fixtures/mini")
>>> files = export_ooapi(cat)
>>> sorted(files), files["courses.json"]["items"][0]["primaryCode"]
(['courses.json', 'learning-outcomes.json', 'programmes.json'], {'codeType': 'identifier', 'code': 'UT-ADC'})
>>> import_ooapi(files) == cat
True
"""  # noqa: E501

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from articulation.curriculum.calendar import Calendar
from articulation.curriculum.catalogue import Catalogue, Programme
from articulation.curriculum.crosscheck import Parts, cross_check
from articulation.curriculum.model import (
    CalendarSpec,
    Course,
    Master,
    Minor,
    Outcome,
    ProgrammeFile,
    level_label,
    parse_level,
)
from articulation.curriculum.yamlfile import YamlFile
from articulation.support.memo import INDEXES

OOAPI_VERSION = "6.0"
FILES = ("learning-outcomes.json", "courses.json", "programmes.json")
NAME_LANGUAGE = "en-GB"  # the language of titles and names (the curricula are in English)
DUTCH = "nl-NL"  # an outcome's Dutch title, when it has one, is its second name
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/articulation/ooapi")
# OOAPI's Language pattern (RFC 4647 tags); other language values stay in ``ext``
_LANGUAGE = re.compile(r"^([a-z]{2,3})(-([A-Z]{2}|[0-9]{3}))?$")
# the kinds of programme: pydantic names them (the tags of the union) in error locations
_KINDS = {"bachelor", "master", "minor"}


class OoapiError(ValueError):
    """OOAPI files that do not make a valid catalogue; ``problems`` are ``(file, path, message)``
    with the JSON path of each (``items[3].studyLoad``)."""

    def __init__(self, problems: Iterable[tuple[str, str, str]]):
        self.problems = sorted(set(problems))
        super().__init__(
            "\n".join(f"{f}: {p}: {m}" if p else f"{f}: {m}" for f, p, m in self.problems)
        )


def ooapi_id(kind: str, code: str) -> str:
    """The UUID of a course, programme or learning outcome: UUID 5 of its kind and code.

    >>> ooapi_id("course", "UT-ADC") == ooapi_id("course", "UT-ADC") != ooapi_id("programme", "UT-ADC")
    True
    """  # noqa: E501
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{code}"))


def _text(value: str) -> list[dict[str, str]]:
    return [{"language": NAME_LANGUAGE, "value": value}]


def _ects(value: float) -> list[dict[str, Any]]:
    return [{"studyLoadUnit": "ects", "value": int(value) if value.is_integer() else value}]


def page(items: list[dict[str, Any]], ext: dict[str, Any] | None = None) -> dict[str, Any]:
    """One OOAPI list response holding every item (a single page)."""
    body: dict[str, Any] = {
        "pageSize": max(len(items), 1),
        "pageNumber": 1,
        "hasPreviousPage": False,
        "hasNextPage": False,
        "totalPages": 1,
        "items": items,
    }
    if ext:
        body["ext"] = ext
    return body


# --- export ------------------------------------------------------------------------------------


def ooapi_outcome(outcome: Outcome) -> dict[str, Any]:
    """An outcome of the vocabulary as an OOAPI ``LearningOutcome``."""
    item: dict[str, Any] = {
        "learningOutcomeId": ooapi_id("outcome", outcome.id),
        "primaryCode": {"codeType": "identifier", "code": outcome.id},
        "name": _text(outcome.title)
        + ([{"language": DUTCH, "value": outcome.title_nl}] if outcome.title_nl else []),
    }
    if outcome.parent:
        item["parentIds"] = [ooapi_id("outcome", outcome.parent)]
    item["ext"] = {"area": outcome.area}
    return item


def ooapi_course(catalogue: Catalogue, code: str) -> dict[str, Any]:
    """A course as an OOAPI ``Course`` (see the module's documentation for the fields)."""
    course = catalogue.courses[code]
    language = course.language if course.language and _LANGUAGE.match(course.language) else None
    item: dict[str, Any] = {
        "courseId": ooapi_id("course", code),
        "primaryCode": {"codeType": "identifier", "code": code},
        "name": _text(course.title),
        "studyLoad": _ects(course.ects),
    }
    if language:
        item["teachingLanguages"] = [language]
    if course.teaches:
        item["learningOutcomes"] = [
            {
                "learningOutcomeId": ooapi_id("outcome", f"{outcome}@{level_label(level)}"),
                "primaryCode": {"codeType": "identifier", "code": outcome},
                "name": _text(
                    catalogue.outcomes[outcome].title if outcome in catalogue.outcomes else outcome
                ),
                "complexityLevel": f"bloom_{level}",
            }
            for outcome, level in course.teaches.items()
        ]
    part_of = _programmes_of(catalogue).get(code)
    if part_of:
        item["programmeIds"] = [ooapi_id("programme", p) for p in part_of]
    exclude = {"code", "title", "ects", "teaches"} | ({"language"} if language else set())
    item["ext"] = {
        "institution": catalogue.institution_of[code],
        **course.model_dump(mode="json", exclude=exclude, exclude_defaults=True),
    }
    return item


def _programmes_of(catalogue: Catalogue) -> dict[str, list[str]]:
    """The bachelors and minors each course is part of (in a track too)."""
    found: dict[str, list[str]] = {}
    for programme in catalogue.programmes.values():
        if isinstance(programme, Master):
            continue
        codes = [
            *programme.courses,
            *(c for t in getattr(programme, "tracks", []) for c in t.courses),
        ]
        for code in dict.fromkeys(codes):
            found.setdefault(code, []).append(programme.code)
    return found


def ooapi_programme(programme: Programme) -> dict[str, Any]:
    """A programme as an OOAPI ``Programme`` (see the module's documentation for the fields)."""
    item: dict[str, Any] = {
        "programmeId": ooapi_id("programme", programme.code),
        "primaryCode": {"codeType": "programme_code", "code": programme.code},
        "programmeType": "minor" if isinstance(programme, Minor) else "programme",
        "name": _text(programme.name),
        "studyLoad": _ects(programme.ects),
    }
    if not isinstance(programme, Minor):
        item["level"] = programme.kind
        item["levelOfQualification"] = "eqf_6" if programme.kind == "bachelor" else "eqf_7"
    language = getattr(programme, "language", None)
    if language and _LANGUAGE.match(language):
        item["teachingLanguages"] = [language]
    else:
        language = None
    exclude = {"code", "name", "ects", "kind"} | ({"language"} if language else set())
    item["ext"] = programme.model_dump(mode="json", exclude=exclude, exclude_defaults=True)
    return item


def export_ooapi(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """The catalogue as three OOAPI v6 list responses, by file name (see :data:`FILES`)."""
    calendars = {
        inst: cal.spec().model_dump(mode="json", exclude_none=True)
        for inst, cal in catalogue.calendars.items()
    }
    return {
        "learning-outcomes.json": page([ooapi_outcome(o) for o in catalogue.outcomes.values()]),
        "courses.json": page(
            [ooapi_course(catalogue, code) for code in catalogue.courses],
            {"ooapiVersion": OOAPI_VERSION, **({"calendars": calendars} if calendars else {})},
        ),
        "programmes.json": page([ooapi_programme(p) for p in catalogue.programmes.values()]),
    }


# --- import ------------------------------------------------------------------------------------


class _Reader:
    """Collects the problems of one file, each at its JSON path."""

    def __init__(self, name: str, problems: list[tuple[str, str, str]]):
        self.name, self.problems = name, problems

    def problem(self, path: Iterable[str | int], message: str) -> None:
        text = ""
        for part in path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        self.problems.append((self.name, text, message))

    def get(self, data: Any, path: tuple[str | int, ...], key: str, kind: type) -> Any:
        if not isinstance(data, dict) or key not in data:
            self.problem((*path, key), "required field is missing")
            return None
        value = data[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            self.problem((*path, key), f"expected {kind.__name__}, got {type(value).__name__}")
            return None
        return value

    def code(self, item: Any, at: tuple[str | int, ...]) -> str | None:
        primary = self.get(item, at, "primaryCode", dict)
        return None if primary is None else self.get(primary, (*at, "primaryCode"), "code", str)

    def text(self, item: Any, at: tuple[str | int, ...], key: str = "name") -> str | None:
        values = self.get(item, at, key, list)
        if not values:
            if values is not None:
                self.problem((*at, key), "expected at least one name")
            return None
        return self.get(values[0], (*at, key, 0), "value", str)

    def ects(self, item: Any, at: tuple[str | int, ...]) -> float | None:
        loads = self.get(item, at, "studyLoad", list) or []
        for load in loads:
            if isinstance(load, dict) and load.get("studyLoadUnit") == "ects":
                value = load.get("value")
                if isinstance(value, int | float) and not isinstance(value, bool):
                    return float(value)
        if loads is not None:
            self.problem((*at, "studyLoad"), "no study load in unit 'ects'")
        return None

    def ext(self, item: Any, at: tuple[str | int, ...]) -> dict[str, Any]:
        ext = item.get("ext") if isinstance(item, dict) else None
        if ext is None:
            return {}
        if not isinstance(ext, dict):
            self.problem((*at, "ext"), f"expected an object, got {type(ext).__name__}")
            return {}
        return dict(ext)

    def model(
        self,
        model: type[BaseModel],
        data: Any,
        at: tuple[str | int, ...],
        where: dict[str, tuple[str | int, ...]],
    ) -> Any:
        """Validate ``data`` with ``model``; each error at the OOAPI field it came from (``where``
        maps a model field to its OOAPI path; others are in ``ext``)."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = [p for p in error["loc"] if not (isinstance(p, str) and p in _KINDS)]
                head = str(loc[0]) if loc else ""
                base = where.get(head, ("ext", head) if head else ())
                self.problem((*at, *base, *loc[1:]), error["msg"].removeprefix("Value error, "))
            return None


def _items(reader: _Reader, data: Any) -> list[Any]:
    if not isinstance(data, dict):
        reader.problem((), "expected an OOAPI list response (an object with 'items')")
        return []
    items = reader.get(data, (), "items", list)
    return items or []


def import_ooapi(files: Mapping[str, Any], names: Mapping[str, str] | None = None) -> Catalogue:
    """The catalogue from the three OOAPI list responses :func:`export_ooapi` writes (parsed
    JSON, by file name). ``names`` gives the name each file has in messages.

    Raises :class:`OoapiError` with every problem (file, JSON path, message); nothing is
    returned half-read.
    """
    names = names or {}
    problems: list[tuple[str, str, str]] = []
    missing = [name for name in FILES if name not in files]
    if missing:
        raise OoapiError((names.get(m, m), "", "file not found") for m in missing)
    outcomes = _read_outcomes(_Reader(names.get(FILES[0], FILES[0]), problems), files[FILES[0]])
    courses, calendars = _read_courses(
        _Reader(names.get(FILES[1], FILES[1]), problems), files[FILES[1]]
    )
    programmes = _read_programmes(_Reader(names.get(FILES[2], FILES[2]), problems), files[FILES[2]])
    if problems:
        raise OoapiError(problems)
    parts = Parts(
        outcomes=[
            (YamlFile(None, names.get(FILES[0], FILES[0])), i, o) for i, o in enumerate(outcomes)
        ],
        courses=[
            (YamlFile(None, f"{names.get(FILES[1], FILES[1])}: course {c.code}"), (), inst, c)
            for inst, c in courses
        ],
        programmes=[
            (YamlFile(None, f"{names.get(FILES[2], FILES[2])}: programme {p.code}"), p)
            for p in programmes
        ],
    )
    parts.calendars = {
        inst: (YamlFile(None, f"{names.get(FILES[1], FILES[1])}: calendar {inst}"), spec)
        for inst, spec in calendars.items()
    }
    parts.sources = [
        parts.outcomes[0][0] if parts.outcomes else YamlFile(None, FILES[0]),
        *(source for source, *_ in parts.courses),
        *(source for source, _ in parts.programmes),
        *(source for source, _ in parts.calendars.values()),
    ]
    cross_check(parts)
    found = parts.problems()
    if found:
        raise OoapiError((p.file, p.path, p.message) for p in found)
    return Catalogue.build(
        outcomes,
        courses,
        programmes,
        {inst: Calendar.of(spec) for inst, spec in calendars.items()},
    )


def _read_outcomes(reader: _Reader, data: Any) -> list[Outcome]:
    items = _items(reader, data)
    by_uuid = {
        item.get("learningOutcomeId"): item.get("primaryCode", {}).get("code")
        for item in items
        if isinstance(item, dict) and isinstance(item.get("primaryCode"), dict)
    }
    found = []
    for i, item in enumerate(items):
        at = ("items", i)
        code, title, ext = reader.code(item, at), reader.text(item, at), reader.ext(item, at)
        parent = None
        parents = item.get("parentIds") if isinstance(item, dict) else None
        if parents:
            parent = by_uuid.get(parents[0])
            if parent is None:
                reader.problem((*at, "parentIds", 0), f"unknown learning outcome {parents[0]!r}")
                continue
        if code is None or title is None:
            continue
        names = item.get("name") if isinstance(item, dict) else None
        dutch = [
            n.get("value")
            for n in names or []
            if isinstance(n, dict) and n.get("language") == DUTCH
        ]
        outcome = reader.model(
            Outcome,
            {**ext, "id": code, "title": title, "parent": parent}
            | ({"title_nl": dutch[0]} if dutch else {}),
            at,
            {
                "id": ("primaryCode", "code"),
                "title": ("name", 0, "value"),
                "parent": ("parentIds",),
            },
        )
        if outcome is not None:
            found.append(outcome)
    return found


def _read_courses(
    reader: _Reader, data: Any
) -> tuple[list[tuple[str, Course]], dict[str, CalendarSpec]]:
    items = _items(reader, data)
    calendars: dict[str, CalendarSpec] = {}
    top = data.get("ext") if isinstance(data, dict) else None
    for inst, spec in ((top or {}).get("calendars") or {}).items():
        parsed = reader.model(CalendarSpec, spec, ("ext", "calendars", inst), {})
        if parsed is not None:
            calendars[inst] = parsed
    found = []
    for i, item in enumerate(items):
        at = ("items", i)
        code, title, ects = reader.code(item, at), reader.text(item, at), reader.ects(item, at)
        ext = reader.ext(item, at)
        institution = ext.pop("institution", None)
        if not isinstance(institution, str):
            reader.problem((*at, "ext", "institution"), "required field is missing")
        teaches: dict[str, int] = {}
        for k, lo in enumerate(
            (item.get("learningOutcomes") or []) if isinstance(item, dict) else []
        ):
            outcome = reader.code(lo, (*at, "learningOutcomes", k))
            try:
                level = parse_level(lo.get("complexityLevel") if isinstance(lo, dict) else None)
            except ValueError as exc:
                reader.problem((*at, "learningOutcomes", k, "complexityLevel"), str(exc))
                continue
            if outcome is not None:
                teaches[outcome] = level
        languages = item.get("teachingLanguages") if isinstance(item, dict) else None
        if languages:
            ext["language"] = languages[0]
        if code is None or title is None or ects is None or not isinstance(institution, str):
            continue
        course = reader.model(
            Course,
            {**ext, "code": code, "title": title, "ects": ects, "teaches": teaches},
            at,
            {
                "code": ("primaryCode", "code"),
                "title": ("name", 0, "value"),
                "ects": ("studyLoad",),
                "teaches": ("learningOutcomes",),
                "language": ("teachingLanguages",),
            },
        )
        if course is not None:
            found.append((institution, course))
    return found, calendars


def _read_programmes(reader: _Reader, data: Any) -> list[Programme]:
    found = []
    for i, item in enumerate(_items(reader, data)):
        at = ("items", i)
        code, name, ects = reader.code(item, at), reader.text(item, at), reader.ects(item, at)
        kind = _kind(reader, item, at)
        ext = reader.ext(item, at)
        languages = item.get("teachingLanguages") if isinstance(item, dict) else None
        if languages:
            ext["language"] = languages[0]
        if code is None or name is None or ects is None or kind is None:
            continue
        parsed = reader.model(
            ProgrammeFile,
            {"programme": {**ext, "code": code, "name": name, "ects": ects, "kind": kind}},
            at,
            {
                "programme": (),
                "code": ("primaryCode", "code"),
                "name": ("name", 0, "value"),
                "ects": ("studyLoad",),
                "language": ("teachingLanguages",),
            },
        )
        if parsed is not None:
            found.append(parsed.programme)
    return found


def _kind(reader: _Reader, item: Any, at: tuple[str | int, ...]) -> str | None:
    """bachelor, master or minor, from ``programmeType`` and ``level``."""
    kind = reader.get(item, at, "programmeType", str)
    if kind == "minor":
        return "minor"
    if kind is None:
        return None
    level = item.get("level")
    if kind == "programme" and level in ("bachelor", "master"):
        return level
    reader.problem(
        (*at, "level" if kind == "programme" else "programmeType"),
        f"cannot tell the kind of programme (programmeType {kind!r}, level {level!r}): "
        "expected a minor, or a programme at level bachelor or master",
    )
    return None


LISTS = {
    "courses": "courses.json",
    "programmes": "programmes.json",
    "learning-outcomes": "learning-outcomes.json",
}
_ID_FIELD = {
    "courses": "courseId",
    "programmes": "programmeId",
    "learning-outcomes": "learningOutcomeId",
}


def ooapi_files(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """:func:`export_ooapi` of the snapshot, computed once per catalogue (read it, do not
    change it)."""
    return catalogue.remembered(INDEXES, "ooapi", lambda: export_ooapi(catalogue))


def ooapi_page(catalogue: Catalogue, kind: str, page_number: int, page_size: int) -> dict[str, Any]:
    """One page of an OOAPI list (``kind``: courses, programmes, learning-outcomes).

    >>> from articulation.curriculum.loader import load_curricula
    >>> body = ooapi_page(load_curricula("tests/fixtures/mini"), "courses", 2, 5)
    >>> body["pageNumber"], body["hasPreviousPage"], body["hasNextPage"], len(body["items"])
    (2, True, True, 5)
    """
    full = ooapi_files(catalogue)[LISTS[kind]]
    items = full["items"]
    start = (page_number - 1) * page_size
    body = {
        "pageSize": page_size,
        "pageNumber": page_number,
        "hasPreviousPage": page_number > 1,
        "hasNextPage": start + page_size < len(items),
        "totalPages": max(1, -(-len(items) // page_size)),
        "items": items[start : start + page_size],
    }
    if "ext" in full:
        body["ext"] = full["ext"]
    return body


def ooapi_item(catalogue: Catalogue, kind: str, ident: str) -> dict[str, Any] | None:
    """The OOAPI object of ``kind`` with this UUID or code, or None."""
    key = _ID_FIELD[kind]
    for item in ooapi_files(catalogue)[LISTS[kind]]["items"]:
        if ident in (item[key], item["primaryCode"]["code"]):
            return item
    return None
