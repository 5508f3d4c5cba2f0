"""Interop commands: ``metrics``, ``ca export|import`` (CurricularAnalytics CSV) and
``ooapi export|import`` (the Open Education API, v6)."""

from __future__ import annotations

import json
import re
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.table import Table

from articulation.cli.common import (
    BadInput,
    CurriculaOpt,
    JsonOpt,
    TrackOpt,
    err,
    load,
    out,
    print_json,
    user_errors,
)

ca_app = typer.Typer(help="CurricularAnalytics CSV: export a bachelor, import a curriculum.")
ooapi_app = typer.Typer(help="Open Education API v6 JSON: export the catalogue, import it back.")


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"{path}: cannot write: {exc.strerror or exc}") from None


class MetricsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def metrics(
    source: Annotated[
        str, typer.Argument(help="A CurricularAnalytics CSV file or a bachelor code.")
    ],
    track: TrackOpt = None,
    curricula: CurriculaOpt = None,
    as_json: JsonOpt = False,
    output: Annotated[
        MetricsFormat,
        typer.Option(
            "--format",
            help="table, json (as --json), or csv: the curriculum as a CurricularAnalytics CSV "
            "file with the metric columns CurricularAnalytics' writer adds.",
        ),
    ] = MetricsFormat.table,
) -> None:
    """CurricularAnalytics' metrics of a curriculum (as CurricularAnalytics.jl v2.1.0 defines
    them): blocking factor, delay factor, centrality and structural complexity (delay +
    blocking), per course and in total."""
    from articulation.interop.ca_format import CurricularError, from_bachelor, read_csv
    from articulation.interop.ca_metrics import (
        CA_VERSION,
        METRICS,
        curricular_metrics,
        metric_rows,
        metrics_csv,
    )

    with user_errors():
        try:
            if source.lower().endswith(".csv") or Path(source).is_file():
                if track is not None:
                    raise BadInput(
                        "--track applies to a bachelor of the curricula, not to a CSV file"
                    )
                curriculum = read_csv(source)
            else:
                curriculum = from_bachelor(load(curricula), source, track)
            result = curricular_metrics(curriculum)
        except CurricularError as exc:
            raise BadInput(str(exc)) from None
    if output is MetricsFormat.csv:
        out.file.write(metrics_csv(curriculum, result))
        return
    if as_json or output is MetricsFormat.json:
        print_json(result.to_json())
        return
    table = Table(
        "course",
        "title",
        "blocking",
        "delay",
        "centrality",
        "complexity",
        title=f"{curriculum.name} (CurricularAnalytics.jl v{CA_VERSION})",
    )
    for key, name, values in metric_rows(result):
        table.add_row(key, name, *(f"{v:g}" for v in values))
    table.add_section()
    table.add_row(
        "total", f"{len(result.courses)} courses", *(f"{result.total(m):g}" for m in METRICS)
    )
    out.print(table)
    for note in result.notes:
        err.print(f"note: {note}")


@ca_app.command("export")
def ca_export(
    bachelor: str,
    track: TrackOpt = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="CSV file to write (default: stdout).")
    ] = None,
    curricula: CurriculaOpt = None,
) -> None:
    """A bachelor's courses, prerequisites and terms as a CurricularAnalytics CSV file."""
    from articulation.interop.ca_format import from_bachelor, write_csv

    with user_errors():
        curriculum = from_bachelor(load(curricula), bachelor, track)
        text = write_csv(curriculum)
        if out_file is None:
            out.file.write(text)
        else:
            _write(out_file, text)
    for note in curriculum.notes:
        err.print(f"note: {note}")


_COURSE_AT = re.compile(r"^courses\[(\d+)\](?:\.(\w+))?")


@ca_app.command("import")
def ca_import(
    csv_file: Annotated[Path, typer.Argument(help="A CurricularAnalytics CSV file.")],
    code: Annotated[str, typer.Option("--code", help="Code of the bachelor to create.")],
    institution: Annotated[str, typer.Option("--institution", help="Its institution.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the curricula files.")],
    credit_factor: Annotated[
        float | None,
        typer.Option(
            "--credit-factor",
            min=0.01,
            max=10.0,
            help="EC per credit hour (default: 2 for a semester system, 4/3 for quarters).",
        ),
    ] = None,
) -> None:
    """A CurricularAnalytics curriculum or degree plan as a curricula directory of its own
    (outcomes.yaml, INSTITUTION/courses.yaml, INSTITUTION/bachelors/CODE.yaml below --out),
    checked as `articulation validate` checks curricula before anything is written;
    co-requisites become prerequisites, with a warning per row."""
    from articulation.curriculum.loader import CurriculaError, load_curricula
    from articulation.curriculum.model import CODE, INSTITUTION, MAX_CODE, MAX_INSTITUTION
    from articulation.interop.ca_format import CA_COLUMNS, CurricularError, read_csv, to_curricula

    with user_errors():
        if not re.match(INSTITUTION, institution) or len(institution) > MAX_INSTITUTION:
            raise BadInput(f"--institution: not an institution code: {institution[:40]!r}")
        if not re.match(CODE, code) or len(code) > MAX_CODE:
            raise BadInput(f"--code: not a programme code: {code[:70]!r}")
        try:
            imported = to_curricula(
                read_csv(csv_file), code, institution, credit_factor, csv_file.name
            )
        except CurricularError as exc:
            raise BadInput(str(exc)) from None
        texts = {
            name: yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
            for name, data in imported.files.items()
        }
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in texts.items():
                _write(Path(tmp) / name, text)
            try:
                load_curricula(tmp)
            except CurriculaError as exc:
                for problem in exc.problems:
                    found = _COURSE_AT.match(problem.path)
                    if found and int(found.group(1)) < len(imported.rows):
                        row = imported.rows[int(found.group(1))]
                        column = CA_COLUMNS.get(found.group(2) or "", "Course ID")
                        err.print(f"error: {csv_file}: row {row}: {column}: {problem.message}")
                    else:
                        err.print(f"error: {csv_file}: {problem.message}")
                err.print(f"{len(exc.problems)} problem(s) found; nothing written.")
                raise typer.Exit(2) from None
        for name, text in texts.items():
            _write(out_dir / name, text)
    for warning in imported.warnings:
        err.print(f"warning: {warning}")
    courses = imported.files[f"{institution.lower()}/courses.yaml"]["courses"]
    err.print(f"{len(courses)} course(s) written to {out_dir}")


