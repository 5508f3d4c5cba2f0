"""The aansluitscan report: the scan matrix with a page per pair and per bachelor.

:func:`build_report` gathers the scan cells, the next-best alternatives of each pair and the
minor design of each bachelor; :func:`write_report` writes it as a self-contained HTML file set
(inline CSS, SVG and JS), CSV, Markdown and JSON. The same inputs give byte-identical files.

>>> from articulation.loader import load_curricula
>>> from articulation.scan import scan
>>> cat = load_curricula("tests/fixtures/mini")
>>> report = build_report(cat, scan(cat), {}, {})
>>> report.summary["counts"]["premaster"], report.summary["pairs"]
(1, 8)
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from articulation.bridging import Bridging
from articulation.catalogue import Catalogue
from articulation.gap import Attainment, holds
from articulation.minor import MinorDesign, design_minor
from articulation.model import AnyOf, AreaRequirement, OutcomeRequirement, Requirement, level_label
from articulation.scan import STATUSES, Cell, route_alternatives

FORMATS = ("html", "csv", "json", "md")
ALTERNATIVES = 3  # next-best programmes per pair
MINOR_BUDGET = 30.0  # EC budget of the designed minor per bachelor
TOP_COURSES = 15  # most-needed courses shown in HTML and Markdown (JSON lists all)
CSV_COLUMNS = (
    "bachelor",
    "master",
    "status",
    "total_ects",
    "courses",
    "optimal",
    "minor",
    "unmet",
    "reason",
    "illustrative",
)
FILES = {"csv": "aansluitscan.csv", "json": "aansluitscan.json", "md": "aansluitscan.md"}

Pair = tuple[str, str]


class ReportError(Exception):
    """A report that cannot be written as asked: unknown format, unusable directory."""


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,csv"`` → ``("html", "csv")`` in the canonical order; unknown names are an error.

    >>> parse_formats("md, html")
    ('html', 'md')
    """
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = sorted(set(names) - set(FORMATS))
    if unknown:
        raise ReportError(
            f"unknown report format {', '.join(map(repr, unknown))}; choose from "
            + ", ".join(FORMATS)
        )
    if not names:
        raise ReportError("no report format given; choose from " + ", ".join(FORMATS))
    return tuple(f for f in FORMATS if f in names)


def prepare_out(out: Path) -> Path:
    """Create the report directory (and parents), or raise :class:`ReportError`."""
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ReportError(f"{out}: cannot write the report there: {exc.strerror or exc}") from None
    return out


# --- the extra computations: alternatives and minor designs ------------------------------------


def compute_alternatives(
    catalogue: Catalogue,
    cells: Iterable[Cell],
    k: int = ALTERNATIVES,
    *,
    workers: int = 1,
    time_limit: float = 10.0,
    progress: Callable[[], None] | None = None,
) -> dict[Pair, tuple[Bridging, ...]]:
    """:func:`route_alternatives` of every electives and pre-master cell, by (bachelor, master),
    spread over ``workers`` processes; the result does not depend on ``workers``."""
    todo = sorted(
        (c for c in cells if c.status in ("electives", "premaster")),
        key=lambda c: (c.bachelor, c.master),
    )
    jobs = [(cell, k, time_limit) for cell in todo]
    found: dict[Pair, tuple[Bridging, ...]] = {}
    if workers <= 1 or len(jobs) < 2:
        _init_worker(catalogue)
        results: Iterable[tuple[Bridging, ...]] = map(_alternatives_job, jobs)
        for cell, result in zip(todo, results, strict=True):
            found[(cell.bachelor, cell.master)] = result
            if progress:
                progress()
        return found
    chunk = max(1, len(jobs) // (8 * workers))
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(catalogue,)) as pool:
        for cell, result in zip(
            todo, pool.map(_alternatives_job, jobs, chunksize=chunk), strict=True
        ):
            found[(cell.bachelor, cell.master)] = result
            if progress:
                progress()
    return found


_WORKER_CATALOGUE: Catalogue | None = None


def _init_worker(catalogue: Catalogue) -> None:
    global _WORKER_CATALOGUE
    _WORKER_CATALOGUE = catalogue


