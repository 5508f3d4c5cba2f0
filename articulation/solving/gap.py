"""What a set of passed courses attains, and which requirements of a master it leaves unmet.

>>> from articulation.curriculum.model import AreaRequirement, OutcomeAt
>>> att = Attainment(levels={"math.calculus": 2}, area_ects={"mathematics": 10.0})
>>> holds(OutcomeAt(outcome="math.calculus", level="apply"), att)
False
>>> holds(AreaRequirement(area="mathematics", min_ects=10), att)
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.credits import reaches
from articulation.curriculum.model import (
    AnyOf,
    AreaRequirement,
    AtLeast,
    Master,
    OutcomeAt,
    Requirement,
)
from articulation.messages.message import Message
from articulation.support import memo


@dataclass(frozen=True)
class Attainment:
    """The highest level reached per outcome and the EC earned per credit area."""

    levels: dict[str, int] = field(default_factory=dict)
    area_ects: dict[str, float] = field(default_factory=dict)

    def level(self, outcome: str) -> int:
        return self.levels.get(outcome, 0)

    def ects(self, area: str) -> float:
        return self.area_ects.get(area, 0.0)


def attainment(catalogue: Catalogue, codes: Iterable[str]) -> Attainment:
    """What passing ``codes`` attains; codes the catalogue does not know are ignored.

    Remembered per set of codes in the catalogue's memo (a scan asks once per pair).
    """
    done = frozenset(codes)
    return catalogue.remembered(memo.ATTAINED, done, lambda: _attainment(catalogue, done))


def _attainment(catalogue: Catalogue, codes: Iterable[str]) -> Attainment:
    levels: dict[str, int] = {}
    area_ects: dict[str, float] = {}
    for code in sorted(set(codes)):
        course = catalogue.courses.get(code)
        if course is None:
            continue
        for outcome, level in course.teaches.items():
            if level > levels.get(outcome, 0):
                levels[outcome] = level
        for area, ects in catalogue.course_areas[code].items():
            area_ects[area] = area_ects.get(area, 0.0) + ects
    return Attainment(levels=levels, area_ects=area_ects)


def holds(item: Requirement | OutcomeAt, att: Attainment) -> bool:
    """Whether a requirement item (or a prerequisite ``outcome@level``) holds."""
    kind = type(item)  # exact types: this is on every hot path of the scan
    if kind is OutcomeAt:
        return att.levels.get(item.outcome, 0) >= item.level
    if kind is AreaRequirement:
        return reaches(att.area_ects.get(item.area, 0.0), item.min_ects)
    if kind is AnyOf:
        return any(holds(alt, att) for alt in item.any_of)
    return met_count(item, att) >= item.at_least


def met_count(item: AnyOf | AtLeast, att: Attainment) -> int:
    """How many members of an ``any_of`` or ``at_least`` item hold.

    >>> from articulation.curriculum.model import AtLeast
    >>> item = AtLeast(at_least=2, of=[{"outcome": "a", "level": 2}, {"outcome": "b", "level": 2}])
    >>> met_count(item, Attainment(levels={"a": 3})), holds(item, Attainment(levels={"a": 3}))
    (1, False)
    """
    return sum(1 for alt in item.members if holds(alt, att))


def level_word(level: int) -> Message:
    """A Bloom level (0: nothing) as the reader says it."""
    return Message(f"level.{level}")


def attained_text(item: Requirement, att: Attainment) -> Message:
    """What is attained of a requirement item.

    >>> attained_text(AreaRequirement(area="mathematics", min_ects=20), Attainment()).text()
    '0 EC'
    """
    if isinstance(item, OutcomeAt):
        return level_word(att.level(item.outcome))
    if isinstance(item, AreaRequirement):
        return Message.of("gap.ects", ects=att.ects(item.area))
    if isinstance(item, AtLeast):
        members = [
            Message.of("gap.alternative_has", requirement=str(alt), has=attained_text(alt, att))
            for alt in item.of
        ]
        return Message.of(
            "gap.met_of", met=met_count(item, att), count=item.at_least, items=members
        )
    alternatives = [
        Message.of("gap.alternative_has", requirement=str(alt), has=attained_text(alt, att))
        for alt in item.any_of
    ]
    return Message.of("gap.each", items=alternatives)


def describe(item: Requirement, att: Attainment) -> Message:
    """A requirement and what is attained of it.

    >>> describe(AreaRequirement(area="mathematics", min_ects=20), Attainment(area_ects={"mathematics": 12})).text()
    '>= 20 EC mathematics (has 12 EC)'
    """  # noqa: E501
    if isinstance(item, AnyOf):
        return Message.of("gap.any_of_has", items=[describe(alt, att) for alt in item.any_of])
    if isinstance(item, AtLeast):
        return Message.of(
            "gap.at_least_has",
            count=item.at_least,
            items=[describe(alt, att) for alt in item.of],
            met=met_count(item, att),
        )
    return Message.of("gap.has", requirement=str(item), has=attained_text(item, att))


def words(
    catalogue: Catalogue, item: Requirement, att: Attainment | None = None, lang: str = "en"
) -> Message:
    """A requirement spelled out with the outcome's title in ``lang`` (English where no Dutch
    title is given), and what is attained of it when ``att`` is given.

    >>> from articulation.curriculum.loader import load_curricula
    >>> cat = load_curricula("tests/fixtures/mini")
    >>> words(cat, OutcomeAt(outcome="cs.algorithms", level="apply"), Attainment({"cs.algorithms": 2})).text()
    'Algorithms and data structures at level apply (has: understand)'
    >>> words(cat, AreaRequirement(area="mathematics", min_ects=12), Attainment()).text("nl")
    'minstens 12 EC in mathematics (heeft 0 EC)'
    """  # noqa: E501
    if isinstance(item, OutcomeAt):
        outcome = catalogue.outcomes.get(item.outcome)
        title = outcome.title_in(lang) if outcome else item.outcome
        if att is None:
            return Message.of("gap.outcome", title=title, level=level_word(item.level))
        return Message.of(
            "gap.outcome_has",
            title=title,
            level=level_word(item.level),
            has=level_word(att.level(item.outcome)),
        )
    if isinstance(item, AreaRequirement):
        if att is None:
            return Message.of("gap.area", ects=item.min_ects, area=item.area)
        return Message.of(
            "gap.area_has", ects=item.min_ects, area=item.area, has=att.ects(item.area)
        )
    if isinstance(item, AtLeast):
        members = [words(catalogue, alt, att, lang) for alt in item.of]
        if att is None:
            return Message.of("gap.at_least", count=item.at_least, items=members)
        return Message.of(
            "gap.at_least_met", count=item.at_least, items=members, met=met_count(item, att)
        )
    return Message.of("gap.one_of", items=[words(catalogue, alt, att, lang) for alt in item.any_of])


@dataclass(frozen=True)
class Gap:
    """The requirements of a master that an attainment leaves unmet."""

    master: str
    unmet: tuple[Requirement, ...]
    attained: Attainment

    @property
    def closed(self) -> bool:
        return not self.unmet

    def texts(self) -> list[str]:
        return [str(item) for item in self.unmet]

    def details(self) -> list[Message]:
        """Each unmet requirement with what is attained of it."""
        return [describe(item, self.attained) for item in self.unmet]

    def in_words(self, catalogue: Catalogue, lang: str = "en") -> list[dict[str, str]]:
        """Each unmet requirement's id and its text in words of ``lang``."""
        return [
            {"id": str(item), "text": words(catalogue, item, self.attained, lang).text(lang)}
            for item in self.unmet
        ]


