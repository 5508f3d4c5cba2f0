"""The aansluitscan: every (bachelor, master) pair assessed along the cheapest route.

A cell is the route decision of :mod:`articulation.solving.route` for a bachelor's mandatory
courses, for two populations: its students still studying (every route open: electives and
minors too) and, in ``graduate``, its graduates (direct or a pre-master only); with the codes its
answer rests on that are illustrative rather than sourced. Cells come back sorted by (bachelor,
master), the same on one process or many.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from articulation.answers.explain import explain
from articulation.answers.grade import Grade, grade
from articulation.answers.parallel import parallel_map
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import Bachelor, Master
from articulation.messages import status
from articulation.messages.message import Message
from articulation.messages.status import STATUS, rank
from articulation.solving.bridging import Bridging, EctsReads, joined_reads, recording_ects
from articulation.solving.gap import Gap, attainment, deciding_courses, gap
from articulation.solving.pool import circular_courses, half_area_credits, half_ects
from articulation.solving.route import Route, decide_both, route_alternatives
from articulation.support import deadline
from articulation.support.jsonable import fields_json


@dataclass(frozen=True)
class TrackRoute:
    """One track's route into a master, for a bachelor with tracks."""

    track: str
    status: str
    total_ects: float
    codes: tuple[str, ...]
    reason: Message

    def to_json(self) -> dict[str, Any]:
        return {**fields_json(self, codes="courses"), "reason": self.reason.text()}


@dataclass(frozen=True, kw_only=True)
class Cell(Route):
    """One (bachelor, master) pair: its gap, the route that closes it, and why; ``illustrative``
    lists what the answer reads (programmes, the route's courses, the bachelor's courses that
    decide the gap) whose data is not sourced; ``provenance`` grades which of its parts rest on
    sourced data. For a bachelor with tracks, the cell is the best
    track's (``track``), and ``tracks`` gives every track's route.

    ``graduate`` is the same pair for a graduate of the bachelor (direct or a pre-master only;
    of its own best track), a cell of its own; the cell itself is for a student still in the
    bachelor. Where the student's route is neither electives nor a minor, the two have the same
    route."""

    bachelor: str
    master: str
    gap: Gap
    illustrative: tuple[str, ...] = ()
    provenance: Grade | None = None  # which parts rest on sourced data (:mod:`grade`)
    track: str | None = None
    tracks: tuple[TrackRoute, ...] = ()
    explanation: tuple[Message, ...] = ()  # the answer in messages (:mod:`explain`)
    ceiling: float = 60.0  # the master's largest pre-master allowed
    ceiling_status: str = "assumed"  # sourced | assumed
    graduate: Cell | None = None  # the pair for a graduate (None: this is the graduate's)
    # which courses' EC the routes of every track read (what-if: which cells an EC change reaches)
    ects_reads: EctsReads | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "bachelor": self.bachelor,
            "master": self.master,
            "track": self.track,
            "status": self.status,
            "admission": self.admission,
            "conditions": [c.answer_json() for c in self.conditions],
            "total_ects": self.total_ects,
            "courses": [c.to_json() for c in self.courses],
            "optimal": self.optimal,
            "unmet": list(self.unmet),
            "gap": [item.text() for item in self.gap.details()],
            "reason": self.reason.text(),
            "why_not": [note.text() for note in self.why_not],
            "minor": self.minor,
            "cap": self.cap,
            "cap_status": self.cap_status,
            "ceiling": self.ceiling,
            "ceiling_status": self.ceiling_status,
            "over_cap_by": self.over_cap_by,
            "bound_ects": self.bound_ects,
            "illustrative": list(self.illustrative),
            "provenance": self.provenance.to_json() if self.provenance else None,
            "tracks": [t.to_json() for t in self.tracks],
            "finish": self.plan.finish_text if self.plan else None,
            "plan": self.plan.to_json() if self.plan else None,
            "reasons": [m.to_json() for m in self.explanation],
            "fixed_package": self.package.to_json() if self.package else None,
            "graduate": self.graduate_json(),
        }

    @property
    def graduate_differs(self) -> bool:
        """Whether a graduate's route differs from the student's in status or EC (a matrix
        then shows both)."""
        graduate = self.graduate
        return graduate is not None and (graduate.status, graduate.total_ects) != (
            self.status,
            self.total_ects,
        )

    def graduate_json(self) -> dict[str, Any] | None:
        """The graduate's route in the fields of a cell (without the pair's codes)."""
        if self.graduate is None:
            return None
        data = self.graduate.to_json()
        for key in ("bachelor", "master", "graduate"):
            data.pop(key, None)
        return data


