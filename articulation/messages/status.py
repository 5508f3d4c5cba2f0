"""The status of a (bachelor, master) pair: the one table every output reads.

The statuses in their order of preference, each with its mark, colour and words in English and
Dutch. The scan, the CLI, the report, the API and the web pages all take them from here.

>>> [s.value for s in STATUSES]
['direct', 'electives', 'minor', 'premaster', 'over_cap', 'infeasible', 'unknown']
>>> rank("premaster"), STATUS["minor"].mark
(3, 'M')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    """One status: how it is written in data, marked, coloured and said."""

    value: str
    mark: str  # one character in the heatmap
    colour: str  # heatmap colour (HTML)
    terminal: str  # Rich style of the terminal matrix
    short: str  # terminal matrix label; ``{ec}`` is the route's EC
    en: str  # what it means, in English
    nl: str  # what it means, in Dutch
    has_route: bool  # whether the status comes with courses and EC

    def label(self, ects: str) -> str:
        """The terminal label of a cell with this status and ``ects`` EC."""
        return self.short.format(ec=ects)


STATUSES: tuple[Status, ...] = (
    Status(
        "direct",
        "✓",
        "#1a9850",
        "green",
        "ok",
        "admitted directly (no gap, or by policy)",
        "direct toelaatbaar (geen tekort, of op grond van het toelatingsbeleid)",
        has_route=False,
    ),
    Status(
        "electives",
        "E",
        "#66bd63",
        "cyan",
        "e{ec}",
        "gap closes inside the bachelor's elective space",
        "het tekort sluit binnen de keuzeruimte van de bachelor",
        has_route=True,
    ),
    Status(
        "minor",
        "M",
        "#4a90c2",
        "blue",
        "minor",
        "an existing minor closes the gap",
        "een bestaande minor sluit het tekort",
        has_route=True,
    ),
    Status(
        "premaster",
        "P",
        "#fdae61",
        "yellow",
        "{ec}",
        "a pre-master (bridging programme) within the cap",
        "een schakelprogramma (pre-master) binnen het maximum",
        has_route=True,
    ),
    Status(
        "over_cap",
        "C",
        "#f46d43",
        "bright_red",
        ">{ec}",
        "a pre-master exists but exceeds the master's cap (an exception would be needed)",
        "een schakelprogramma bestaat, maar is groter dan het maximum (alleen met uitzondering)",
        has_route=True,
    ),
    Status(
        "infeasible",
        "✗",
        "#d73027",
        "red",
        "—",
        "no route within the rules or the cap",
        "geen route binnen de regels of het maximum",
        has_route=False,
    ),
    Status(
        "unknown",
        "?",
        "#9e9ac8",
        "magenta",
        "?",
        "no programme found within the time limit",
        "geen programma gevonden binnen de tijdslimiet",
        has_route=False,
    ),
)
STATUS: dict[str, Status] = {s.value: s for s in STATUSES}
VALUES: tuple[str, ...] = tuple(s.value for s in STATUSES)


def rank(value: str) -> int:
    """The place of a status in the order of preference (unknown values last)."""
    return VALUES.index(value) if value in STATUS else len(VALUES)


def counts(values: Iterable[str], *, zeros: bool = False) -> dict[str, int]:
    """How many of each status, in the order of preference (``zeros`` keeps empty ones)."""
    found = {value: 0 for value in VALUES}
    for value in values:
        found[value] += 1
    return found if zeros else {value: n for value, n in found.items() if n}
