"""The answer for one student, as the student page shows it: every master, best first.

A student who names their bachelor (and track) and is still studying gets the scan cells of
their bachelor (:func:`articulation.answers.scan.assess`: direct, electives, minor, pre-master,
over the cap, infeasible). Otherwise the routes of a graduate
(:func:`articulation.answers.eligibility.assess_transcript`): the pasted transcript, or else the
bachelor's mandatory courses (of the track), against every master. Each row carries what it is
shown with: status, EC, the courses, the cap, the unmet requirements in words, the plan and
finish when the engine gives them, how a direct admission is granted, and the admission
conditions no curriculum shows (each met when the student ticked it, else to be checked).

>>> from articulation.curriculum.loader import load_curricula
>>> cat = load_curricula("tests/fixtures/mini")
>>> answer = advise(cat, "VU-PROG 7,5\\nlinear algebra and calculus 6 8\\nUT-CALK-A")
>>> [m.code for m in answer.matched], [u.text for u in answer.unmatched], answer.gpa
(['VU-PROG', 'VU-LAC'], ['UT-CALK-A'], 7.75)
>>> answer.rows[0]["status"] in ("direct", "premaster", "over_cap", "infeasible")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from articulation.answers.eligibility import MasterResult, assess_transcript, entry_reason
from articulation.answers.explain import size
from articulation.answers.flagship import FlagshipInputError, flagship
from articulation.answers.minor import design_minor, other_institution_masters
from articulation.curriculum.calendar import start_month
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import Bachelor, Master
from articulation.interop.transcript import Line, Matched, Unmatched
from articulation.messages.message import Message, render
from articulation.messages.status import ROUTED, STATUS, rank
from articulation.solving.planning.route_plan import plan_route

#: The statuses that close the door as asked: each answer with one of them says what next.
CLOSED = ("late", "over_cap", "infeasible", "unknown")


@dataclass(frozen=True)
class Advice:
    """Per master, the student's route; and what of the transcript was recognised."""

    mode: str  # "studying": the bachelor's scan cells; "graduate": a graduate's routes
    bachelor: str | None
    track: str | None
    lines: tuple[Line, ...]
    matched: tuple[Matched, ...]
    unmatched: tuple[Unmatched, ...]
    gpa: float | None
    rows: tuple[dict[str, Any], ...]
    late: tuple[str, ...] = field(default=())  # masters whose solve the time limit stopped
    reasons: dict[int, str] = field(default_factory=dict)  # line index → what its result means
    # every admission condition the rows carry, once (by id), each with whether it is met
    conditions: tuple[dict[str, Any], ...] = field(default=())
    chosen: tuple[str, ...] = ()  # the target masters the student chose (shown first)
    start: str | None = None  # the month the routes start (YYYY-MM): plans in calendar months
    # a student still studying: what fits together in the elective space (:func:`elective_space`)
    space: dict[str, Any] | None = None
    done: tuple[str, ...] = ()  # a student still studying: the transcript's courses, done so far


