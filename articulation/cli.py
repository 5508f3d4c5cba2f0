"""The ``articulation`` command line: validate, gap, bridge, scan, schema.

Bad input (curricula problems, unknown codes) goes to stderr with exit code 2; ``--json`` prints
the machine-readable result on stdout.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from articulation.catalogue import Catalogue, UnknownCode
from articulation.loader import CurriculaError, load_curricula

app = typer.Typer(
    name="articulation",
    help="Gap analysis and proven-optimal bridging programmes between VU and UT curricula.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def bundled_curricula() -> Path:
    """The curricula directory: $ARTICULATION_CURRICULA, else the one bundled with the repo."""
    env = os.environ.get("ARTICULATION_CURRICULA")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parent.parent / "curricula"
    return repo if repo.is_dir() else Path("curricula")


CurriculaOpt = Annotated[
    Path | None,
    typer.Option("--curricula", help="Curricula directory (default: the bundled curricula/)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]
TimeLimitOpt = Annotated[
    float, typer.Option("--time-limit", min=0.01, help="Solver time limit per pair, seconds.")
]


class BadInput(Exception):
    """Input the user can fix; printed without a traceback, exit code 2."""


@contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except CurriculaError as exc:
        for problem in exc.problems:
            err.print(f"[red]error[/red] {problem}", markup=True, highlight=False)
        err.print(f"{len(exc.problems)} problem(s) found.")
        raise typer.Exit(2) from None
    except (UnknownCode, BadInput) as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from None


def load(curricula: Path | None) -> Catalogue:
    return load_curricula(curricula or bundled_curricula())


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@app.command()
def validate(curricula: CurriculaOpt = None, as_json: JsonOpt = False) -> None:
    """Check every curricula file; list all problems (file, line, YAML path, value)."""
    root = curricula or bundled_curricula()
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


@app.command()
def schema(
    kind: Annotated[
        str, typer.Option(help="outcomes | catalogue | programme | transcript | all")
    ] = "all",
) -> None:
    """Print the JSON Schema of the curricula files, generated from the same models."""
    from articulation.schema import json_schema

    with user_errors():
        print_json(json_schema(kind))


@app.command("gap")
def gap_command(
    bachelor: str,
    master: str,
    curricula: CurriculaOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What a bachelor's mandatory courses leave unmet of a master's requirements."""
    from articulation.gap import attained_text, attainment, gap

    with user_errors():
        catalogue = load(curricula)
        b, m = catalogue.bachelor(bachelor), catalogue.master(master)
        the_gap = gap(m, attainment(catalogue, b.courses))
    if as_json:
        print_json(
            {
                "bachelor": b.code,
                "master": m.code,
                "closed": the_gap.closed,
                "unmet": the_gap.texts(),
                "details": the_gap.details(),
                "direct_admission": b.code in m.direct_admission,
            }
        )
        return
    out.print(f"[bold]{b.name}[/bold] ({b.code}) → [bold]{m.name}[/bold] ({m.code})")
    if the_gap.closed:
        out.print("No gap: every requirement is met.")
        return
    table = Table("unmet requirement", "attained")
    for item in the_gap.unmet:
        table.add_row(str(item), attained_text(item, the_gap.attained))
    out.print(table)


@app.command()
def bridge(
    bachelor: str,
    master: str,
    curricula: CurriculaOpt = None,
    as_json: JsonOpt = False,
    alternatives: Annotated[
        int, typer.Option("--alternatives", min=0, max=50, help="Also list up to K next-best.")
    ] = 0,
    time_limit: TimeLimitOpt = 10.0,
) -> None:
    """How a bachelor gets into a master: the cheapest route and its optimal course set."""
    from articulation.scan import transfer_path

    with user_errors():
        catalogue = load(curricula)
        data = transfer_path(catalogue, bachelor, master, alternatives, time_limit)
    if as_json:
        print_json(data)
        return
    _print_cell(catalogue, data)
    for k, other in enumerate(data.get("alternatives", []), start=2):
        codes = ", ".join(c["code"] for c in other["courses"])
        out.print(f"  alternative {k}: {other['total_ects']:g} EC — {codes}")


def _print_cell(catalogue: Catalogue, data: dict[str, Any]) -> None:
    b, m = catalogue.programmes[data["bachelor"]], catalogue.programmes[data["master"]]
    out.print(f"[bold]{b.name}[/bold] ({b.code}) → [bold]{m.name}[/bold] ({m.code})")
    out.print(f"status: [bold]{data['status']}[/bold] — {data['reason']}")
    for note in data["why_not"]:
        out.print(f"  not {note}")
    if data["gap"]:
        out.print("gap: " + "; ".join(data["gap"]))
    if data["courses"]:
        table = Table("course", "title", "EC", "covers", "needed for")
        for c in data["courses"]:
            table.add_row(
                c["code"],
                c["title"],
                f"{c['ects']:g}",
                "\n".join(c["covers"]),
                ", ".join(c["needed_for"]),
            )
        out.print(table)
        proof = "proven optimal" if data["optimal"] else "not proven optimal"
        out.print(f"total: {data['total_ects']:g} EC of at most {data['cap']:g} ({proof})")
    if data["illustrative"]:
        out.print("[yellow]illustrative data:[/yellow] " + ", ".join(data["illustrative"]))


