"""The named, bounded memo spaces of a catalogue snapshot, declared in one place.

A :class:`~articulation.curriculum.catalogue.Catalogue` is immutable, so whatever the engine
derives from
it stays valid for the snapshot's lifetime: a space may keep an entry as long as it likes, and
a bound only limits memory (the oldest entries go first). Each space says what it is keyed by.
Worker processes and new snapshots start with an empty memo.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Space:
    """One memo space: its name, its bound, what its keys are and why entries stay valid.

    ``answers``: whether its entries come from answering questions (passed courses, gaps,
    routes); the others are indexes derived from the catalogue alone, the same whatever is
    asked."""

    name: str
    limit: int
    key: str
    why: str
    answers: bool = False


INDEXES = Space(
    "indexes",
    16,
    "the index's name ('support', 'circular', 'half')",
    "catalogue-wide indexes read only the snapshot",
)
ELIGIBLE = Space(
    "eligible",
    256,
    "(sorted institutions, bridging only)",
    "the courses of a set of institutions are fixed in a snapshot",
)
ELECTIVE_POOLS = Space(
    "elective pools",
    1024,
    "(the bachelor's code, its track or None)",
    "a bachelor's elective pool reads only its programme and the catalogue",
)
AFTER_MINOR = Space(
    "after minor",
    4096,
    "(bachelor's code, its track or None, minor's code)",
    "what a bachelor attains with a minor reads only the two programmes",
)
ATTAINED = Space(
    "attained",
    4096,
    "the frozen set of passed course codes",
    "attainment reads only the courses' teaches and areas",
    answers=True,
)
POOL_CONTEXTS = Space(
    "pool contexts",
    512,
    "(passed courses, the pool's key or the pool itself)",
    "reachability in a pool reads only prerequisites and the passed courses",
    answers=True,
)
OFFERED = Space(
    "offered",
    1 << 16,
    "(course code, window, load)",
    "whether a course can be placed in a window reads only the course and the calendars",
)
OPTIONS = Space(
    "options",
    1 << 16,
    "(course code, start, load, window, years)",
    "where a course can be placed reads only the course and the calendars",
)
SOLVES = Space(
    "solves",
    4096,
    "the pruned sub-problem: candidates, open groups, unmet items, area EC, cap, exclusions",
    "a proven optimum of a sub-problem depends only on the sub-problem",
    answers=True,
)
PLANS = Space(
    "plans",
    4096,
    "(courses, their prerequisite groups the passed courses leave open, start, load, limit, "
    "window)",
    "a plan reads only the courses, their periods and calendars, and the open groups",
    answers=True,
)
TRANSCRIPT = Space(
    "transcript",
    4,
    "'index'",
    "the course codes and titles a transcript is matched against are fixed in a snapshot",
)
SCANS = Space(
    "scans",
    2,
    "('scan', time limit)",
    "the full scan of a snapshot, the base that what-if edits are compared with",
    answers=True,
)


#: Every space, in the order above.
SPACES = (
    INDEXES,
    ELIGIBLE,
    ELECTIVE_POOLS,
    AFTER_MINOR,
    ATTAINED,
    POOL_CONTEXTS,
    OFFERED,
    OPTIONS,
    SOLVES,
    PLANS,
    TRANSCRIPT,
    SCANS,
)
