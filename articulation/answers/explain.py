"""A pair's answer explained: the messages every surface shows, in one order.

The CLI, the API, the report's pair page and the directors' and students' pages all show these
(rendered in the reader's language, :mod:`articulation.messages.message`); none composes a
sentence of its own.

>>> from articulation.curriculum.loader import load_curricula
>>> from articulation.solving.gap import attainment, gap
>>> from articulation.solving.route import decide
>>> cat = load_curricula("tests/fixtures/mini")
>>> b, m = cat.bachelor("VU-B-AI"), cat.master("UT-M-CS")
>>> the_gap = gap(m, attainment(cat, set(b.courses)))
>>> route = decide(cat, m, frozenset(b.courses), the_gap, bachelor=b)
>>> [x.id for x in explain(cat, b.code, route, the_gap)][:2]
['explain.verdict', 'explain.gap']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import Condition
from articulation.messages.message import Message, Said
from articulation.messages.status import STATUS
from articulation.solving.gap import Gap
from articulation.solving.route import MINOR_BY_POLICY, Route


def status_name(status: str) -> Message:
    """The status's name as the reader says it."""
    return Message(STATUS[status].name_id)


def proof(optimal: bool, bound_ects: float | None) -> Message:
    """Whether the programme's size is proven minimal, and the bound when it is not."""
    if optimal:
        return Message("explain.proven")
    return Message.of("explain.unproven", bound=bound_ects or 0)


def total(cell: Route) -> Message | None:
    """The route's size against its cap, with its proof (None without courses)."""
    if not cell.courses:
        return None
    return size(
        cell.status,
        cell.total_ects,
        cell.cap,
        cell.over_cap_by,
        cell.optimal,
        cell.bound_ects,
        cap_status=cell.cap_status,
        fixed=cell.package is not None,
        minor=cell.minor is not None,
    )


def capped(cap: float, cap_status: str) -> Message:
    """A master's pre-master cap as the reader is told it: sourced, or our assumption."""
    return Message.of(f"cap.{cap_status}", ects=cap)


def size(
    status: str,
    ects: float,
    cap: float,
    over_cap_by: float | None,
    optimal: bool,
    bound_ects: float | None,
    *,
    cap_status: str = "assumed",
    fixed: bool = False,
    minor: bool = False,
) -> Message | None:
    """A programme of ``ects`` EC against its ``cap``, with its proof: over the cap by how much,
    or within it but not to be finished in time (``late``), or within it. None for a status
    whose EC are not measured against a cap. A pre-master's cap (``premaster``, ``late``,
    ``over_cap``) says whether it is sourced or assumed (``cap_status``); a ``fixed`` package
    is prescribed, not minimised; a late ``minor`` (one a master's policy names) is measured
    against the elective space."""
    if not STATUS[status].sized:
        return None
    shown = Message("explain.fixed") if fixed or minor else proof(optimal, bound_ects)
    if status == "electives":
        return Message.of("explain.total", ects=ects, cap=cap, proof=shown)
    if status == "late" and minor:
        return Message.of("explain.total_late_minor", ects=ects, cap=cap, proof=shown)
    said = capped(cap, cap_status)
    if status == "over_cap":
        by = over_cap_by or 0
        return Message.of("explain.total_over_cap", ects=ects, cap=said, by=by, proof=shown)
    if status == "late":
        return Message.of("explain.total_late", ects=ects, cap=said, proof=shown)
    return Message.of("explain.total_premaster", ects=ects, cap=said, proof=shown)


def take(
    code: str,
    title: str,
    ects: float,
    covers: Sequence[str],
    needed_for: Sequence[str],
    module: str | None = None,
) -> Message:
    """Why one course of the route is in it; ``module``, for a component in a route of whole
    units (electives, a minor), is why a course that covers nothing is there."""
    head = {"code": code, "title": title, "ects": ects}
    if covers and needed_for:
        return Message.of("explain.take_both", **head, covers=covers, needed_for=needed_for)
    if covers:
        return Message.of("explain.take_covers", **head, covers=covers)
    if needed_for:
        return Message.of("explain.take_enables", **head, needed_for=needed_for)
    if module:
        return Message.of("explain.take_module", **head, module=module)
    return Message.of("explain.take", **head)


def condition(item: Condition) -> Message:
    """An admission condition no curriculum shows, which the answer carries, with its source."""
    return Message.of(
        "explain.condition",
        text=Said(item.text, item.text_nl),
        source=item.source or Message("admission.no_source"),
    )


def illustrative_data(codes: Sequence[str]) -> Message:
    """What of an answer rests on illustrative rather than sourced data."""
    return Message.of("explain.illustrative", codes=", ".join(codes))


def explain(
    catalogue: Catalogue,
    bachelor: str,
    cell: Route,
    the_gap: Gap,
    illustrative: Sequence[str] = (),
) -> tuple[Message, ...]:
    """The answer of ``bachelor`` (a code) into the master of ``the_gap`` along the route
    ``cell``: the verdict and its reason, the gap, why no earlier route, the minor, each course,
    the total and its proof, what no course can meet, the admission conditions the answer
    carries, and the illustrative data it reads."""
    b, m = catalogue.programmes[bachelor], catalogue.programmes[the_gap.master]
    lines = [
        Message.of(
            "explain.verdict",
            bachelor=b.name,
            bachelor_code=b.code,
            master=m.name,
            master_code=m.code,
            status=status_name(cell.status),
            reason=cell.reason,
        )
    ]
    if the_gap.unmet:
        lines.append(Message.of("explain.gap", requirements=the_gap.details()))
    else:
        lines.append(Message("explain.no_gap"))
    lines += [Message.of("explain.why_not", note=note) for note in cell.why_not]
    if cell.minor and cell.reason.id in MINOR_BY_POLICY:
        lines.append(Message.of("explain.minor_by_policy", minor=cell.minor))
    elif cell.minor:
        lines.append(Message.of("explain.minor", minor=cell.minor))
    whole = cell.status in ("electives", "minor")  # routes of whole units
    for c in cell.courses:
        course = catalogue.courses.get(c.code)
        module = course.part_of if whole and course is not None else None
        lines.append(take(c.code, c.title, c.ects, c.covers, c.needed_for, module))
    size = total(cell)
    if size is not None:
        lines.append(size)
    if cell.unmet:
        lines.append(Message.of("explain.unmet", requirements=cell.unmet))
    lines += [condition(item) for item in cell.conditions]
    if illustrative:
        lines.append(illustrative_data(illustrative))
    return tuple(lines)


def unproven(cell: Mapping[str, Any], seconds: float) -> dict[str, Any]:
    """A cell (its JSON) whose solves the deadline of a request stopped before its status was
    settled, as ``unknown``: the best route found so far (its courses, if any, not proven best)
    and the best bound known stay; the reason says what was found."""
    if cell["status"] != "unknown" and cell["reason"]:
        reason: Message | str = cell["reason"]
        if cell.get("reasons"):  # the verdict's reason, to be said in the reader's language
            reason = Message.from_json(cell["reasons"][0]).kwargs["reason"]
        found = Message.of(
            "answer.unproven_found",
            seconds=seconds,
            status=status_name(cell["status"]),
            reason=reason,
        )
    else:
        found = Message.of("answer.unproven", seconds=seconds)
    return {
        **cell,
        "status": "unknown",
        "admission": None,  # a flag of direct only
        "optimal": False,
        "over_cap_by": None,
        "reason": found.text(),
        "reasons": [found.to_json(), *cell.get("reasons", [])],
    }