def advise(
    catalogue: Catalogue,
    text: str = "",
    *,
    bachelor: str | None = None,
    track: str | None = None,
    studying: bool = False,
    lang: str = "en",
    max_entries: int | None = None,
    prefer: Sequence[str] = (),
    meets: Sequence[str] = (),
    start: str | None = None,
) -> Advice:
    """The student's route into every master, in the order of
    :func:`articulation.answers.eligibility.assess_transcript` (the masters in ``prefer`` first,
    then status, EC and code). Every closed answer (late, over the cap, infeasible) comes with
    its next step (:func:`next_step`); with ``start`` (``YYYY-MM``, the month a route starts) every
    plan is placed from that month, in calendar months (a pre-master of a student still studying
    a year later: after the bachelor); a student still studying also gets what fits together in
    the elective space for the chosen masters (:func:`elective_space`).

    ``text`` is the transcript as pasted, its lines read as ``POST /v1/eligibility`` reads
    them (:func:`articulation.interop.transcript.read_line`, grades and results included);
    ``bachelor`` a bachelor's code, ``track`` one of its tracks (unknown ones raise
    :class:`~articulation.curriculum.catalogue.UnknownCode`); ``meets`` the admission
    conditions the student says they meet.
    """
    chosen = tuple(dict.fromkeys(catalogue.master(code).code for code in prefer))
    answer = assess_transcript(
        catalogue,
        [line for line in text.splitlines() if line.strip()],
        bachelor=bachelor or None,
        track=track or None,
        studying=studying,
        prefer=chosen,
        lang=lang,
        max_entries=max_entries,
        meets=meets,
    )
    done = frozenset(answer.recognised) | frozenset(answer.planned)
    student = catalogue.bachelor(answer.bachelor) if answer.bachelor else None
    if start is not None:
        answer = replace(
            answer,
            results=tuple(
                _dated(catalogue, r, student, done, answer.studying, start) for r in answer.results
            ),
        )
    rows = tuple(_row(catalogue, r, lang, r.master in chosen) for r in answer.results)
    conditions = {c["id"]: c for row in rows for c in row["conditions"]}
    space = None
    if answer.studying and student is not None:
        space = elective_space(catalogue, student.code, chosen, answer.track, lang, start)
    return Advice(
        mode="studying" if answer.studying else "graduate",
        bachelor=answer.bachelor,
        track=answer.track,
        lines=answer.lines,
        matched=answer.matched,
        unmatched=answer.unrecognised,
        gpa=answer.gpa,
        rows=rows,
        late=tuple(sorted(r.master for r in answer.results if r.late)),
        reasons={m.index: entry_reason(m).text(lang) for m in answer.matched},
        conditions=tuple(conditions[k] for k in sorted(conditions)),
        chosen=chosen,
        start=start,
        space=space,
        done=tuple(sorted(done)) if answer.studying and text.strip() else (),
    )


def _dated(
    catalogue: Catalogue,
    result: MasterResult,
    student: Bachelor | None,
    done: frozenset[str],
    studying: bool,
    start: str,
) -> MasterResult:
    """The result with its plan placed from the month ``start`` (in calendar months): a route
    in the bachelor's minor semester from that month, a pre-master of a student still studying
    from a year later, any other from that month. Raises ``ValueError`` for a start that is
    not a month."""
    if result.plan is None or not result.plan.plan.codes:
        return result
    status = result.plan.status
    if studying and student is not None:
        taken = frozenset(student.courses_of(result.track)) | done
        begin = start if STATUS[status].window else _a_year_later(start)
        planned = plan_route(
            catalogue, student, status, result.plan.plan.codes, taken=taken, start=begin
        )
    else:
        planned = plan_route(
            catalogue, None, status, result.plan.plan.codes, taken=done, start=start
        )
    return replace(result, plan=planned)


def _a_year_later(month: str) -> str:
    """``2027-09`` → ``2028-09`` (a month that is not ``YYYY-MM`` is left to the planner)."""
    year, _, rest = month.partition("-")
    return f"{int(year) + 1}-{rest}" if year.isdigit() else month


def next_step(result: MasterResult, master: Master) -> tuple[Message, ...]:
    """What a student can do when the answer closes the door as asked (late, over the cap,
    infeasible, unproven): the closest route the engine found, then whom to ask. Nothing for
    an open answer.

    >>> from articulation.curriculum.loader import load_curricula
    >>> cat = load_curricula("tests/fixtures/mini")
    >>> r = assess_transcript(cat, ["VU-PROG"], masters=["UT-M-CS"]).results[0]
    >>> r.status, next_step(r, cat.master("UT-M-CS"))
    ('premaster', ())
    """
    if result.status not in CLOSED:
        return ()
    steps: list[Message] = []
    after = result.graduate
    if after is not None and rank(after[0]) < rank(result.status):
        steps.append(
            Message.of(
                "next.after_graduating", status=Message(STATUS[after[0]].name_id), ects=after[1]
            )
        )
    ects, cap = result.bridging.total_ects, result.bridging.cap
    if result.status == "over_cap":
        steps.append(Message.of("next.over_cap", ects=ects, cap=cap))
    elif result.status == "late":
        steps.append(Message.of("next.late", ects=ects))
    elif result.status == "infeasible" and result.grade is not None and result.grade.met is False:
        steps.append(Message("next.grade"))
    elif result.status == "infeasible" and result.bridging.unmet:
        steps.append(Message.of("next.infeasible", count=len(result.bridging.unmet)))
    elif result.status == "infeasible":  # every programme is larger than any pre-master allowed
        steps.append(Message.of("next.beyond_ceiling", ceiling=master.premaster.ceiling))
    elif result.status == "unknown":
        steps.append(Message("next.unknown"))
    page = master.provenance is not None and master.provenance.source
    steps.append(Message.of("next.contact" if page else "next.contact_office", name=master.name))
    return tuple(steps)


