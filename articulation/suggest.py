"""Nearest-name suggestions for unknown references."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to ``name``, or None when nothing is close.

    >>> nearest("math.calculs", ["math.calculus", "cs.algorithms"])
    'math.calculus'
    """
    candidates = sorted(set(known))
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if matches:
        return matches[0]
    lowered = {c.lower(): c for c in candidates}
    return lowered.get(name.lower())
