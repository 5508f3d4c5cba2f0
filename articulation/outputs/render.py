"""The report as files: CSV, Markdown and JSON here, HTML from :mod:`articulation.outputs.heatmap`.

:func:`render` returns every file of the chosen formats by its path in the report directory, as
bytes; nothing is written here. The same report gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from articulation.answers.minor import MinorDesign
from articulation.messages.message import Message
from articulation.messages.status import CONDITIONS_MARK, STATUSES
from articulation.outputs.heatmap import render_html
from articulation.outputs.report import (
    Report,
    both_labels,
    cell_label,
    ec,
    grade_code,
    provenance,
)

FORMATS = ("html", "csv", "json", "md")
TOP_COURSES = 15  # most-needed courses shown in HTML and Markdown (JSON lists all)
CSV_COLUMNS = (
    "bachelor",
    "master",
    "track",
    "status",
    "admission",
    "total_ects",
    "over_cap_by",
    "cap_status",
    "finish",
    "courses",
    "optimal",
    "minor",
    "unmet",
    "conditions",
    "reason",
    "illustrative",
    "graduate_status",
    "graduate_total_ects",
    "grade",
)
FILES = {"csv": "aansluitscan.csv", "json": "aansluitscan.json", "md": "aansluitscan.md"}


class FormatError(ValueError):
    """A report format that does not exist."""


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,csv"`` → ``("html", "csv")`` in the canonical order; unknown names are an error.

    >>> parse_formats("md, html")
    ('html', 'md')
    """
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = sorted(set(names) - set(FORMATS))
    if unknown:
        raise FormatError(
            f"unknown report format {', '.join(map(repr, unknown))}; choose from "
            + ", ".join(FORMATS)
        )
    if not names:
        raise FormatError("no report format given; choose from " + ", ".join(FORMATS))
    return tuple(f for f in FORMATS if f in names)


def main_file(formats: Sequence[str]) -> str:
    """The file a reader opens first: the heatmap, else the first format's file."""
    return "index.html" if "html" in formats else FILES[formats[0]]


def render(report: Report, formats: Sequence[str] = FORMATS) -> dict[str, bytes]:
    """Every file of the chosen formats, by path relative to the report directory, sorted."""
    files: dict[str, str] = {}
    if "html" in formats:
        files.update(render_html(report, top=TOP_COURSES))
    if "csv" in formats:
        files[FILES["csv"]] = render_csv(report)
    if "json" in formats:
        files[FILES["json"]] = render_json(report)
    if "md" in formats:
        files[FILES["md"]] = render_markdown(report)
    return {name: files[name].encode("utf-8") for name in sorted(files)}


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
                cell.track or "",
                cell.status,
                cell.admission or "",
                ec(cell.total_ects),
                ec(cell.over_cap_by),
                cell.cap_status,
                cell.plan.finish_text if cell.plan else "",
                ";".join(cell.codes),
                "true" if cell.optimal else "false",
                cell.minor or "",
                ";".join(cell.unmet),
                ";".join(c.id for c in cell.conditions),
                cell.reason.text(),
                ";".join(cell.illustrative),
                (cell.graduate or cell).status,
                ec((cell.graduate or cell).total_ects),
                grade_code(cell),
            ]
        )
    return buffer.getvalue()


def _cap_assumed(report: Report, master: str) -> bool:
    """Whether the master's pre-master cap is our assumption rather than sourced."""
    programme = report.catalogue.programmes[master]
    return getattr(programme, "premaster", None) is not None and (
        programme.premaster.cap_status == "assumed"
    )


_MD_ESCAPES = str.maketrans(
    {"\\": "\\\\", "|": "\\|", "`": "\\`", "*": "\\*", "[": "\\[", "]": "\\]", "<": "&lt;"}
    | {"\n": " ", "\r": " "}
)


def _md(text: object) -> str:
    """Text from the data, safe in Markdown: in a table cell and in a line of prose, shown as
    written, never as HTML, a link, code or emphasis (``<`` is an entity, the rest escaped).

    >>> _md("<img src=x onerror=alert(1)> [a](javascript:x) | *b*")
    '&lt;img src=x onerror=alert(1)> \\\\[a\\\\](javascript:x) \\\\| \\\\*b\\\\*'
    """
    return str(text).translate(_MD_ESCAPES)


