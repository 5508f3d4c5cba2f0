"""``articulation flagship``: can the bachelor's flexible space open each of a list of masters?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from articulation.cli.common import (
    DEFAULTS,
    BadInput,
    CurriculaOpt,
    JsonOpt,
    LangOpt,
    TimeLimitOpt,
    default_language,
    load,
    out,
    print_json,
    user_errors,
)
from articulation.support.deadline import deadline


def flagship(
    bachelor: str,
    masters: Annotated[
        list[str] | None,
        typer.Argument(help="Target masters (default: the curricula's flagship-masters.txt)."),
    ] = None,
    masters_file: Annotated[
        Path | None,
        typer.Option(
            "--masters-file",
            help="File with one master code per line (# comments; '# source: URL' if sourced).",
        ),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(help="The flexible space in EC (default: the bachelor's elective EC)."),
    ] = None,
    no_window: Annotated[
        bool,
        typer.Option(
            "--no-window", help="Plan in any period of the final year, not the minor semester."
        ),
    ] = False,
    curricula: CurriculaOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
    time_limit: TimeLimitOpt = DEFAULTS.minor_time_limit,
) -> None:
    """Per master: seamless through the flexible space? The fewest packages to offer, the curve
    of flexible spaces, and what stands in the way of the rest."""
    from articulation.answers.flagship import (
        DEFAULT_LIST,
        FlagshipInputError,
        check_budget,
        parse_masters_list,
    )
    from articulation.answers.flagship import (
        flagship as answer,
    )
    from articulation.answers.minor import other_institution_masters

    language = str(lang.value if lang else default_language())
    with user_errors():
        try:
            check_budget(budget)
        except FlagshipInputError as exc:
            raise BadInput(str(exc)) from None
        catalogue = load(curricula)
        catalogue.bachelor(bachelor)
        codes, source = list(masters or []), "illustrative"
        if masters_file is not None:
            try:
                text = masters_file.read_text(encoding="utf-8")
            except OSError as exc:
                raise BadInput(
                    f"{masters_file}: cannot read masters file: {exc.strerror}"
                ) from None
            listed, source = parse_masters_list(text)
            if not listed:
                raise BadInput(f"{masters_file}: the list of masters is empty")
            codes += listed
        if not codes:
            default = Path(curricula or DEFAULTS.curricula_dir) / DEFAULT_LIST
            if default.is_file():
                codes, source = parse_masters_list(default.read_text(encoding="utf-8"))
            else:
                codes = other_institution_masters(catalogue, bachelor)
        try:
            with deadline(time_limit):
                result = answer(
                    catalogue,
                    bachelor,
                    codes,
                    budget=budget,
                    window=not no_window,
                    masters_source=source,
                    lang=language,
                )
        except FlagshipInputError as exc:
            raise BadInput(str(exc)) from None
    data = result.to_json()
    if as_json:
        print_json(data)
        return
    _print(data)


def _print(data: dict[str, Any]) -> None:
    """The answer for a reader, within 80 columns."""
    for note in data["headline"]:
        out.print(f"[bold]{note['text']}[/bold]" if note is data["headline"][0] else note["text"])
    table = Table("master", "seamless", "status", "package", "grade")
    for row in data["masters"]:
        package = row["package"]
        if package is None:
            said = "—" if not row["unmet"] else "unmet: " + "; ".join(row["unmet"])
        else:
            said = f"{package['total_ects']:g} EC"
            if row["beyond_budget_ects"]:
                said += f" (+{row['beyond_budget_ects']:g} over)"
        table.add_row(
            row["master"],
            "yes" if row["seamless"] else "no",
            row["status"],
            said,
            row["grade"]["grade"],
        )
    out.print(table)
    for k, package in enumerate(data["packages"], 1):
        out.print(
            f"package {k}: {package['total_ects']:g} EC — opens {', '.join(package['opens'])}"
        )
        out.print("  " + ", ".join(package["courses"]))
        plan = package["plan"]
        if plan and plan.get("periods"):
            for period in plan["periods"]:
                courses = ", ".join(c["code"] for c in period["courses"])
                out.print(f"    year {period['year']}, {period['period']}: {courses}")
    curve = Table("flexible space", "window", "seamless", "packages")
    for point in data["curve"]:
        packages = "–" if point["packages"] is None else str(point["packages"])
        window = "minor semester" if point["window"] else "final year"
        curve.add_row(f"{point['budget']:g} EC", window, str(point["seamless"]), packages)
    out.print(curve)
    for row in data["masters"]:
        if not row["seamless"]:
            out.print(f"{row['master']}: " + "; ".join(r["text"] for r in row["reasons"]))
            if row["whatif"]:
                changed = ", ".join(e["course"]["code"] for e in row["whatif"]["edits"])
                out.print(f"  what-if: teach it in {changed} (patch in --json, POST /v1/whatif)")
