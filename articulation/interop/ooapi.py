"""The catalogue as the Open Education API (OOAPI) v6 publishes it, and back.

Four OOAPI v6.0 list responses (pagination fields and ``items``) hold the catalogue:

- ``learning-outcomes.json``: the outcome vocabulary as ``LearningOutcome`` objects (the id as
  ``primaryCode``, the title as ``name``, the parent as ``parentIds``; the area in ``ext``),
  one object per outcome;
- ``courses.json``: ``Course`` objects: the code as ``primaryCode``, the title as ``name``, the
  EC as ``studyLoad`` (unit ``ects``), the language as ``teachingLanguages``, the outcomes taught
  as ``learningOutcomeIds`` (the ids of the learning outcomes above) with the Bloom level of each
  in ``ext.learningOutcomeLevels`` (``bloom_1`` … ``bloom_6`` by id; the spec lets no course
  expand ``learningOutcomes``), the institution as ``organisationId``, the programmes it is part
  of as ``programmeIds``;
- ``organisations.json``: one root ``Organisation`` per institution (its code as
  ``primaryCode``);
- ``programmes.json``: ``Programme`` objects: code, name, EC and language likewise; a bachelor or
  master is ``programmeType: programme`` with ``level`` bachelor/master, a minor
  ``programmeType: minor``.

What OOAPI has no field for goes into each object's ``ext``: a course's periods,
area(s), prerequisites, bridging flag, module (``part_of``) and provenance; a programme's
institution, courses, electives, tracks, requirements, pre-master, admission lists and
provenance; and the academic calendars (in the ``ext`` of the courses list). Ids are UUIDs
derived from the codes (UUID 5), so the same catalogue always gives the same ids.
:func:`import_ooapi` reads the files back into the same
:class:`~articulation.curriculum.catalogue.Catalogue`; :func:`read_ooapi` also reads spec-valid
files another producer wrote (no ``ext``), noting what it defaulted or could not map. The API
serves the same objects (:func:`ooapi_list`, :func:`ooapi_item`) with the academic sessions and
course offerings the calendars give (:func:`academic_sessions`).

>>> from articulation.curriculum.loader import load_curricula
>>> cat = load_curricula("tests/fixtures/mini")
>>> files = export_ooapi(cat)
>>> sorted(files), files["courses.json"]["items"][0]["primaryCode"]
(['courses.json', 'learning-outcomes.json', 'organisations.json', 'programmes.json'], {'codeType': 'identifier', 'code': 'UT-ADC'})
>>> import_ooapi(files) == cat
True
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from articulation.curriculum.calendar import Calendar, PeriodError, default_calendar, parse_offering
from articulation.curriculum.catalogue import Catalogue, Programme
from articulation.curriculum.crosscheck import Parts, cross_check
from articulation.curriculum.model import (
    YEAR_WEEKS,
    Bachelor,
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
FILES = ("learning-outcomes.json", "courses.json", "programmes.json")  # required
ORGANISATIONS = "organisations.json"  # optional: the institutions of courses and programmes
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
        item["learningOutcomeIds"] = [ooapi_id("outcome", outcome) for outcome in course.teaches]
    part_of = _programmes_of(catalogue).get(code)
    if part_of:
        item["programmeIds"] = [ooapi_id("programme", p) for p in part_of]
    item["organisationId"] = ooapi_id("organisation", catalogue.institution_of[code])
    exclude = {"code", "title", "ects", "teaches"} | ({"language"} if language else set())
    item["ext"] = course.model_dump(mode="json", exclude=exclude, exclude_defaults=True)
    if course.teaches:
        item["ext"]["learningOutcomeLevels"] = {
            ooapi_id("outcome", outcome): f"bloom_{level}"
            for outcome, level in course.teaches.items()
        }
    return item


def ooapi_organisation(institution: str) -> dict[str, Any]:
    """An institution as a root OOAPI ``Organisation`` (its code is its only name here)."""
    return {
        "organisationId": ooapi_id("organisation", institution),
        "primaryCode": {"codeType": "identifier", "code": institution},
        "organisationType": "root",
        "name": _text(institution),
        "shortName": institution,
    }


def institutions(catalogue: Catalogue) -> list[str]:
    """Every institution of the catalogue: of a course, a programme or a calendar."""
    return sorted(
        {
            *catalogue.by_institution,
            *catalogue.calendars,
            *(p.institution for p in catalogue.programmes.values()),
        }
    )


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
    item["organisationId"] = ooapi_id("organisation", programme.institution)
    exclude = {"code", "name", "ects", "kind"} | ({"language"} if language else set())
    item["ext"] = programme.model_dump(mode="json", exclude=exclude, exclude_defaults=True)
    return item


def export_ooapi(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """The catalogue as four OOAPI v6 list responses, by file name (see :data:`FILES`)."""
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
        "organisations.json": page([ooapi_organisation(i) for i in institutions(catalogue)]),
    }


# --- import ------------------------------------------------------------------------------------

#: Limits on any JSON read, whatever the field (the model's own limits apply to the fields mapped)
MAX_DEPTH = 32  # OOAPI objects nest a few levels; deeper is not a catalogue
MAX_STRING = 64 * 1024  # characters of one string anywhere in a file
MAX_NUMBER = 10**9  # magnitude of any number anywhere in a file
DEFAULT_AREA = "general"  # the area of an outcome that gives none
DEFAULT_LEVEL = 3  # apply: the Bloom level of an outcome taught at a level we cannot read
_INSTITUTION = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}$")
_OUTCOME_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$")
_COURSE_KEYS = set(Course.model_fields) - {"code", "title", "ects", "teaches"}
_PROGRAMME_KEYS = (
    set(Bachelor.model_fields) | set(Master.model_fields) | set(Minor.model_fields)
) - {"code", "name", "ects", "kind"}
_OUR_COURSE_EXT = _COURSE_KEYS | {"institution", "learningOutcomeLevels"}

Notes = list[tuple[str, str, str]]


class _Reader:
    """Collects the problems of one file, and the notes on what it could not map, each at its
    JSON path."""

    def __init__(self, name: str, problems: Notes, notes: Notes | None = None):
        self.name, self.problems = name, problems
        self.notes: Notes = [] if notes is None else notes

    @staticmethod
    def path(path: Iterable[str | int]) -> str:
        text = ""
        for part in path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        return text

    def problem(self, path: Iterable[str | int], message: str) -> None:
        self.problems.append((self.name, self.path(path), message))

    def note(self, path: Iterable[str | int], message: str) -> None:
        self.notes.append((self.name, self.path(path), message))

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
        english = [
            k
            for k, v in enumerate(values)
            if isinstance(v, dict) and str(v.get("language", "")).startswith("en")
        ]
        k = english[0] if english else 0
        return self.get(values[k], (*at, key, k), "value", str)

    def ects(self, item: Any, at: tuple[str | int, ...]) -> float | None:
        loads = self.get(item, at, "studyLoad", list)
        for k, load in enumerate(loads or []):
            if isinstance(load, dict) and load.get("studyLoadUnit") == "ects":
                value = load.get("value")
                if isinstance(value, int | float) and not isinstance(value, bool):
                    return float(value)
                self.problem((*at, "studyLoad", k, "value"), f"expected a number, got {value!r}")
                return None
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


def check_json(name: str, data: Any) -> list[tuple[str, str, str]]:
    """The problems of parsed JSON that no catalogue has, wherever they are: nesting deeper
    than :data:`MAX_DEPTH`, a string over :data:`MAX_STRING` characters, a number beyond
    :data:`MAX_NUMBER` or not finite. Iterative, so any depth is safe to check.

    >>> check_json("c.json", {"items": [{"studyLoad": [{"value": 10**400}]}]})[0][1:]
    ('items[0].studyLoad[0].value', 'number out of range (at most 1000000000 in magnitude)')
    """
    problems: list[tuple[str, str, str]] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, at = stack.pop()
        where = _Reader.path(at)
        if len(at) > MAX_DEPTH:
            problems.append((name, where, f"nested deeper than {MAX_DEPTH} levels"))
        elif isinstance(value, dict):
            for key, child in value.items():
                if len(key) > MAX_STRING:
                    problems.append((name, where, f"a key longer than {MAX_STRING} characters"))
                    continue
                stack.append((child, (*at, key)))
        elif isinstance(value, list):
            stack.extend((child, (*at, k)) for k, child in enumerate(value))
        elif isinstance(value, str) and len(value) > MAX_STRING:
            problems.append(
                (name, where, f"{len(value)} characters, more than the {MAX_STRING} allowed")
            )
        elif (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and not abs(value) <= MAX_NUMBER  # also NaN and infinities
        ):
            problems.append(
                (name, where, f"number out of range (at most {MAX_NUMBER} in magnitude)")
            )
    return sorted(problems)


def too_deep(text: str, limit: int = MAX_DEPTH) -> str | None:
    """The JSON path of the first container of ``text`` nested deeper than ``limit``, or None:
    a scan of the text for JSON too deep to parse at all (the parser stops at Python's
    recursion limit).

    >>> too_deep('{"items": [{"ext": [[[1]]]}]}', 4)
    'items[0].ext[0]'
    """
    stack: list[list[Any]] = []  # per open container: [label of the child being read]
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            end = i + 1
            while end < n and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            if stack and isinstance(stack[-1][0], str):
                stack[-1][0] = text[i + 1 : end]  # the key of the value that follows
            i = end
        elif char in "[{":
            if len(stack) >= limit:
                return _Reader.path(frame[0] for frame in stack)
            stack.append([0 if char == "[" else ""])
        elif char in "]}":
            if stack:
                stack.pop()
        elif char == "," and stack and isinstance(stack[-1][0], int):
            stack[-1][0] += 1
        i += 1
    return None


def _items(reader: _Reader, data: Any) -> list[Any]:
    if not isinstance(data, dict):
        reader.problem((), "expected an OOAPI list response (an object with 'items')")
        return []
    items = reader.get(data, (), "items", list)
    return items or []


#: The OOAPI fields the import reads, by file; any other field present is noted as not mapped
_READ = {
    "learning-outcomes.json": {
        "learningOutcomeId",
        "primaryCode",
        "name",
        "parentIds",
        "childIds",
        "complexityLevel",
        "ext",
    },
    "courses.json": {
        "courseId",
        "primaryCode",
        "name",
        "studyLoad",
        "teachingLanguages",
        "learningOutcomeIds",
        "learningOutcomes",
        "organisationId",
        "organisation",
        "programmeIds",
        "ext",
    },
    "programmes.json": {
        "programmeId",
        "primaryCode",
        "programmeType",
        "level",
        "levelOfQualification",
        "name",
        "studyLoad",
        "teachingLanguages",
        "organisationId",
        "organisation",
        "ext",
    },
    ORGANISATIONS: {"organisationId", "primaryCode", "organisationType", "name", "shortName"},
}


def _unmapped(reader: _Reader, file: str, data: Any) -> None:
    """A note per item on the fields present that have no counterpart here."""
    items = data.get("items") if isinstance(data, dict) else None
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            rest = [k for k, v in item.items() if k not in _READ[file] and v is not None]
            if rest:
                reader.note(("items", i), "not mapped: " + ", ".join(rest))


class Imported(BaseModel):
    """What :func:`read_ooapi` made of OOAPI files: the catalogue and the notes on what it
    defaulted or could not map, each ``(file, JSON path, message)``."""

    model_config = {"arbitrary_types_allowed": True, "frozen": True}

    catalogue: Catalogue
    notes: list[tuple[str, str, str]]


def import_ooapi(files: Mapping[str, Any], names: Mapping[str, str] | None = None) -> Catalogue:
    """The catalogue from OOAPI list responses (parsed JSON, by file name); see
    :func:`read_ooapi`."""
    return read_ooapi(files, names).catalogue


def read_ooapi(files: Mapping[str, Any], names: Mapping[str, str] | None = None) -> Imported:
    """The catalogue from the OOAPI list responses :func:`export_ooapi` writes, or that another
    producer wrote without our ``ext``: the institution from each item's organisation, an
    outcome's area defaulted to :data:`DEFAULT_AREA` and a level we cannot read to
    :data:`DEFAULT_LEVEL` (both noted), a programme of a kind we have no counterpart for left out
    (noted). ``names`` gives the name each file has in messages.

    Raises :class:`OoapiError` with every problem (file, JSON path, message), after the same
    checks as ``articulation validate``; nothing is returned half-read.
    """
    names = names or {}
    problems: list[tuple[str, str, str]] = []
    notes: Notes = []
    missing = [name for name in FILES if name not in files]
    if missing:
        raise OoapiError((names.get(m, m), "", "file not found") for m in missing)
    for name, data in files.items():
        problems += check_json(names.get(name, name), data)
    if problems:
        raise OoapiError(problems)

    def reader(name: str) -> _Reader:
        return _Reader(names.get(name, name), problems, notes)

    for name in (*FILES, ORGANISATIONS):
        if name in files:
            _unmapped(reader(name), name, files[name])
    organisations = _read_organisations(reader(ORGANISATIONS), files.get(ORGANISATIONS))
    outcomes, outcome_ids, outcome_levels = _read_outcomes(reader(FILES[0]), files[FILES[0]])
    programme_kinds = _programme_kinds(reader(FILES[2]), files[FILES[2]])
    courses, calendars, members = _read_courses(
        reader(FILES[1]),
        files[FILES[1]],
        _Links(organisations, outcome_ids, outcome_levels, programme_kinds),
    )
    programmes = _read_programmes(
        reader(FILES[2]), files[FILES[2]], organisations, programme_kinds, members
    )
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
    catalogue = Catalogue.build(
        outcomes,
        courses,
        programmes,
        {inst: Calendar.of(spec) for inst, spec in calendars.items()},
    )
    return Imported(catalogue=catalogue, notes=sorted(set(notes)))


class _Links:
    """What the courses refer to: organisations (id → institution), outcomes (id → our id),
    the level an outcome object itself gives, the programmes (id → code, or None when left out).
    """

    def __init__(
        self,
        organisations: dict[str, str],
        outcomes: dict[str, str],
        levels: dict[str, str],
        programmes: dict[str, str | None],
    ):
        self.organisations, self.outcomes = organisations, outcomes
        self.levels, self.programmes = levels, programmes

    def institution(
        self, reader: _Reader, item: Any, at: tuple[str | int, ...], ext: dict[str, Any]
    ) -> str | None:
        """An item's institution: ``ext.institution`` (ours), else its organisation (by id or
        expanded), else the only organisation of the file set."""
        ours = ext.pop("institution", None)
        if ours is not None:
            return ours if isinstance(ours, str) else None
        ident = item.get("organisationId") if isinstance(item, dict) else None
        if isinstance(ident, str) and ident in self.organisations:
            return self.organisations[ident]
        expanded = item.get("organisation") if isinstance(item, dict) else None
        if isinstance(expanded, dict):
            return _institution(reader, expanded, (*at, "organisation"))
        if len(set(self.organisations.values())) == 1:
            only = next(iter(self.organisations.values()))
            reader.note((*at, "organisationId"), f"no known organisation; institution {only!r}")
            return only
        reader.problem(
            (*at, "organisationId"),
            "no institution: give an organisationId listed in organisations.json",
        )
        return None


def _institution(reader: _Reader, item: Any, at: tuple[str | int, ...]) -> str | None:
    """An organisation's institution code: its primary code, else its short name, when either
    is a code we can use (letters and digits, a letter first, at most 20)."""
    code = reader.code(item, at)
    short = item.get("shortName") if isinstance(item, dict) else None
    for candidate in (code, short):
        if isinstance(candidate, str) and _INSTITUTION.match(candidate):
            if candidate != code:
                reader.note((*at, "primaryCode"), f"institution {candidate!r} (its shortName)")
            return candidate
    derived = re.sub(r"[^A-Za-z0-9]", "", str(short or code or ""))[:20]
    if derived and derived[0].isalpha():
        reader.note((*at, "primaryCode"), f"institution {derived!r} (from {code!r})")
        return derived
    if code is not None:
        reader.problem((*at, "primaryCode", "code"), f"cannot make an institution code of {code!r}")
    return None


def _read_organisations(reader: _Reader, data: Any) -> dict[str, str]:
    """Organisation id → institution code."""
    if data is None:
        return {}
    found = {}
    for i, item in enumerate(_items(reader, data)):
        at = ("items", i)
        ident = reader.get(item, at, "organisationId", str)
        code = _institution(reader, item, at)
        if ident is not None and code is not None:
            found[ident] = code
    return found


def _outcome_id(reader: _Reader, code: str, at: tuple[str | int, ...]) -> str:
    """The outcome id of a learning outcome's primary code: the code itself when it is a
    dotted slug, else a slug of it (noted)."""
    if _OUTCOME_ID.match(code):
        return code
    slug = re.sub(r"[^a-z0-9_.-]+", "-", code.lower())
    slug = re.sub(r"\.(?=[^a-z0-9])|(?<=[^a-z0-9])\.", "", slug).strip("-.") or "outcome"
    if not slug[0].isalnum():
        slug = f"lo{slug}"
    reader.note((*at, "primaryCode", "code"), f"outcome {code!r} is {slug!r} here")
    return slug


def _read_outcomes(
    reader: _Reader, data: Any
) -> tuple[list[Outcome], dict[str, str], dict[str, str]]:
    """The outcomes; learning outcome id → outcome id; id → the level the object gives."""
    items = _items(reader, data)
    ids: dict[str, str] = {}
    levels: dict[str, str] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("primaryCode"), dict):
            continue
        code = item["primaryCode"].get("code")
        if isinstance(code, str) and isinstance(item.get("learningOutcomeId"), str):
            ids[item["learningOutcomeId"]] = _outcome_id(_Reader("", []), code, ("items", i))
            if isinstance(item.get("complexityLevel"), str):
                levels[item["learningOutcomeId"]] = item["complexityLevel"]
    found = []
    for i, item in enumerate(items):
        at = ("items", i)
        code, title, ext = reader.code(item, at), reader.text(item, at), reader.ext(item, at)
        parent = None
        parents = item.get("parentIds") if isinstance(item, dict) else None
        if parents:
            parent = ids.get(parents[0])
            if parent is None:
                reader.problem((*at, "parentIds", 0), f"unknown learning outcome {parents[0]!r}")
                continue
        if code is None or title is None:
            continue
        code = _outcome_id(reader, code, at)
        if "area" not in ext:
            ext["area"] = DEFAULT_AREA
            reader.note(at, f"no area: {DEFAULT_AREA!r}")
        ext = {k: v for k, v in ext.items() if k in ("area", "title_nl")}
        names = item.get("name") if isinstance(item, dict) else None
        dutch = [
            n.get("value")
            for n in names or []
            if isinstance(n, dict) and n.get("language") == DUTCH
        ]
        outcome = reader.model(
            Outcome,
            {**ext, "id": code, "title": title.strip() or code, "parent": parent}
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
    return found, ids, levels


def _level(reader: _Reader, value: Any, at: tuple[str | int, ...]) -> int | None:
    """A Bloom level from a ``complexityLevel``: ``bloom_1`` … ``bloom_6`` (another ``bloom_``
    value is an error); another taxonomy's value, or none, is :data:`DEFAULT_LEVEL` (noted)."""
    if isinstance(value, str) and value.startswith("bloom_"):
        try:
            return parse_level(value)
        except ValueError as exc:
            reader.problem(at, str(exc))
            return None
    label = level_label(DEFAULT_LEVEL)
    reader.note(at, f"no Bloom level ({value!r}): taught at {label!r}")
    return DEFAULT_LEVEL