def assess(
    catalogue: Catalogue,
    bachelor: Bachelor,
    master: Master,
    *,
    track: str | None = None,
    done: frozenset[str] = frozenset(),
    previous: Cell | None = None,
) -> Cell:
    """The scan cell of one pair: the bachelor's courses (of ``track``) against the master,
    for a student still in the bachelor and, in ``graduate``, for a graduate.

    ``previous`` is an earlier cell of the pair whose provenance grades still hold for the same
    route (a what-if whose changes the grades cannot read:
    :func:`articulation.answers.whatif.diff`): a route of
    the same track, status, courses and minor takes its grade instead of grading it again.

    ``done`` are courses a student has passed (or is taking) besides the bachelor's own: they
    count as taken, and their EC come out of the elective space (a student's own transcript;
    the scan passes none).

    A bachelor with tracks and no ``track`` asked for is assessed per track: the cell is the
    best track's (by status, then EC, then the order of the tracks) and lists every track's;
    the graduate's is its own best track's.
    """
    per_track = track is None and bool(bachelor.tracks)
    if per_track:
        cells = [
            _assess(catalogue, bachelor, master, t, done, previous) for t in bachelor.track_names
        ]
    else:
        cells = [_assess(catalogue, bachelor, master, track, done, previous)]
    graduates = [cell.graduate for cell in cells if cell.graduate is not None]
    graduate = _explained(catalogue, _best(graduates, per_track))
    reads = [cell.ects_reads for cell in cells if cell.ects_reads is not None]
    ects_reads = joined_reads(catalogue.token, reads)  # of every track
    best = _explained(catalogue, _best(cells, per_track))
    return replace(best, graduate=graduate, ects_reads=ects_reads)


def _best(cells: Sequence[Cell], per_track: bool) -> Cell:
    """The best track's cell (by status, then EC, then the order of the tracks), listing every
    track's route when the cells are ``per_track``."""
    best = min(
        enumerate(cells),
        key=lambda pair: (
            rank(pair[1].status),
            pair[1].total_ects if STATUS[pair[1].status].has_route else 0.0,
            pair[0],
        ),
    )[1]
    if not per_track:
        return best
    routes = tuple(
        TrackRoute(c.track or "", c.status, c.total_ects, c.codes, c.reason) for c in cells
    )
    return replace(best, tracks=routes)


def _explained(catalogue: Catalogue, cell: Cell) -> Cell:
    explanation = explain(catalogue, cell.bachelor, cell, cell.gap, cell.illustrative)
    return replace(cell, explanation=explanation)


def _assess(
    catalogue: Catalogue,
    bachelor: Bachelor,
    master: Master,
    track: str | None,
    done: frozenset[str] = frozenset(),
    previous: Cell | None = None,
) -> Cell:
    """The cell of one track (None: the bachelor without tracks), with its graduate's; the
    grades of ``previous`` (and its graduate's) for a route it shares (:func:`assess`)."""
    own = frozenset(bachelor.courses_of(track))
    taken = own | done
    if done - own:  # the student's own courses fill part of the elective space
        used = sum(catalogue.courses[c].ects for c in done - own if c in catalogue.courses)
        bachelor = bachelor.model_copy(update={"electives": max(0.0, bachelor.electives - used)})
    the_gap = gap(master, attainment(catalogue, taken))
    with recording_ects(catalogue) as recorded:
        routes = decide_both(catalogue, master, taken, the_gap, bachelor=bachelor, track=track)
    deciding = deciding_courses(catalogue, master, taken)

    def graded(route: Route, studying: bool) -> Grade:
        earlier = previous if studying or previous is None else previous.graduate
        if (
            earlier is not None
            and earlier.provenance is not None
            and _same_route(earlier, route, track)
        ):
            return earlier.provenance
        return grade(
            catalogue, master, taken, route, bachelor=bachelor, track=track, studying=studying
        )

    def cell(route: Route, studying: bool) -> Cell:
        read = [
            bachelor.code,
            master.code,
            *([route.minor] if route.minor else []),
            *route.codes,
            *deciding,
        ]
        return Cell(
            **{f.name: getattr(route, f.name) for f in fields(route)},
            bachelor=bachelor.code,
            master=master.code,
            gap=the_gap,
            illustrative=catalogue.illustrative(read),
            provenance=graded(route, studying),
            track=track,
            ceiling=float(master.premaster.ceiling),
            ceiling_status=master.premaster.ceiling_status,
        )

    student = cell(routes.student, True)
    return replace(student, graduate=cell(routes.graduate, False), ects_reads=recorded[0])


