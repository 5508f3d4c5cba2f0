"""Reading a long pasted transcript: every line of the bundled bachelors as printed (tabs,
semicolons, spaces, grades and results in words), with misspelt lines that need suggestions.

What is measured is the reading alone (:func:`articulation.answers.eligibility.read_entries`
and the recognition with its rapidfuzz-ranked suggestions), the part of an eligibility request
before anything is solved.
"""

from __future__ import annotations

from typing import Any

from articulation.answers.eligibility import read_entries, recognise
from articulation.curriculum.loader import load_curricula
from articulation.settings import BUNDLED_CURRICULA
from benchmarks.conftest import record

RESULTS = ["7,5", "5,4", "V", "NV", "VRS", "bezig", "8.0"]
SEPARATORS = ["\t", ";", "   ", " "]


def test_transcript_reading(benchmark: Any) -> None:
    catalogue = load_curricula(BUNDLED_CURRICULA)
    lines = []
    for b in catalogue.bachelors:
        for i, code in enumerate(b.courses):
            course = catalogue.courses[code]
            title = course.title if i % 5 else course.title[:-2] + "xx"  # a misspelt title
            fields = [code.split("-", 1)[1] if i % 3 else "", title, f"{course.ects:g}"]
            sep = SEPARATORS[i % len(SEPARATORS)]
            lines.append(sep.join([f for f in fields if f] + [RESULTS[i % len(RESULTS)]]))

    def read() -> tuple:
        return recognise(catalogue, read_entries(catalogue, lines))

    matched, unmatched = benchmark(read)
    assert len(matched) + len(unmatched) == len(lines)
    record(benchmark, lines=len(lines), unrecognised=len(unmatched))
