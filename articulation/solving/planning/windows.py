"""Study windows: the periods a plan may use, such as a bachelor's minor semester."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from articulation.curriculum.calendar import parse_offering, semester_periods
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import Bachelor
from articulation.messages.message import Message

Slot = tuple[int, str, str]  # (year, institution, period name)


@dataclass(frozen=True)
class Window:
    """The periods a plan may use: (year, institution, period name). A course of an institution
    the window does not name may use its own periods that lie within the window's weeks."""

    slots: frozenset[Slot]

    def label(self) -> Message:
        """The window as the reader says it: ``UT Q1, Q2 of year 3``."""
        by_year: dict[tuple[int, str], list[str]] = {}
        for year, inst, name in sorted(self.slots):
            by_year.setdefault((year, inst), []).append(name)
        slots = [
            Message.of("window.slots", institution=inst, periods=", ".join(names), year=year)
            for (year, inst), names in by_year.items()
        ]
        return Message.of("window.label", slots=slots)


def minor_window(catalogue: Catalogue, institution: str, year: int = 3) -> Window:
    """The first semester of ``year`` at ``institution``: where a bachelor's minor (or its
    electives) goes — UT Q1+Q2, VU P1–P3 of year 3."""
    names = semester_periods(catalogue.calendar(institution), 1)
    return Window(frozenset((year, institution, name) for name in names))


def study_window(catalogue: Catalogue, bachelor: Bachelor) -> Window:
    """When the bachelor's elective space (its minor) is taken: its ``minor_window``, else the
    first semester of year 3 in the calendar of the institution that teaches most of its
    mandatory courses (UT Q1+Q2 for the joint bachelors taught in UT modules, VU P1–P3 for VU's).
    """
    spec = bachelor.minor_window
    if spec is None:
        counts = Counter(
            catalogue.institution_of.get(c, bachelor.institution) for c in bachelor.courses
        )
        top = max(counts.values(), default=0)
        inst = min(i for i, n in counts.items() if n == top) if counts else bachelor.institution
        return minor_window(catalogue, inst)
    calendar = catalogue.calendar(spec.institution)
    chosen: set[int] = set()
    for text in spec.periods:
        offering = parse_offering(calendar, text)
        chosen.update(range(offering.first, offering.last + 1))
    names = (calendar.periods[i].name for i in sorted(chosen))
    return Window(frozenset((spec.year, spec.institution, name) for name in names))
