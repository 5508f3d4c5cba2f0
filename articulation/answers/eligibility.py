"""A student's eligibility: a transcript against every master it asks about. The one use case
the API (``POST /v1/eligibility``) and the student page both call (:func:`assess_transcript`).

The transcript is recognised once (codes in any common form, or titles), and counted against
one limit (``max_entries``). The recognised courses are what the student has passed; per master
the route decision of :mod:`articulation.solving.route` applies as for a graduate (direct — no
gap or admitted by policy when the student names their bachelor — else the optimal pre-master,
or infeasible), and a master's ``min_gpa`` is checked against the transcript's EC-weighted grade
average. Each answer carries the master's admission conditions that no curriculum shows and the
student's bachelor does not guarantee (all of them without a bachelor), each ``met`` when the
student says they meet it (``meets``), else to be checked. A student who names their bachelor
and is still ``studying`` gets their bachelor's scan cells instead (every route: electives and
minors too), counting the transcript as the courses done so far. A graduate who names a
bachelor and gives
no transcript is assessed on the bachelor's mandatory courses. Results come in one order: the
masters the student chose (``prefer``) first, then by status, then EC, then master code.

>>> from articulation.curriculum.loader import load_curricula
>>> from articulation.curriculum.model import Bachelor, Master, TranscriptEntry
>>> cat = load_curricula("tests/fixtures/mini")
>>> answer = assess_transcript(cat, [TranscriptEntry(code="VU-PROG")], masters=["UT-M-CS"])
>>> answer.results[0].status, answer.recognised
('premaster', ('VU-PROG',))
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from articulation.answers.grade import Grade, grade
from articulation.answers.scan import Cell, assess
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.credits import reaches
from articulation.curriculum.model import Bachelor, Condition, Master, TranscriptEntry
from articulation.interop.transcript import (
    EXEMPT,
    FAILED,
    IN_PROGRESS,
    MARKS,
    Line,
    Matched,
    Unmatched,
    read_line,
    recognise_texts,
    result_of,
)
from articulation.messages.message import Message
from articulation.messages.status import ROUTED, rank
from articulation.solving.bridging import Bridging
from articulation.solving.gap import Attainment, Gap, attainment, gap, named, words
from articulation.solving.planning.route_plan import RoutePlan
from articulation.solving.route import FixedAnswer, Route, decide, premaster_route
from articulation.support.deadline import cancelled
from articulation.support.jsonable import JsonRecord
from articulation.support.suggest import unknown


@dataclass(frozen=True)
class GradeCheck(JsonRecord):
    """A master's minimum grade average against the transcript's (None: no grades given)."""

    required: float
    gpa: float | None
    met: bool | None


@dataclass(frozen=True)
class MasterResult:
    """One master: the status for this transcript, why, the gap and the bridging programme."""

    master: str
    name: str
    status: str
    reason: Message
    gap: Gap
    bridging: Bridging  # the optimal pre-master, also shown when admitted directly by policy
    grade: GradeCheck | None
    illustrative: tuple[str, ...]
    requirements: tuple[dict[str, str], ...] = ()  # the gap: each id with its text in words
    plan: RoutePlan | None = None  # when each course of the programme is taken
    minor: str | None = None  # the minor route's minor (a student still studying)
    track: str | None = None  # the bachelor's track the route is of (a student still studying)
    explanation: tuple[Message, ...] = ()  # the answer in messages (the scan cell's, if any)
    cap_status: str = "assumed"  # the master's pre-master cap: sourced | assumed
    package: FixedAnswer | None = None  # the fixed pre-master package the route is, if any
    admission: str | None = None  # direct: by "requirements", "policy" or "assessment"
    conditions: tuple[Condition, ...] = ()  # admission conditions to be met besides the route
    meets: frozenset[str] = frozenset()  # the conditions the student says they meet
    provenance: Grade | None = None  # which parts rest on sourced data (:mod:`grade`)
    # a student still studying: the graduate's route where it differs (status, EC)
    graduate: tuple[str, float] | None = None

    @property
    def late(self) -> bool:
        """Whether the time limit stopped its solve before the answer was proven."""
        return self.status != "direct" and (
            self.bridging.status == "unknown" or not self.bridging.optimal
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "master": self.master,
            "name": self.name,
            "status": self.status,
            "admission": self.admission,
            "conditions": [{**c.answer_json(), "met": c.id in self.meets} for c in self.conditions],
            "reason": self.reason.text(),
            "reasons": [m.to_json() for m in self.explanation or (self.reason,)],
            "gap": [item.text() for item in self.gap.details()],
            "requirements": list(self.requirements),
            "bridging": self.bridging.to_json(),
            "cap_status": self.cap_status,
            "fixed_package": self.package.to_json() if self.package else None,
            "min_gpa": None if self.grade is None else self.grade.to_json(),
            "illustrative": list(self.illustrative),
            "provenance": self.provenance.to_json() if self.provenance else None,
            "finish": self.plan.finish_text if self.plan else None,
            "plan": self.plan.to_json() if self.plan else None,
        }


@dataclass(frozen=True)
class Eligibility:
    """The answer for one transcript."""

    bachelor: str | None
    recognised: tuple[str, ...]
    unrecognised: tuple[Unmatched, ...]
    gpa: float | None
    results: tuple[MasterResult, ...]
    matched: tuple[Matched, ...] = ()
    suggested: dict[str, list[dict[str, str]]] | None = None  # input → nearest courses
    track: str | None = None
    studying: bool = False  # the bachelor's scan cells (a student still studying)
    lines: tuple[Line, ...] = ()  # each entry as read: the course text and its result
    planned: tuple[str, ...] = ()  # courses in progress: counted as planned, not passed
    lang: str = "en"

    @property
    def late(self) -> tuple[MasterResult, ...]:
        return tuple(r for r in self.results if r.late)

    @property
    def not_passed(self) -> tuple[str, ...]:
        """The recognised courses the transcript does not pass (failed, never passed)."""
        done = {*self.recognised, *self.planned}
        return tuple(sorted({m.code for m in self.matched if m.code not in done}))

    def to_json(self) -> dict[str, Any]:
        return {
            "bachelor": self.bachelor,
            "recognised": list(self.recognised),
            "planned": list(self.planned),
            "not_passed": list(self.not_passed),
            "transcript": [_entry_json(m, self.lang) for m in self.matched],
            "matched": {m.text: m.code for m in self.matched},
            "unrecognised": sorted({u.text for u in self.unrecognised}),
            "suggestions": self.suggested or {},
            "gpa": self.gpa,
            "results": [r.to_json() for r in self.results],
        }


class UnknownCondition(ValueError):
    """A condition a student says they meet that no master of the catalogue defines."""

    def __init__(self, index: int, condition: str, known: Collection[str]) -> None:
        super().__init__(unknown("condition", condition, known))
        self.index, self.condition = index, condition


def condition_ids(catalogue: Catalogue) -> frozenset[str]:
    """Every admission condition id the masters of the catalogue define."""
    return frozenset(c.id for m in catalogue.masters for c in m.conditions)


def check_meets(catalogue: Catalogue, meets: Sequence[str]) -> frozenset[str]:
    """The condition ids a student says they meet; the first unknown one raises
    :class:`UnknownCondition` (with its index and the nearest known id)."""
    known = condition_ids(catalogue)
    for index, condition in enumerate(meets):
        if condition not in known:
            raise UnknownCondition(index, condition, known)
    return frozenset(meets)


class TooManyEntries(ValueError):
    """A transcript of more entries than the one limit allows."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"{count} transcript entries; at most {limit} are read")
        self.count, self.limit = count, limit


