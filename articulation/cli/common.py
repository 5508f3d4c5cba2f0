"""What every command shares: the consoles, bad input as exit code 2, loading, JSON output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from articulation.curriculum.catalogue import Catalogue, UnknownCode
from articulation.curriculum.loader import CurriculaError, load_curricula
from articulation.curriculum.model import Bachelor
from articulation.settings import from_environment

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


DEFAULTS = from_environment()  # the CLI's defaults come from the environment, as the server's do

CurriculaOpt = Annotated[
    Path | None,
    typer.Option("--curricula", help="Curricula directory (default: the bundled curricula/)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]
TrackOpt = Annotated[
    str | None,
    typer.Option("--track", help="The bachelor's track (default: the best track, or none)."),
]


def default_language() -> str:
    """``nl`` when the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``) is Dutch, else ``en``."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"


class Language(StrEnum):
    en = "en"
    nl = "nl"


LangOpt = Annotated[
    Language | None,
    typer.Option("--lang", help="Language of the texts (default: from the locale, else en)."),
]
TimeLimitOpt = Annotated[
    float,
    typer.Option(
        "--time-limit",
        min=0.01,
        help="Time limit of the whole command, seconds: one deadline for all its solves.",
    ),
]
SolveLimitOpt = Annotated[
    float,
    typer.Option("--solve-limit", min=0.01, help="Time limit of each solve, seconds."),
]


class BadInput(Exception):
    """Input the user can fix; printed without a traceback, exit code 2."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Print problems with the input on stderr and exit with code 2."""
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
    """The catalogue of ``curricula`` (default: as configured, else the bundled curricula)."""
    return load_curricula(curricula or DEFAULTS.curricula_dir)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def read_codes(path: Path | None) -> list[str]:
    """Codes from a file, one per line; blank lines and ``#`` comments are skipped."""
    if path is None:
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read masters file: {exc.strerror}") from None
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def track_line(bachelor: Bachelor, track: str, asked: bool) -> str:
    """Which track an answer is for: the one asked for, or the best for the master (the
    default of ``gap``, ``bridge`` and ``plan`` alike), naming the others to choose from."""
    if asked:
        return f"track: {escape(track)} (asked for)"
    others = [t for t in bachelor.track_names if t != track]
    choose = f"; others with --track: {', '.join(others)}" if others else ""
    return f"track: {escape(track)} (the best for this master{escape(choose)})"