def _teaches(
    reader: _Reader,
    item: dict[str, Any],
    at: tuple[str | int, ...],
    ext: dict[str, Any],
    links: _Links,
) -> dict[str, int]:
    """The outcomes a course teaches: its ``learningOutcomeIds`` (the level of each from
    ``ext.learningOutcomeLevels``, else the outcome's own ``complexityLevel``), and any expanded
    ``learningOutcomes``."""
    teaches: dict[str, int] = {}
    levels = ext.pop("learningOutcomeLevels", None) or {}
    if not isinstance(levels, dict):
        reader.problem((*at, "ext", "learningOutcomeLevels"), "expected an object")
        levels = {}
    ids = item.get("learningOutcomeIds") or []
    if not isinstance(ids, list):
        reader.problem((*at, "learningOutcomeIds"), "expected a list")
        ids = []
    for k, ident in enumerate(ids):
        where = (*at, "learningOutcomeIds", k)
        if ident not in links.outcomes:
            reader.problem(where, f"unknown learning outcome {ident!r}")
            continue
        given = levels.get(ident, links.levels.get(ident))
        level = _level(reader, given, where)
        if level is not None:
            teaches[links.outcomes[ident]] = level
    expanded = item.get("learningOutcomes") or []
    for k, lo in enumerate(expanded if isinstance(expanded, list) else []):
        where = (*at, "learningOutcomes", k)
        code = reader.code(lo, where)
        if code is None:
            continue
        level = _level(reader, lo.get("complexityLevel"), (*where, "complexityLevel"))
        if level is not None:
            teaches[_outcome_id(reader, code, where)] = level
    return teaches


