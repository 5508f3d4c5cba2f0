"""Nearest-name suggestions for unknown references: the one "did you mean" of the project."""

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


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """The hint appended to an error about ``name``: `` (did you mean 'x'?)``, or nothing.

    >>> did_you_mean("VU-B-A", ["VU-B-AI"]), did_you_mean("zzz", ["VU-B-AI"])
    (" (did you mean 'VU-B-AI'?)", '')
    """
    hint = nearest(name, known)
    return f" (did you mean {hint!r}?)" if hint else ""


def unknown(kind: str, name: str, known: Iterable[str]) -> str:
    """The message for an unknown reference, with the hint.

    >>> unknown("course", "UT-CALK-A", ["UT-CALC-A"])
    "unknown course 'UT-CALK-A' (did you mean 'UT-CALC-A'?)"
    """
    return f"unknown {kind} {name!r}{did_you_mean(name, known)}"


def nearest_many(name: str, known: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` known names closest to ``name``, best first (an exact match first of all).

    >>> nearest_many("calculus", ["calculus a", "calculus b", "physics"], 2)
    ['calculus a', 'calculus b']
    """
    scored = []
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(name)
    for candidate in set(known):
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
            ratio = 2.0 if candidate == name else matcher.ratio()
            if ratio >= cutoff:
                scored.append((-ratio, candidate))
    return [candidate for _, candidate in sorted(scored)[:n]]
