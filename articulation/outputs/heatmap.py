"""The HTML report: the heatmap of the matrix, a page per pair and per bachelor, the sources.

Self-contained pages (inline CSS, SVG and JavaScript; nothing fetched) rendered with Jinja2 from
``articulation/outputs/templates``, in English at the top of the report and in Dutch under
``nl/`` with the same layout; every page links to its counterpart. The words of the pages come
from the report's catalogue (:mod:`articulation.outputs.i18n`), the reasons from the messages
(:mod:`articulation.messages`), both in the page's language; data (titles, codes, requirement
ids) is shown as it is. The heatmap colours and marks come from
:mod:`articulation.messages.status`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from jinja2.ext import i18n
from markupsafe import Markup

from articulation.answers.explain import total
from articulation.answers.grade import Grade
from articulation.answers.scan import Cell
from articulation.answers.whatif import Diff
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import Requirement
from articulation.interop.ca_metrics import bachelor_complexity
from articulation.messages.message import Message, render, render_json
from articulation.messages.status import CONDITIONS_MARK, STATUS, VALUES, mark, rank
from articulation.outputs.i18n import translations
from articulation.outputs.report import (
    Report,
    ec,
    grade_code,
    provenance,
    provenance_data,
)
from articulation.solving.gap import Attainment, attained_text, holds, words
from articulation.solving.planning.results import Plan, finished_at
from articulation.solving.planning.route_plan import RoutePlan
from articulation.support import deadline

#: The report's languages, each with the folder of its pages: English at the top, Dutch in nl/.
FOLDERS = {"en": "", "nl": "nl/"}
#: Each language in its own words: the switch to it on the other language's pages.
NAMES = {"en": "English", "nl": "Nederlands"}


def requirement_words(catalogue: Catalogue, item: Requirement, lang: str = "en") -> str:
    """A requirement spelled out with outcome titles, in ``lang`` (the engine's message).

    >>> from articulation.curriculum.loader import load_curricula
    >>> from articulation.curriculum.model import AreaRequirement
    >>> cat = load_curricula("tests/fixtures/mini")
    >>> requirement_words(cat, AreaRequirement(area="mathematics", min_ects=7.5), "nl")
    'minstens 7,5 EC in mathematics'
    """
    return words(catalogue, item, lang=lang).text(lang)


def attained_words(item: Requirement, att: Attainment, lang: str = "en") -> str:
    """What is attained of a requirement, in ``lang``: a level, an amount of EC.

    >>> from articulation.curriculum.model import AreaRequirement
    >>> attained_words(AreaRequirement(area="mathematics", min_ects=20), Attainment(), "nl")
    '0 EC'
    """
    return attained_text(item, att).text(lang)


def status_name(status: str, lang: str = "en") -> str:
    """A status as a page names it, in words of ``lang`` (the data attributes and the CSV,
    JSON and Markdown files keep its value).

    >>> status_name("over_cap"), status_name("premaster", "nl")
    ('over the cap', 'schakelprogramma')
    """
    return render(Message(STATUS[status].name_id), lang)


def label(cell: Cell, lang: str = "en") -> str:
    """The short text of a matrix cell in ``lang``, its status in words (the files' is
    ``cell_label`` of :mod:`articulation.outputs.report`)."""
    conditions = CONDITIONS_MARK if cell.conditions else ""
    if STATUS[cell.status].has_route:
        return f"{status_name(cell.status, lang)} {ec(cell.total_ects, lang)} EC{conditions}"
    if cell.admission == "assessment":
        return f"{status_name(cell.status, lang)} {mark(cell.status, cell.admission)}{conditions}"
    return status_name(cell.status, lang) + conditions


def cell_mark(cell: Cell) -> str:
    """A matrix cell's mark: its status's (direct by assessment ``✓?``), ᶜ with conditions."""
    return mark(cell.status, cell.admission, conditions=bool(cell.conditions))


def finish_words(plan: Plan | RoutePlan, lang: str = "en") -> str:
    """When a plan finishes, in ``lang``: ``end of year 1, Q4`` (a route's without a finish:
    ``—``; a route's timed from a calendar month: its month, as the engine writes it)."""
    otherwise = ""
    if isinstance(plan, RoutePlan):
        if plan.anchor is not None:
            return plan.finish_text
        plan, otherwise = plan.plan, "—"
    if plan.finish_at is None:
        return otherwise
    return finished_at(*plan.finish_at).text(lang)


#: The flagship page of the report, in each language's folder.
FLAGSHIP_PAGE = "flagship.html"


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
    """The templates with the words, numbers and reasons of ``lang``: ``_()`` translates, the
    ``ec`` filter writes an amount as the language does (``ec("en")``: as data attributes and
    files do)."""
    env = Environment(
        loader=PackageLoader("articulation.outputs", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=[i18n],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["ec"] = lambda value, written=lang: ec(value, written)
    env.globals.update(
        lang=lang,
        STATUS=STATUS,
        rank=rank,
        cell_label=lambda cell: label(cell, lang),
        status_name=lambda status: status_name(status, lang),
        finish=lambda plan: finish_words(plan, lang),
        pair_path=pair_path,
        bachelor_path=bachelor_path,
        say=lambda message: say(message, lang),
        means=lambda status: render(Message(STATUS[status].means_id), lang),
        size=total,
        cell_mark=cell_mark,
        legend=lambda kind: render(Message(f"legend.{kind}"), lang),
        condition_text=lambda item: item.text_in(lang),
        grade=grade_code,
        grade_legend=lambda: render(Message("legend.grade"), lang),
        grade_words=lambda data: render(
            Grade(data["requirements"], data["bachelor"], data["route"]).message(), lang
        ),
        finished=lambda at: finished_at(at["year"], at["period"]).text(lang),
        sentence=lambda text: text if text.endswith(".") else text + ".",
    )
    env.filters["pretty"] = lambda data: json.dumps(data, indent=2, ensure_ascii=False)
    return env


_INLINE = re.compile(r"<(style|script)>(.*?)</\1>", re.DOTALL)


@functools.cache
def inline_code() -> tuple[tuple[str, str], ...]:
    """Every inline ``<style>`` and ``<script>`` element of the report's pages, as (``style``
    or ``script``, its text): the same on every page in every language (none holds data), so a
    Content-Security-Policy can allow exactly these by their hashes and nothing else inline.

    >>> [(kind, text[:9]) for kind, text in inline_code()]
    [('style', '\\n:root { '), ('script', '\\n(functio')]
    """
    env = _environment()
    style = env.from_string('<style>\n{% include "style.css.j2" %}\n</style>\n').render()
    index = env.get_template("index.html.j2")
    script = "".join(index.blocks["script"](index.new_context({})))
    return tuple((match.group(1), match.group(2)) for match in _INLINE.finditer(style + script))


def render_html(report: Report, top: int) -> dict[str, str]:
    """Every HTML page of the report in every language, by path relative to the report
    directory; the summary shows the ``top`` most-needed courses."""
    pages = {}
    for lang, folder in FOLDERS.items():
        for path, page in _pages(report, top, lang).items():
            pages[folder + path] = page
    return pages


def _switches(path: str, lang: str) -> list[dict[str, str]]:
    """The links from the page at ``path`` in ``lang`` to the same page in the other languages,
    relative: ``pairs/B/M.html`` → ``../../nl/pairs/B/M.html``, and back."""
    up = "../" * (FOLDERS[lang] + path).count("/")
    return [
        {"lang": other, "name": NAMES[other], "href": up + folder + path}
        for other, folder in FOLDERS.items()
        if other != lang
    ]


def _pages(report: Report, top: int, lang: str) -> dict[str, str]:
    """Every HTML page of the report in ``lang``, by path relative to that language's folder."""
    env = _environment(lang)
    _ = translations(lang).gettext
    cat = report.catalogue
    env.globals.update(
        prov=lambda code: provenance(cat, code),
        prov_of=provenance_data,
        programme=lambda code: cat.programmes[code],
        course=lambda code: cat.courses[code],
    )

    pages: dict[str, str] = {}

    def page(template: str, path: str, view: dict[str, Any]) -> None:
        deadline.check()  # a scan job's report is written within the job's deadline
        root = "../" * path.count("/")
        switches = _switches(path, lang)
        pages[path] = env.get_template(template).render(root=root, switches=switches, **view)

    page("index.html.j2", "index.html", _index_view(report, top, _))
    for b in report.bachelors:
        page("bachelor.html.j2", bachelor_path(b), _bachelor_view(report, b))
        for m in report.masters:
            page("pair.html.j2", pair_path(b, m), _pair_view(report, report.cell(b, m), lang))
    page("sources.html.j2", "sources.html", _sources_view(report, _))
    if report.flagship:
        page("flagship.html.j2", FLAGSHIP_PAGE, _flagship_view(report, env, _))
    return pages


def _curve(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The curve of a flagship answer by budget: the masters seamless in the minor semester and
    in any period of the final year, and the packages it takes (in the answer's window)."""
    rows: dict[float, dict[str, Any]] = {}
    for point in data["curve"]:
        row = rows.setdefault(point["budget"], {"budget": point["budget"], "packages": None})
        row["semester" if point["window"] else "final_year"] = point["seamless"]
        if point["window"] == data["window"]:
            row["packages"] = point["packages"]
    return [rows[b] for b in sorted(rows)]


def flagship_section(data: dict[str, Any], name: str, lang: str = "en", h: int = 2) -> Markup:
    """One flagship answer (its JSON, as ``POST /v1/flagship`` gives it) as a section of a page
    in ``lang``, headings from level ``h``: the report's flagship page and ``/directors`` show
    it alike."""
    return _section(_environment(lang), data, name, h)


def _section(env: Environment, data: dict[str, Any], name: str, h: int) -> Markup:
    view = {
        "data": data,
        "name": name,
        "h": h,
        "names": {row["master"]: row["name"] for row in data["masters"]},
        "seamless": sum(1 for row in data["masters"] if row["seamless"]),
        "curve": _curve(data),
    }
    return Markup(env.get_template("_flagship.html.j2").render(**view))


def _flagship_view(report: Report, env: Environment, _: Callable[[str], str]) -> dict[str, Any]:
    cat = report.catalogue
    sections = [
        _section(env, answer.to_json(), cat.programmes[b].name, 2)
        for b, answer in sorted(report.flagship.items())
    ]
    return {"title": _("The flagship question"), "sections": sections}


def _index_view(report: Report, top: int, _: Callable[[str], str]) -> dict[str, Any]:
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
        "title": _("Aansluitscan: VU bachelors → UT masters"),
        "report": report,
        "summary": report.summary,
        "rows": rows,
        "masters": [cat.programmes[m] for m in report.masters],
        "bar": bar,
        "needed": report.summary["most_needed"][:top],
        "illustrative_count": len(illustrative),
        "shown_count": len(shown_codes),
        "designs": [report.minor_designs[b] for b in report.bachelors if b in report.minor_designs],
        "flagship": ", ".join(cat.programmes[b].name for b in sorted(report.flagship)),
    }


def _requirement_rows(report: Report, cell: Cell, lang: str) -> list[dict[str, Any]]:
    cat = report.catalogue
    att = cell.gap.attained
    return [
        {
            "text": str(item),
            "words": requirement_words(cat, item, lang),
            "met": holds(item, att),
            "has": attained_words(item, att, lang),
        }
        for item in cat.master(cell.master).requires
    ]


def _pair_view(report: Report, cell: Cell, lang: str) -> dict[str, Any]:
    cat = report.catalogue
    bachelor = cat.programmes[cell.bachelor]
    master = cat.programmes[cell.master]
    alts = report.alternatives.get((cell.bachelor, cell.master))
    return {
        "title": f"{bachelor.name} → {master.name}",
        "cell": cell,
        "bachelor": bachelor,
        "master": master,
        "requirements": _requirement_rows(report, cell, lang),
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


def _sources_view(report: Report, _: Callable[[str], str]) -> dict[str, Any]:
    cat = report.catalogue
    used: set[str] = set()
    for cell in report.cells:
        used.update(cell.codes)
        if cell.graduate is not None:  # shown on the pair page too
            used.update(cell.graduate.codes)
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
        "title": _("Sources"),
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
    graduate = summary.get("graduate")
    if graduate is not None and graduate != {**summary, "graduate": None}:
        text += f"; a graduate: {diff_side(graduate)}"
    return text


def diff_page(result: Diff, lang: str = "en") -> str:
    """The comparison of two scans as one self-contained page: the matrix after the changes
    with the changed cells outlined, and a table of the changes with why each changed (in
    ``lang``)."""
    data = result.to_json(lang)
    grid = {(c.bachelor, c.master): c for c in result.after}
    return (
        _environment(lang)
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
