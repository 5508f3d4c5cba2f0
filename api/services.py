"""What the routes compute: engine calls on a catalogue snapshot, shaped into the API's answers.

Nothing here touches HTTP or the database; bad input raises :class:`ApiError` naming the field.
The routes run these under one deadline per request (:mod:`articulation.support.deadline`): answers
about many masters mark the masters not proven by then ``unknown``; answers about one pair or
one minor raise :class:`SolveTimeout` with what was proven.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from api.errors import ApiError, SolveTimeout, TimedOut
from api.schemas import EligibilityRequest, FlagshipRequest, MinorRequest, WhatIfRequest
from articulation.answers.eligibility import (
    TooManyEntries,
    UnknownCondition,
    UnreadableEntries,
    UnrecognisedEntries,
    assess_transcript,
)
from articulation.answers.explain import unproven
from articulation.answers.minor import design_minor
from articulation.answers.scan import assess
from articulation.answers.scan import transfer_path as engine_path
from articulation.curriculum.catalogue import Catalogue, UnknownCode
from articulation.curriculum.edits import ACTIONS, edit_action, spelled
from articulation.curriculum.model import Bachelor, Master
from articulation.interop.transcript import match_programme, programme_suggestions
from articulation.messages.message import translated
from articulation.messages.status import rank as status_rank
from articulation.support import deadline
from articulation.support.suggest import unknown

# --- looking codes up ---------------------------------------------------------------------------


def bachelor(catalogue: Catalogue, code: str, loc: Sequence[str | int]) -> Bachelor:
    try:
        return catalogue.bachelor(code)
    except UnknownCode as exc:
        raise _unknown(exc, loc) from None


def bachelor_named(catalogue: Catalogue, text: str, loc: Sequence[str | int]) -> Bachelor:
    """The bachelor named by its code or name in any case, else 422 with the nearest one."""
    found = match_programme(catalogue.bachelors, text)
    if isinstance(found, Bachelor):
        return found
    hint = programme_suggestions(catalogue.bachelors, text)
    more = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise ApiError(422, loc, f"unknown bachelor {text!r}{more}", "unknown_code")


def master(catalogue: Catalogue, code: str, loc: Sequence[str | int]) -> Master:
    try:
        return catalogue.master(code)
    except UnknownCode as exc:
        raise _unknown(exc, loc) from None


def masters(catalogue: Catalogue, codes: Sequence[str] | None, field: str) -> list[Master]:
    """The masters named by ``codes`` (all when None), each unknown one reported at its index."""
    if codes is None:
        return catalogue.masters
    problems, found = [], []
    for i, code in enumerate(codes):
        try:
            found.append(catalogue.master(code))
        except UnknownCode as exc:
            problems.append((["body", field, i], str(exc), "unknown_code"))
    if problems:
        raise ApiError.many(422, problems)
    return sorted({m.code: m for m in found}.values(), key=lambda m: m.code)


def _unknown(exc: UnknownCode, loc: Sequence[str | int]) -> ApiError:
    status = 404 if loc and loc[0] == "path" else 422
    return ApiError(status, loc, str(exc), "unknown_code")


def unknown_code(kind: str, code: str, known: Iterable[str], loc: Sequence[str | int]) -> ApiError:
    status = 404 if loc and loc[0] == "path" else 422
    return ApiError(status, loc, unknown(kind, code, known), "unknown_code")


# --- transfer paths -----------------------------------------------------------------------------


def rank(cell: dict[str, Any]) -> tuple[int, float, str]:
    """Order of a row: by status (direct first), then EC, then master code."""
    return status_rank(cell["status"]), cell["total_ects"], cell["master"]


def timed_out(cell: dict[str, Any]) -> bool:
    """Whether the time limit stopped a solve of this cell before its answer was proven."""
    return cell["status"] == "unknown" or not cell["optimal"]


def in_language(cell: dict[str, Any], lang: str) -> dict[str, Any]:
    """The cell (and its graduate's route) with its reasons said in ``lang``."""
    said = {**cell, "reasons": translated(cell.get("reasons", []), lang)}
    if cell.get("graduate"):
        said["graduate"] = in_language(cell["graduate"], lang)
    return said


def _timed_out(cells: Iterable[dict[str, Any]]) -> list[TimedOut]:
    return [
        TimedOut(
            bachelor=cell.get("bachelor"),
            master=cell["master"],
            best_ects=None if cell["status"] == "unknown" else cell["total_ects"],
            bound_ects=cell.get("bound_ects"),
        )
        for cell in cells
        if timed_out(cell)
    ]


def track(
    catalogue: Catalogue, b: Bachelor, name: str | None, loc: Sequence[str | int]
) -> str | None:
    """The bachelor's track ``name`` (None stays None), or 422 naming the nearest track."""
    try:
        return catalogue.track(b, name)
    except UnknownCode as exc:
        raise ApiError(422, loc, str(exc), "unknown_code") from None


def transfer_path(
    catalogue: Catalogue,
    bachelor_code: str,
    master_code: str,
    k: int,
    time_limit: float,
    track_name: str | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """The cell of one pair (of a track, else the best track) with its explanation in ``lang``
    and up to ``k`` alternatives."""
    b = bachelor(catalogue, bachelor_code, ["path", "bachelor"])
    m = master(catalogue, master_code, ["path", "master"])
    chosen = track(catalogue, b, track_name, ["query", "track"])
    stopped = deadline.stopped()
    data = engine_path(catalogue, b.code, m.code, k, chosen)
    data.setdefault("alternatives", [])
    data["bachelor_name"], data["master_name"] = b.name, m.name
    data = in_language(data, lang)
    data["explanation"] = [reason["text"] for reason in data["reasons"]]
    late = _timed_out([data])
    if not late and deadline.stopped() > stopped:  # an earlier route or an alternative
        late = [
            TimedOut(
                bachelor=b.code,
                master=m.code,
                best_ects=data["total_ects"],
                bound_ects=data.get("bound_ects"),
            )
        ]
    if late:
        raise SolveTimeout(["query", "time_limit"], time_limit, late, data)
    return data


def transfer_row(
    catalogue: Catalogue,
    bachelor_code: str,
    time_limit: float,
    track_name: str | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """Every master for one bachelor (of a track, else each master's best track), ranked by
    status then EC; the masters whose answer the time limit left unproven (a solve of theirs
    stopped, or never started) are ``unknown``."""
    b = bachelor(catalogue, bachelor_code, ["path", "bachelor"])
    chosen = track(catalogue, b, track_name, ["query", "track"])
    cells = []
    for m in catalogue.masters:
        cell = assess(catalogue, b, m, track=chosen).to_json()
        if cell["status"] == "unknown":
            cell = unproven(cell, time_limit)
        cells.append(in_language(cell, lang))
    return {"bachelor": b.code, "bachelor_name": b.name, "paths": sorted(cells, key=rank)}


def transfer_column(
    catalogue: Catalogue,
    master_code: str,
    time_limit: float,
    lang: str = "en",
    sort: str = "status",
) -> dict[str, Any]:
    """Every bachelor's route (its best track) into one master: the scan cells of that master's
    column, by status then EC (``sort="status"``) or by bachelor name (``sort="name"``); the
    bachelors whose answer the time limit left unproven are ``unknown``."""
    m = master(catalogue, master_code, ["query", "master"])
    names = {b.code: b.name for b in catalogue.bachelors}
    cells = []
    for b in catalogue.bachelors:
        cell = assess(catalogue, b, m).to_json()
        if cell["status"] == "unknown":
            cell = unproven(cell, time_limit)
        cell["bachelor_name"] = b.name
        cells.append(in_language(cell, lang))
    if sort == "name":
        cells.sort(key=lambda c: (names[c["bachelor"]].casefold(), c["bachelor"]))
    else:
        cells.sort(key=lambda c: (status_rank(c["status"]), c["total_ects"], c["bachelor"]))
    return {"master": m.code, "master_name": m.name, "sort": sort, "paths": cells}


# --- eligibility --------------------------------------------------------------------------------


def eligibility(
    catalogue: Catalogue,
    request: EligibilityRequest,
    time_limit: float,
    lang: str = "en",
    max_entries: int | None = None,
) -> dict[str, Any]:
    """Per master: what the transcript leaves unmet and the route (the engine's one
    eligibility use case, as the student page)."""
    entries = list(request.courses)  # lines as printed are read by the engine, as on the page
    student = request.bachelor
    if student is not None:
        student = bachelor_named(catalogue, student, ["body", "bachelor"]).code
    if request.studying and student is None:
        raise ApiError(
            422,
            ["body", "studying"],
            "a student still studying names their bachelor (give `bachelor`)",
            "missing",
        )
    targets = masters(catalogue, request.masters, "masters")
    try:
        answer = assess_transcript(
            catalogue,
            entries,
            bachelor=student,
            masters=[m.code for m in targets],
            lang=lang,
            max_entries=max_entries,
            strict=request.strict,
            meets=request.meets,
            studying=request.studying,
        )
    except UnknownCondition as exc:
        raise ApiError(422, ["body", "meets", exc.index], str(exc), "unknown_code") from None
    except TooManyEntries as exc:
        raise ApiError(
            422,
            ["body", "courses"],
            f"a transcript lists at most {exc.limit} courses (got {exc.count})",
            "too_long",
        ) from None
    except UnreadableEntries as exc:
        raise ApiError.many(
            422,
            [
                (
                    ["body", "courses", i]
                    + ([] if isinstance(request.courses[i], str) else ["grade"]),
                    f"line {i + 1} {text!r}: {problem}",
                    "value_error",
                )
                for i, text, problem in exc.problems
            ],
        ) from None
    except UnrecognisedEntries as exc:
        raise ApiError.many(
            422,
            [
                (
                    ["body", "courses", u.index]
                    + ([] if isinstance(request.courses[u.index], str) else ["code"]),
                    u.message,
                    "unknown_code",
                )
                for u in exc.unrecognised
            ],
        ) from None
    data = answer.to_json()
    data["results"] = [
        in_language(unproven(r, time_limit) if r["status"] == "unknown" else r, lang)
        for r in data["results"]
    ]
    return data


# --- minor design -------------------------------------------------------------------------------


def minor_design(catalogue: Catalogue, request: MinorRequest, time_limit: float) -> dict[str, Any]:
    """The minor that opens the most of the requested masters to the bachelor."""
    b = bachelor(catalogue, request.bachelor, ["body", "bachelor"])
    targets = (
        masters(catalogue, request.masters, "masters") if request.masters is not None else None
    )
    codes = [m.code for m in targets] if targets is not None else None
    if codes is not None and not codes:
        raise ApiError(422, ["body", "masters"], "name at least one master", "too_short")
    chosen = track(catalogue, b, request.track, ["body", "track"])
    design = design_minor(catalogue, b.code, codes, budget=request.budget, track=chosen)
    data = design.to_json()
    if not design.optimal:
        late = [
            TimedOut(bachelor=b.code, best_ects=design.total_ects, bound_opened=design.bound_opened)
        ]
        raise SolveTimeout(["body", "time_limit"], time_limit, late, data)
    return data


def flagship(
    catalogue: Catalogue, request: FlagshipRequest, lang: str, default_list: Path
) -> dict[str, Any]:
    """The flagship answer for the bachelor and masters (default: the list ``default_list``,
    else every master of another institution); ``optimal: false`` when the deadline cut it."""
    from articulation.answers.flagship import flagship as answer
    from articulation.answers.flagship import parse_masters_list
    from articulation.answers.minor import other_institution_masters

    b = bachelor(catalogue, request.bachelor, ["body", "bachelor"])
    source = "illustrative"
    if request.masters is not None:
        codes = [m.code for m in masters(catalogue, request.masters, "masters")]
    else:  # the bundled list, as far as the catalogue holds its masters
        listed, source = ([], source)
        if default_list.is_file():
            listed, source = parse_masters_list(default_list.read_text(encoding="utf-8"))
        known = {m.code for m in catalogue.masters}
        codes = [c for c in listed if c in known]
        if not codes:
            codes, source = other_institution_masters(catalogue, b.code), "illustrative"
    if not codes:
        raise ApiError(422, ["body", "masters"], "name at least one master", "too_short")
    result = answer(
        catalogue,
        b.code,
        codes,
        budget=request.budget,
        window=request.window,
        masters_source=source,
        lang=lang,
    )
    return result.to_json()


# --- what-if edits ------------------------------------------------------------------------------


def what_if(
    catalogue: Catalogue, request: WhatIfRequest, time_limit: float, lang: str = "en"
) -> dict[str, Any]:
    """Proposed edits applied to a copy of the catalogue snapshot (never stored): the cells
    they change against the snapshot's scan. 422 names the edit and field of each problem;
    503 when the time limit leaves a cell unproven."""
    from articulation.answers.whatif import Edit, EditError, base_scan
    from articulation.answers.whatif import what_if as engine_what_if

    by_code = spelled(*(a for a, spec in ACTIONS.items() if not spec.document))
    with_document = spelled(*(a for a, spec in ACTIONS.items() if spec.document))
    edits: list[Edit] = []
    for i, proposed in enumerate(request.edits):
        where: list[str | int] = ["body", "edits", i]
        action = edit_action(proposed.action)
        needs_document = ACTIONS[action].document
        documents = [
            (entity, document)
            for entity, document in (("course", proposed.course), ("programme", proposed.programme))
            if document is not None
        ]
        if len(documents) > 1:
            raise ApiError(422, where, "give a course or a programme, not both", "invalid")
        if documents:
            entity, document = documents[0]
            named = document.get("code")
            code = proposed.code or named
            if not isinstance(code, str):
                raise ApiError(
                    422, [*where, entity, "code"], f"name the {entity}'s code", "missing"
                )
            if named is not None and code != named:
                raise ApiError(
                    422, [*where, "code"], f"must equal the document's code ({named!r})", "mismatch"
                )
            patch = document if needs_document else None
            edits.append(Edit(action, entity, code, patch=patch))
        elif not needs_document and proposed.code and proposed.entity:
            edits.append(Edit(action, proposed.entity, proposed.code))
        else:
            missing = "course" if needs_document else ("entity" if proposed.code else "code")
            raise ApiError(
                422,
                [*where, missing],
                f"{by_code} needs entity and code (or the document); {with_document} need a "
                "course or programme document (for an update: the fields to change, as a JSON "
                "Merge Patch)",
                "missing",
            )
    before = base_scan(catalogue)
    try:
        result = engine_what_if(catalogue, edits, before=before)
    except EditError as exc:
        items = []
        for index, path, msg in exc.problems:
            edit = edits[index]
            if edit.patch is None:  # a delete by code
                loc = ["body", "edits", index, "code"] + ([] if path == ["code"] else path)
            else:
                loc = ["body", "edits", index, edit.entity, *path]
            items.append((loc, msg, "invalid"))
        raise ApiError.many(422, items) from None
    late = [
        TimedOut(bachelor=c.bachelor, master=c.master, bound_ects=c.bound_ects)
        for c in (*before, *result.after)
        if c.status == "unknown" or not c.optimal
    ]
    if late:
        raise SolveTimeout(["body", "time_limit"], time_limit, late, result.to_json(lang))
    return result.to_json(lang)
