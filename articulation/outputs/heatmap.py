"""The HTML report: the heatmap of the matrix, a page per pair and per bachelor, the sources.

Self-contained pages (inline CSS, SVG and JavaScript; nothing fetched) rendered with Jinja2 from
``articulation/outputs/templates``. The heatmap colours and marks come from
:mod:`articulation.messages.status`.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from articulation.answers.explain import total
from articulation.answers.scan import Cell
from articulation.answers.whatif import Diff
from articulation.interop.ca_metrics import bachelor_complexity
from articulation.messages.message import Message, render, render_json
from articulation.messages.status import STATUS, VALUES, rank
from articulation.outputs.report import Report, cell_label, ec, provenance
from articulation.solving.gap import attained_text, holds, words


def pair_path(bachelor: str, master: str) -> str:
    return f"pairs/{bachelor}/{master}.html"


def bachelor_path(bachelor: str) -> str:
    return f"bachelors/{bachelor}.html"


def say(message: Message | dict[str, Any], lang: str = "en") -> str:
    """A message (or its JSON form) in the report's language."""
    if isinstance(message, Message):
        return render(message, lang)
    return render_json(message, lang)


def _environment(lang: str = "en") -> Environment:
    env = Environment(
        loader=PackageLoader("articulation.outputs", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["ec"] = ec
    env.globals.update(
        STATUS=STATUS,
        rank=rank,
        cell_label=cell_label,
        pair_path=pair_path,
        bachelor_path=bachelor_path,
        say=lambda message: say(message, lang),
        means=lambda status: render(Message(STATUS[status].means_id), lang),
        size=total,
    )
    return env


def render_html(report: Report, top: int) -> dict[str, str]:
    """Every HTML page of the report, by path relative to the report directory; the summary
    shows the ``top`` most-needed courses."""
    env = _environment()
    cat = report.catalogue
    env.globals.update(
        prov=lambda code: provenance(cat, code),
        programme=lambda code: cat.programmes[code],
        course=lambda code: cat.courses[code],
    )
    index = env.get_template("index.html.j2").render(root="", **_index_view(report, top))
    pages = {"index.html": index}
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


def _index_view(report: Report, top: int) -> dict[str, Any]:
    cat = report.catalogue
    counts = report.summary["counts"]
    total = max(1, report.summary["pairs"])
    bar, x = [], 0.0
    for status in VALUES:
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
        "needed": report.summary["most_needed"][:top],
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
            "words": words(cat, item).text(),
            "met": holds(item, att),
            "has": attained_text(item, att).text(),
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
        "complexity": bachelor_complexity(cat, code),
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


def diff_side(summary: dict[str, Any] | None) -> str:
    """One side of a changed cell in words: ``premaster 14 EC (UT-A, UT-B), end of year 1``."""
    if summary is None:
        return "no such pair"
    text = summary["status"]
    if STATUS[summary["status"]].has_route:
        text += f" {ec(summary['total_ects'])} EC"
    if summary["courses"]:
        text += f" ({', '.join(summary['courses'])})"
    if summary["track"]:
        text += f", track {summary['track']}"
    if summary["finish"]:
        text += f", {summary['finish']}"
    return text


def diff_page(result: Diff) -> str:
    """The comparison of two scans as one self-contained page: the matrix after the changes
    with the changed cells outlined, and a table of the changes with their causes."""
    data = result.to_json()
    grid = {(c.bachelor, c.master): c for c in result.after}
    return (
        _environment()
        .get_template("diff.html.j2")
        .render(
            changed=data["changed"],
            cells=data["cells"],
            recomputed=data["recomputed"],
            changes=data["changes"],
            counts=data["counts"],
            bachelors=sorted({b for b, _ in grid}),
            masters=sorted({m for _, m in grid}),
            grid=grid,
            outlined={(c.bachelor, c.master) for c in result.changed},
            side=diff_side,
        )
    )