def _read_courses(
    reader: _Reader, data: Any, links: _Links
) -> tuple[list[tuple[str, Course]], dict[str, CalendarSpec], dict[str, list[str]]]:
    """The courses with their institutions, the calendars, and the courses of each programme
    (by programme code, from each course's ``programmeIds``)."""
    items = _items(reader, data)
    calendars: dict[str, CalendarSpec] = {}
    top = data.get("ext") if isinstance(data, dict) else None
    for inst, spec in ((top if isinstance(top, dict) else {}).get("calendars") or {}).items():
        parsed = reader.model(CalendarSpec, spec, ("ext", "calendars", inst), {})
        if parsed is not None:
            calendars[inst] = parsed
    found = []
    members: dict[str, list[str]] = {}
    for i, item in enumerate(items):
        at = ("items", i)
        code, title, ects = reader.code(item, at), reader.text(item, at), reader.ects(item, at)
        ext = reader.ext(item, at)
        # our own export (an ``ext`` of our fields only) keeps its codes as they are
        ours = isinstance(item, dict) and "ext" in item and set(ext) <= _OUR_COURSE_EXT
        institution = links.institution(reader, item, at, ext)
        if not ours and code and institution and not code.startswith(f"{institution}-"):
            reader.note((*at, "primaryCode", "code"), f"course {code!r} is {institution}-{code}")
            code = f"{institution}-{code}"
        teaches = _teaches(reader, item, at, ext, links) if isinstance(item, dict) else {}
        for key in sorted(set(ext) - _COURSE_KEYS):
            reader.note((*at, "ext", key), "not mapped (no such course field here)")
            ext.pop(key)
        languages = item.get("teachingLanguages") if isinstance(item, dict) else None
        if languages:
            ext["language"] = languages[0]
        if code is None or title is None or ects is None or institution is None:
            continue
        for k, ident in enumerate(item.get("programmeIds") or []):
            programme = links.programmes.get(ident, "")
            if programme:
                members.setdefault(programme, []).append(code)
            elif programme == "":
                reader.note((*at, "programmeIds", k), f"programme {ident!r} not in the files")
        course = reader.model(
            Course,
            {**ext, "code": code, "title": title, "ects": ects, "teaches": teaches},
            at,
            {
                "code": ("primaryCode", "code"),
                "title": ("name", 0, "value"),
                "ects": ("studyLoad",),
                "teaches": ("learningOutcomeIds",),
                "language": ("teachingLanguages",),
            },
        )
        if course is not None:
            found.append((institution, course))
    return found, calendars, members


