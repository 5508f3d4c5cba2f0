"""The engine's commands: validate, schema, gap, bridge, minor, scan.

Each parses its arguments, calls one engine function and prints the answer (a Rich table, or
JSON with ``--json``). Bad input goes to stderr with exit code 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar

import typer
from rich.markup import escape
from rich.table import Table

from articulation.answers.explain import capped
from articulation.answers.scan import Cell, graduate_counts, status_counts
from articulation.cli.common import (
    DEFAULTS,
    BadInput,
    CurriculaOpt,
    JsonOpt,
    LangOpt,
    SolveLimitOpt,
    TimeLimitOpt,
    TrackOpt,
    default_language,
    err,
    load,
    out,
    print_json,
    read_codes,
    track_line,
    user_errors,
)
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import CurriculaError, load_curricula
from articulation.messages.message import Message, render
from articulation.messages.status import STATUS, STATUSES, WITH_ALTERNATIVES, terminal_label
from articulation.support.deadline import deadline


def validate(curricula: CurriculaOpt = None, as_json: JsonOpt = False) -> None:
    """Check every curricula file; list all problems (file, line, YAML path, value)."""
    root = curricula or DEFAULTS.curricula_dir
    try:
        catalogue = load_curricula(root)
    except CurriculaError as exc:
        if as_json:
            print_json({"valid": False, "problems": [vars(p) for p in exc.problems]})
            raise typer.Exit(2) from None
        with user_errors():
            raise
    counts = {
        "outcomes": len(catalogue.outcomes),
        "courses": len(catalogue.courses),
        "bachelors": len(catalogue.bachelors),
        "masters": len(catalogue.masters),
        "minors": len(catalogue.minors),
    }
    if as_json:
        print_json({"valid": True, "problems": [], "counts": counts})
    else:
        parts = ", ".join(f"{n} {name}" for name, n in counts.items())
        out.print(f"{root}: valid ({parts})")


def schema(
    kind: Annotated[
        str, typer.Option(help="outcomes | catalogue | programme | transcript | all")
    ] = "all",
) -> None:
    """Print the JSON Schema of the curricula files, generated from the same models."""
    from articulation.curriculum.schema import json_schema

    with user_errors():
        print_json(json_schema(kind))


def gap_command(
    bachelor: str,
    master: str,
    curricula: CurriculaOpt = None,
    as_json: JsonOpt = False,
    track: TrackOpt = None,
    time_limit: TimeLimitOpt = DEFAULTS.time_limit,
    lang: LangOpt = None,
) -> None:
    """What a bachelor's courses (mandatory, and a track's) leave unmet of a master's
    requirements, and the master's admission conditions that the bachelor's admission does not
    guarantee. Without --track, the track ``bridge`` uses: the best for the master."""
    from articulation.answers.explain import condition
    from articulation.solving.gap import attained_text, attainment, gap, words

    lang = str(lang or default_language())

    with user_errors():
        catalogue = load(curricula)
        b, m = catalogue.bachelor(bachelor), catalogue.master(master)
        asked = catalogue.track(b, track)
        track = asked
        if asked is None and b.tracks:
            from articulation.answers.scan import assess

            with deadline(time_limit):
                track = assess(catalogue, b, m).track
        the_gap = gap(m, attainment(catalogue, b.courses_of(track)))
    if as_json:
        print_json(
            {
                "bachelor": b.code,
                "track": track,
                "track_asked": asked is not None,
                "master": m.code,
                "closed": the_gap.closed,
                "unmet": the_gap.texts(),
                "details": [item.text() for item in the_gap.details()],
                "direct_admission": b.code in m.direct_admission,
                "cap": m.premaster.max_ects,
                "cap_status": m.premaster.cap_status,
                "ceiling": m.premaster.ceiling,
                "ceiling_status": m.premaster.ceiling_status,
                "assessment": m.assessment_of(b.code) is not None,
                "conditions": [c.answer_json() for c in m.open_conditions(b)],
            }
        )
        return
    out.print(f"[bold]{b.name}[/bold] ({b.code}) → [bold]{m.name}[/bold] ({m.code})")
    if track is not None:
        out.print(track_line(b, track, asked is not None))
    out.print(f"pre-master: {capped(m.premaster.max_ects, m.premaster.cap_status).text(lang)}")
    for item in m.open_conditions(b):
        out.print(escape(condition(item).text(lang)))
    if the_gap.closed:
        out.print(Message("explain.no_gap").text(lang))
        return
    table = Table("unmet requirement", "in words", "attained")
    for item in the_gap.unmet:
        table.add_row(
            str(item),
            words(catalogue, item, lang=lang).text(lang),
            attained_text(item, the_gap.attained).text(lang),
        )
    out.print(table)


def bridge(
    bachelor: str,
    master: str,
    curricula: CurriculaOpt = None,
    as_json: JsonOpt = False,
    alternatives: Annotated[
        int, typer.Option("--alternatives", min=0, max=50, help="Also list up to K next-best.")
    ] = 0,
    time_limit: TimeLimitOpt = DEFAULTS.time_limit,
    track: TrackOpt = None,
    lang: LangOpt = None,
) -> None:
    """How a bachelor gets into a master: the cheapest route and its optimal course set."""
    from articulation.answers.scan import transfer_path
    from articulation.messages.message import translated

    lang = str(lang or default_language())
    with user_errors():
        catalogue = load(curricula)
        with deadline(time_limit):
            data = transfer_path(catalogue, bachelor, master, alternatives, track)
    data["reasons"] = translated(data["reasons"], lang)
    if as_json:
        print_json(data)
        return
    _print_cell(catalogue, data, lang, asked=track is not None)
    for k, other in enumerate(data.get("alternatives", []), start=2):
        codes = ", ".join(c["code"] for c in other["courses"])
        out.print(f"  alternative {k}: {other['total_ects']:g} EC — {codes}")
    routed = data["status"] in WITH_ALTERNATIVES
    if alternatives and routed and not data.get("alternatives"):
        out.print(f"  no other distinct programme within {data['cap']:g} EC can be planned in time")


def _print_cell(
    catalogue: Catalogue, data: dict[str, Any], lang: str = "en", asked: bool = False
) -> None:
    """The pair's answer: its messages (``reasons``, already in the reader's language), with
    the route's courses as a table in place of the sentence per course."""
    b, m = catalogue.programmes[data["bachelor"]], catalogue.programmes[data["master"]]
    out.print(f"[bold]{b.name}[/bold] ({b.code}) → [bold]{m.name}[/bold] ({m.code})")
    if data["track"]:
        out.print(track_line(b, data["track"], asked))
    reasons = data["reasons"]
    verdict, rest = reasons[0], reasons[1:]
    reason = render(Message.from_json(verdict).kwargs["reason"], lang)
    admission = f" ({data['admission']})" if data.get("admission") else ""
    out.print(f"status: [bold]{data['status']}[/bold]{admission} — {escape(reason)}")
    cap = capped(m.premaster.max_ects, data["cap_status"]).text(lang)  # type: ignore[union-attr]
    out.print(f"pre-master: {escape(cap)}")
    table = bool(data["courses"])
    for reason in rest:
        if reason["id"].startswith("explain.take"):
            continue
        after = reason["id"].startswith("explain.total") or reason["id"] in AFTER_COURSES
        if table and after:
            _print_courses(data["courses"])
            table = False
        out.print(escape(reason["text"]))
    if table:
        _print_courses(data["courses"])
    _print_plan(data.get("plan"))