def elective_space(
    catalogue: Catalogue,
    bachelor: str,
    masters: Sequence[str] = (),
    track: str | None = None,
    lang: str = "en",
    start: str | None = None,
) -> dict[str, Any]:
    """What fits together in a bachelor's elective space for the chosen ``masters`` (default:
    every master of another institution): the minor the engine designs within the elective EC
    (:func:`~articulation.answers.minor.design_minor`, the courses that together open the most
    of them, with their timetable in the minor semester) and, per master, the smallest package
    of electives that opens it (:func:`~articulation.answers.flagship.flagship`). The engine's
    designs as they are; the texts in ``lang``; with ``start`` (``YYYY-MM``) the timetable in
    the calendar months of the academic year that month is in."""
    student = catalogue.bachelor(bachelor)
    targets = list(masters) or other_institution_masters(catalogue, student.code)
    budget = float(student.electives)
    design = design_minor(catalogue, student.code, targets, budget=budget, track=track)
    try:
        per_master = flagship(catalogue, student.code, targets, curve=(), lang=lang).to_json()
    except FlagshipInputError:
        per_master = None
    minor = design.to_json()
    if start is not None and design.plan is not None and design.plan.periods:
        year = min(p.year for p in design.plan.periods)
        minor["plan"] = design.plan.to_json(start_month(start, year)[1])
    return {
        "budget": budget,
        "masters": targets,
        "minor": minor,
        "headline": render(
            Message.of(
                "space.minor",
                ects=design.total_ects,
                budget=budget,
                opened=len(design.opened),
                count=len(targets),
            ),
            lang,
        ),
        "flagship": per_master,
    }


def _courses(catalogue: Catalogue, courses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "code": c["code"],
            "title": c["title"],
            "ects": c["ects"],
            "periods": list(catalogue.courses[c["code"]].periods or [])
            if c["code"] in catalogue.courses
            else [],
        }
        for c in courses
    ]


def _size(status: str, programme: dict[str, Any], result: MasterResult) -> dict[str, Any] | None:
    """The programme's size against its cap (sourced or assumed), as a message in its JSON form
    (None without one)."""
    found = size(
        status,
        programme["total_ects"],
        programme["cap"],
        programme.get("over_cap_by"),
        programme["optimal"],
        programme.get("bound_ects"),
        cap_status=result.cap_status,
        fixed=result.package is not None,
        minor=result.minor is not None,
    )
    return None if found is None or not programme["courses"] else found.to_json()


def _row(catalogue: Catalogue, result: MasterResult, lang: str, chosen: bool) -> dict[str, Any]:
    """One master as the page shows it."""
    master = catalogue.master(result.master)
    data = result.to_json()
    source = master.provenance.source if master.provenance else None
    bridging = data["bridging"]
    status = data["status"]
    route = status in ROUTED
    return {
        "master": data["master"],
        "name": data["name"],
        "status": status,
        "total_ects": bridging["total_ects"] if route else 0.0,
        "cap": bridging["cap"],
        "over_cap_by": bridging.get("over_cap_by") if route else None,
        "courses": _courses(catalogue, bridging["courses"]) if route else [],
        "minor": result.minor,
        "reason": result.reason.text(lang),
        "size": _size(status, bridging, result) if route else None,
        "cap_status": data["cap_status"],
        "fixed_package": data["fixed_package"],
        "requirements": data["requirements"],
        "unmet": bridging["unmet"],
        "optimal": bridging["optimal"],
        "track": result.track,
        "illustrative": data["illustrative"],
        "provenance": data["provenance"],
        "plan": data.get("plan"),
        "finish": data.get("finish"),
        "gpa": data["min_gpa"],
        "admission": data["admission"],
        "conditions": [
            {**c, "text": c["text_nl"] if lang == "nl" and c["text_nl"] else c["text"]}
            for c in data["conditions"]
        ],
        "chosen": chosen,
        "next_step": [render(m, lang) for m in next_step(result, master)],
        "admission_page": None
        if not source
        else {"url": source, "status": master.provenance.status if master.provenance else None},
        "graduate": result.graduate,
    }
