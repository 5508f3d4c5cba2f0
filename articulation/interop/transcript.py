"""Reading a transcript as students have it: course codes in any common form, or titles.

One function recognises what a student gives, for the API and the web pages alike:

- a code with or without its institution prefix, with ``_`` or ``-`` (or ``.`` or a space),
  in any case: ``201500252``, ``UT-201500252``, ``XB_0114``, ``xb-0114``, ``VU-XB_0114``;
- a course title, English or Dutch (``title_nl``), in any case and spacing (``calculus 1``);
- a transcript pasted as printed, one course a line, its fields separated by spaces, tabs or
  semicolons: a code and/or title, then optional EC and the result: a grade with a decimal comma
  or point (``XB_0114 Calculus 1 6 7,5``) or in words as Dutch transcripts write it (``V``,
  ``voldaan``, ``NV``, ``niet voldaan``, ``VR``, ``vrijstelling``, ``bezig``: :data:`MARKS`).
  A grade passes from the pass mark of the course's institution on (the Dutch 5,5); a grade
  outside 1–10 is an error on its line.

What it cannot match is listed with its nearest codes and titles, ranked by
:func:`articulation.support.suggest.title_score` (an abbreviation finds its course),
so that the student can confirm. Programme names and codes are matched the same way.

>>> from articulation.curriculum.loader import load_curricula
>>> cat = load_curricula("tests/fixtures/mini")
>>> match_course(cat, "vu prog"), match_course(cat, "cAlC-a"), match_course(cat, "calculus a")
('VU-PROG', 'UT-CALC-A', 'UT-CALC-A')
>>> match_course(cat, "Programming"), suggestions(cat, "Programming")  # VU's or UT's?
(None, ['UT-PROG', 'VU-PROG'])
>>> parse_line("XB_0114\tCalculus 1\t6\t7,5")
Line(text='XB_0114 Calculus 1 6', grade=7.5, mark=None, error=None)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import (
    DUTCH_PASS_MARK,
    MAX_GRADE,
    MAX_LINE,
    MIN_GRADE,
    Programme,
    decimal_comma,
)
from articulation.support import deadline, memo
from articulation.support.suggest import nearest_many, title_score

_SEPARATORS = re.compile(r"[\s_.\-/]+")
_WORDS = re.compile(r"[^\w]+")
_NUMBER = re.compile(r"^\d{1,2}(?:[.,]\d{1,3})?$")
_CODE_LIKE = re.compile(r"^[A-Za-z0-9]+(?:[_.\-][A-Za-z0-9]+)*$")
SUGGESTIONS = 3


def code_key(text: str) -> str:
    """A code without case and separators: ``vu-xb_0114`` → ``VUXB0114``.

    >>> code_key("vu-xb_0114"), code_key("UT 2015.00252")
    ('VUXB0114', 'UT201500252')
    """
    return _SEPARATORS.sub("", text).upper()


def title_key(text: str) -> str:
    """A title without case, punctuation and extra spaces.

    >>> title_key("  Calculus  1: Limits ")
    'calculus 1 limits'
    """
    return " ".join(_WORDS.sub(" ", text.casefold()).split())


#: Results in words as Dutch transcripts print them, by what they mean.
PASSED, EXEMPT, FAILED, IN_PROGRESS = "passed", "exempt", "failed", "in_progress"
MARKS: dict[str, str] = {
    **dict.fromkeys(["v", "voldaan", "p", "pass", "passed"], PASSED),
    **dict.fromkeys(["vr", "vrs", "ex", "vrijstelling", "exemption"], EXEMPT),
    **dict.fromkeys(["nv", "nvd", "niet voldaan", "f", "fail", "failed"], FAILED),
    **dict.fromkeys(["bezig", "lopend", "in progress", "ip"], IN_PROGRESS),
}
_FIELDS = re.compile(r"\t|;|\s{2,}")  # tab, semicolon or a run of spaces between fields


@dataclass(frozen=True)
class Line:
    """One line of a pasted transcript: the course (code and/or title) and its result, as a
    grade or in words (``mark``: V, NV, VR, ...); ``error`` says why the result cannot be read
    (a grade outside 1–10)."""

    text: str
    grade: float | None = None
    mark: str | None = None
    error: str | None = None
    bad: str | None = field(default=None, repr=False, compare=False)  # the grade in ``error``


def parse_line(line: str) -> Line:
    """A printed transcript line, its fields separated by tabs, semicolons or spaces: a last
    word that is a result (``V``, ``niet voldaan``, ``VR``, ...) or a last number is the
    result; what stays names the course (numbers printed before the result, such as its EC, are
    ignored when matching). A last number outside 1–10 is an error on the line.

    >>> parse_line("201500252").grade, parse_line("Calculus 1 7.5")
    (None, Line(text='Calculus 1', grade=7.5, mark=None, error=None))
    >>> parse_line("XB_0114;Calculus 1;6;niet voldaan").mark, parse_line("Calculus 1 6 11,5").error
    ('niet voldaan', 'grade 11,5 is not between 1 and 10')
    """
    words = " ".join(_FIELDS.split(line)).split()
    for n in (2, 1):
        if len(words) > n and " ".join(words[-n:]).casefold() in MARKS:
            return Line(" ".join(words[:-n])[:MAX_LINE], mark=" ".join(words[-n:]))
    if len(words) > 1 and _NUMBER.match(words[-1]):
        value = decimal_comma(words[-1])
        if not MIN_GRADE <= value <= MAX_GRADE:
            text = " ".join(words[:-1])[:MAX_LINE]
            return Line(text, error=f"grade {words[-1]} is not between 1 and 10", bad=words[-1])
        words.pop()
        return Line(" ".join(words)[:MAX_LINE], value)
    return Line(" ".join(words)[:MAX_LINE])


def read_line(catalogue: Catalogue, text: str) -> Line:
    """:func:`parse_line`, except that a line whose last number is part of a course's title or
    code (``Linear Algebra 1``) keeps it there: no grade.

    >>> from articulation.curriculum.loader import load_curricula
    >>> read_line(load_curricula("tests/fixtures/mini"), "Calculus A 5,4").grade
    5.4
    """
    line = parse_line(text)
    if line.mark is None and (line.grade is not None or line.error is not None):
        whole = " ".join(" ".join(_FIELDS.split(text)).split())
        if _lookup(index(catalogue), whole):
            return Line(whole[:MAX_LINE])
    return line


def result_of(line: Line, pass_mark: float) -> str:
    """What a line's result means: passed, exempt, failed or in progress. A numeric grade passes
    from ``pass_mark`` on; a line without a result lists a passed course.

    >>> [result_of(Line("x", g), 5.5) for g in (5.5, 5.4)], result_of(Line("x", mark="VRS"), 5.5)
    (['passed', 'failed'], 'exempt')
    """
    if line.mark is not None:
        return MARKS[line.mark.casefold()]
    if line.grade is not None and line.grade < pass_mark:
        return FAILED
    return PASSED


@dataclass(frozen=True)
class Index:
    """Codes and titles of a catalogue's courses, by their keys."""

    codes: dict[str, tuple[str, ...]]  # key of a code, with or without prefix → codes
    titles: dict[str, tuple[str, ...]]  # title key → codes
    names: dict[str, str]  # display texts for suggestions: code or title → code