#: The messages of a pair printed after its table of courses.
AFTER_COURSES = ("explain.unmet", "explain.condition", "explain.illustrative")


def _print_courses(courses: list[dict[str, Any]]) -> None:
    table = Table("course", "title", "EC", "covers", "needed for")
    for c in courses:
        table.add_row(
            c["code"],
            c["title"],
            f"{c['ects']:g}",
            "\n".join(c["covers"]),
            ", ".join(c["needed_for"]),
        )
    out.print(table)


def minor(
    bachelor: str,
    masters: Annotated[
        list[str] | None,
        typer.Argument(help="Target masters (default: every master of another institution)."),
    ] = None,
    masters_file: Annotated[
        Path | None,
        typer.Option("--masters-file", help="File with one master code per line (# comments)."),
    ] = None,
    budget: Annotated[
        float, typer.Option(min=0.5, max=180, help="EC budget of the minor.")
    ] = DEFAULTS.minor_budget,
    curricula: CurriculaOpt = None,
    as_json: JsonOpt = False,
    time_limit: TimeLimitOpt = DEFAULTS.minor_time_limit,
    track: TrackOpt = None,
    no_window: Annotated[
        bool,
        typer.Option(
            "--no-window", help="Choose the courses without the minor semester's timetable."
        ),
    ] = False,
) -> None:
    """Design the minor (within the budget) that opens the most masters to a bachelor."""
    from articulation.answers.flagship import semester_ects
    from articulation.answers.minor import design_minor
    from articulation.solving.planning.windows import study_window

    with user_errors():
        catalogue = load(curricula)
        targets = list(masters or []) + read_codes(masters_file)
        with deadline(time_limit):
            design = design_minor(
                catalogue,
                bachelor,
                targets or None,
                budget=budget,
                track=track,
                in_window=not no_window,
            )
    if not no_window:
        window = study_window(catalogue, catalogue.bachelor(design.bachelor))
        holds = semester_ects(catalogue, window)
        if budget > holds:
            err.print(
                f"warning: the minor semester ({window.label().text()}) holds at most {holds:g} EC:"
                f" the design is capped below the budget of {budget:g} EC (--no-window lifts it)"
            )
    data = design.to_json()
    if as_json:
        print_json(data)
        return
    b = catalogue.programmes[design.bachelor]
    out.print(
        f"[bold]{b.name}[/bold] ({b.code}): a {data['total_ects']:g} EC minor (budget "
        f"{budget:g}) opens {len(design.opened)} of {len(design.masters)} masters"
        + ("" if design.optimal else " (not proven optimal)")
    )
    table = Table("course", "title", "EC", "needed by")
    for c in design.courses:
        table.add_row(c.code, c.title, f"{c.ects:g}", ", ".join(c.masters))
    out.print(table)
    already = set(design.already_open)
    out.print(
        "open: " + ", ".join(m + (" (already)" if m in already else "") for m in design.opened)
    )
    for code, missing in design.still_closed.items():
        out.print(f"still closed: {code} — misses " + "; ".join(missing))
    _print_plan(data["plan"])
    _print_illustrative(design.illustrative)


