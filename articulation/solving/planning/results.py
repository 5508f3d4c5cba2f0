"""A plan: the courses placed in periods, or why they cannot be; read back from the placement
chosen for each course."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from articulation.curriculum.calendar import Calendar, Start, month_of, month_text
from articulation.curriculum.model import YEAR_WEEKS
from articulation.messages.message import Message
from articulation.solving.planning.options import LOAD_WEEKS, Instance, Option, first_start
from articulation.solving.planning.windows import Slot
from articulation.support.jsonable import fields_json


@dataclass(frozen=True)
class PlannedCourse:
    """A course running in a period: its EC there (pro rata by weeks) and the offering."""

    code: str
    title: str
    ects: float
    share: float  # EC of it in this period
    runs: str  # the periods it runs in, e.g. "Q1-Q2"
    any_period: bool  # the catalogue gives no periods: placed where it fits

    def to_json(self) -> dict[str, Any]:
        return fields_json(self, share="ects_in_period")


@dataclass(frozen=True)
class PlanPeriod:
    """One period of the plan on the timeline (weeks since September of year 1)."""

    year: int
    institution: str
    period: str
    start_week: int
    end_week: int
    courses: tuple[PlannedCourse, ...]
    ects: float  # the load in the period
    capacity: float  # the most the load allows in it

    @property
    def label(self) -> str:
        return f"year {self.year}, {self.period}"

    def to_json(self, anchor: Any = None) -> dict[str, Any]:
        data = {
            "year": self.year,
            "institution": self.institution,
            "period": self.period,
            "start_week": self.start_week,
            "end_week": self.end_week,
            "ects": self.ects,
            "capacity": self.capacity,
            "courses": [c.to_json() for c in self.courses],
        }
        if anchor is not None:
            data["months"] = (
                f"{month_text(anchor, self.start_week + 1)} – {month_text(anchor, self.end_week)}"
            )
            data["from_month"] = month_of(anchor, self.start_week + 1).isoformat()[:7]
            data["to_month"] = month_of(anchor, self.end_week).isoformat()[:7]
        return data


@dataclass(frozen=True)
class Placement:
    """Where one course of the plan runs."""

    code: str
    year: int
    institution: str
    runs: str
    start_week: int
    end_week: int


def finished_at(year: int, period: str) -> Message:
    """A relative finish: the end of ``period`` of ``year``."""
    return Message.of("plan.end_of", year=year, period=period)


def end_of(year: int, period: str) -> str:
    """A relative finish in English words (the JSON's ``finish``).

    >>> end_of(1, "Q4")
    'end of year 1, Q4'
    """
    return finished_at(year, period).text()


@dataclass(frozen=True)
class Plan:
    """The courses placed in periods, or why they cannot be.

    ``placed`` is false when no plan exists at all (``reason`` says why); ``fits`` whether the
    plan finishes within the limit (``limit_weeks`` from its first possible period) or window.
    """

    codes: tuple[str, ...]
    start: Start
    load: float
    placed: bool
    fits: bool
    reason: Message
    periods: tuple[PlanPeriod, ...] = ()
    placements: tuple[Placement, ...] = ()
    finish_week: int | None = None
    finish_at: tuple[int, str] | None = None  # (year, period) the plan ends in: (1, "Q4")
    periods_used: int = 0
    periods_needed: int = 0  # periods from the first possible one through the finish
    limit_weeks: int | None = None
    optimal: bool = True
    notes: tuple[Message, ...] = ()

    @property
    def finish(self) -> str | None:
        """The finish in words, relative: ``end of year 1, Q4``."""
        return None if self.finish_at is None else end_of(*self.finish_at)

    @property
    def finish_message(self) -> Message | None:
        """The finish as a message (``end of year 1, Q4``, ``eind van jaar 1, Q4``)."""
        return None if self.finish_at is None else finished_at(*self.finish_at)

    def finished_by(self, anchor: Any) -> str | None:
        """The month the plan finishes in, for a timeline whose week 0 is ``anchor`` (a date)."""
        return None if self.finish_week is None else month_text(anchor, self.finish_week)

    def to_json(self, anchor: Any = None) -> dict[str, Any]:
        """The plan as JSON; with ``anchor`` (the date of week 0) also calendar months."""
        data: dict[str, Any] = {
            "placed": self.placed,
            "fits": self.fits,
            "reason": self.reason.text(),
            "start": {"year": self.start.year, "week": self.start.week},
            "load": self.load,
            "finish_week": self.finish_week,
            "finish": self.finish,
            "finish_at": None
            if self.finish_at is None
            else {"year": self.finish_at[0], "period": self.finish_at[1]},
            "periods_used": self.periods_used,
            "periods_needed": self.periods_needed,
            "limit_weeks": self.limit_weeks,
            "optimal": self.optimal,
            "notes": [note.text() for note in self.notes],
            "periods": [p.to_json(anchor) for p in self.periods],
        }
        if anchor is not None:
            data["finished_by"] = self.finished_by(anchor)
            if self.finish_week is not None:
                data["finished_by_month"] = month_of(anchor, self.finish_week).isoformat()[:7]
        return data


def result(
    instance: Instance, chosen: dict[str, Option], load: float, limit: int | None, optimal: bool
) -> Plan:
    catalogue = instance.catalogue
    finish_week, used = objective(chosen)
    last = max(chosen.values(), key=lambda o: (o.end, o.code))
    calendar = instance.calendars[last.institution]
    finish_at = (last.year, calendar.periods[last.offering.last].name)
    finish = finished_at(*finish_at)
    first = first_start(instance)
    needed = sum(
        1
        for year in range(instance.start.year, last.year + 1)
        for p in calendar.periods
        if first <= (year - 1) * YEAR_WEEKS + p.start_week
        and (year - 1) * YEAR_WEEKS + p.end_week <= finish_week
    )
    any_period = {c for c in instance.codes if not catalogue.courses[c].periods}
    rows: dict[Slot, list[PlannedCourse]] = {}
    for option in sorted(chosen.values(), key=_time_key):
        course = catalogue.courses[option.code]
        cal = instance.calendars[option.institution]
        weeks = option.offering.weeks(cal)
        for slot in option.slots:
            share = course.ects * cal.period(slot[2]).weeks / weeks
            rows.setdefault(slot, []).append(
                PlannedCourse(
                    option.code,
                    course.title,
                    course.ects,
                    round(share, 2),
                    option.offering.names(cal),
                    option.code in any_period,
                )
            )
    periods = []
    for slot, courses in rows.items():
        year, inst, name = slot
        period = instance.calendars[inst].period(name)
        base = (year - 1) * YEAR_WEEKS
        periods.append(
            PlanPeriod(
                year,
                inst,
                name,
                base + period.start_week,
                base + period.end_week,
                tuple(courses),
                round(sum(c.share for c in courses), 2),
                round(load * period.weeks / LOAD_WEEKS, 2),
            )
        )
    periods.sort(key=lambda p: (p.start_week, p.end_week, p.institution))
    fits = limit is None or finish_week - first <= limit
    word = _period_word(calendar, needed)
    ects = sum(catalogue.courses[c].ects for c in instance.codes)
    if fits:
        reason = Message.of(
            "plan.summary", courses=len(chosen), ects=ects, periods=used, finish=finish
        )
    else:
        assert limit is not None
        late = {"needed": needed, "word": word, "finish": finish, "years": limit / YEAR_WEEKS}
        crowded = overloaded(instance, load)
        if crowded is None:
            reason = Message.of("plan.too_late", **late)
        else:
            period, most_ects, most = crowded
            reason = Message.of(
                "plan.too_late_load", **late, period=period, ects=most_ects, most=most
            )
    notes = tuple(Message.of("plan.any_period", code=c) for c in sorted(any_period))
    return Plan(
        codes=instance.codes,
        start=instance.start,
        load=load,
        placed=True,
        fits=fits,
        reason=reason,
        periods=tuple(periods),
        placements=tuple(
            Placement(
                o.code,
                o.year,
                o.institution,
                o.offering.names(instance.calendars[o.institution]),
                o.start,
                o.end,
            )
            for o in sorted(chosen.values(), key=_time_key)
        ),
        finish_week=finish_week,
        finish_at=finish_at,
        periods_used=used,
        periods_needed=needed,
        limit_weeks=limit,
        optimal=optimal,
        notes=notes,
    )


def overloaded(instance: Instance, load: float) -> tuple[str, float, float] | None:
    """The period that binds a plan: one whose courses offered only in it hold more EC than the
    load allows in one period (``UT Q2``, 16 EC, at most 15); None when no period does.

    Such courses cannot all be taken in the same year, so the plan takes longer.
    """
    only: dict[tuple[str, int], float] = {}
    for code in instance.codes:
        offers = instance.offers[code]
        if len(offers) == 1 and offers[0].first == offers[0].last:
            key = (instance.institution[code], offers[0].first)
            only[key] = only.get(key, 0.0) + instance.catalogue.courses[code].ects
    worst = None
    for (institution, index), ects in sorted(only.items()):
        period = instance.calendars[institution].periods[index]
        most = round(load * period.weeks / LOAD_WEEKS, 2)
        if ects > most and (worst is None or ects - most > worst[1] - worst[2]):
            worst = (f"{institution} {period.name}", ects, most)
    return worst


def _time_key(option: Option) -> tuple[int, int, str]:
    return option.start, option.end, option.code


def _used(chosen: dict[str, Option]) -> int:
    return len({slot for o in chosen.values() for slot in o.slots})


def objective(chosen: dict[str, Option]) -> tuple[int, int]:
    return max(o.end for o in chosen.values()), _used(chosen)


def _period_word(calendar: Calendar, n: int) -> Message:
    word = (
        "plan.quartile" if all(p.name.startswith("Q") for p in calendar.periods) else "plan.period"
    )
    return Message(word if n == 1 else word + "s")