def _programme_kinds(reader: _Reader, data: Any) -> dict[str, str | None]:
    """Programme id → its code, or None for a programme left out (of a kind we cannot map)."""
    found: dict[str, str | None] = {}
    for item in data.get("items") or [] if isinstance(data, dict) else []:
        if isinstance(item, dict) and isinstance(item.get("programmeId"), str):
            code = (item.get("primaryCode") or {}).get("code")
            kind = _kind(_Reader("", []), item, ())
            found[item["programmeId"]] = code if kind and isinstance(code, str) else None
    return found


def _read_programmes(
    reader: _Reader,
    data: Any,
    organisations: dict[str, str],
    kinds: dict[str, str | None],
    members: dict[str, list[str]],
) -> list[Programme]:
    found = []
    links = _Links(organisations, {}, {}, kinds)
    for i, item in enumerate(_items(reader, data)):
        at = ("items", i)
        code, name, ects = reader.code(item, at), reader.text(item, at), reader.ects(item, at)
        kind = _kind(reader, item, at)
        ext = reader.ext(item, at)
        if kind == "":
            continue
        for key in sorted(set(ext) - _PROGRAMME_KEYS):
            reader.note((*at, "ext", key), "not mapped (no such programme field here)")
            ext.pop(key)
        languages = item.get("teachingLanguages") if isinstance(item, dict) else None
        if languages:
            ext["language"] = languages[0]
        if "institution" not in ext and isinstance(item, dict):
            institution = links.institution(reader, item, at, ext)
            if institution is not None:
                ext["institution"] = institution
        if code is None or name is None or ects is None or kind is None:
            continue
        if kind in ("bachelor", "minor") and "courses" not in ext:
            ext["courses"] = members.get(code, [])
            reader.note(at, f"courses from the courses' programmeIds: {len(ext['courses'])}")
        if kind == "master" and "requires" not in ext:
            reader.note(at, "no admission requirements to map: the master requires nothing")
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
    """bachelor, master or minor, from ``programmeType`` and ``level``; ``""`` for a programme
    the spec allows but we have no counterpart for (noted); None for an invalid one."""
    kind = reader.get(item, at, "programmeType", str)
    if kind == "minor":
        return "minor"
    if kind is None:
        return None
    level = item.get("level")
    if kind == "programme" and level in ("bachelor", "master"):
        return level
    if _extensible(kind, PROGRAMME_TYPES) and (level is None or _extensible(level, LEVELS)):
        reader.note(
            at,
            f"left out: programmeType {kind!r} at level {level!r} is not a bachelor, master or "
            "minor",
        )
        return ""
    reader.problem(
        (*at, "level" if _extensible(kind, PROGRAMME_TYPES) else "programmeType"),
        f"not an OOAPI value (programmeType {kind!r}, level {level!r}): custom values start "
        "with 'x-'",
    )
    return None


