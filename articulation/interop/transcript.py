"""Reading a transcript as students have it: course codes in any common form, or titles.

One function recognises what a student gives, for the API and the web pages alike:

- a code with or without its institution prefix, with ``_`` or ``-`` (or ``.`` or a space),
  in any case: ``201500252``, ``UT-201500252``, ``XB_0114``, ``xb-0114``, ``VU-XB_0114``;
- a course title, in any case and spacing (``calculus 1``);
- a transcript pasted as printed, one course a line: a code and/or title, then optional EC and a
  grade with a decimal comma or point (``XB_0114 Calculus 1 6 7,5``).

What it cannot match is listed with its nearest codes and titles
(:mod:`articulation.support.suggest`),
so that the student can confirm. Programme names and codes are matched the same way.

>>> from articulation.curriculum.loader import load_curricula
>>> cat = load_curricula("tests/fixtures/mini")
>>> match_course(cat, "vu prog"), match_course(cat, "cAlC-a"), match_course(cat, "calculus a")
('VU-PROG', 'UT-CALC-A', 'UT-CALC-A')
>>> match_course(cat, "Programming"), suggestions(cat, "Programming")  # VU's or UT's?
(None, ['UT-PROG', 'VU-PROG'])
>>> parse_line("XB_0114  Calculus 1   6  7,5")
Line(text='XB_0114 Calculus 1 6', grade=7.5)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.model import MAX_LINE, Programme, decimal_comma
from articulation.support import memo
from articulation.support.suggest import nearest_many

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


@dataclass(frozen=True)
class Line:
    """One line of a pasted transcript: the course (code and/or title), its grade and EC."""

    text: str
    grade: float | None = None


def parse_line(line: str) -> Line:
    """A printed transcript line: a last number from 1 to 10 is the grade; what stays names the
    course (numbers printed before the grade, such as its EC, are ignored when matching).

    >>> parse_line("201500252"), parse_line("Calculus 1 7.5")
    (Line(text='201500252', grade=None), Line(text='Calculus 1', grade=7.5))
    """
    words = line.replace("\t", " ").split()
    grade = None
    if len(words) > 1 and _NUMBER.match(words[-1]) and 1 <= decimal_comma(words[-1]) <= 10:
        grade = decimal_comma(words.pop())
    return Line(" ".join(words)[:MAX_LINE], grade)


def parse_text(text: str) -> list[Line]:
    """Every non-empty line of a pasted transcript, parsed.

    >>> parse_text("VU-XB_0114 8\\n\\n  Calculus 1\\t7,5\\n")
    [Line(text='VU-XB_0114', grade=8.0), Line(text='Calculus 1', grade=7.5)]
    """
    return [parse_line(line) for line in text.splitlines() if line.strip()]


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
        titles.setdefault(title_key(course.title), set()).add(code)
        names[code] = code
        names.setdefault(course.title, code)
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
    titles = {title_key(c.title): code for code, c in catalogue.courses.items()}
    wanted = title_key(text)
    found: list[str] = [code for key, code in sorted(titles.items()) if wanted and wanted in key]
    for key in nearest_many(code_key(text), by_key, n):
        found.append(by_key[key])
    for key in nearest_many(title_key(text), titles, n):
        found.append(titles[key])
    return list(dict.fromkeys(found))[:n]


@dataclass(frozen=True)
class Matched:
    """A transcript entry recognised as a catalogue course."""

    index: int
    text: str
    code: str
    title: str


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
    nearest courses. The one recogniser of the API and the pages."""
    matched, unmatched = [], []
    for i, text in enumerate(texts):
        code = match_course(catalogue, text)
        if code is None:
            unmatched.append(Unmatched(i, text, tuple(suggestions(catalogue, text))))
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