def index(catalogue: Catalogue) -> Index:
    """The catalogue's course index (built once per snapshot)."""
    return catalogue.remembered(memo.TRANSCRIPT, "index", lambda: _index(catalogue))


def _index(catalogue: Catalogue) -> Index:
    codes: dict[str, set[str]] = {}
    titles: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for code, course in catalogue.courses.items():
        institution = catalogue.institution_of.get(code, "")
        bare = code[len(institution) + 1 :] if code.startswith(institution + "-") else code
        for key in {code_key(code), code_key(bare)}:
            codes.setdefault(key, set()).add(code)
        for title in filter(None, (course.title, course.title_nl)):
            titles.setdefault(title_key(title), set()).add(code)
            names.setdefault(title, code)
        names[code] = code
    return Index(
        {k: tuple(sorted(v)) for k, v in codes.items()},
        {k: tuple(sorted(v)) for k, v in titles.items()},
        names,
    )


def _lookup(idx: Index, text: str) -> tuple[str, ...]:
    """The codes ``text`` names exactly (as a code, or as a title)."""
    text = text.strip()
    if not text:
        return ()
    if _CODE_LIKE.match(text.replace(" ", "-")) and len(text.split()) <= 2:
        found = idx.codes.get(code_key(text))
        if found:
            return found
    return idx.titles.get(title_key(text), ())


def match_course(catalogue: Catalogue, text: str) -> str | None:
    """The catalogue code of a course given as a code in any common form or as its title, or
    None when it names no course or more than one."""
    found = _candidates(index(catalogue), text)
    return found[0] if len(found) == 1 else None


def _candidates(idx: Index, text: str) -> tuple[str, ...]:
    found = _lookup(idx, text)
    if found:
        return found
    words = text.split()
    while len(words) > 1 and _NUMBER.match(words[-1]):  # "Calculus 1 6": the EC printed
        words.pop()
        found = _lookup(idx, " ".join(words))
        if found:
            return found
    words = text.split()
    if len(words) > 1:  # "XB_0114 Calculus 1": the code first, else the title after it
        found = _lookup(idx, words[0])
        if found:
            return found
        return _lookup(idx, " ".join(words[1:]))
    return ()