def _alternatives_job(job: tuple[Cell, int, float]) -> tuple[Bridging, ...]:
    assert _WORKER_CATALOGUE is not None
    cell, k, time_limit = job
    return route_alternatives(_WORKER_CATALOGUE, cell, k, time_limit=time_limit)


def alternative_cells(cells: Iterable[Cell]) -> int:
    """How many cells :func:`compute_alternatives` works on (for a progress bar)."""
    return sum(1 for c in cells if c.status in ("electives", "premaster"))


def compute_minor_designs(
    catalogue: Catalogue,
    bachelors: Sequence[str],
    *,
    budget: float = MINOR_BUDGET,
    time_limit: float = 30.0,
    progress: Callable[[], None] | None = None,
) -> dict[str, MinorDesign]:
    """The designed minor of each bachelor (default target masters: the other institution's)."""
    designs: dict[str, MinorDesign] = {}
    for code in sorted(bachelors):
        designs[code] = design_minor(catalogue, code, budget=budget, time_limit=time_limit)
        if progress:
            progress()
    return designs


# --- the report data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """Everything the report shows, computed by the engine; build with :func:`build_report`."""

    catalogue: Catalogue
    cells: tuple[Cell, ...]
    bachelors: tuple[str, ...]
    masters: tuple[str, ...]
    minor_designs: dict[str, MinorDesign]
    alternatives: dict[Pair, tuple[Bridging, ...]]
    summary: dict[str, Any]
    by_pair: dict[Pair, Cell]

    def cell(self, bachelor: str, master: str) -> Cell:
        return self.by_pair[(bachelor, master)]

    def to_json(self) -> dict[str, Any]:
        """The JSON contract: cells as ``scan --json``, the summary, minor designs, alternatives."""
        return {
            "cells": [cell.to_json() for cell in self.cells],
            "summary": self.summary,
            "minor_designs": {b: d.to_json() for b, d in sorted(self.minor_designs.items())},
            "alternatives": [
                {
                    "bachelor": b,
                    "master": m,
                    "alternatives": [
                        {
                            "total_ects": o.total_ects,
                            "optimal": o.optimal,
                            "courses": [c.to_json() for c in o.courses],
                        }
                        for o in found
                    ],
                }
                for (b, m), found in sorted(self.alternatives.items())
            ],
        }


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
    """Counts per status (every status, in order of preference) and the most-needed courses."""
    counts = {status: 0 for status in STATUSES}
    for cell in cells:
        counts[cell.status] += 1
    return {
        "pairs": len(cells),
        "bachelors": list(bachelors),
        "masters": list(masters),
        "counts": counts,
        "not_proven_optimal": sum(1 for c in cells if not c.optimal),
        "illustrative_cells": sum(1 for c in cells if c.illustrative),
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
        by_status = {s: sum(1 for c in used if c.status == s) for s in STATUSES}
        rows.append(
            {
                "code": code,
                "title": course.title,
                "ects": course.ects,
                "cells": len(used),
                "by_status": {s: n for s, n in by_status.items() if n},
                "masters": sorted({c.master for c in used}),
            }
        )
    return sorted(rows, key=lambda r: (-r["cells"], r["code"]))


# --- helpers for the views ----------------------------------------------------------------------


def provenance(catalogue: Catalogue, code: str) -> dict[str, Any]:
    """Where a programme's or course's data comes from; no provenance counts as illustrative."""
    item = catalogue.programmes.get(code) or catalogue.courses.get(code)
    prov = getattr(item, "provenance", None)
    source = prov.source if prov else None
    return {
        "status": prov.status if prov else "illustrative",
        "illustrative": prov is None or prov.status != "sourced",
        "source": source,
        "link": bool(source and source.startswith(("https://", "http://"))),
        "retrieved": prov.retrieved.isoformat() if prov and prov.retrieved else None,
        "note": prov.note if prov else None,
    }


def has_text(item: Requirement, att: Attainment) -> str:
    """What an attainment holds of a requirement, in words.

    >>> has_text(AreaRequirement(area="mathematics", min_ects=12), Attainment(area_ects={"mathematics": 6}))
    '6 EC'
    """  # noqa: E501
    if isinstance(item, OutcomeRequirement):
        level = att.level(item.outcome)
        return level_label(level) if level else "nothing"
    if isinstance(item, AreaRequirement):
        return f"{att.ects(item.area):g} EC"
    assert isinstance(item, AnyOf)
    return "; ".join(f"{alt}: {has_text(alt, att)}" for alt in item.any_of)


def requirement_words(catalogue: Catalogue, item: Requirement) -> str:
    """A requirement spelled out with outcome titles."""
    if isinstance(item, OutcomeRequirement):
        outcome = catalogue.outcomes.get(item.outcome)
        title = outcome.title if outcome else item.outcome
        return f"{title} at level {level_label(item.level)}"
    if isinstance(item, AreaRequirement):
        return f"at least {item.min_ects:g} EC in {item.area}"
    assert isinstance(item, AnyOf)
    return "one of: " + "; ".join(requirement_words(catalogue, alt) for alt in item.any_of)


def ec(value: float | None) -> str:
    """An EC amount as written in the report: ``14``, ``7.5``."""
    return "" if value is None else f"{value:g}"


def cell_label(cell: Cell) -> str:
    """The short text of a matrix cell, the same in every format."""
    if cell.status in ("electives", "minor", "premaster"):
        return f"{cell.status} {ec(cell.total_ects)} EC"
    return cell.status


def pair_path(bachelor: str, master: str) -> str:
    return f"pairs/{bachelor}/{master}.html"


def bachelor_path(bachelor: str) -> str:
    return f"bachelors/{bachelor}.html"


# --- writers ------------------------------------------------------------------------------------


def write_report(report: Report, out: Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write the chosen formats into ``out``; returns the files written, sorted."""
    prepare_out(out)
    files: dict[str, str] = {}
    if "html" in formats:
        files.update(render_html(report))
    if "csv" in formats:
        files[FILES["csv"]] = render_csv(report)
    if "json" in formats:
        files[FILES["json"]] = render_json(report)
    if "md" in formats:
        files[FILES["md"]] = render_markdown(report)
    written = []
    for name in sorted(files):
        path = out / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8", newline="") as handle:
                handle.write(files[name])
        except OSError as exc:
            raise ReportError(f"{path}: cannot write: {exc.strerror or exc}") from None
        written.append(path)
    if "html" in formats:
        _remove_stale_pages(out, set(written))
    return written


def _remove_stale_pages(out: Path, keep: set[Path]) -> None:
    """Remove pair and bachelor pages an earlier report left in ``out`` (and emptied folders)."""
    for folder in (out / "pairs", out / "bachelors"):
        if not folder.is_dir():
            continue
        for page in sorted(folder.rglob("*.html")):
            if page not in keep:
                page.unlink()
        for sub in sorted(folder.glob("*/"), reverse=True):
            if sub.is_dir() and not any(sub.iterdir()):
                sub.rmdir()


def render_json(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def render_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for cell in report.cells:
        writer.writerow(
            [
                cell.bachelor,
                cell.master,
                cell.status,
                ec(cell.total_ects),
                ";".join(cell.codes),
                "true" if cell.optimal else "false",
                cell.minor or "",
                ";".join(cell.unmet),
                cell.reason,
                ";".join(cell.illustrative),
            ]
        )
    return buffer.getvalue()


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    cat = report.catalogue
    lines = ["# Aansluitscan", ""]
    summary = report.summary
    lines.append(
        f"{summary['pairs']} pairs: {len(report.bachelors)} bachelor(s) × "
        f"{len(report.masters)} master(s). Cells read `status EC`; "
        "† marks a cell whose programmes or courses are illustrative, not sourced."
    )
    lines += ["", "## Matrix", ""]
    lines.append("| bachelor | " + " | ".join(report.masters) + " |")
    lines.append("|---|" + "---|" * len(report.masters))
    for b in report.bachelors:
        entries = []
        for m in report.masters:
            cell = report.cell(b, m)
            entries.append(cell_label(cell) + (" †" if cell.illustrative else ""))
        lines.append(f"| {_md(b)} | " + " | ".join(_md(e) for e in entries) + " |")
    lines += ["", "## Summary", ""]
    for status, n in summary["counts"].items():
        lines.append(f"- {status}: {n}")
    if summary["not_proven_optimal"]:
        lines.append(f"- not proven optimal within the time limit: {summary['not_proven_optimal']}")
    needed = summary["most_needed"]
    if needed:
        shown = needed[:TOP_COURSES]
        lines += ["", f"### Most-needed courses ({len(shown)} of {len(needed)})", ""]
        lines.append("| course | title | EC | cells | masters |")
        lines.append("|---|---|---|---|---|")
        for row in shown:
            mark = " †" if provenance(cat, row["code"])["illustrative"] else ""
            lines.append(
                f"| {_md(row['code'])}{mark} | {_md(row['title'])} | {ec(row['ects'])} | "
                f"{row['cells']} | {len(row['masters'])} |"
            )
    for b in report.bachelors:
        bachelor = cat.programmes[b]
        mark = " †" if provenance(cat, b)["illustrative"] else ""
        lines += ["", f"## {_md(bachelor.name)} ({b}){mark}", ""]
        for m in report.masters:
            cell = report.cell(b, m)
            text = f"- {m} {cat.programmes[m].name}: **{cell_label(cell)}**"
            if cell.minor:
                text += f" (minor {cell.minor})"
            if cell.codes and cell.status != "minor":
                text += " — " + ", ".join(cell.codes)
            if not cell.optimal:
                text += " (not proven optimal)"
            text += f"; {cell.reason}" + (" †" if cell.illustrative else "")
            lines.append(text)
        design = report.minor_designs.get(b)
        if design is not None:
            lines += ["", _minor_sentence(design), ""]
            for c in design.courses:
                lines.append(
                    f"- {c.code} {c.title} ({ec(c.ects)} EC): needed by {', '.join(c.masters)}"
                )
    lines += [
        "",
        "Sources: every programme and course carries its source URL and retrieval date in the "
        "HTML report (sources.html); † items are illustrative.",
    ]
    return "\n".join(lines) + "\n"


def _minor_sentence(design: MinorDesign) -> str:
    proof = "proven optimal" if design.optimal else "not proven optimal"
    return (
        f"Designed minor ({ec(design.budget)} EC budget): {ec(design.total_ects)} EC, opens "
        f"{len(design.opened)} of {len(design.masters)} masters "
        f"({len(design.already_open)} already open), {proof}."
    )


# --- HTML ---------------------------------------------------------------------------------------

STATUS_COLOURS = {
    "direct": "#1a9850",
    "electives": "#66bd63",
    "minor": "#4a90c2",
    "premaster": "#fdae61",
    "infeasible": "#d73027",
    "unknown": "#9e9ac8",
}
STATUS_MARK = {
    "direct": "✓",
    "electives": "E",
    "minor": "M",
    "premaster": "P",
    "infeasible": "✗",
    "unknown": "?",
}
STATUS_TEXT = {
    "direct": "admitted directly (no gap, or by policy)",
    "electives": "gap closes inside the bachelor's elective space",
    "minor": "an existing minor closes the gap",
    "premaster": "a pre-master (bridging programme) within the cap",
    "infeasible": "no route within the rules or the cap",
    "unknown": "no programme found within the time limit",
}


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("articulation", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["ec"] = ec
    env.globals.update(
        STATUSES=STATUSES,
        STATUS_COLOURS=STATUS_COLOURS,
        STATUS_TEXT=STATUS_TEXT,
        STATUS_MARK=STATUS_MARK,
        cell_label=cell_label,
        pair_path=pair_path,
        bachelor_path=bachelor_path,
    )
    return env


def render_html(report: Report) -> dict[str, str]:
    """Every HTML page of the report, by path relative to the report directory."""
    env = _environment()
    cat = report.catalogue
    env.globals.update(
        prov=lambda code: provenance(cat, code),
        programme=lambda code: cat.programmes[code],
        course=lambda code: cat.courses[code],
    )
    pages = {"index.html": env.get_template("index.html.j2").render(root="", **_index_view(report))}
    for b in report.bachelors:
        view = _bachelor_view(report, b)
        page = env.get_template("bachelor.html.j2").render(root="../", **view)
        pages[bachelor_path(b)] = page
        for m in report.masters:
            view = _pair_view(report, report.cell(b, m))
            page = env.get_template("pair.html.j2").render(root="../../", **view)
            pages[pair_path(b, m)] = page
    pages["sources.html"] = env.get_template("sources.html.j2").render(
        root="", **_sources_view(report)
    )
    return pages


def _index_view(report: Report) -> dict[str, Any]:
    cat = report.catalogue
    counts = report.summary["counts"]
    total = max(1, report.summary["pairs"])
    bar, x = [], 0.0
    for status in STATUSES:
        width = 600 * counts[status] / total
        if counts[status]:
            bar.append({"status": status, "x": round(x, 2), "width": round(width, 2)})
        x += width
    rows = []
    for b in report.bachelors:
        rows.append(
            {
                "code": b,
                "name": cat.programmes[b].name,
                "cells": [report.cell(b, m) for m in report.masters],
            }
        )
    shown_codes = set(report.bachelors) | set(report.masters)
    for cell in report.cells:
        shown_codes.update(cell.codes)
    illustrative = sorted(c for c in shown_codes if provenance(cat, c)["illustrative"])
    return {
        "title": "Aansluitscan: VU bachelors → UT masters",
        "report": report,
        "summary": report.summary,
        "rows": rows,
        "masters": [cat.programmes[m] for m in report.masters],
        "bar": bar,
        "needed": report.summary["most_needed"][:TOP_COURSES],
        "illustrative_count": len(illustrative),
        "shown_count": len(shown_codes),
        "designs": [report.minor_designs[b] for b in report.bachelors if b in report.minor_designs],
    }


def _requirement_rows(report: Report, cell: Cell) -> list[dict[str, Any]]:
    cat = report.catalogue
    att = cell.gap.attained
    return [
        {
            "text": str(item),
            "words": requirement_words(cat, item),
            "met": holds(item, att),
            "has": has_text(item, att),
        }
        for item in cat.master(cell.master).requires
    ]


def _pair_view(report: Report, cell: Cell) -> dict[str, Any]:
    cat = report.catalogue
    bachelor = cat.programmes[cell.bachelor]
    master = cat.programmes[cell.master]
    alts = report.alternatives.get((cell.bachelor, cell.master))
    return {
        "title": f"{bachelor.name} → {master.name}",
        "cell": cell,
        "bachelor": bachelor,
        "master": master,
        "requirements": _requirement_rows(report, cell),
        "alternatives": alts,
        "alternatives_computed": (cell.bachelor, cell.master) in report.alternatives,
        "minor_programme": cat.programmes.get(cell.minor) if cell.minor else None,
    }


def _bachelor_view(report: Report, code: str) -> dict[str, Any]:
    cat = report.catalogue
    bachelor = cat.programmes[code]
    design = report.minor_designs.get(code)
    return {
        "title": f"{bachelor.name} ({code})",
        "bachelor": bachelor,
        "cells": [report.cell(code, m) for m in report.masters],
        "design": design,
        "newly_opened": [m for m in design.opened if m not in design.already_open]
        if design
        else [],
    }


def _sources_view(report: Report) -> dict[str, Any]:
    cat = report.catalogue
    used: set[str] = set()
    for cell in report.cells:
        used.update(cell.codes)
    for found in report.alternatives.values():
        for option in found:
            used.update(option.codes)
    for design in report.minor_designs.values():
        used.update(c.code for c in design.courses)
    for b in report.bachelors:
        used.update(cat.bachelor(b).courses)
    programmes = sorted(
        set(report.bachelors) | set(report.masters) | {c.minor for c in report.cells if c.minor}
    )
    return {
        "title": "Sources",
        "programmes": [cat.programmes[p] for p in programmes],
        "courses": [cat.courses[c] for c in sorted(used) if c in cat.courses],
    }
