"""Academic calendars: each institution's year as periods on one timeline of weeks.

Week 0 is the start of September; every institution's year starts then and is
:data:`~articulation.curriculum.model.YEAR_WEEKS` (52) weeks long, so year ``y`` starts at week
``52 * (y - 1)``. A period has ``weeks`` of teaching from its ``start_week`` and ends at its
``end_week`` (later than ``start_week + weeks`` when a break falls inside it).

The default calendars are **approximations** of recent academic years, not any one year's
dates:

- UT: quartiles Q1–Q4 of 10 teaching weeks each. Q1 from week 0 (early September) to mid
  November; Q2 from week 10 to the end of January, with a two-week Christmas break inside (it ends
  at week 22); Q3 from week 22 (early February) to mid April; Q4 from week 32 to the end of June.
- VU: periods P1–P6 of 8, 8, 4, 8, 8 and 4 weeks. P1 September–October, P2 November–December,
  two weeks of Christmas break, P3 January (weeks 18–22), P4 February–March from week 22, P5
  April–May, P6 June (weeks 38–42).
- Any other institution without a ``calendar:`` in its course catalogue gets the UT quartiles.

A catalogue file may give its own calendar (``calendar: {periods: [{name, start_week, weeks,
end_week?}, ...]}``). A course's ``periods`` list the periods it can start in; ``Q1-Q2`` is one
offering that runs across Q1 and Q2, its EC spread over them pro rata by teaching weeks.

>>> ut = default_calendar("UT")
>>> [p.name for p in ut.periods], ut.period("Q3").start_week
(['Q1', 'Q2', 'Q3', 'Q4'], 22)
>>> parse_offering(ut, "Q1-Q2")
Offering(first=0, last=1)
>>> month_text(start_month("2027-09")[1], 42)
'June 2028'
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from articulation.curriculum.model import DUTCH_PASS_MARK, YEAR_WEEKS, CalendarSpec, PeriodSpec
from articulation.support.suggest import nearest

#: Whole weeks from 1 September to 1 February: a period starting at or after it is a February start.
FEBRUARY_WEEK = 21
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Period:
    """One period of a calendar; ``index`` is its position in the year."""

    name: str
    index: int
    start_week: int
    weeks: int
    end_week: int


@dataclass(frozen=True)
class Calendar:
    """An institution's academic year: its periods in order, and the lowest passing grade."""

    periods: tuple[Period, ...]
    pass_mark: float = DUTCH_PASS_MARK

    @classmethod
    def of(cls, spec: CalendarSpec) -> Calendar:
        return cls(
            tuple(
                Period(p.name, i, p.start_week, p.weeks, p.end) for i, p in enumerate(spec.periods)
            ),
            DUTCH_PASS_MARK if spec.pass_mark is None else spec.pass_mark,
        )

    def spec(self) -> CalendarSpec:
        """The calendar in the file format (``end_week`` only where a break falls inside a
        period): what a catalogue file, an export or the database holds.

        >>> UT_CALENDAR.spec().periods[1]
        PeriodSpec(name='Q2', start_week=10, weeks=10, end_week=22)
        >>> Calendar.of(VU_CALENDAR.spec()) == VU_CALENDAR
        True
        """
        return CalendarSpec(
            periods=[
                PeriodSpec(
                    name=p.name,
                    start_week=p.start_week,
                    weeks=p.weeks,
                    end_week=None if p.end_week == p.start_week + p.weeks else p.end_week,
                )
                for p in self.periods
            ],
            pass_mark=None if self.pass_mark == DUTCH_PASS_MARK else self.pass_mark,
        )

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.periods]

    def period(self, name: str) -> Period | None:
        for p in self.periods:
            if p.name == name:
                return p
        return None


def _calendar(*periods: tuple[str, int, int, int | None]) -> Calendar:
    return Calendar.of(
        CalendarSpec(
            periods=[
                PeriodSpec(name=n, start_week=s, weeks=w, end_week=e) for n, s, w, e in periods
            ]
        )
    )


UT_CALENDAR = _calendar(
    ("Q1", 0, 10, None), ("Q2", 10, 10, 22), ("Q3", 22, 10, None), ("Q4", 32, 10, None)
)
VU_CALENDAR = _calendar(
    ("P1", 0, 8, None),
    ("P2", 8, 8, None),
    ("P3", 18, 4, None),
    ("P4", 22, 8, None),
    ("P5", 30, 8, None),
    ("P6", 38, 4, None),
)
DEFAULT_CALENDARS = {"UT": UT_CALENDAR, "VU": VU_CALENDAR}


def default_calendar(institution: str) -> Calendar:
    """The calendar an institution has when its catalogue gives none (UT quartiles by default)."""
    return DEFAULT_CALENDARS.get(institution, UT_CALENDAR)


@dataclass(frozen=True)
class Offering:
    """Where a course can run: from period ``first`` through ``last`` (indices) of a year."""

    first: int
    last: int

    def names(self, calendar: Calendar) -> str:
        first, last = calendar.periods[self.first].name, calendar.periods[self.last].name
        return first if self.first == self.last else f"{first}-{last}"

    def weeks(self, calendar: Calendar) -> int:
        """Teaching weeks of the offering."""
        return sum(p.weeks for p in calendar.periods[self.first : self.last + 1])


class PeriodError(ValueError):
    """A course's period that the calendar does not know, or a malformed span."""


