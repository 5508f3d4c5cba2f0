"""The status of a (bachelor, master) pair: the one table every output reads.

The statuses in their order of preference, each with its mark, colour and the groups it belongs
to (has a route, sized against a cap, planned, with alternatives, in the minor semester). Their
words in English and Dutch are messages of the catalogue. The scan, the CLI, the report, the API
and the web pages all take them from here.

>>> [s.value for s in STATUSES]
['direct', 'electives', 'minor', 'premaster', 'late', 'over_cap', 'infeasible', 'unknown']
>>> rank("premaster"), STATUS["minor"].mark
(3, 'M')
>>> PLANNED, WITH_ALTERNATIVES
(('electives', 'minor', 'premaster', 'late', 'over_cap'), ('electives', 'premaster'))
>>> mark("direct", "assessment"), mark("premaster", None, conditions=True)
('✓?', 'Pᶜ')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    """One status: how it is written in data, marked and coloured, and what it comes with.

    Its name and meaning in words are the messages ``status.<value>`` and
    ``status.<value>.means`` (:mod:`articulation.messages.catalogue`)."""

    value: str
    mark: str  # one character in the heatmap
    colour: str  # heatmap colour (HTML)
    terminal: str  # Rich style of the terminal matrix
    short: str  # terminal matrix label; ``{ec}`` is the route's EC
    has_route: bool = False  # comes with courses and EC
    sized: bool = False  # its EC is measured against a cap (elective space or pre-master cap)
    planned: bool = False  # its courses are placed in periods (a plan)
    alternatives: bool = False  # next-best distinct programmes are shown
    window: bool = False  # planned inside the bachelor's minor semester

    def label(self, ects: str) -> str:
        """The terminal label of a cell with this status and ``ects`` EC."""
        return self.short.format(ec=ects)

    @property
    def name_id(self) -> str:
        """The message id of its name."""
        return f"status.{self.value}"

    @property
    def means_id(self) -> str:
        """The message id of what it means."""
        return f"status.{self.value}.means"


STATUSES: tuple[Status, ...] = (
    Status("direct", "✓", "#1a9850", "green", "ok"),
    Status(
        "electives",
        "E",
        "#66bd63",
        "cyan",
        "e{ec}",
        has_route=True,
        sized=True,
        planned=True,
        alternatives=True,
        window=True,
    ),
    Status(
        "minor",
        "M",
        "#4a90c2",
        "blue",
        "minor",
        has_route=True,
        planned=True,
        window=True,
    ),
    Status(
        "premaster",
        "P",
        "#fdae61",
        "yellow",
        "{ec}",
        has_route=True,
        sized=True,
        planned=True,
        alternatives=True,
    ),
    Status(
        "late", "L", "#fec44f", "bright_yellow", "~{ec}", has_route=True, sized=True, planned=True
    ),
    Status(
        "over_cap", "C", "#f46d43", "bright_red", ">{ec}", has_route=True, sized=True, planned=True
    ),
    Status("infeasible", "✗", "#d73027", "red", "—"),
    Status("unknown", "?", "#9e9ac8", "magenta", "?"),
)
STATUS: dict[str, Status] = {s.value: s for s in STATUSES}
VALUES: tuple[str, ...] = tuple(s.value for s in STATUSES)
#: The groups of statuses, read off the table.
ROUTED = tuple(s.value for s in STATUSES if s.has_route)
PLANNED = tuple(s.value for s in STATUSES if s.planned)
WITH_ALTERNATIVES = tuple(s.value for s in STATUSES if s.alternatives)


def rank(value: str) -> int:
    """The place of a status in the order of preference (unknown values last)."""
    return VALUES.index(value) if value in STATUS else len(VALUES)


def counts(values: Iterable[str], *, zeros: bool = False) -> dict[str, int]:
    """How many of each status, in the order of preference (``zeros`` keeps empty ones)."""
    found = {value: 0 for value in VALUES}
    for value in values:
        found[value] += 1
    return found if zeros else {value: n for value, n in found.items() if n}


#: How a direct admission is granted: by the requirements (no gap), by the master's policy, or
#: after the admission committee's individual assessment. Each with its mark in the matrix (a
#: variant of the direct mark) and its terminal label; the words are ``legend.<kind>`` messages.
ADMISSIONS: dict[str, tuple[str, str]] = {
    "requirements": ("✓", "ok"),
    "policy": ("✓", "ok"),
    "assessment": ("✓?", "ok?"),
}
#: The mark of a cell that carries admission conditions no curriculum shows.
CONDITIONS_MARK = "ᶜ"


def mark(value: str, admission: str | None = None, *, conditions: bool = False) -> str:
    """A cell's mark in the matrix: its status's, the admission's variant of direct, and the
    conditions mark when it carries conditions."""
    shown = STATUS[value].mark
    if value == "direct" and admission in ADMISSIONS:
        shown = ADMISSIONS[admission][0]
    return shown + (CONDITIONS_MARK if conditions else "")


def terminal_label(
    value: str, ects: str, admission: str | None = None, *, conditions: bool = False
) -> str:
    """A cell's label in the terminal matrix (its status's, with the admission's variant)."""
    shown = STATUS[value].label(ects)
    if value == "direct" and admission in ADMISSIONS:
        shown = ADMISSIONS[admission][1]
    return shown + (CONDITIONS_MARK if conditions else "")