def suggestions(catalogue: Catalogue, text: str, n: int = SUGGESTIONS) -> list[str]:
    """The nearest course codes for an unmatched text, by code or title (best first)."""
    idx = index(catalogue)
    ambiguous = _candidates(idx, text)
    if ambiguous:
        return list(ambiguous[:n])
    by_key = {code_key(c): c for c in catalogue.courses}
    by_key.update({code_key(c)[len(code_key(i)) :]: c for c, i in catalogue.institution_of.items()})
    titles = {title_key(t): i for t, i in idx.names.items() if t not in catalogue.courses}
    wanted = title_key(text)
    found: list[str] = [code for key, code in sorted(titles.items()) if wanted and wanted in key]
    for key in nearest_many(wanted, titles, n, scorer=title_score):
        found.append(titles[key])
    for key in nearest_many(code_key(text), by_key, n):
        found.append(by_key[key])
    return list(dict.fromkeys(found))[:n]


@dataclass(frozen=True)
class Matched:
    """A transcript entry recognised as a catalogue course, with its result: ``passed`` (also
    when no result is given), ``exempt``, ``failed`` or ``in_progress``."""

    index: int
    text: str
    code: str
    title: str
    grade: float | None = None
    mark: str | None = None
    result: str = PASSED
    pass_mark: float = DUTCH_PASS_MARK  # of the course's institution

    @property
    def counts(self) -> bool:
        """Whether the course counts as passed (passed or exempt)."""
        return self.result in (PASSED, EXEMPT)


@dataclass(frozen=True)
class Unmatched:
    """A transcript entry that names no course (or more than one), with the nearest codes."""

    index: int
    text: str
    suggestions: tuple[str, ...]

    @property
    def message(self) -> str:
        """``unknown course 'X' (did you mean 'Y'?)``"""
        hint = f" (did you mean {self.suggestions[0]!r}?)" if self.suggestions else ""
        return f"unknown course {self.text!r}{hint}"

    def to_json(self, catalogue: Catalogue) -> dict[str, Any]:
        return {
            "index": self.index,
            "input": self.text,
            "message": self.message,
            "suggestions": [
                {"code": c, "title": catalogue.courses[c].title} for c in self.suggestions
            ],
        }


def recognise_texts(
    catalogue: Catalogue, texts: Sequence[str]
) -> tuple[tuple[Matched, ...], tuple[Unmatched, ...]]:
    """Each text (a code in any form, or a title) matched to its course, or listed with the
    nearest courses (while the current deadline lasts). The one recogniser of the API and the
    pages."""
    matched, unmatched = [], []
    for i, text in enumerate(texts):
        code = match_course(catalogue, text)
        if code is None:
            # the suggestions cost time: none once the request's deadline has passed (or its
            # client left); the lines are still listed as unrecognised
            found = () if deadline.expired() else tuple(suggestions(catalogue, text))
            unmatched.append(Unmatched(i, text, found))
        else:
            matched.append(Matched(i, text, code, catalogue.courses[code].title))
    return tuple(matched), tuple(unmatched)


def match_programme(programmes: Iterable[Programme], text: str) -> Programme | None:
    """The programme named by its code or name in any case (``vu-b-create``, ``CreaTe``
    matches only when it is unambiguous), or None."""
    items = list(programmes)
    key = code_key(text)
    for p in items:
        if code_key(p.code) == key:
            return p
    wanted = title_key(text)
    exact = [p for p in items if title_key(p.name) == wanted]
    if len(exact) == 1:
        return exact[0]
    return None


def programme_suggestions(programmes: Iterable[Programme], text: str, n: int = 1) -> list[str]:
    """The codes of the programmes nearest to ``text`` by code, name or a word of either.

    >>> from articulation.curriculum.loader import load_curricula
    >>> cat = load_curricula("tests/fixtures/mini")
    >>> programme_suggestions(cat.bachelors, "vu-b-a")
    ['VU-B-AI']
    """
    items = list(programmes)
    keys: dict[str, str] = {}
    for p in items:
        keys.setdefault(code_key(p.code), p.code)
        keys.setdefault(title_key(p.name), p.code)
        for part in [*p.code.split("-"), *title_key(p.name).split()]:
            if len(part) > 2:
                keys.setdefault(part.casefold(), p.code)
    found = [keys[k] for k in nearest_many(code_key(text), keys, n)]
    found += [keys[k] for k in nearest_many(text.casefold(), keys, n)]
    found += [keys[k] for k in nearest_many(title_key(text), keys, n)]
    return list(dict.fromkeys(found))[:n]