class UnreadableEntries(ValueError):
    """Entries whose result cannot be read (a grade outside 1–10, a result in unknown words):
    an error on each such line, never a line dropped."""

    def __init__(
        self,
        problems: Sequence[tuple[int, str, str]],
        values: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.problems = tuple(problems)  # (index, entry as given, what is wrong)
        # per problem, what cannot be read: ("grade", "11,5") or ("result", "goed")
        self.values = tuple(values)
        super().__init__(
            "; ".join(f"line {i + 1} {text!r}: {problem}" for i, text, problem in self.problems)
        )


class UnrecognisedEntries(ValueError):
    """Entries that name no course, when the caller asked for a transcript read strictly."""

    def __init__(self, unrecognised: Sequence[Unmatched]) -> None:
        super().__init__("; ".join(u.message for u in unrecognised))
        self.unrecognised = tuple(unrecognised)


def assess_transcript(
    catalogue: Catalogue,
    entries: Sequence[TranscriptEntry | str],
    *,
    bachelor: str | None = None,
    track: str | None = None,
    studying: bool = False,
    masters: Sequence[str] | None = None,
    prefer: Sequence[str] = (),
    lang: str = "en",
    max_entries: int | None = None,
    strict: bool = False,
    meets: Sequence[str] = (),
) -> Eligibility:
    """Per master (default: all), the student's status, gap and route.

    ``bachelor`` (a bachelor's code) lets the masters' direct-admission policies apply; with
    ``studying`` its scan cells (of ``track``, else the best track) are the answer. Unknown
    bachelor, track or master codes raise
    :class:`~articulation.curriculum.catalogue.UnknownCode`; more than ``max_entries`` entries
    raise :class:`TooManyEntries`; with ``strict``, entries that name no course raise
    :class:`UnrecognisedEntries` before anything is solved. Entries name courses by code in any
    common form or by title (:mod:`articulation.interop.transcript`); a text entry is a line as
    printed, read by :func:`~articulation.interop.transcript.read_line` (its grade or result in
    words included). A course counts as passed with a grade from its institution's pass mark
    on, a passed or exempt result, or no result; a course in progress counts as planned; a
    failed one stays in the gap. An unreadable result raises :class:`UnreadableEntries`. The
    texts of the
    requirements are in ``lang``. ``meets`` are the admission conditions the student says they
    meet (an id no master defines raises :class:`UnknownCondition`).
    """
    met = check_meets(catalogue, meets)
    if max_entries is not None and len(entries) > max_entries:
        raise TooManyEntries(len(entries), max_entries)
    student = catalogue.bachelor(bachelor) if bachelor is not None else None
    chosen_track = catalogue.track(student, track) if student is not None else None
    if masters is None:
        targets = catalogue.masters
    else:
        targets = [catalogue.master(code) for code in sorted(set(masters))]
    lines = read_entries(catalogue, entries)
    matched, unrecognised = recognise(catalogue, lines)
    if strict and unrecognised:
        raise UnrecognisedEntries(unrecognised)
    counted = [m for m in matched if m.counts]
    recognised = tuple(sorted({m.code for m in counted}))
    planned = tuple(sorted({m.code for m in matched if m.result == IN_PROGRESS} - set(recognised)))
    ects = [e.ects if isinstance(e, TranscriptEntry) else None for e in entries]
    gpa = grade_average(
        catalogue,
        [
            TranscriptEntry(code=m.code, grade=m.grade, ects=ects[m.index])
            for m in counted
            if m.grade is not None
        ],
    )
    if student is not None and studying:
        done = frozenset(recognised) | frozenset(planned)  # the courses done so far
        results = [
            _cell_result(
                catalogue,
                assess(catalogue, student, m, track=chosen_track, done=done),
                lang,
            )
            for m in targets
        ]
    else:
        if not entries and student is not None:
            recognised = tuple(sorted(student.courses_of(chosen_track)))
        taken = frozenset(recognised) | frozenset(planned)
        passed = Passed.read(catalogue, taken, lang)
        results = [_graduate_result(catalogue, master, passed, student, gpa) for master in targets]
    results = [replace(r, meets=met & {c.id for c in r.conditions}) for r in results]
    first = set(prefer)
    results.sort(
        key=lambda r: (r.master not in first, rank(r.status), r.bridging.total_ects, r.master)
    )
    return Eligibility(
        bachelor=student.code if student else None,
        recognised=recognised,
        unrecognised=unrecognised,
        gpa=gpa,
        results=tuple(results),
        matched=matched,
        suggested={u.text: u.to_json(catalogue)["suggestions"] for u in unrecognised},
        track=chosen_track,
        studying=student is not None and studying,
        lines=lines,
        planned=planned,
        lang=lang,
    )


def read_entries(
    catalogue: Catalogue, entries: Sequence[TranscriptEntry | str]
) -> tuple[Line, ...]:
    """Each entry as a line read: a text as printed by
    :func:`~articulation.interop.transcript.read_line`, an entry by its fields. Raises
    :class:`UnreadableEntries` naming every line whose result cannot be read. Reading runs
    under the request's deadline: it stops when the client leaves (nobody reads the answer)."""
    lines: list[Line] = []
    problems: list[tuple[int, str, str]] = []
    values: list[tuple[str, str]] = []
    for i, entry in enumerate(entries):
        if cancelled():
            break
        if isinstance(entry, str):
            line, given = read_line(catalogue, entry), entry
        elif isinstance(entry.grade, str):
            line, given = Line(entry.code, mark=entry.grade), entry.code
        else:
            line, given = Line(entry.code, entry.grade), entry.code
        value = ("grade", line.bad or "")
        if line.mark is not None and line.mark.casefold() not in MARKS:
            words = ", ".join(sorted(MARKS))
            line = replace(line, error=f"result {line.mark!r} is not a grade nor one of {words}")
            value = ("result", line.mark)
        if line.error is not None:
            problems.append((i, given, line.error))
            values.append(value)
        lines.append(line)
    if problems:
        raise UnreadableEntries(problems, values)
    return tuple(lines)


def _entry_json(m: Matched, lang: str) -> dict[str, Any]:
    """One recognised line: its course, grade or result in words, what it means and why."""
    return {
        "index": m.index,
        "input": m.text,
        "code": m.code,
        "grade": m.grade,
        "mark": m.mark,
        "result": m.result,
        "reason": entry_reason(m).text(lang),
    }


def entry_reason(m: Matched) -> Message:
    """Why a recognised line counts as it does (passed, exempt, not passed, in progress)."""
    shown = m.mark if m.mark is not None else m.grade
    if m.result == FAILED:
        if m.mark is None:
            return Message.of("transcript.below_pass_mark", grade=m.grade, pass_mark=m.pass_mark)
        return Message.of("transcript.not_passed", mark=shown)
    if m.result == EXEMPT:
        return Message.of("transcript.exempt", mark=shown)
    if m.result == IN_PROGRESS:
        return Message.of("transcript.in_progress", mark=shown)
    if m.grade is not None:
        return Message.of("transcript.passed_grade", grade=m.grade, pass_mark=m.pass_mark)
    if m.mark is not None:
        return Message.of("transcript.passed_mark", mark=shown)
    return Message.of("transcript.listed")


@dataclass(frozen=True)
class Passed:
    """What every master of one request reads alike of the passed courses, read once per
    request: what they attain, which of them teach each outcome and earn credit in each area
    (the courses a master's gap is decided by), and the requirements in words of ``lang`` as
    read against them (each text kept for the request's masters that leave it unmet)."""

    taken: frozenset[str]
    attained: Attainment
    invented: frozenset[str]  # the illustrative ones (the provenance grade reads them)
    lang: str
    teach: dict[str, frozenset[str]]
    earn: dict[str, frozenset[str]]
    texts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def read(cls, catalogue: Catalogue, taken: frozenset[str], lang: str) -> Passed:
        teach: dict[str, set[str]] = {}
        earn: dict[str, set[str]] = {}
        for code in taken:
            if code in catalogue.courses:
                for outcome in catalogue.courses[code].teaches:
                    teach.setdefault(outcome, set()).add(code)
                for area in catalogue.course_areas[code]:
                    earn.setdefault(area, set()).add(code)
        return cls(
            taken,
            attainment(catalogue, taken),
            frozenset(catalogue.illustrative(taken)),
            lang,
            {k: frozenset(v) for k, v in teach.items()},
            {k: frozenset(v) for k, v in earn.items()},
        )

    def deciding(self, master: Master) -> set[str]:
        """:func:`~articulation.solving.gap.deciding_courses` of ``master``."""
        outcomes, areas = named(master.requires)
        found: set[str] = set()
        for outcome in outcomes:
            found |= self.teach.get(outcome, frozenset())
        for area in areas:
            found |= self.earn.get(area, frozenset())
        return found

    def in_words(self, catalogue: Catalogue, the_gap: Gap) -> tuple[dict[str, str], ...]:
        """:meth:`~articulation.solving.gap.Gap.in_words` of a gap of the passed courses."""
        found = []
        for item in the_gap.unmet:
            key = str(item)  # an item's id, as the engine knows it everywhere
            text = self.texts.get(key)
            if text is None:
                text = words(catalogue, item, self.attained, self.lang).text(self.lang)
                self.texts[key] = text
            found.append({"id": key, "text": text})
        return tuple(found)


def _graduate_result(
    catalogue: Catalogue,
    master: Master,
    passed: Passed,
    student: Bachelor | None,
    gpa: float | None,
) -> MasterResult:
    """A graduate's answer for one master: direct, the pre-master, over the cap or infeasible;
    infeasible too when the grade average is below the master's minimum."""
    taken = passed.taken
    the_gap = gap(master, passed.attained)
    premaster = premaster_route(catalogue, master, taken, the_gap, shared=True)
    route = decide(
        catalogue,
        master,
        taken,
        the_gap,
        bachelor=student,
        studying=False,
        premaster=premaster,
    )
    status, reason, check, admission = route.status, route.reason, None, route.admission
    if master.min_gpa is not None:
        met = None if gpa is None else reaches(gpa, master.min_gpa)
        check = GradeCheck(required=master.min_gpa, gpa=gpa, met=met)
        if met is False:
            status, admission = "infeasible", None
            reason = Message.of("grade.below_minimum", gpa=gpa, minimum=master.min_gpa)
    return MasterResult(
        master=master.code,
        name=master.name,
        status=status,
        reason=reason,
        gap=the_gap,
        bridging=premaster if route.status == "direct" else _programme(route),
        grade=check,
        illustrative=catalogue.illustrative([master.code, *route.codes, *passed.deciding(master)]),
        requirements=passed.in_words(catalogue, the_gap),
        plan=route.plan,
        cap_status=master.premaster.cap_status,
        package=route.package,
        admission=admission,
        conditions=route.conditions,
        provenance=grade(
            catalogue,
            master,
            taken,
            route,
            bachelor=student,
            studying=False,
            invented=passed.invented,
        ),
    )


def _cell_result(catalogue: Catalogue, cell: Cell, lang: str) -> MasterResult:
    """A student's answer for one master while still studying: the bachelor's scan cell."""
    master = catalogue.master(cell.master)
    return MasterResult(
        master=master.code,
        name=master.name,
        status=cell.status,
        reason=cell.reason,
        gap=cell.gap,
        bridging=_programme(cell),
        grade=None,
        illustrative=cell.illustrative,
        requirements=tuple(cell.gap.in_words(catalogue, lang)),
        plan=cell.plan,
        minor=cell.minor,
        track=cell.track,
        explanation=cell.explanation,
        cap_status=cell.cap_status,
        package=cell.package,
        admission=cell.admission,
        conditions=cell.conditions,
        provenance=cell.provenance,
        graduate=_graduate_route(cell),
    )


def _graduate_route(cell: Cell) -> tuple[str, float] | None:
    """A scan cell's graduate route (status, EC) where it differs from the student's."""
    after = cell.graduate
    if after is None or (after.status, after.total_ects) == (cell.status, cell.total_ects):
        return None
    return after.status, after.total_ects if after.status in ROUTED else 0.0


def _programme(route: Route) -> Bridging:
    """The route's programme in the form of a bridging answer (the one the plan chose, which is
    the smallest one unless that one could not be finished in time)."""
    shared = {f.name for f in fields(Bridging)} & {f.name for f in fields(Route)}
    return Bridging(**{name: getattr(route, name) for name in shared})


def recognise(
    catalogue: Catalogue, lines: Sequence[Line]
) -> tuple[tuple[Matched, ...], tuple[Unmatched, ...]]:
    """The lines matched to catalogue courses (a code in any common form, or a title), each
    with its result against the pass mark of the course's institution, and those it does not
    know, each with the nearest courses as suggestions."""
    matched, unmatched = recognise_texts(catalogue, [line.text for line in lines])
    read = []
    for m in matched:
        line, mark = lines[m.index], catalogue.pass_mark(m.code)
        result = result_of(line, mark)
        read.append(replace(m, grade=line.grade, mark=line.mark, result=result, pass_mark=mark))
    return tuple(read), unmatched


def grade_average(catalogue: Catalogue, entries: Sequence[TranscriptEntry]) -> float | None:
    """The EC-weighted mean grade of the graded entries, rounded to two decimals; None without
    grades. EC come from the entry, else from the catalogue (graded entries with neither are left
    out). A course listed more than once (a retake) counts once, with its best grade.

    >>> from articulation.curriculum.catalogue import Catalogue
    >>> empty = Catalogue.build([], [], [])
    >>> grade_average(empty, [TranscriptEntry(code="X-1", grade=5, ects=6),
    ...                       TranscriptEntry(code="X-1", grade=8, ects=6),
    ...                       TranscriptEntry(code="X-2", grade=6, ects=3)])
    7.33
    """
    best: dict[str, tuple[float, float]] = {}
    for entry in entries:
        if entry.grade is None:
            continue
        ects = entry.ects
        if ects is None and entry.code in catalogue.courses:
            ects = catalogue.courses[entry.code].ects
        if ects is None:
            continue
        if entry.code not in best or entry.grade > best[entry.code][0]:
            best[entry.code] = (entry.grade, ects)
    weight = sum(ects for _, ects in best.values())
    total = sum(grade * ects for grade, ects in best.values())
    return round(total / weight, 2) if weight else None