#: The spec's extensible enumerations we read (any other value must start with ``x-``)
PROGRAMME_TYPES = ("programme", "minor", "honours", "specialisation", "track", "specification")
LEVELS = (
    "pre_vocational",
    "secondary_vocational_education",
    "secondary_vocational_education_1",
    "secondary_vocational_education_2",
    "secondary_vocational_education_3",
    "secondary_vocational_education_4",
    "associate_degree",
    "bachelor",
    "master",
    "doctoral",
    "post_doctoral",
    "undefined",
    "undivided",
    "nt2_1",
    "nt2_2",
)


def _extensible(value: Any, values: tuple[str, ...]) -> bool:
    """Whether ``value`` is one of an extensible enumeration's ``values`` or a custom ``x-``
    value, as the spec allows."""
    return isinstance(value, str) and (value in values or value.startswith("x-"))


# --- serving -----------------------------------------------------------------------------------

SPEC_COMMIT = "ca188b6738a8a2bbbb7077a82eff08eb5538bbc6"  # release/6.0 of the specification
SPEC_URL = f"https://github.com/open-education-api/specification/blob/{SPEC_COMMIT}/oeapi.yaml"
ACADEMIC_YEAR = 2026  # the calendars (weeks from 1 September) are served as 2026-2027
PAGE_SIZES = (10, 20, 50, 100, 250)  # the spec's pageSize values; 10 by default
MAX_PAGE = 100_000
MAX_FILTER = 200  # characters of a filter's value