def _print_plan(plan: dict[str, Any] | None) -> None:
    """When each course of the route is taken, period by period."""
    if not plan:
        return
    if not plan["placed"]:
        out.print(f"plan: cannot be planned — {plan['reason']}")
        return
    for period in plan["periods"]:
        courses = ", ".join(f"{c['code']} ({c['ects_in_period']:g} EC)" for c in period["courses"])
        out.print(f"  year {period['year']}, {period['period']}: {courses}")
    fits = "" if plan["fits"] else f" — does not fit: {plan['reason']}"
    out.print(f"plan: {plan.get('finish_text') or plan['finish']}{fits}")


def _print_illustrative(codes: Sequence[str]) -> None:
    """Say which data the answer rests on is illustrative rather than sourced."""
    if codes:
        out.print("[yellow]illustrative data (not sourced):[/yellow] " + ", ".join(codes))


def scan(
    curricula: CurriculaOpt = None,
    as_json: JsonOpt = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes to spread the pairs over.")
    ] = DEFAULTS.workers,
    solve_limit: SolveLimitOpt = DEFAULTS.solve_limit,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Directory the report is written to.")
    ] = Path("report"),
    formats: Annotated[
        str, typer.Option("--format", help="Report formats, comma-separated: html,csv,json,md.")
    ] = "html,csv,json,md",
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Print the matrix only; write no report.")
    ] = False,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            help="Run on Dask: local[:N] (a LocalCluster of N workers) or tcp://host:8786 (a "
            "running scheduler); default $ARTICULATION_DASK_SCHEDULER, else --workers processes.",
        ),
    ] = DEFAULTS.dask_scheduler,
    flagship: Annotated[
        str | None,
        typer.Option(
            "--flagship",
            help="The bachelor whose flagship question the report answers (its flexible space "
            "into the curricula's flagship-masters.txt); default VU-B-CREATE when the curricula "
            "hold it.",
        ),
    ] = None,
    wide: Annotated[
        bool,
        typer.Option(
            "--wide", help="The matrix as one table, however wide (default: fit the terminal)."
        ),
    ] = False,
) -> None:
    """The aansluitscan: every bachelor × every master, with status, EC and reasons; writes the
    report (HTML with a page per pair and per bachelor and the flagship page, CSV, Markdown,
    JSON) into --out."""
    from articulation.answers.flagship import DEFAULT_LIST
    from articulation.answers.parallel import parse_cluster
    from articulation.cli.files import WriteError, prepare_out, write_files
    from articulation.outputs.render import FormatError, main_file, parse_formats, render
    from articulation.outputs.report import flagship_questions, make_report

    with user_errors():
        try:
            if cluster:
                parse_cluster(cluster)
            chosen = () if no_report else parse_formats(formats)
            if chosen:
                prepare_out(out_dir)
        except (FormatError, WriteError, ValueError) as exc:
            raise BadInput(str(exc)) from None
        catalogue = load(curricula)
        list_file = Path(curricula or DEFAULTS.curricula_dir) / DEFAULT_LIST
        asked = flagship_questions(catalogue, list_file, flagship)
        with _Bars() as bars, deadline(solve_limit=solve_limit):
            report = make_report(
                catalogue,
                workers=workers,
                extras=bool(chosen),
                progress=bars,
                cluster=cluster,
                flagship_questions=asked,
            )
        if bars.again:
            stages = ", ".join(f"{n} {stage}" for stage, n in sorted(bars.again.items()))
            err.print(
                f"note: computed again after a lost worker: {stages} (the result is the same)"
            )
        if chosen:
            try:
                write_files(render(report, chosen), out_dir)
            except WriteError as exc:
                raise BadInput(str(exc)) from None
            err.print(f"report ({', '.join(chosen)}) written to {out_dir / main_file(chosen)}")
    if as_json:
        print_json({"cells": [cell.to_json() for cell in report.cells]})
        return
    _print_matrix(report.cells, catalogue, wide)
    counts = ", ".join(f"{n} {status}" for status, n in status_counts(report.cells).items())
    out.print(f"{len(report.cells)} pairs: {counts}")
    graduates = ", ".join(f"{n} {status}" for status, n in graduate_counts(report.cells).items())
    out.print(f"{Message('legend.graduates').text()}: {graduates}")


