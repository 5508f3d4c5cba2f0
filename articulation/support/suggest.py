"""Nearest-name suggestions for unknown references: the one "did you mean" of the project.

Similarity is rapidfuzz's (``fuzz.ratio``, the normalised edit similarity difflib's ratio
approximates, at C++ speed); callers with longer texts (course titles) pass a scorer of their
own, such as :func:`title_score`."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rapidfuzz import fuzz, process


def nearest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to ``name``, or None when nothing is close.

    >>> nearest("math.calculs", ["math.calculus", "cs.algorithms"])
    'math.calculus'
    """
    candidates = sorted(set(known))
    matches = nearest_many(name, candidates, 1)
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


def nearest_many(
    name: str,
    known: Iterable[str],
    n: int = 3,
    cutoff: float = 0.6,
    scorer: Callable[[str, str], float] | None = None,
) -> list[str]:
    """Up to ``n`` known names closest to ``name`` (score from 0 to 1, at least ``cutoff``),
    best first (an exact match first of all, ties by name).

    >>> nearest_many("calculus", ["calculus a", "calculus b", "physics"], 2)
    ['calculus a', 'calculus b']
    """
    score = scorer or (lambda a, b: fuzz.ratio(a, b) / 100)
    found = process.extract(
        name,
        sorted(set(known)),
        scorer=lambda a, b, **_: 2.0 if a == b else score(a, b),
        score_cutoff=cutoff,
        limit=None,
    )
    return [candidate for candidate, _, _ in sorted(found, key=lambda f: (-f[1], f[0]))[:n]]


def title_score(text: str, title: str) -> float:
    """How well ``text`` names the title ``title`` (both lower case), from 0 to 1: the best of
    the edit similarity, the token-set ratio (words in any order, some left out) and the ratio
    once the title's words are abbreviated as ``text`` does (``ai and programming`` for
    ``artificial intelligence and programming``).

    >>> round(title_score("ai and programming", "artificial intelligence and programming"), 2)
    1.0
    >>> title_score("ai and programming", "calculus 1") < 0.5
    True
    """
    short = abbreviated(title.split(), text.split())
    best = max(fuzz.ratio(text, title), fuzz.token_set_ratio(text, title), fuzz.ratio(text, short))
    return best / 100


def abbreviated(words: list[str], query: list[str]) -> str:
    """``words`` with each run of them whose initials are a word of ``query`` replaced by it.

    >>> abbreviated("artificial intelligence and programming".split(), ["ai", "and"])
    'ai and programming'
    """
    wanted = {w for w in query if 2 <= len(w) <= 5 and w.isalpha()}
    out: list[str] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i + 1, -1):
            initials = "".join(w[0] for w in words[i:j])
            if initials in wanted:
                out.append(initials)
                i = j
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)