LISTS = {
    "courses": "courses.json",
    "programmes": "programmes.json",
    "learning-outcomes": "learning-outcomes.json",
    "organisations": "organisations.json",
}
ID_FIELD = {
    "courses": "courseId",
    "programmes": "programmeId",
    "learning-outcomes": "learningOutcomeId",
    "organisations": "organisationId",
    "academic-sessions": "academicSessionId",
}
#: The filters each list honours (besides pageSize and pageNumber), as the spec defines them
FILTERS: dict[str, tuple[str, ...]] = {
    "courses": ("primaryCode", "q", "teachingLanguage", "level", "modeOfDelivery"),
    "programmes": (
        "primaryCode",
        "q",
        "teachingLanguage",
        "programmeType",
        "qualificationAwarded",
        "levelOfQualification",
        "fieldsOfStudy",
    ),
    "learning-outcomes": ("q",),
    "organisations": ("primaryCode", "q", "organisationType"),
    "academic-sessions": ("primaryCode", "academicSessionType", "parent", "year"),
    "programme-courses": ("q", "teachingLanguage", "level", "modeOfDelivery"),
    "course-offerings": ("q", "teachingLanguage", "state", "modeOfDelivery", "resultExpected"),
}
#: Parameters the spec defines that this service does not support: answered 400 like any other
UNSUPPORTED = ("consumer", "fields", "filter_query", "since", "until")
#: The ``expand`` values of each single-item path, as the spec lists them
EXPANDS: dict[str, tuple[str, ...]] = {
    "courses": ("programmes", "coordinators", "instructors", "organisation"),
    "programmes": ("parent", "children", "coordinators", "instructors", "organisation"),
    "learning-outcomes": ("organisation", "parents", "children"),
    "organisations": ("parent", "children"),
    "academic-sessions": ("parent", "children", "year"),
}
LANGUAGE_TAG = re.compile(
    r"^([a-z]{2,3})(-([A-Z]{2}|[0-9]{3}))?(-([a-z]{4}))?(-([a-z]{2}|[0-9]{3}))*"
    r"(-[a-z0-9]{2,8})*(-x(-[a-z0-9]{1,8})+)?$"
)


class QueryError(ValueError):
    """A query parameter this service does not accept: ``parameter`` and why."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(message)


def ooapi_files(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """:func:`export_ooapi` of the snapshot with the academic sessions and course offerings,
    computed once per catalogue (read it, do not change it)."""

    def build() -> dict[str, dict[str, Any]]:
        files = dict(export_ooapi(catalogue))
        sessions, offerings = academic_sessions(catalogue)
        files["academic-sessions.json"] = page(sessions)
        files["course-offerings.json"] = page(offerings)
        return files

    return catalogue.remembered(INDEXES, "ooapi", build)


def _datetime(week: int) -> str:
    start = dt.date(ACADEMIC_YEAR, 9, 1) + dt.timedelta(weeks=week)
    return f"{start.isoformat()}T00:00:00Z"


def academic_sessions(catalogue: Catalogue) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each institution's calendar as OOAPI ``AcademicSession`` objects (the academic year
    :data:`ACADEMIC_YEAR` and its periods), and each course's periods as ``CourseOffering``
    objects in them."""
    sessions: list[dict[str, Any]] = []
    period_ids: dict[tuple[str, str], str] = {}
    for inst in institutions(catalogue):
        calendar = catalogue.calendars.get(inst) or default_calendar(inst)
        year_code = f"{inst}-{ACADEMIC_YEAR}-{ACADEMIC_YEAR + 1}"
        year_id = ooapi_id("academic-session", year_code)
        children = []
        for period in calendar.periods:
            ident = ooapi_id("academic-session", f"{year_code}-{period.name}")
            period_ids[(inst, period.name)] = ident
            children.append(
                {
                    "academicSessionId": ident,
                    "academicSessionType": "period",
                    "primaryCode": {"codeType": "identifier", "code": f"{year_code}-{period.name}"},
                    "name": _text(period.name),
                    "startDateTime": _datetime(period.start_week),
                    "endDateTime": _datetime(period.end_week),
                    "parentId": year_id,
                    "yearId": year_id,
                }
            )
        sessions.append(
            {
                "academicSessionId": year_id,
                "academicSessionType": "academic_year",
                "primaryCode": {"codeType": "identifier", "code": year_code},
                "name": _text(f"{inst} {ACADEMIC_YEAR}-{ACADEMIC_YEAR + 1}"),
                "startDateTime": _datetime(0),
                "endDateTime": _datetime(YEAR_WEEKS),
                "childIds": [c["academicSessionId"] for c in children],
            }
        )
        sessions += children
    offerings = []
    for code, course in catalogue.courses.items():
        inst = catalogue.institution_of[code]
        calendar = catalogue.calendars.get(inst) or default_calendar(inst)
        for text in course.periods:
            try:
                offering = parse_offering(calendar, text)
            except PeriodError:
                continue
            first, last = calendar.periods[offering.first], calendar.periods[offering.last]
            item: dict[str, Any] = {
                "courseOfferingId": ooapi_id("course-offering", f"{code}@{text}"),
                "primaryCode": {
                    "codeType": "offering_code",
                    "code": f"{code}-{ACADEMIC_YEAR}-{text}",
                },
                "name": _text(course.title),
                "academicSessionId": period_ids[(inst, first.name)],
                "startDateTime": _datetime(first.start_week),
                "endDateTime": _datetime(last.end_week),
                "courseId": ooapi_id("course", code),
                "organisationId": ooapi_id("organisation", inst),
            }
            if course.language and _LANGUAGE.match(course.language):
                item["teachingLanguages"] = [course.language]
            offerings.append(item)
    return sessions, offerings


