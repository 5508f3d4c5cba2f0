"""The command line as a reader meets it: the scan matrix fits the terminal without cutting a
cell, codes and track names in any case, the track ``gap``, ``bridge`` and ``plan`` answer for,
and calendar months from a start month."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from articulation.answers.scan import Cell
from articulation.cli import app
from articulation.messages.status import PLANNED, STATUS, terminal_label
from articulation.settings import BUNDLED_CURRICULA
from tests.cli_matrix import matrix_cells
from tests.conftest import bundled_catalogue

CATALOGUE = bundled_catalogue()
pytestmark = pytest.mark.usefixtures("cli_reads_bundled_once")
runner = CliRunner()
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def short(code: str) -> str:
    return code.split("-", 2)[2]


@pytest.fixture(scope="module")
def cells(bundled_cells: tuple[Cell, ...]) -> list[Cell]:
    return list(bundled_cells)


def expected_parts(cell: Cell) -> list[str]:
    """What a cell must show in full: its label, the graduate's after ``/``, its grade."""
    label = terminal_label(
        cell.status, f"{cell.total_ects:g}", cell.admission, conditions=bool(cell.conditions)
    )
    parts = [label]
    if cell.graduate_differs:
        parts.append("/" + STATUS[cell.graduate.status].label(f"{cell.graduate.total_ects:g}"))
    if cell.provenance:
        parts.append(" " + cell.provenance.code)
    return parts


@pytest.mark.parametrize(("columns", "args"), [(80, []), (200, []), (80, ["--wide"])])
def test_the_matrix_shows_every_cell_in_full_with_bachelors_as_rows(
    cells: list[Cell], columns: int, args: list[str]
) -> None:
    result = runner.invoke(app, ["scan", "--no-report", *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    shown = matrix_cells(result.stdout)
    assert len(shown) == len(cells) == len(CATALOGUE.bachelors) * len(CATALOGUE.masters)
    for cell in cells:
        text = shown[short(cell.bachelor), short(cell.master)]
        assert text == "".join(expected_parts(cell)), (cell.bachelor, cell.master)
    tables = result.stdout.split("\ncodes: ")[0]
    assert "…" not in tables
    widest = max(len(line) for line in tables.splitlines())
    if "--wide" in args:
        assert widest > columns and tables.count("bachelor ") == 1
    else:
        assert widest <= columns
    if columns == 80 and not args:  # the README's example of the split
        blocks = result.stdout.count("\naansluitscan (") + result.stdout.startswith(
            "aansluitscan ("
        )
        readme = (BUNDLED_CURRICULA.parent / "README.md").read_text()
        assert f"`aansluitscan (1 of {blocks})` at 80 columns" in readme
    for programme in (*CATALOGUE.bachelors, *CATALOGUE.masters):
        assert f"{short(programme.code)} = {programme.code} {programme.name}" in result.stdout


def cli_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "command",
    [
        ["gap", "VU-B-AI", "UT-M-CS", "--track", "Intelligent Systems"],
        ["bridge", "VU-B-AI", "UT-M-CS", "--track", "Intelligent Systems"],
        ["plan", "VU-B-AI", "UT-M-BIT", "--track", "Intelligent Systems"],
        ["minor", "VU-B-AI", "UT-M-CS", "UT-M-BIT", "--track", "Intelligent Systems"],
        ["flagship", "VU-B-AI", "UT-M-CS"],
    ],
)
def test_codes_and_tracks_in_any_case_give_the_same_answer(command: list[str]) -> None:
    lowered = [command[0], *(word.lower() for word in command[1:])]
    assert lowered != command
    assert cli_json(*lowered) == cli_json(*command)


@pytest.mark.parametrize(
    ("command", "hint"),
    [
        (["gap", "vu-b-aj", "UT-M-CS"], "did you mean 'VU-B-AI'?"),
        (["bridge", "VU-B-AI", "ut-m-emsy"], "did you mean 'UT-M-EMSYS'?"),
        (["plan", "VU-B-AI", "UT-M-CS", "--track", "intelligent sys"], "'Intelligent Systems'"),
    ],
)
def test_an_unknown_code_or_track_names_the_nearest(command: list[str], hint: str) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 2
    assert hint in result.stderr


@pytest.mark.slow
def test_gap_and_bridge_answer_for_the_same_track_and_say_which() -> None:
    for b in CATALOGUE.bachelors:
        if not b.tracks:
            continue
        for master in ("UT-M-CS", "UT-M-BIT"):
            best = cli_json("bridge", b.code, master)["track"]
            assert best in b.track_names
            assert cli_json("gap", b.code, master)["track"] == best
            for command in ("gap", "bridge", "plan"):
                shown = runner.invoke(app, [command, b.code, master]).stdout
                assert f"track: {best} (the best for this master" in shown, command
            other = b.track_names[-1]
            shown = runner.invoke(app, ["gap", b.code, master, "--track", other]).stdout
            assert f"track: {other} (asked for)" in shown


def month(text: str) -> tuple[int, int]:
    name, year = text.split()
    return int(year), MONTHS.index(name) + 1


@pytest.mark.slow
def test_a_start_month_is_the_first_month_of_every_bundled_bachelors_plan(
    cells: list[Cell],
) -> None:
    """``--start 2027-09``: no period begins before September 2027, and a period that begins a
    year (year 3's first, for electives and minors) begins in September."""
    septembers = 0
    for b in CATALOGUE.bachelors:
        planned = [c for c in cells if c.bachelor == b.code and c.status in PLANNED]
        assert planned, b.code
        for cell in planned[:3]:
            data = cli_json("plan", b.code, cell.master, "--start", "2027-09")
            periods = data["plan"]["periods"] if data["plan"] else []
            for period in periods:
                first, last = (month(part) for part in re.split(" – ", period["months"]))
                assert (2027, 9) <= first <= last, (b.code, cell.master, period)
                assert first[1] not in (7, 8)
                if period["start_week"] % 52 == 0:
                    assert first[1] == 9, (b.code, cell.master, period)
                    septembers += 1
    assert septembers > 0
    shown = runner.invoke(app, ["plan", "VU-B-CREATE", "UT-M-CS", "--start", "2027-09"]).stdout
    assert "September 2027 –" in shown
    assert "August" not in shown
