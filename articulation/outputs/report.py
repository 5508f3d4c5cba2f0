"""The aansluitscan report pipeline: scan → alternatives → minor designs → summary.

:func:`make_report` computes everything the report shows; :mod:`articulation.outputs.render` turns a
:class:`Report` into files (HTML from :mod:`articulation.outputs.heatmap`, CSV, Markdown, JSON). The
command line writes those files, the API's scan jobs store them. The same inputs give the same
report, on one process or many.

>>> from articulation.curriculum.loader import load_curricula
>>> cat = load_curricula("tests/fixtures/mini")
>>> report = make_report(cat, extras=False)
>>> report.summary["counts"]["premaster"], report.summary["pairs"]
(1, 8)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from articulation.answers.flagship import Flagship, flagship, parse_masters_list
from articulation.answers.grade import grade_counts
from articulation.answers.minor import MinorDesign, design_minor, other_institution_masters
from articulation.answers.parallel import parallel_map, running_cluster
from articulation.answers.scan import Cell, cell_alternatives, pairs, scan
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import Provenance
from articulation.messages import status
from articulation.messages.message import number
from articulation.solving.bridging import Bridging

ALTERNATIVES = 3  # next-best programmes per pair
MINOR_BUDGET = 30.0  # EC budget of the designed minor per bachelor

Pair = tuple[str, str]


class Progress(Protocol):
    """Told how far the pipeline is: each stage starts with its total, then advances."""

    def start(self, stage: str, total: int) -> None: ...

    def advance(self, stage: str) -> None: ...

    def retried(self, stage: str, what: str) -> None:
        """A unit of the stage (a bachelor's row of pairs) was computed again: its worker was
        lost. The result is the same; this is only news about the run, never in the report."""


class _Silent:
    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, stage: str) -> None:
        pass

    def retried(self, stage: str, what: str) -> None:
        pass


@dataclass(frozen=True)
class Report:
    """Everything the report shows, computed by the engine; build with :func:`make_report`."""

    catalogue: Catalogue
    cells: tuple[Cell, ...]
    bachelors: tuple[str, ...]
    masters: tuple[str, ...]
    minor_designs: dict[str, MinorDesign]
    alternatives: dict[Pair, tuple[Bridging, ...]]
    summary: dict[str, Any]
    by_pair: dict[Pair, Cell]
    flagship: dict[str, Flagship] = field(default_factory=dict)

    def cell(self, bachelor: str, master: str) -> Cell:
        return self.by_pair[(bachelor, master)]

    def to_json(self) -> dict[str, Any]:
        """The JSON contract: cells as ``scan --json``, the summary, minor designs, alternatives
        and the flagship answers (by bachelor, as ``flagship --json``)."""
        return {
            "cells": [cell.to_json() for cell in self.cells],
            "summary": self.summary,
            "minor_designs": {b: d.to_json() for b, d in sorted(self.minor_designs.items())},
            "alternatives": [
                {"bachelor": b, "master": m, "alternatives": [o.summary_json() for o in found]}
                for (b, m), found in sorted(self.alternatives.items())
            ],
            "flagship": {b: f.to_json() for b, f in sorted(self.flagship.items())},
        }


@dataclass(frozen=True)
class FlagshipQuestion:
    """The flagship question a report asks: can ``bachelor``'s flexible space open each of
    ``masters`` (``source``: whether the list is ``sourced`` or ``illustrative``)?"""

    bachelor: str
    masters: tuple[str, ...]
    source: str = "illustrative"


def make_report(
    catalogue: Catalogue,
    bachelors: Sequence[str] | None = None,
    masters: Sequence[str] | None = None,
    *,
    workers: int = 1,
    extras: bool = True,
    progress: Progress | None = None,
    cluster: str | None = None,
    flagship_questions: Sequence[FlagshipQuestion] = (),
) -> Report:
    """The report of a scan of ``bachelors`` × ``masters`` (default: all).

    With ``extras`` (the default) it adds the next-best alternatives of every electives and
    pre-master cell and the designed minor of every bachelor; without, only the cells and the
    summary. ``progress`` hears of the stages ``pairs``, ``alternatives`` and ``minor designs``.
    ``cluster`` runs the pairs and the alternatives on Dask (:mod:`articulation.answers.parallel`)
    instead of ``workers`` local processes. With ``extras``, each of ``flagship_questions`` whose
    bachelor is scanned is answered too (stage ``flagship``).
    """
    progress = progress or _Silent()
    progress.start("pairs", len(pairs(catalogue, bachelors, masters)))
    with running_cluster(cluster, workers) as address:
        made = _make_report(catalogue, bachelors, masters, workers, extras, progress, address)
    asked = [q for q in flagship_questions if q.bachelor in made.bachelors]
    if not extras or not asked:
        return made
    return replace(made, flagship=compute_flagships(catalogue, asked, progress=progress))


def _make_report(
    catalogue: Catalogue,
    bachelors: Sequence[str] | None,
    masters: Sequence[str] | None,
    workers: int,
    extras: bool,
    progress: Progress,
    cluster: str | None,
) -> Report:
    cells = scan(
        catalogue,
        bachelors,
        masters,
        workers=workers,
        progress=lambda _cell: progress.advance("pairs"),
        cluster=cluster,
        on_retry=lambda bachelor: progress.retried("pairs", bachelor),
    )
    alternatives: dict[Pair, tuple[Bridging, ...]] = {}
    designs: dict[str, MinorDesign] = {}
    if extras:
        alternatives = compute_alternatives(
            catalogue,
            cells,
            workers=workers,
            progress=progress,
            cluster=cluster,
        )
        designs = compute_minor_designs(
            catalogue,
            sorted({cell.bachelor for cell in cells}),
            progress=progress,
        )
    return build_report(catalogue, cells, designs, alternatives)


def _alternatives_of(catalogue: Catalogue, cell: Cell) -> tuple[Bridging, ...]:
    return cell_alternatives(catalogue, cell, ALTERNATIVES)


def compute_alternatives(
    catalogue: Catalogue,
    cells: Iterable[Cell],
    *,
    workers: int = 1,
    progress: Progress | None = None,
    cluster: str | None = None,
) -> dict[Pair, tuple[Bridging, ...]]:
    """The next-best programmes of every electives and pre-master cell, by (bachelor, master),
    spread over ``workers`` processes; the result does not depend on ``workers``."""
    progress = progress or _Silent()
    todo = sorted(
        (c for c in cells if c.status in status.WITH_ALTERNATIVES),
        key=lambda c: (c.bachelor, c.master),
    )
    progress.start("alternatives", len(todo))
    found: dict[Pair, tuple[Bridging, ...]] = {}
    results = parallel_map(
        _alternatives_of,
        catalogue,
        todo,
        workers=workers,
        cluster=cluster,
        on_retry=lambda i: progress.retried(
            "alternatives", f"{todo[i].bachelor} × {todo[i].master}"
        ),
    )
    for cell, result in zip(todo, results, strict=True):
        found[(cell.bachelor, cell.master)] = result
        progress.advance("alternatives")
    return found


def compute_minor_designs(
    catalogue: Catalogue,
    bachelors: Sequence[str],
    *,
    budget: float = MINOR_BUDGET,
    progress: Progress | None = None,
) -> dict[str, MinorDesign]:
    """The designed minor of each bachelor (target masters: the other institution's)."""
    progress = progress or _Silent()
    progress.start("minor designs", len(bachelors))
    designs: dict[str, MinorDesign] = {}
    for code in sorted(bachelors):
        designs[code] = design_minor(catalogue, code, budget=budget)
        progress.advance("minor designs")
    return designs


#: The bachelor the universities ask the flagship question for: Creative Technology.
FLAGSHIP_BACHELOR = "VU-B-CREATE"


def flagship_questions(
    catalogue: Catalogue, list_file: Path, bachelor: str | None = None
) -> list[FlagshipQuestion]:
    """The report's flagship question: ``bachelor`` (default :data:`FLAGSHIP_BACHELOR`, then
    asked only when the catalogue holds it) into the masters of ``list_file`` (as far as the
    catalogue holds them; see :func:`~articulation.answers.flagship.parse_masters_list`), else
    into every master of the other institution."""
    if bachelor is None:
        if FLAGSHIP_BACHELOR not in catalogue.programmes:
            return []
        bachelor = FLAGSHIP_BACHELOR
    code = catalogue.bachelor(bachelor).code
    listed, source = [], "illustrative"
    if list_file.is_file():
        listed, source = parse_masters_list(list_file.read_text(encoding="utf-8"))
    known = {m.code for m in catalogue.masters}
    masters = [c for c in listed if c in known]
    if not masters:
        masters, source = other_institution_masters(catalogue, code), "illustrative"
    return [FlagshipQuestion(code, tuple(masters), source)] if masters else []


def compute_flagships(
    catalogue: Catalogue,
    questions: Sequence[FlagshipQuestion],
    *,
    progress: Progress | None = None,
) -> dict[str, Flagship]:
    """The flagship answer of each question (the bachelor's own flexible space, planned in the
    minor semester), by bachelor; reasons in English in the JSON, in each page's language on
    the pages."""
    progress = progress or _Silent()
    progress.start("flagship", len(questions))
    found: dict[str, Flagship] = {}
    for q in sorted(questions, key=lambda q: q.bachelor):
        found[q.bachelor] = flagship(catalogue, q.bachelor, q.masters, masters_source=q.source)
        progress.advance("flagship")
    return found


def build_report(
    catalogue: Catalogue,
    cells: Iterable[Cell],
    minor_designs: dict[str, MinorDesign],
    alternatives: dict[Pair, Sequence[Bridging]],
) -> Report:
    """Assemble the report of a scan: cells sorted by codes, the summary, designs, alternatives."""
    ordered = tuple(sorted(cells, key=lambda c: (c.bachelor, c.master)))
    bachelors = tuple(sorted({c.bachelor for c in ordered}))
    masters = tuple(sorted({c.master for c in ordered}))
    return Report(
        catalogue=catalogue,
        cells=ordered,
        bachelors=bachelors,
        masters=masters,
        minor_designs={b: minor_designs[b] for b in sorted(minor_designs)},
        alternatives={pair: tuple(alternatives[pair]) for pair in sorted(alternatives)},
        summary=summarise(catalogue, ordered, bachelors, masters),
        by_pair={(c.bachelor, c.master): c for c in ordered},
    )


def summarise(
    catalogue: Catalogue, cells: Sequence[Cell], bachelors: Sequence[str], masters: Sequence[str]
) -> dict[str, Any]:
    """Counts per status (every status, in order of preference) for students still in the
    bachelor (``counts``) and for graduates (``graduate_counts``), and the most-needed courses."""
    return {
        "pairs": len(cells),
        "bachelors": list(bachelors),
        "masters": list(masters),
        "counts": status.counts((c.status for c in cells), zeros=True),
        "admission": {
            kind: sum(1 for c in cells if c.admission == kind) for kind in status.ADMISSIONS
        },
        "with_conditions": sum(1 for c in cells if c.conditions),
        "graduate_counts": status.counts(((c.graduate or c).status for c in cells), zeros=True),
        "graduate_differs": sum(1 for c in cells if c.graduate_differs),
        "not_proven_optimal": sum(1 for c in cells if not c.optimal),
        "illustrative_cells": sum(1 for c in cells if c.illustrative),
        "grades": grade_counts(c.provenance for c in cells),
        "most_needed": most_needed(catalogue, cells),
    }


def most_needed(catalogue: Catalogue, cells: Iterable[Cell]) -> list[dict[str, Any]]:
    """Courses by how many cells' routes use them (most first, then by code)."""
    users: dict[str, list[Cell]] = {}
    for cell in cells:
        for code in cell.codes:
            users.setdefault(code, []).append(cell)
    rows = []
    for code, used in users.items():
        course = catalogue.courses[code]
        rows.append(
            {
                "code": code,
                "title": course.title,
                "ects": course.ects,
                "cells": len(used),
                "by_status": status.counts(c.status for c in used),
                "masters": sorted({c.master for c in used}),
            }
        )
    return sorted(rows, key=lambda r: (-r["cells"], r["code"]))


def provenance(catalogue: Catalogue, code: str) -> dict[str, Any]:
    """Where a programme's or course's data comes from; no provenance counts as illustrative."""
    item = catalogue.programmes.get(code) or catalogue.courses.get(code)
    return {
        **provenance_data(getattr(item, "provenance", None)),
        "illustrative": bool(catalogue.illustrative([code])),
    }


def provenance_data(prov: Provenance | None) -> dict[str, Any]:
    """Where a fact (an assessment, a condition) comes from, as the pages show it."""
    source = prov.source if prov else None
    return {
        "status": prov.status if prov else "illustrative",
        "illustrative": prov is None or prov.status != "sourced",
        "source": source,
        "link": bool(source and source.startswith(("https://", "http://"))),
        "retrieved": prov.retrieved.isoformat() if prov and prov.retrieved else None,
        "note": prov.note if prov else None,
        "as_of": prov.as_of if prov else None,  # the page's own date or academic year
    }


def ec(value: float | None, lang: str = "en") -> str:
    """An EC amount as written in every format (``14``, ``7.5``) and on the pages of ``lang``.

    >>> ec(7.5), ec(7.5, "nl"), ec(14.0, "nl"), ec(None)
    ('7.5', '7,5', '14', '')
    """
    if value is None:
        return ""
    return f"{value:g}" if lang == "en" else number(value, lang)


def grade_code(cell: Cell) -> str:
    """A cell's provenance grade as every format writes it (``RbP``; see
    :mod:`articulation.answers.grade`)."""
    return cell.provenance.code if cell.provenance else ""


def cell_label(cell: Cell) -> str:
    """The short text of a matrix cell, the same in every format: its status (a direct one by
    assessment with its mark, ``direct ✓?``), its EC, and the conditions mark (ᶜ)."""
    conditions = status.CONDITIONS_MARK if cell.conditions else ""
    if status.STATUS[cell.status].has_route:
        return f"{cell.status} {ec(cell.total_ects)} EC{conditions}"
    if cell.admission == "assessment":
        return f"{cell.status} {status.mark(cell.status, cell.admission)}{conditions}"
    return cell.status + conditions


def both_labels(cell: Cell) -> str:
    """A matrix cell's text for both populations: the student's, and the graduate's after a
    slash where it differs (``electives 21 EC / premaster 30 EC``)."""
    if cell.graduate is not None and cell.graduate_differs:
        return f"{cell_label(cell)} / {cell_label(cell.graduate)}"
    return cell_label(cell)