def service(contact_email: str) -> dict[str, Any]:
    """The OOAPI ``Service`` object of ``GET /``: the spec followed, the operations served and
    the expansions each single-item path takes."""
    lists = [*LISTS, "academic-sessions"]
    paths = [
        "/",
        *(f"/{kind}" for kind in lists),
        *(f"/{kind}/{{{ID_FIELD[kind]}}}" for kind in lists),
        "/programmes/{programmeId}/courses",
        "/courses/{courseId}/course-offerings",
    ]
    return {
        "contactEmail": contact_email,
        "specification": SPEC_URL,
        "supportedOperations": [{"verbs": ["GET"], "path": path} for path in paths],
        "supportedExpands": [
            {
                "expandableObjects": [_EXPANDABLE[e] for e in EXPANDS[kind]],
                "path": f"/{kind}/{{{ID_FIELD[kind]}}}",
            }
            for kind in lists
        ],
    }


# the spec's names (expandableObjects) of the expand values
_EXPANDABLE = {
    "programmes": "programmes",
    "coordinators": "coordinators",
    "instructors": "instructors",
    "organisation": "organisation",
    "parent": "parent",
    "children": "children",
    "parents": "parent",
    "year": "academic_session",
}


def _one(params: Mapping[str, list[str]], name: str) -> str:
    values = params[name]
    if len(values) != 1:
        raise QueryError(name, f"query parameter {name!r} is given {len(values)} times")
    return values[0]


def _matches(item: dict[str, Any], name: str, value: str) -> bool:
    if name == "primaryCode":
        return item["primaryCode"]["code"] == value
    if name == "q":
        needle = value.casefold()
        texts = [item["primaryCode"]["code"], *(n["value"] for n in item.get("name", []))]
        return any(needle in text.casefold() for text in texts)
    if name == "teachingLanguage":
        return value in (item.get("teachingLanguages") or [])
    if name == "modeOfDelivery":
        return value in (item.get("modesOfDelivery") or [])
    if name == "resultExpected":
        return item.get("resultExpected") is (value == "true")
    field = {"parent": "parentId", "year": "yearId"}.get(name, name)
    return item.get(field) == value


