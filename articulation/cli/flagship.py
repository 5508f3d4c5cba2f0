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
    _print(data, language)


#: The command's own words, per language (the answer's texts come from the message catalogue).
WORDS = {
    "en": {
        "master": "master",
        "seamless": "seamless",
        "status": "status",
        "package": "package",
        "grade": "grade",
        "yes": "yes",
        "no": "no",
        "unmet": "unmet",
        "over": "over",
        "opens": "opens",
        "year": "year",
        "space": "flexible space",
        "window": "window",
        "packages": "packages",
        "semester": "minor semester",
        "final": "final year",
        "whatif": "what-if: teach it in {codes} (the patch is in --json, for POST /v1/whatif)",
    },
    "nl": {
        "master": "master",
        "seamless": "naadloos",
        "status": "status",
        "package": "pakket",
        "grade": "graad",
        "yes": "ja",
        "no": "nee",
        "unmet": "niet te dekken",
        "over": "te veel",
        "opens": "opent",
        "year": "jaar",
        "space": "vrije ruimte",
        "window": "venster",
        "packages": "pakketten",
        "semester": "minorsemester",
        "final": "laatste jaar",
        "whatif": "what-if: onderwijs het in {codes} (de wijziging staat in --json, voor "
        "POST /v1/whatif)",
    },
}


def _say(text: str, bold: bool = False) -> None:
    """A line of text, wrapped at the terminal's width."""
    out.print(f"[bold]{text}[/bold]" if bold else text, soft_wrap=False)


def _print(data: dict[str, Any], lang: str) -> None:
    """The answer for a reader, wrapped at the terminal's width (80 columns read well)."""
    w = WORDS[lang]
    for k, note in enumerate(data["headline"]):
        _say(note["text"], bold=k == 0)
    table = Table(w["master"], w["seamless"], w["status"], w["package"], w["grade"])
    for row in data["masters"]:
        package = row["package"]
        if package is None:
            said = "—" if not row["unmet"] else f"{w['unmet']}: " + "; ".join(row["unmet"])
        else:
            said = f"{package['total_ects']:g} EC"
            if row["beyond_budget_ects"]:
                said += f" (+{row['beyond_budget_ects']:g} {w['over']})"
        table.add_row(
            row["master"],
            w["yes"] if row["seamless"] else w["no"],
            row["status"],
            said,
            row["grade"]["grade"],
        )
    out.print(table)
    for k, package in enumerate(data["packages"], 1):
        opens = ", ".join(package["opens"])
        _say(f"{w['package']} {k}: {package['total_ects']:g} EC — {w['opens']} {opens}", bold=True)
        _say("  " + ", ".join(package["courses"]))
        plan = package["plan"]
        for period in (plan or {}).get("periods") or []:
            courses = ", ".join(c["code"] for c in period["courses"])
            _say(f"    {w['year']} {period['year']}, {period['period']}: {courses}")
    curve = Table(w["space"], w["window"], w["seamless"], w["packages"])
    for point in data["curve"]:
        packages = "–" if point["packages"] is None else str(point["packages"])
        window = w["semester"] if point["window"] else w["final"]
        curve.add_row(f"{point['budget']:g} EC", window, str(point["seamless"]), packages)
    out.print(curve)
    for row in data["masters"]:
        if not row["seamless"]:
            _say(f"{row['master']}: " + "; ".join(r["text"] for r in row["reasons"]))
            if row["whatif"]:
                codes = ", ".join(e["course"]["code"] for e in row["whatif"]["edits"])
                _say("  " + w["whatif"].format(codes=codes))
