"""The catalogue: outcomes, courses and programmes indexed for the engine.

A :class:`Catalogue` is an immutable snapshot. It is built by the loader (from YAML) or by
storage (from the database) and only ever read by the engine.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from articulation.curriculum.calendar import Calendar, default_calendar
from articulation.curriculum.model import Bachelor, Course, Master, Minor, Outcome, is_illustrative
from articulation.support.memo import Space
from articulation.support.suggest import nearest

Programme = Bachelor | Master | Minor
T = TypeVar("T")


def area_credits(course: Course, outcomes: dict[str, Outcome]) -> dict[str, float]:
    """The EC a course counts toward each credit area: its ``areas``, else all its EC toward
    :func:`default_area` (none when it has no area).

    >>> o = {"a": Outcome(id="a", title="a", area="math")}
    >>> area_credits(Course(code="X-1", title="t", ects=15, areas={"math": 5, "cs": 10}), o)
    {'math': 5.0, 'cs': 10.0}
    >>> area_credits(Course(code="X-2", title="t", ects=5, teaches={"a": 3}), o)
    {'math': 5.0}
    """
    if course.areas is not None:
        return dict(course.areas)
    area = default_area(course, outcomes)
    return {} if area is None else {area: course.ects}


def default_area(course: Course, outcomes: dict[str, Outcome]) -> str | None:
    """The area a course's EC count toward: its own ``area``, else the most frequent area among
    the outcomes it teaches, ties broken alphabetically.

    >>> o = {k: Outcome(id=k, title=k, area=a) for k, a in [("a", "math"), ("b", "cs")]}
    >>> default_area(Course(code="X-1", title="t", ects=5, teaches={"a": 3, "b": 3}), o)
    'cs'
    """
    if course.area:
        return course.area
    counts = Counter(outcomes[o].area for o in course.teaches if o in outcomes)
    if not counts:
        return None
    top = max(counts.values())
    return min(area for area, n in counts.items() if n == top)


@dataclass(frozen=True)
class Catalogue:
    """Everything the engine reads, indexed by code. Build with :meth:`build`."""

    outcomes: dict[str, Outcome]
    courses: dict[str, Course]
    institution_of: dict[str, str]
    programmes: dict[str, Programme]
    course_areas: dict[str, dict[str, float]] = field(default_factory=dict)  # EC per area
    teachers: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    course_rank: dict[str, int] = field(default_factory=dict)
    # courses a bachelor student can take: bridging ones and those of any bachelor or minor
    bachelor_level: frozenset[str] = frozenset()
    by_institution: dict[str, tuple[str, ...]] = field(default_factory=dict)
    by_area: dict[str, frozenset[str]] = field(default_factory=dict)
    # module code -> its components (the courses whose ``part_of`` names it), sorted
    modules: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # academic calendars given by the curricula; other institutions have the default one
    calendars: dict[str, Calendar] = field(default_factory=dict)
    # memo of derived data (pool contexts, solved sub-problems) for this immutable snapshot
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        outcomes: Iterable[Outcome],
        courses: Iterable[tuple[str, Course]],
        programmes: Iterable[Programme],
        calendars: dict[str, Calendar] | None = None,
    ) -> Catalogue:
        """Index validated parts; ``courses`` are (institution, course) pairs; ``calendars``
        the academic calendars the curricula give (by institution)."""
        outcome_map = {o.id: o for o in sorted(outcomes, key=lambda o: o.id)}
        pairs = sorted(courses, key=lambda pair: pair[1].code)
        course_map = {c.code: c for _, c in pairs}
        institution_of = {c.code: inst for inst, c in pairs}
        teachers: dict[str, list[tuple[str, int]]] = {}
        for course in course_map.values():
            for outcome, level in sorted(course.teaches.items()):
                teachers.setdefault(outcome, []).append((course.code, level))
        by_institution: dict[str, list[str]] = {}
        for inst, course in pairs:
            by_institution.setdefault(inst, []).append(course.code)
        course_areas = {c.code: area_credits(c, outcome_map) for c in course_map.values()}
        by_area: dict[str, set[str]] = {}
        for code, credits in course_areas.items():
            for area in credits:
                by_area.setdefault(area, set()).add(code)
        modules: dict[str, list[str]] = {}
        for course in course_map.values():
            if course.part_of is not None:
                modules.setdefault(course.part_of, []).append(course.code)
        programme_list = sorted(programmes, key=lambda p: p.code)
        in_programmes = {
            code
            for p in programme_list
            if not isinstance(p, Master)
            for code in [*p.courses, *(c for t in getattr(p, "tracks", []) for c in t.courses)]
        }
        return cls(
            outcomes=outcome_map,
            courses=course_map,
            institution_of=institution_of,
            programmes={p.code: p for p in programme_list},
            course_areas=course_areas,
            teachers=teachers,
            course_rank={code: i for i, code in enumerate(course_map)},
            bachelor_level=frozenset(
                c for c, course in course_map.items() if course.bridging or c in in_programmes
            ),
            by_institution={inst: tuple(codes) for inst, codes in sorted(by_institution.items())},
            by_area={area: frozenset(codes) for area, codes in sorted(by_area.items())},
            modules={m: tuple(codes) for m, codes in sorted(modules.items())},
            calendars=dict(sorted((calendars or {}).items())),
        )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lock", threading.Lock())
        object.__setattr__(self, "_token", uuid.uuid4().hex)

    @property
    def token(self) -> str:
        """Names this snapshot and its pickled copies (not their content): a Dask cluster keeps
        the copy it was sent under this name, so later maps of the same snapshot reuse it."""
        return self._token  # type: ignore[attr-defined]

    def recall(self, space: Space, key: Any) -> Any:
        """What the memo space holds for ``key``, or None."""
        with self._lock:
            return self.memo.get(space.name, {}).get(key)

    def remember(self, space: Space, key: Any, value: T) -> T:
        """Keep ``value`` for ``key`` within the space's bound (oldest entries go first).
        Returns the value kept (the first one, when two threads raced to compute it)."""
        with self._lock:
            store = self.memo.setdefault(space.name, {})
            value = store.setdefault(key, value)
            while len(store) > space.limit:
                store.pop(next(iter(store)))
            return value

    def remembered(self, space: Space, key: Any, build: Callable[[], T]) -> T:
        """The value of ``build()`` for ``key`` in a memo space of this snapshot
        (:mod:`articulation.support.memo` declares the spaces); computed once, shared by threads."""
        found = self.recall(space, key)
        if found is None:
            found = self.remember(space, key, build())
        return found

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the memo and its lock (worker processes build their own)."""
        state = {k: v for k, v in self.__dict__.items() if k != "_lock"}
        return {**state, "memo": {}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)
        object.__setattr__(self, "_lock", threading.Lock())

    def illustrative(self, codes: Iterable[str]) -> tuple[str, ...]:
        """The codes among ``codes`` (courses or programmes) whose data is illustrative, sorted;
        a code the catalogue does not know counts as illustrative."""
        return tuple(
            sorted(
                {
                    code
                    for code in codes
                    if is_illustrative(self.programmes.get(code) or self.courses.get(code))
                }
            )
        )

    def siblings(self, code: str) -> tuple[str, ...]:
        """The components of the module ``code`` is part of, ``code`` included (sorted); just
        ``code`` for a course that is no component."""
        course = self.courses.get(code)
        if course is None or course.part_of is None:
            return (code,)
        return self.modules.get(course.part_of, (code,))

    def calendar(self, institution: str) -> Calendar:
        """The academic calendar of ``institution``: as the curricula give it, else the default
        (:mod:`articulation.curriculum.calendar`)."""
        return self.calendars.get(institution) or default_calendar(institution)

    def pass_mark(self, code: str) -> float:
        """The lowest grade that passes the course ``code``: its institution's (the Dutch 5,5
        unless its calendar says otherwise)."""
        return self.calendar(self.institution_of.get(code, "")).pass_mark

    @property
    def institutions(self) -> list[str]:
        return sorted(set(self.institution_of.values()))

    @property
    def areas(self) -> list[str]:
        return sorted({o.area for o in self.outcomes.values()})

    @property
    def bachelors(self) -> list[Bachelor]:
        return [p for p in self.programmes.values() if isinstance(p, Bachelor)]

    @property
    def masters(self) -> list[Master]:
        return [p for p in self.programmes.values() if isinstance(p, Master)]

    @property
    def minors(self) -> list[Minor]:
        return [p for p in self.programmes.values() if isinstance(p, Minor)]

    def bachelor(self, code: str) -> Bachelor:
        return self._programme(code, Bachelor, "bachelor")

    def master(self, code: str) -> Master:
        return self._programme(code, Master, "master")

    def minor(self, code: str) -> Minor:
        return self._programme(code, Minor, "minor")

    def track(self, bachelor: Bachelor, name: str | None) -> str | None:
        """The bachelor's track named ``name`` in any case (None stays None), as the bachelor
        spells it: ``"intelligent systems"`` is ``"Intelligent Systems"``."""
        if name is None or name in bachelor.track_names:
            return name
        found = _folded(name, bachelor.track_names)
        if found is not None:
            return found
        raise UnknownCode(f"track of {bachelor.code}", name, bachelor.track_names)

    def _programme(self, code: str, kind: type, name: str):
        """The programme of ``kind`` with ``code`` in any case (``vu-b-ai`` is ``VU-B-AI``)."""
        known = [p.code for p in self.programmes.values() if isinstance(p, kind)]
        programme = self.programmes.get(code) or self.programmes.get(_folded(code, known) or "")
        if isinstance(programme, kind):
            return programme
        raise UnknownCode(name, code, known)


def _folded(name: str, known: Iterable[str]) -> str | None:
    """The one known name equal to ``name`` ignoring case and surrounding spaces, else None."""
    key = " ".join(str(name).split()).casefold()
    found = [k for k in known if " ".join(k.split()).casefold() == key]
    return found[0] if len(found) == 1 else None


class UnknownCode(LookupError):
    """A code that names nothing of the asked kind; the message names the nearest known code."""

    def __init__(self, kind: str, code: str, known: Iterable[str]):
        self.kind, self.code = kind, code
        folded = {k.casefold(): k for k in known}  # the hint ignores case, as the lookup does
        hint = nearest(str(code).casefold(), folded)
        more = f" (did you mean {folded[hint]!r}?)" if hint else ""
        super().__init__(f"unknown {kind} {code!r}{more}")