@app.command()
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
    budget: Annotated[float, typer.Option(min=0.5, max=180, help="EC budget of the minor.")] = 30,
    curricula: CurriculaOpt = None,
    as_json: JsonOpt = False,
    time_limit: TimeLimitOpt = 30.0,
) -> None:
    """Design the minor (within the budget) that opens the most masters to a bachelor."""
    from articulation.minor import design_minor

    with user_errors():
        catalogue = load(curricula)
        targets = list(masters or []) + read_codes(masters_file)
        design = design_minor(
            catalogue, bachelor, targets or None, budget=budget, time_limit=time_limit
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


def read_codes(path: Path | None) -> list[str]:
    """Codes from a file, one per line; blank lines and ``#`` comments are skipped."""
    if path is None:
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read masters file: {exc.strerror}") from None
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


@app.command()
def scan(
    curricula: CurriculaOpt = None,
    as_json: JsonOpt = False,
    workers: Annotated[int, typer.Option(min=1, help="Processes to spread the pairs over.")] = min(
        2, os.cpu_count() or 1
    ),
    time_limit: TimeLimitOpt = 10.0,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Directory the report is written to.")
    ] = Path("report"),
    formats: Annotated[
        str, typer.Option("--format", help="Report formats, comma-separated: html,csv,json,md.")
    ] = "html,csv,json,md",
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Print the matrix only; write no report.")
    ] = False,
) -> None:
    """The aansluitscan: every bachelor × every master, with status, EC and reasons; writes the
    report (HTML with a page per pair and per bachelor, CSV, Markdown, JSON) into --out."""
    from rich.progress import Progress

    from articulation import report
    from articulation.scan import pairs, status_counts
    from articulation.scan import scan as run_scan

    with user_errors():
        try:
            chosen = () if no_report else report.parse_formats(formats)
            if chosen:
                report.prepare_out(out_dir)
        except report.ReportError as exc:
            raise BadInput(str(exc)) from None
        catalogue = load(curricula)
        total = len(pairs(catalogue))
        with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("scanning pairs", total=total)
            cells = run_scan(
                catalogue,
                workers=workers,
                time_limit=time_limit,
                progress=lambda _cell: bar.advance(task),
            )
            if chosen:
                alt_task = bar.add_task("alternatives", total=report.alternative_cells(cells))
                alternatives = report.compute_alternatives(
                    catalogue,
                    cells,
                    workers=workers,
                    time_limit=time_limit,
                    progress=lambda: bar.advance(alt_task),
                )
                bachelors = sorted({cell.bachelor for cell in cells})
                minor_task = bar.add_task("minor designs", total=len(bachelors))
                designs = report.compute_minor_designs(
                    catalogue,
                    bachelors,
                    time_limit=time_limit,
                    progress=lambda: bar.advance(minor_task),
                )
                built = report.build_report(catalogue, cells, designs, alternatives)
        if chosen:
            try:
                report.write_report(built, out_dir, chosen)
            except report.ReportError as exc:
                raise BadInput(str(exc)) from None
            main_file = "index.html" if "html" in chosen else report.FILES[chosen[0]]
            err.print(f"report ({', '.join(chosen)}) written to {out_dir / main_file}")
    if as_json:
        print_json({"cells": [cell.to_json() for cell in cells]})
        return
    _print_matrix(catalogue, cells)
    counts = ", ".join(f"{n} {status}" for status, n in status_counts(cells).items())
    out.print(f"{len(cells)} pairs: {counts}")


_STYLE = {
    "direct": "green",
    "electives": "cyan",
    "minor": "blue",
    "premaster": "yellow",
    "infeasible": "red",
    "unknown": "magenta",
}


def _print_matrix(catalogue: Catalogue, cells: list[Any]) -> None:
    """Masters down, bachelors across (there are fewer bachelors), codes without prefixes."""
    bachelors = sorted({c.bachelor for c in cells})
    short = {code: _short(code) for code in bachelors}
    table = Table("master", *(short[b] for b in bachelors), title="aansluitscan", box=None)
    by_master: dict[str, dict[str, Any]] = {}
    for cell in cells:
        by_master.setdefault(cell.master, {})[cell.bachelor] = cell
    for master, row in sorted(by_master.items()):
        entries = []
        for b in bachelors:
            cell = row[b]
            label = {
                "direct": "ok",
                "electives": f"e{cell.total_ects:g}",
                "minor": "minor",
                "premaster": f"{cell.total_ects:g}",
                "infeasible": "—",
                "unknown": "?",
            }[cell.status]
            entries.append(f"[{_STYLE[cell.status]}]{label}[/]")
        table.add_row(_short(master), *entries)
    out.print(table)
    out.print(
        "ok = direct, eN = N EC of electives, minor = an existing minor, N = N EC pre-master, "
        "— = infeasible"
    )


def _short(code: str) -> str:
    """``VU-B-AI`` → ``AI``; other codes unchanged."""
    parts = code.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[1] in {"B", "M"} else code


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - console entry point
    app(argv)


from api.cli import serve  # noqa: E402
from articulation.storage.cli import db_app  # noqa: E402

app.add_typer(db_app, name="db")
app.command()(serve)