def ooapi_list(
    catalogue: Catalogue, kind: str, params: Mapping[str, list[str]], parent: str | None = None
) -> dict[str, Any]:
    """One page of an OOAPI list, filtered as the query ``params`` ask (name → values).

    ``kind``: courses, programmes, learning-outcomes, organisations, academic-sessions, or
    programme-courses / course-offerings with ``parent`` the programme's / course's id. Raises
    :class:`QueryError` for a parameter the spec does not define for this list, one it defines
    that is not supported here, or a value not allowed.

    >>> from articulation.curriculum.loader import load_curricula
    >>> cat = load_curricula("tests/fixtures/mini")
    >>> body = ooapi_list(cat, "courses", {"pageSize": ["10"], "pageNumber": ["2"]})
    >>> body["pageNumber"], body["hasPreviousPage"], body["hasNextPage"], len(body["items"])
    (2, True, False, 3)
    >>> [c["primaryCode"]["code"] for c in ooapi_list(cat, "courses", {"primaryCode": ["UT-ADC"]})["items"]]
    ['UT-ADC']
    """  # noqa: E501
    allowed = FILTERS[kind]
    page_size, page_number = 10, 1
    filters = []
    for name in params:
        if name == "pageSize":
            text = _one(params, name)
            if not text.isdigit() or int(text) not in PAGE_SIZES:
                raise QueryError(
                    name, f"pageSize must be one of {', '.join(map(str, PAGE_SIZES))}, got {text!r}"
                )
            page_size = int(text)
        elif name == "pageNumber":
            text = _one(params, name)
            if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
                raise QueryError(name, f"pageNumber must be 1 to {MAX_PAGE}, got {text[:20]!r}")
            page_number = int(text)
        elif name in allowed:
            value = _one(params, name)
            if len(value) > MAX_FILTER:
                raise QueryError(name, f"{name} is longer than {MAX_FILTER} characters")
            if name == "teachingLanguage" and not LANGUAGE_TAG.match(value):
                raise QueryError(name, f"teachingLanguage is not a language tag: {value[:40]!r}")
            if name == "resultExpected" and value not in ("true", "false"):
                raise QueryError(name, f"resultExpected must be true or false, got {value[:20]!r}")
            filters.append((name, value))
        elif name.split("[")[0] in UNSUPPORTED:
            raise QueryError(
                name, f"query parameter {name!r} is defined by OOAPI v6 but not supported here"
            )
        else:
            raise QueryError(
                name,
                f"unknown query parameter {name[:60]!r}; this list takes "
                + ", ".join(("pageSize", "pageNumber", *allowed)),
            )
    files = ooapi_files(catalogue)
    if kind == "programme-courses":
        items = [c for c in files["courses.json"]["items"] if parent in c.get("programmeIds", [])]
        programme = next(p for p in files["programmes.json"]["items"] if p["programmeId"] == parent)
        members = programme.get("ext", {}).get("courses")
        if members:  # a bachelor's or minor's own list, in its order
            by_code = {c["primaryCode"]["code"]: c for c in items}
            items = [by_code[code] for code in members if code in by_code] + [
                c for c in items if c["primaryCode"]["code"] not in members
            ]
    elif kind == "course-offerings":
        items = [o for o in files["course-offerings.json"]["items"] if o["courseId"] == parent]
    else:
        items = files[LISTS.get(kind, f"{kind}.json")]["items"]
    for name, value in filters:
        items = [item for item in items if _matches(item, name, value)]
    start = (page_number - 1) * page_size
    body = {
        "pageSize": page_size,
        "pageNumber": page_number,
        "hasPreviousPage": page_number > 1,
        "hasNextPage": start + page_size < len(items),
        "totalPages": max(1, -(-len(items) // page_size)),
        "items": items[start : start + page_size],
    }
    if kind == "courses" and "ext" in files["courses.json"]:  # the calendars
        body["ext"] = files["courses.json"]["ext"]
    return body


def ooapi_item(
    catalogue: Catalogue, kind: str, ident: str, params: Mapping[str, list[str]] | None = None
) -> dict[str, Any] | None:
    """The OOAPI object of ``kind`` with this id (or, as an extension, its primary code), with
    the expansions ``expand`` asks for (as the spec allows them per path), or None."""
    expand: list[str] = []
    for name in params or {}:
        if name == "expand":
            for value in (v for values in params["expand"] for v in values.split(",")):
                if value not in EXPANDS[kind]:
                    raise QueryError(
                        name,
                        f"cannot expand {value[:40]!r} here; expandable: "
                        + ", ".join(EXPANDS[kind]),
                    )
                expand.append(value)
        elif name == "returnTimelineOverrides" and kind in ("courses", "programmes"):
            if _one(params, name) not in ("true", "false"):
                raise QueryError(name, "returnTimelineOverrides must be true or false")
        elif name in UNSUPPORTED:
            raise QueryError(
                name, f"query parameter {name!r} is defined by OOAPI v6 but not supported here"
            )
        else:
            raise QueryError(name, f"unknown query parameter {name[:60]!r}; this path takes expand")
    files = ooapi_files(catalogue)
    found = _index(catalogue, kind).get(ident)
    if found is None:
        return None
    item = dict(found)
    for value in dict.fromkeys(expand):
        item.update(_expanded(catalogue, files, kind, item, value))
    return item


def _index(catalogue: Catalogue, kind: str) -> dict[str, dict[str, Any]]:
    """The objects of ``kind`` by id and by primary code."""

    def build() -> dict[str, dict[str, Any]]:
        items = ooapi_files(catalogue)[LISTS.get(kind, f"{kind}.json")]["items"]
        found = {item["primaryCode"]["code"]: item for item in items}
        found.update({item[ID_FIELD[kind]]: item for item in items})
        return found

    return catalogue.remembered(INDEXES, f"ooapi-index-{kind}", build)


def _expanded(
    catalogue: Catalogue, files: dict[str, Any], kind: str, item: dict[str, Any], value: str
) -> dict[str, Any]:
    """The field ``value`` adds to ``item`` when expanded (an empty list where the catalogue
    has nothing to expand, no field where the item refers to nothing)."""

    def objects(of: str, ids: list[str]) -> list[dict[str, Any]]:
        index = _index(catalogue, of)
        return [index[i] for i in ids if i in index]

    def one(of: str, ident: str | None) -> dict[str, Any] | None:
        return _index(catalogue, of).get(ident) if ident else None

    if value in ("coordinators", "instructors"):
        return {value: []}  # the catalogue has no persons
    if value == "programmes":
        return {"programmes": objects("programmes", item.get("programmeIds", []))}
    if value == "parents":
        return {"parents": objects(kind, item.get("parentIds", []))}
    if value in ("organisation", "parent", "year"):
        of = "organisations" if value == "organisation" else kind
        found = one(of, item.get(f"{value}Id"))
        return {} if found is None else {value: found}
    # children
    if kind == "learning-outcomes":
        key = ID_FIELD[kind]
        mine = item[key]
        items = files["learning-outcomes.json"]["items"]
        return {"children": [o for o in items if mine in o.get("parentIds", [])]}
    return {"children": objects(kind, item.get("childIds", []))}