def gap(master: Master, att: Attainment) -> Gap:
    """The top-level requirement items of ``master`` that ``att`` does not meet."""
    unmet = tuple(item for item in master.requires if not holds(item, att))
    return Gap(master=master.code, unmet=unmet, attained=att)


def named(items: Iterable[Requirement]) -> tuple[set[str], set[str]]:
    """The outcomes and the areas that requirement items name, in the members of ``any_of``
    and ``at_least`` items too.

    >>> named([OutcomeAt(outcome="math.calculus", level=3), AreaRequirement(area="cs", min_ects=5)])
    ({'math.calculus'}, {'cs'})
    """
    outcomes: set[str] = set()
    areas: set[str] = set()

    def collect(item: Requirement) -> None:
        if isinstance(item, OutcomeAt):
            outcomes.add(item.outcome)
        elif isinstance(item, AreaRequirement):
            areas.add(item.area)
        elif isinstance(item, AnyOf | AtLeast):
            for alt in item.members:
                collect(alt)

    for item in items:
        collect(item)
    return outcomes, areas


def deciding_courses(catalogue: Catalogue, master: Master, taken: Iterable[str]) -> set[str]:
    """The passed courses a master's gap is decided by: each that teaches an outcome the master
    requires (at any level: a level too low decides the gap as much as one high enough) or
    earns credit in an area it requires. Whether an answer rests on illustrative data depends
    on these too.

    >>> from articulation.curriculum.loader import load_curricula
    >>> cat = load_curricula("tests/fixtures/mini")
    >>> sorted(deciding_courses(cat, cat.master("UT-M-CS"), cat.bachelor("VU-B-AI").courses))
    ['VU-LAC']
    """
    outcomes, areas = named(master.requires)
    return {
        code
        for code in taken
        if code in catalogue.courses
        and (
            outcomes.intersection(catalogue.courses[code].teaches)
            or areas.intersection(catalogue.course_areas[code])
        )
    }