def render_markdown(report: Report) -> str:
    cat = report.catalogue
    lines = ["# Aansluitscan", ""]
    summary = report.summary
    lines.append(
        f"{summary['pairs']} pairs: {len(report.bachelors)} bachelor(s) × "
        f"{len(report.masters)} master(s). Cells read `status EC` for a student still in the "
        "bachelor, then ` / status EC` for a graduate (pre-master routes only) where it differs, "
        "then the grade; the "
        + Message("legend.grade").text()
        + "; ° marks a master whose pre-master cap is assumed (no source gives it); "
        f"`direct ✓?` is direct after the admission committee's individual assessment; "
        f"{CONDITIONS_MARK} marks a cell that carries an admission condition no curriculum "
        "shows (listed with the cell below)."
    )
    lines += ["", "Statuses, in order of preference:", ""]
    lines += [
        f"- `{s.value}`: {Message(s.name_id).text()}: {Message(s.means_id).text()}"
        for s in STATUSES
    ]
    lines += ["", "## Matrix", ""]
    heads = [_md(m) + ("°" if _cap_assumed(report, m) else "") for m in report.masters]
    lines.append("| bachelor | " + " | ".join(heads) + " |")
    lines.append("|---|" + "---|" * len(report.masters))
    for b in report.bachelors:
        entries = []
        for m in report.masters:
            cell = report.cell(b, m)
            entries.append(f"{both_labels(cell)} {grade_code(cell)}")
        lines.append(f"| {_md(b)} | " + " | ".join(_md(e) for e in entries) + " |")
    lines += ["", "## Summary", ""]
    lines.append("| status | students | graduates |")
    lines.append("|---|---|---|")
    for status, n in summary["counts"].items():
        lines.append(f"| {status} | {n} | {summary['graduate_counts'][status]} |")
    if summary["not_proven_optimal"]:
        lines.append(f"- not proven optimal within the time limit: {summary['not_proven_optimal']}")
    needed = summary["most_needed"]
    if needed:
        shown = needed[:TOP_COURSES]
        lines += ["", f"### Most-needed courses ({len(shown)} of {len(needed)})", ""]
        lines.append("| course | title | EC | cells | masters |")
        lines.append("|---|---|---|---|---|")
        for row in shown:
            mark = " (illustrative)" if provenance(cat, row["code"])["illustrative"] else ""
            lines.append(
                f"| {_md(row['code'])}{mark} | {_md(row['title'])} | {ec(row['ects'])} | "
                f"{row['cells']} | {len(row['masters'])} |"
            )
    for b in report.bachelors:
        bachelor = cat.programmes[b]
        mark = " (illustrative data)" if provenance(cat, b)["illustrative"] else ""
        lines += ["", f"## {_md(bachelor.name)} ({_md(b)}){mark}", ""]
        for m in report.masters:
            cell = report.cell(b, m)
            text = f"- {_md(m)} {_md(cat.programmes[m].name)}: **{cell_label(cell)}**"
            if cell.track:
                text += f" (track {_md(cell.track)})"
            if cell.plan and cell.plan.plan.placed:
                text += f", {_md(cell.plan.finish_text)}"
            if cell.minor:
                text += f" (minor {_md(cell.minor)})"
            if cell.codes and cell.status != "minor":
                text += " — " + ", ".join(_md(c) for c in cell.codes)
            if not cell.optimal:
                text += " (not proven optimal)"
            text += f"; {_md(cell.reason.text())}; grade {grade_code(cell)}"
            if cell.conditions:
                text += "; conditions: " + "; ".join(
                    f"{_md(c.text)} ({_md(c.id)})" for c in cell.conditions
                )
            if cell.graduate is not None and cell.graduate_differs:
                graduate = cell.graduate
                text += f"; a graduate: **{cell_label(graduate)}**"
                if graduate.codes:
                    text += " — " + ", ".join(_md(c) for c in graduate.codes)
                text += f"; {_md(graduate.reason.text())}"
            lines.append(text)
        design = report.minor_designs.get(b)
        if design is not None:
            lines += ["", _minor_sentence(design), ""]
            for c in design.courses:
                lines.append(
                    f"- {_md(c.code)} {_md(c.title)} ({ec(c.ects)} EC): needed by "
                    + ", ".join(_md(m) for m in c.masters)
                )
    lines += [
        "",
        "Sources: every programme and course carries its source URL and retrieval date in the "
        "HTML report (sources.html); items marked (illustrative) are not sourced.",
    ]
    return "\n".join(lines) + "\n"


def _minor_sentence(design: MinorDesign) -> str:
    proof = "proven optimal" if design.optimal else "not proven optimal"
    return (
        f"Designed minor ({ec(design.budget)} EC budget): {ec(design.total_ects)} EC, opens "
        f"{len(design.opened)} of {len(design.masters)} masters "
        f"({len(design.already_open)} already open), {proof}."
    )