def _same_route(earlier: Cell, route: Route, track: str | None) -> bool:
    """Whether ``route`` (of ``track``) is the route of an earlier cell in what its grade reads
    (:func:`articulation.answers.grade.grade`): its status, courses and minor. An ``unknown``
    route is graded on its pools, which a what-if may move: it is graded again."""
    return (
        earlier.track == track
        and earlier.status == route.status != "unknown"
        and earlier.codes == route.codes
        and earlier.minor == route.minor
    )


def cell_alternatives(catalogue: Catalogue, cell: Cell, k: int) -> tuple[Bridging, ...]:
    """Up to ``k`` next-best distinct programmes of the cell's route (electives, pre-master),
    for the cell's track."""
    return route_alternatives(
        catalogue,
        catalogue.bachelor(cell.bachelor),
        catalogue.master(cell.master),
        cell.status,
        k,
        chosen=cell.codes,
        track=cell.track,
    )


def transfer_path(
    catalogue: Catalogue,
    bachelor: str,
    master: str,
    alternatives: int = 0,
    track: str | None = None,
) -> dict[str, Any]:
    """The scan cell of one pair (of ``track``, else the best track) as JSON, with up to
    ``alternatives`` next-best programmes (for the electives and pre-master routes)."""
    b, m = catalogue.bachelor(bachelor), catalogue.master(master)
    cell = assess(catalogue, b, m, track=catalogue.track(b, track))
    data = cell.to_json()
    if alternatives:
        found = cell_alternatives(catalogue, cell, alternatives)
        data["alternatives"] = [o.summary_json() for o in found]
    return data


def pairs(
    catalogue: Catalogue,
    bachelors: Sequence[str] | None = None,
    masters: Sequence[str] | None = None,
) -> list[tuple[str, str]]:
    """Every (bachelor, master) pair asked for, sorted by codes."""
    b_codes = sorted(bachelors) if bachelors else [b.code for b in catalogue.bachelors]
    m_codes = sorted(masters) if masters else [m.code for m in catalogue.masters]
    for code in b_codes:
        catalogue.bachelor(code)
    for code in m_codes:
        catalogue.master(code)
    return [(b, m) for b in b_codes for m in m_codes]


def _assess_row(catalogue: Catalogue, job: tuple[str, tuple[str, ...]]) -> list[Cell]:
    """One bachelor's row: its pool contexts are shared by its masters, so a row is the unit
    of work that goes to one process."""
    b, masters = job
    bachelor = catalogue.bachelor(b)
    cells = []
    for m in masters:
        deadline.check()  # a cut-short scan stops between its cells
        cells.append(assess(catalogue, bachelor, catalogue.master(m)))
    return cells


def scan(
    catalogue: Catalogue,
    bachelors: Sequence[str] | None = None,
    masters: Sequence[str] | None = None,
    *,
    workers: int = 1,
    progress: Callable[[Cell], None] | None = None,
    cluster: str | None = None,
    on_retry: Callable[[str], None] | None = None,
) -> list[Cell]:
    """Assess every pair; cells come back sorted by (bachelor, master) whatever ``workers``.

    The work is split by bachelor rows over ``workers`` processes, or over a Dask ``cluster``
    (:func:`articulation.answers.parallel.parallel_map`); ``on_retry`` hears the bachelor of each
    row that was computed again because its worker was lost."""
    rows: dict[str, list[str]] = {}
    for b, m in pairs(catalogue, bachelors, masters):
        rows.setdefault(b, []).append(m)
    jobs = [(b, tuple(ms)) for b, ms in rows.items()]
    cells: list[Cell] = []
    results = parallel_map(
        _assess_row,
        catalogue,
        jobs,
        workers=workers,
        warm_up=warm_up,
        cluster=cluster,
        on_retry=None if on_retry is None else (lambda i: on_retry(jobs[i][0])),
    )
    for row in results:
        for cell in row:
            cells.append(cell)
            if progress:
                progress(cell)
    return sorted(cells, key=lambda c: (c.bachelor, c.master))


def warm_up(catalogue: Catalogue) -> None:
    """Build the catalogue-wide indexes every pair uses, and import the solver, once."""
    from ortools.sat.python import cp_model  # noqa: F401

    circular_courses(catalogue)
    half_ects(catalogue)
    half_area_credits(catalogue)


def status_counts(cells: Iterable[Cell]) -> dict[str, int]:
    """Cells per status, in the order of preference (statuses without cells left out)."""
    return status.counts(cell.status for cell in cells)


def graduate_counts(cells: Iterable[Cell]) -> dict[str, int]:
    """The graduates' cells per status, as :func:`status_counts`."""
    return status_counts(cell.graduate or cell for cell in cells)
