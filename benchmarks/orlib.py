"""OR-Library weighted set-cover instances as curricula, with their proven optima.

Rows become required outcomes of one master, columns become bridging courses (``ects = cost /
2``, teaching every row they cover), and a bachelor with no courses asks for the bridging
programme: its minimum EC is half the instance's optimum. The files are in ``benchmarks/data``
(see the README there for their source).

>>> cat = catalogue("scp41")
>>> len(cat.courses), len(cat.master(MASTER).requires)
(1000, 200)
"""

from __future__ import annotations

from pathlib import Path

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import (
    MAX_PROGRAMME_ECTS,
    Bachelor,
    Course,
    Master,
    Outcome,
    OutcomeAt,
    Premaster,
)

DATA = Path(__file__).parent / "data"

#: Proven optima in cost units (Beasley 1987); in EC they are half.
OPTIMUM = {"scp41": 429, "scp42": 512, "scp43": 516, "scp44": 494, "scp45": 512, "scp51": 253}
BACHELOR = "VU-B-NONE"
MASTER = "UT-M-SETCOVER"


def read(name: str) -> tuple[list[int], list[list[int]]]:
    """The column costs and, per row, the 0-based columns covering it."""
    numbers = [int(tok) for tok in (DATA / f"{name}.txt").read_text().split()]
    m, n = numbers[0], numbers[1]
    costs = numbers[2 : 2 + n]
    rows: list[list[int]] = []
    at = 2 + n
    for _ in range(m):
        k = numbers[at]
        rows.append([j - 1 for j in numbers[at + 1 : at + 1 + k]])
        at += 1 + k
    return costs, rows


def catalogue(name: str) -> Catalogue:
    """The instance as a catalogue: one master requiring every row, one empty bachelor."""
    costs, rows = read(name)
    teaches: list[dict[str, int]] = [{} for _ in costs]
    outcomes = []
    for i, columns in enumerate(rows):
        outcome = f"setcover.row{i + 1:04d}"
        outcomes.append(Outcome(id=outcome, title=f"row {i + 1}", area="setcover"))
        for j in columns:
            teaches[j][outcome] = 3
    courses = [
        (
            "UT",
            Course(
                code=f"UT-COL{j + 1:04d}",
                title=f"column {j + 1}",
                ects=cost / 2,
                teaches=teaches[j],
                bridging=True,
            ),
        )
        for j, cost in enumerate(costs)
    ]
    master = Master(
        kind="master",
        code=MASTER,
        name=f"Set cover {name}",
        institution="UT",
        ects=120,
        requires=[OutcomeAt(outcome=o.id, level=3) for o in outcomes],
        # the largest cap the format allows: above every optimum of these instances
        premaster=Premaster(max_ects=MAX_PROGRAMME_ECTS, catalogue=["UT"]),
    )
    bachelor = Bachelor(
        kind="bachelor", code=BACHELOR, name="No courses", institution="VU", ects=180
    )
    return Catalogue.build(outcomes, courses, [master, bachelor])
