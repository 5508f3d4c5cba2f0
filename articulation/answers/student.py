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
from dataclasses import dataclass, field
from typing import Any

from articulation.answers.eligibility import MasterResult, assess_transcript, entry_reason
from articulation.answers.explain import size
from articulation.curriculum.catalogue import Catalogue
from articulation.interop.transcript import Line, Matched, Unmatched
from articulation.messages.status import ROUTED


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
) -> Advice:
    """The student's route into every master, in the order of
    :func:`articulation.answers.eligibility.assess_transcript` (the masters in ``prefer`` first,
    then status, EC and code).

    ``text`` is the transcript as pasted, its lines read as ``POST /v1/eligibility`` reads
    them (:func:`articulation.interop.transcript.read_line`, grades and results included);
    ``bachelor`` a bachelor's code, ``track`` one of its tracks (unknown ones raise
    :class:`~articulation.curriculum.catalogue.UnknownCode`); ``meets`` the admission
    conditions the student says they meet.
    """
    answer = assess_transcript(
        catalogue,
        [line for line in text.splitlines() if line.strip()],
        bachelor=bachelor or None,
        track=track or None,
        studying=studying,
        prefer=prefer,
        lang=lang,
        max_entries=max_entries,
        meets=meets,
    )
    rows = tuple(_row(catalogue, r, lang) for r in answer.results)
    conditions = {c["id"]: c for row in rows for c in row["conditions"]}
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


def _row(catalogue: Catalogue, result: MasterResult, lang: str) -> dict[str, Any]:
    """One master as the page shows it."""
    data = result.to_json()
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
    }