class _Bars:
    """The report pipeline's progress as Rich bars on the terminal's stderr."""

    LABELS: ClassVar[dict[str, str]] = {"pairs": "scanning pairs"}

    def __enter__(self) -> _Bars:
        from rich.progress import Progress

        self.progress = Progress(console=err, transient=True, disable=not err.is_terminal)
        self.progress.__enter__()
        self.tasks: dict[str, Any] = {}
        self.again: dict[str, int] = {}
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)

    def start(self, stage: str, total: int) -> None:
        self.tasks[stage] = self.progress.add_task(self.LABELS.get(stage, stage), total=total)

    def advance(self, stage: str) -> None:
        self.progress.advance(self.tasks[stage])

    def retried(self, stage: str, what: str) -> None:
        unit = "bachelor rows" if stage == "pairs" else stage
        self.again[unit] = self.again.get(unit, 0) + 1


def _print_matrix(cells: Sequence[Cell], catalogue: Catalogue, wide: bool = False) -> None:
    """Bachelors down, masters across, as in the report's matrix, with codes without their
    prefixes (a legend names them). The masters are split over as many tables as the terminal's
    width needs, each with every bachelor's row, so no cell is ever cut; ``wide``: one table."""
    from rich.text import Text

    bachelors = sorted({c.bachelor for c in cells})
    masters = sorted({c.master for c in cells})
    by_pair = {(c.bachelor, c.master): c for c in cells}
    entries = {pair: _matrix_entry(cell) for pair, cell in by_pair.items()}
    heads = {
        m: _short(m)
        + ("°" if any(by_pair[b, m].cap_status == "assumed" for b in bachelors) else "")
        for m in masters
    }
    widths = {
        m: max([len(heads[m])] + [Text.from_markup(entries[b, m]).cell_len for b in bachelors])
        for m in masters
    }
    first = max(len("bachelor"), *(len(_short(b)) for b in bachelors))
    blocks: list[list[str]] = [[]]
    room = out.width
    for m in masters:  # two spaces between columns; a new table when the next one does not fit
        used = first + sum(widths[k] + 2 for k in blocks[-1])
        if blocks[-1] and not wide and used + 2 + widths[m] > room:
            blocks.append([])
        blocks[-1].append(m)
    for i, block in enumerate(blocks, start=1):
        part = f" ({i} of {len(blocks)})" if len(blocks) > 1 else ""
        table = Table(title=f"aansluitscan{part}", box=None, padding=(0, 1), pad_edge=False)
        table.add_column("bachelor", no_wrap=True, min_width=first)
        for m in block:
            table.add_column(heads[m], no_wrap=True, min_width=widths[m])
        for b in bachelors:
            table.add_row(_short(b), *(entries[b, m] for m in block))
        if wide:
            _print_wide(table, first + sum(widths[m] + 2 for m in block))
        else:
            out.print(table)
    programmes = [catalogue.programmes[code] for code in (*bachelors, *masters)]
    codes = "; ".join(f"{_short(p.code)} = {p.code} {p.name}" for p in programmes)
    out.print(f"codes: {escape(codes)}")
    legend = ", ".join(f"{s.label('N')} = {Message(s.name_id).text()}" for s in STATUSES)
    notes = ("legend.grade", "legend.cap_assumed", "legend.assessment", "legend.conditions")
    out.print(f"{legend}; " + "; ".join(Message(note).text() for note in notes))
    out.print(Message("legend.both").text())


