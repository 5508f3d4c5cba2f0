"""``articulation plan``: a pair's route courses placed in periods, finishing first."""

from __future__ import annotations

from typing import Annotated

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
    track_line,
    user_errors,
)


def plan(
    bachelor: str,
    master: str,
    track: Annotated[
        str | None, typer.Option("--track", help="The bachelor's track (default: the best).")
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--start", help="Month the plan starts, YYYY-MM (gives calendar months)."),
    ] = None,
    load_ec: Annotated[
        float, typer.Option("--load", help="EC per 10 teaching weeks (15: full-time study).")
    ] = DEFAULTS.plan_load,
    window: Annotated[
        str | None,
        typer.Option(
            "--window",
            help="Electives and minor routes: the bachelor's periods to use, comma-separated "
            "(default: the first semester of year 3).",
        ),
    ] = None,
    curricula: CurriculaOpt = None,
    as_json: JsonOpt = False,
    time_limit: TimeLimitOpt = DEFAULTS.time_limit,
    lang: LangOpt = None,
) -> None:
    """Place the pair's route courses (electives, minor or pre-master) in periods: per period the
    courses and the load, and when it is finished."""
    lang = str(lang or default_language())
    from articulation.answers.scan import assess
    from articulation.messages.status import PLANNED
    from articulation.solving.planning.route_plan import plan_route
    from articulation.support.deadline import deadline

    with user_errors():
        if not load_ec > 0:
            raise BadInput(f"--load {load_ec:g}: the load must be more than 0 EC")
        if start is not None:
            from articulation.curriculum.calendar import start_month

            try:
                start_month(start)
            except ValueError as exc:
                raise BadInput(f"--start {start!r}: {exc}") from None
        catalogue = load(curricula)
        b, m = catalogue.bachelor(bachelor), catalogue.master(master)
        asked = catalogue.track(b, track)
        names = [w.strip() for w in window.split(",")] if window else None
        if names is not None:
            from articulation.curriculum.calendar import PeriodError, parse_offering
            from articulation.solving.planning.windows import study_window

            calendar = catalogue.calendar(min(i for _, i, _ in study_window(catalogue, b).slots))
            for name in names:
                try:
                    parse_offering(calendar, name)
                except PeriodError as exc:
                    raise BadInput(f"--window {window!r}: {exc}") from None
        with deadline(time_limit):
            cell = assess(catalogue, b, m, track=asked)
            try:
                routed = None
                if cell.status in PLANNED:
                    routed = plan_route(
                        catalogue,
                        b,
                        cell.status,
                        cell.codes,
                        taken=b.courses_of(cell.track),
                        start=start,
                        load=load_ec,
                        window=names,
                    )
            except ValueError as exc:
                raise BadInput(f"--window {window!r}: {exc}") from None
    if as_json:
        print_json(
            {
                "bachelor": b.code,
                "track": cell.track,
                "master": m.code,
                "status": cell.status,
                "courses": list(cell.codes),
                "load": load_ec,
                "plan": routed.to_json() if routed else None,
                "reason": (routed.plan.reason if routed else cell.reason).text(lang),
            }
        )
        return
    out.print(f"[bold]{b.name}[/bold] ({b.code}) → [bold]{m.name}[/bold] ({m.code})")
    if cell.track is not None:
        out.print(track_line(b, cell.track, asked is not None))
    out.print(f"route: [bold]{cell.status}[/bold] — {cell.reason.text(lang)}")
    if routed is None:
        out.print("nothing to plan")
        return
    result = routed.plan
    where = (
        f"in {', '.join(routed.window)} of year 3"
        if routed.window
        else "after graduation, within one year"
    )
    out.print(f"plan {where}, at most {load_ec:g} EC per 10 weeks")
    if not result.placed:
        out.print(f"[red]cannot be planned[/red]: {result.reason.text(lang)}")
        return
    headers = ["period", *(["months"] if routed.anchor else []), "courses", "EC", "load"]
    table = Table(*headers)
    for period in result.periods:
        months = [period.to_json(routed.anchor)["months"]] if routed.anchor else []
        table.add_row(
            f"{period.label} ({period.institution})",
            *months,
            "\n".join(
                f"{c.code} {c.title} ({c.share:g} EC"
                + (f" of {c.ects:g}, {c.runs})" if "-" in c.runs else ")")
                for c in period.courses
            ),
            f"{period.ects:g}",
            f"{period.ects:g} of at most {period.capacity:g}",
        )
    out.print(table)
    proof = "" if result.optimal else " (not proven optimal)"
    out.print(f"{routed.finish_text}; {result.periods_used} period(s) used{proof}")
    if not result.fits:
        out.print(f"[yellow]does not fit:[/yellow] {result.reason.text(lang)}")
    for note in result.notes:
        out.print(f"note: {note.text(lang)}")
