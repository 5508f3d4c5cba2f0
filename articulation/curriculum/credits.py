"""EC arithmetic: credits are multiples of half an EC, so the engine counts in half-EC units.

CP-SAT needs integers and 7.5 EC courses exist; comparing floats needs a tolerance. Every
rounding of EC in the engine goes through these helpers, so the tolerance is written once.

>>> half(7.5), half_floor(30), half_ceil(12 - 6.5)
(15, 60, 11)
>>> reaches(11.999999999, 12), reaches(11.5, 12)
(True, False)
"""

from __future__ import annotations

import math

EPSILON = 1e-9  # float noise in sums of EC (and grades); far below half an EC


def half(ects: float) -> int:
    """An EC amount that is a multiple of 0.5, in half EC."""
    return round(ects * 2)


def half_floor(ects: float) -> int:
    """The largest number of half EC within ``ects`` (a cap or budget)."""
    return math.floor(2 * ects + EPSILON)


def half_ceil(ects: float) -> int:
    """The smallest number of half EC that reaches ``ects`` (a deficit)."""
    return math.ceil(2 * ects - EPSILON)


def reaches(value: float, threshold: float) -> bool:
    """``value >= threshold`` up to float noise (EC sums, grade averages)."""
    return value >= threshold - EPSILON


def is_half_multiple(ects: float) -> bool:
    """Whether ``ects`` is a multiple of 0.5 (up to float noise)."""
    return abs(ects * 2 - round(ects * 2)) <= EPSILON
