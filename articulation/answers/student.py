"""The answer for one student, as the student page shows it: every master, best first.

A student who names their bachelor (and track) and is still studying gets the scan cells of
their bachelor (:func:`articulation.answers.scan.assess`: direct, electives, minor, pre-master,
over the cap, infeasible). Otherwise the routes of a graduate
(:func:`articulation.answers.eligibility.assess_transcript`): the pasted transcript, or else the
bachelor's mandatory courses (of the track), against every master. Each row carries what it is
shown with: status, EC, the courses, the cap, the unmet requirements in words, and the plan and
finish when the engine gives them.

>>> from articulation.curriculum.loader import load_curricula
>>> cat = load_curricula("tests/fixtures/mini")
>>> answer = advise(cat, "VU-PROG 7,5\\nlinear algebra and calculus 6 8\\nUT-CALK-A")
>>> [m.code for m in answer.matched], [u.text for u in answer.unmatched], answer.gpa
(['VU-PROG', 'VU-LAC'], ['UT-CALK-A'], 7.75)
>>> answer.rows[0]["status"] in ("direct", "premaster", "over_cap", "infeasible")
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from articulation.answers.eligibility import assess_transcript
from articulation.answers.explain import size
from articulation.answers.scan import assess
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import TranscriptEntry
from articulation.interop.transcript import Line, Matched, Unmatched, parse_text, recognise_texts
from articulation.messages.status import ROUTED, STATUS, rank
from articulation.solving.route import DEFAULT_TIME_LIMIT


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


def advise(
    catalogue: Catalogue,
    text: str = "",
    *,
    bachelor: str | None = None,
    track: str | None = None,
    studying: bool = False,
    lang: str = "en",
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Advice:
    """The student's route into every master, ranked best first (status, then EC, then code).

    ``text`` is the transcript as pasted (:func:`articulation.interop.transcript.parse_text`);
    ``bachelor`` a bachelor's code, ``track`` one of its tracks (unknown ones raise
    :class:`~articulation.curriculum.catalogue.UnknownCode`).
    """
    lines = tuple(parse_text(text))
    matched, unmatched = recognise_texts(catalogue, [line.text for line in lines])
    b = catalogue.bachelor(bachelor) if bachelor else None
    chosen = catalogue.track(b, track or None) if b else None
    if b is not None and studying:
        cells = [
            assess(catalogue, b, m, track=chosen, time_limit=time_limit) for m in catalogue.masters
        ]
        rows = [_cell_row(catalogue, c.to_json(), c.gap.in_words(catalogue, lang)) for c in cells]
        late = [c.master for c in cells if c.status == "unknown" or not c.optimal]
        gpa = None
        mode = "studying"
    else:
        if lines or b is None:
            grades = {m.index: m.code for m in matched}
            entries = [
                TranscriptEntry(code=grades[i], grade=line.grade)
                for i, line in enumerate(lines)
                if i in grades
            ]
        else:
            entries = [TranscriptEntry(code=c) for c in b.courses_of(chosen)]
        answer = assess_transcript(
            catalogue,
            entries,
            bachelor=b.code if b else None,
            time_limit=time_limit,
            lang=lang,
        )
        rows = [_result_row(catalogue, r.to_json()) for r in answer.results]
        late = [r.master for r in answer.late]
        gpa = answer.gpa
        mode = "graduate"
    rows.sort(key=lambda r: (rank(r["status"]), r["total_ects"], r["master"]))
    return Advice(
        mode=mode,
        bachelor=b.code if b else None,
        track=chosen,
        lines=lines,
        matched=matched,
        unmatched=unmatched,
        gpa=gpa,
        rows=tuple(rows),
        late=tuple(sorted(late)),
    )


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


def _cell_row(
    catalogue: Catalogue, cell: dict[str, Any], requirements: list[dict[str, str]]
) -> dict[str, Any]:
    master = catalogue.master(cell["master"])
    has_route = STATUS[cell["status"]].has_route
    return {
        "master": master.code,
        "name": master.name,
        "status": cell["status"],
        "total_ects": cell["total_ects"] if has_route else 0.0,
        "cap": cell["cap"],
        "over_cap_by": cell.get("over_cap_by"),
        "courses": _courses(catalogue, cell["courses"]),
        "minor": cell.get("minor"),
        "reason": cell["reason"],
        "size": _size(cell["status"], cell),
        "requirements": requirements,
        "unmet": cell["unmet"],
        "optimal": cell["optimal"],
        "track": cell.get("track"),
        "illustrative": cell["illustrative"],
        "plan": cell.get("plan"),
        "finish": cell.get("finish"),
        "gpa": None,
    }


def _size(status: str, programme: dict[str, Any]) -> dict[str, Any] | None:
    """The programme's size against its cap, as a message in its JSON form (None without one)."""
    found = size(
        status,
        programme["total_ects"],
        programme["cap"],
        programme.get("over_cap_by"),
        programme["optimal"],
        programme.get("bound_ects"),
    )
    return None if found is None or not programme["courses"] else found.to_json()


def _result_row(catalogue: Catalogue, result: dict[str, Any]) -> dict[str, Any]:
    bridging = result["bridging"]
    status = result["status"]
    route = status in ROUTED
    cap = bridging["cap"]
    total = bridging["total_ects"] if route else 0.0
    return {
        "master": result["master"],
        "name": result["name"],
        "status": status,
        "total_ects": total,
        "cap": cap,
        "over_cap_by": total - cap if status == "over_cap" else None,
        "courses": _courses(catalogue, bridging["courses"]) if route else [],
        "minor": None,
        "reason": result["reason"],
        "size": _size(status, {**bridging, "over_cap_by": bridging.get("over_cap_by")}),
        "requirements": result["requirements"],
        "unmet": bridging["unmet"],
        "optimal": bridging["optimal"],
        "track": None,
        "illustrative": result["illustrative"],
        "plan": result.get("plan") or bridging.get("plan"),
        "finish": result.get("finish") or bridging.get("finish"),
        "gpa": result["min_gpa"],
    }