@ooapi_app.command("export")
def ooapi_export(
    out_dir: Annotated[Path, typer.Argument(help="Directory for the OOAPI JSON files.")],
    curricula: CurriculaOpt = None,
) -> None:
    """The catalogue as OOAPI v6 JSON: learning-outcomes.json, courses.json, programmes.json,
    organisations.json."""
    from articulation.interop.ooapi import export_ooapi

    with user_errors():
        files = export_ooapi(load(curricula))
        for name, data in files.items():
            _write(out_dir / name, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    counts = ", ".join(f"{len(data['items'])} in {name}" for name, data in files.items())
    err.print(f"OOAPI v6 written to {out_dir}: {counts}")


@ooapi_app.command("import")
def ooapi_import(
    in_dir: Annotated[Path, typer.Argument(help="Directory with the OOAPI JSON files.")],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Curricula directory to write (YAML files).")
    ],
    report: Annotated[
        Path | None,
        typer.Option("--report", help="JSON file for the import report (what was defaulted)."),
    ] = None,
) -> None:
    """OOAPI v6 JSON (learning-outcomes.json, courses.json, programmes.json, optionally
    organisations.json; ``ooapi export``'s or another producer's) into a curricula directory.
    Every problem names the file and the JSON path; the checks of ``validate`` run first and
    nothing is written unless all is valid; what was defaulted or left out is listed as notes."""
    from articulation.interop.ooapi import (
        FILES,
        MAX_DEPTH,
        ORGANISATIONS,
        OoapiError,
        read_ooapi,
        too_deep,
    )

    with user_errors():
        files, names = {}, {}
        for name in (*FILES, ORGANISATIONS):
            path = in_dir / name
            names[name] = str(path)
            if not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8")
                files[name] = json.loads(text)
            except (OSError, UnicodeDecodeError) as exc:
                raise BadInput(f"{path}: cannot read file: {exc}") from None
            except json.JSONDecodeError as exc:
                raise BadInput(f"{path}: line {exc.lineno}: not JSON: {exc.msg}") from None
            except RecursionError:
                where = too_deep(text) or "(top)"
                raise BadInput(f"{path}: {where}: nested deeper than {MAX_DEPTH} levels") from None
            except ValueError as exc:  # e.g. an integer literal of thousands of digits
                raise BadInput(f"{path}: not readable JSON: {exc}") from None
        try:
            imported = read_ooapi(files, names)
        except OoapiError as exc:
            for file, where, message in exc.problems:
                text = (
                    f"error: {file}: {where}: {message}" if where else f"error: {file}: {message}"
                )
                err.print(text, markup=False)
            err.print(f"{len(exc.problems)} problem(s) found; nothing written.")
            raise typer.Exit(2) from None
        catalogue = imported.catalogue
        for name, data in curricula_files(catalogue).items():
            _write(out_dir / name, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        if report is not None:
            notes = [{"file": f, "path": p, "note": m} for f, p, m in imported.notes]
            _write(report, json.dumps({"notes": notes}, indent=2, ensure_ascii=False) + "\n")
    for file, where, message in imported.notes:
        err.print(f"note: {file}: {where}: {message}", markup=False)
    counts = f"{len(catalogue.courses)} courses, {len(catalogue.programmes)} programmes"
    err.print(f"{counts} written to {out_dir}", markup=False)


def curricula_files(catalogue) -> dict[str, dict]:
    """A catalogue as curricula YAML data by relative path (what the loader reads back)."""
    files: dict[str, dict] = {
        "outcomes.yaml": {
            "outcomes": [
                o.model_dump(mode="json", exclude_defaults=True)
                for o in catalogue.outcomes.values()
            ]
        }
    }
    # an institution may give a calendar and no courses (yet)
    for inst in sorted({*catalogue.by_institution, *catalogue.calendars}):
        data: dict = {"institution": inst}
        if inst in catalogue.calendars:
            spec = catalogue.calendars[inst].spec()
            data["calendar"] = spec.model_dump(mode="json", exclude_none=True)
        data["courses"] = [
            catalogue.courses[c].model_dump(mode="json", exclude_defaults=True)
            for c in catalogue.by_institution.get(inst, ())
        ]
        files[f"{inst.lower()}/courses.yaml"] = data
    for p in catalogue.programmes.values():
        files[f"{p.institution.lower()}/{p.kind}s/{p.code}.yaml"] = p.model_dump(
            mode="json", exclude_defaults=True
        ) | {"kind": p.kind}
    return files