def parse_offering(calendar: Calendar, text: str) -> Offering:
    """A period name (``Q1``) or a span (``Q1-Q2``: first and last period, in order).

    >>> parse_offering(VU_CALENDAR, "P5-P6"), parse_offering(VU_CALENDAR, "P4")
    (Offering(first=4, last=5), Offering(first=3, last=3))
    >>> parse_offering(VU_CALENDAR, "P7")
    Traceback (most recent call last):
    ...
    articulation.curriculum.calendar.PeriodError: unknown period 'P7' (did you mean 'P6'?); the periods are P1, P2, P3, P4, P5, P6
    """  # noqa: E501
    parts = [part.strip() for part in str(text).split("-")]
    if len(parts) > 2 or not all(parts):
        raise PeriodError(
            f"malformed period span {text!r}: write one period ({calendar.names[0]}) or the "
            f"first and last period of a span ({calendar.names[0]}-{calendar.names[-1]})"
        )
    found = []
    for part in parts:
        period = calendar.period(part)
        if period is None:
            hint = _nearest_period(part, calendar)
            raise PeriodError(
                f"unknown period {part!r}{f' (did you mean {hint!r}?)' if hint else ''}; "
                f"the periods are {', '.join(calendar.names)}"
            )
        found.append(period.index)
    if found[-1] < found[0]:
        raise PeriodError(
            f"malformed period span {text!r}: the first period must come before the last "
            f"(a span runs within one year, e.g. {parts[1]}-{parts[0]})"
        )
    return Offering(found[0], found[-1])


def _nearest_period(name: str, calendar: Calendar) -> str | None:
    """The nearest name, or the period with the same letters and the nearest number (``Q5`` →
    ``Q4``: names this short are too far apart for a spelling match)."""
    found = nearest(name, calendar.names)
    if found:
        return found
    match = re.match(r"^([A-Za-z]+)(\d+)$", name)
    numbered = [
        (abs(int(m.group(2)) - int(match.group(2))), p.name)
        for p in calendar.periods
        if match and (m := re.match(r"^([A-Za-z]+)(\d+)$", p.name))
        if m.group(1).lower() == match.group(1).lower()
    ]
    return min(numbered)[1] if numbered else None


def offerings(calendar: Calendar, periods: Sequence[str]) -> tuple[Offering, ...]:
    """The offerings of a course's ``periods``; without periods, every single period."""
    return _offerings(calendar, tuple(periods))


@functools.lru_cache(maxsize=4096)  # read for every course of every plan and timing model
def _offerings(calendar: Calendar, periods: tuple[str, ...]) -> tuple[Offering, ...]:
    if not periods:
        return tuple(Offering(p.index, p.index) for p in calendar.periods)
    return tuple(sorted({parse_offering(calendar, text) for text in periods}, key=_order))


def _order(offering: Offering) -> tuple[int, int]:
    return offering.first, offering.last


@dataclass(frozen=True, order=True)
class Start:
    """A relative start: the first period starting at or after ``week`` of academic ``year``."""

    year: int = 1
    week: int = 0

    @property
    def absolute_week(self) -> int:
        return (self.year - 1) * YEAR_WEEKS + self.week


SEPTEMBER = Start(1, 0)
FEBRUARY = Start(1, FEBRUARY_WEEK)


def start_month(text: str, year: int = 1) -> tuple[Start, dt.date]:
    """The start of a plan in a calendar month ``YYYY-MM``, as academic ``year`` of the timeline,
    and the date of week 0 (1 September of year 1).

    >>> start_month("2028-02")
    (Start(year=1, week=21), datetime.date(2027, 9, 1))
    >>> start_month("2027-13")
    Traceback (most recent call last):
    ...
    ValueError: '2027-13' is not a month: write YYYY-MM, e.g. 2027-09
    """
    match = _MONTH.match(str(text).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month: write YYYY-MM, e.g. 2027-09")
    calendar_year, month = int(match.group(1)), int(match.group(2))
    september = calendar_year if month >= 9 else calendar_year - 1
    first = dt.date(calendar_year, month, 1)
    week = (first - dt.date(september, 9, 1)).days // 7
    anchor = dt.date(september - (year - 1), 9, 1)
    return Start(year, week), anchor


def month_text(anchor: dt.date, week: int) -> str:
    """The month of the last week before absolute week ``week`` (a period ending at ``week``
    ends in it), for a timeline whose week 0 starts at ``anchor``: ``'June 2028'``.

    Each academic year of the timeline starts on 1 September of its own calendar year: counting
    52-week years from ``anchor`` alone would drift a day or two a year, and put a later year's
    September start in August.

    >>> month_text(dt.date(2025, 9, 1), 2 * YEAR_WEEKS + 1)
    'September 2027'
    """
    day = month_of(anchor, week)
    return f"{_MONTHS[day.month - 1]} {day.year}"


def month_of(anchor: dt.date, week: int) -> dt.date:
    """The first day of the month :func:`month_text` names (for the reader's language).

    >>> month_of(dt.date(2027, 9, 1), 1)
    datetime.date(2027, 9, 1)
    """
    year, within = divmod(week - 1, YEAR_WEEKS)
    day = dt.date(anchor.year + year, anchor.month, anchor.day) + dt.timedelta(weeks=within)
    return day.replace(day=1)


def semester_periods(calendar: Calendar, semester: int = 1) -> tuple[str, ...]:
    """The periods of a semester: the first starts before February, the second from February.

    >>> semester_periods(VU_CALENDAR), semester_periods(UT_CALENDAR, 2)
    (('P1', 'P2', 'P3'), ('Q3', 'Q4'))
    """
    first = tuple(p.name for p in calendar.periods if p.start_week < FEBRUARY_WEEK)
    if semester == 1:
        return first
    return tuple(p.name for p in calendar.periods if p.name not in first)
