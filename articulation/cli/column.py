"""``articulation column``: every bachelor's route into one master, the matrix's column."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import typer
from rich.markup import escape
from rich.table import Table

from articulation.cli.common import (
    DEFAULTS,
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
from articulation.messages.message import Message
from articulation.messages.status import STATUS, terminal_label
from articulation.support.deadline import deadline


def column(
    master: str,
    curricula: CurriculaOpt = None,
    as_json: JsonOpt = False,
    sort: Annotated[
        Literal["status", "name"],
        typer.Option("--sort", help="status: direct first, then EC; name: by bachelor name."),
    ] = "status",
    time_limit: TimeLimitOpt = DEFAULTS.time_limit,
    lang: LangOpt = None,
) -> None:
    """Every bachelor's route into one master (each bachelor's best track): the scan matrix's
    column, the same answer as ``GET /v1/paths?master=``."""
    from api.services import transfer_column

    lang = str(lang or default_language())
    with user_errors():
        catalogue = load(curricula)
        code = catalogue.master(master).code
        with deadline(time_limit):
            answer = transfer_column(catalogue, code, time_limit, lang, sort)
    if as_json:
        print_json(answer)
        return
    out.print(f"[bold]{escape(answer['master_name'])}[/bold] ({answer['master']})")
    table = Table("bachelor", "status", "EC", "graduate", "grade")
    for cell in answer["paths"]:
        table.add_row(
            escape(f"{cell['bachelor_name']} ({cell['bachelor']})"),
            _status(cell, lang),
            f"{cell['total_ects']:g}",
            _graduate(cell),
            cell["provenance"]["grade"] if cell.get("provenance") else "",
        )
    out.print(table)


def _status(cell: dict[str, Any], lang: str) -> str:
    """The cell's mark, matrix label and status name, coloured as in the matrix."""
    kind = STATUS[cell["status"]]
    label = terminal_label(
        cell["status"],
        f"{cell['total_ects']:g}",
        cell.get("admission"),
        conditions=bool(cell.get("conditions")),
    )
    name = Message(f"status.{cell['status']}").text(lang)
    return f"[{kind.terminal}]{escape(f'{kind.mark} {label}')}[/] {escape(name)}"


def _graduate(cell: dict[str, Any]) -> str:
    """A graduate's route where it differs from the student's (status or EC)."""
    graduate = cell.get("graduate")
    if not graduate or (
        graduate["status"] == cell["status"] and graduate["total_ects"] == cell["total_ects"]
    ):
        return ""
    kind = STATUS[graduate["status"]]
    ects = f"{graduate['total_ects']:g}"
    return f"[{kind.terminal}]{escape(kind.label(ects))}[/]"