def _print_wide(table: Table, width: int) -> None:
    """Print ``table`` at ``width`` columns, wider than the terminal if need be (its lines then
    wrap on the screen rather than lose a cell)."""
    room = out.width
    out.width = max(width, room)
    try:
        out.print(table)
    finally:
        out.width = room


def _matrix_entry(cell: Cell) -> str:
    """A cell of the terminal matrix (Rich markup): its label, the graduate's after ``/``, and
    its provenance grade."""
    kind = STATUS[cell.status]
    label = terminal_label(
        cell.status, f"{cell.total_ects:g}", cell.admission, conditions=bool(cell.conditions)
    )
    mark = f" {cell.provenance.code}" if cell.provenance else ""
    return f"[{kind.terminal}]{escape(label)}[/]" + _graduate_label(cell) + mark


def _graduate_label(cell: Cell) -> str:
    """``/30``: a graduate's route after the student's, where the two differ (status or EC)."""
    graduate = cell.graduate
    if graduate is None or not cell.graduate_differs:
        return ""
    kind = STATUS[graduate.status]
    return f"/[{kind.terminal}]{kind.label(f'{graduate.total_ects:g}')}[/]"


def _short(code: str) -> str:
    """``VU-B-AI`` → ``AI``; other codes unchanged."""
    parts = code.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[1] in {"B", "M"} else code


def diff_command(
    old_dir: Annotated[Path, typer.Argument(help="The curricula before the changes.")],
    new_dir: Annotated[Path, typer.Argument(help="The curricula after the changes.")],
    as_json: JsonOpt = False,
    solve_limit: SolveLimitOpt = DEFAULTS.solve_limit,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write the comparison as a page (diff.html) into DIR."),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Compare two curricula directories: the cells whose status, EC, route, track or plan
    finish changed, what caused each and why it changed (the requirement that became unmet or
    met, the course that entered or left the route, …), and counts per kind of change; only
    the cells a change can reach are computed again."""
    lang = str(lang or default_language())
    from articulation.answers.whatif import diff
    from articulation.cli.files import WriteError, prepare_out
    from articulation.outputs.heatmap import diff_page

    with user_errors():
        if out_dir is not None:
            try:
                prepare_out(out_dir)
            except WriteError as exc:
                raise BadInput(str(exc)) from None
        catalogues = []
        for root in (old_dir, new_dir):
            if not root.is_dir():
                raise BadInput(f"{root}: not a curricula directory")
            catalogues.append(load_curricula(root))
        with deadline(solve_limit=solve_limit):
            result = diff(*catalogues)
        if out_dir is not None:
            page = out_dir / "diff.html"
            try:
                page.write_text(diff_page(result, lang), encoding="utf-8")
            except OSError as exc:
                raise BadInput(f"{page}: cannot write: {exc.strerror or exc}") from None
            err.print(f"comparison written to {page}")
    if as_json:
        print_json(result.to_json(lang))
        return
    from articulation.outputs.heatmap import diff_side

    table = Table(title=f"{len(result.changed)} of {result.cells} cells changed")
    for column in ("bachelor", "master", "before", "after", "why"):
        table.add_column(column, overflow="fold")  # a long word folds, never cut
    for change in result.to_json(lang)["changed"]:
        table.add_row(
            change["bachelor"],
            change["master"],
            diff_side(change["before"]),
            diff_side(change["after"]),
            "\n".join(escape(reason["text"]) for reason in change["reasons"]),
        )
    out.print(table)
    for kind, n in result.counts.items():
        out.print(f"{kind}: {n}")
    out.print(f"{result.recomputed} of {result.cells} cells computed again")
