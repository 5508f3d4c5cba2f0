"""One transcript against every master answers each master exactly as a request for that master
alone, from a cold memo: what the masters of one request share must never change an answer.

Checked on every bundled bachelor's full course list (as a transcript), on seeded random
transcripts of the bundled catalogue and on seeded random catalogues."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from articulation.answers.eligibility import Passed, assess_transcript
from articulation.curriculum.catalogue import Catalogue
from articulation.curriculum.loader import load_curricula
from articulation.curriculum.model import TranscriptEntry
from articulation.settings import BUNDLED_CURRICULA
from articulation.solving.gap import attainment, deciding_courses, gap
from articulation.support import memo
from benchmarks.synthetic import FACULTY, build

ANSWERS = tuple(space.name for space in memo.SPACES if space.answers)


@pytest.fixture(scope="module")
def bundled() -> Catalogue:
    return load_curricula(BUNDLED_CURRICULA)


def _forget(catalogue: Catalogue) -> None:
    for space in list(catalogue.memo):
        if space in ANSWERS:
            del catalogue.memo[space]


def _as_text(answer: Any) -> str:
    return json.dumps(answer, sort_keys=True, ensure_ascii=False)


def _check(catalogue: Catalogue, courses: list[str], bachelor: str | None) -> int:
    """Every master's answer of the request for all masters against its own request."""
    entries = [TranscriptEntry(code=c) for c in courses]
    _forget(catalogue)
    together = assess_transcript(catalogue, entries, bachelor=bachelor).to_json()
    by_master = {r["master"]: r for r in together["results"]}
    assert sorted(by_master) == sorted(m.code for m in catalogue.masters)
    for master in catalogue.masters:
        _forget(catalogue)
        alone = assess_transcript(catalogue, entries, bachelor=bachelor, masters=[master.code])
        alone_json = alone.to_json()
        assert _as_text(by_master[master.code]) == _as_text(alone_json["results"][0]), (
            bachelor,
            master.code,
        )
        rest = {k: v for k, v in alone_json.items() if k != "results"}
        assert rest == {k: v for k, v in together.items() if k != "results"}
    return len(catalogue.masters)


@pytest.mark.slow
def test_every_bundled_bachelor_as_transcript(bundled: Catalogue) -> None:
    checked = sum(_check(bundled, list(b.courses), b.code) for b in bundled.bachelors)
    assert checked == len(bundled.bachelors) * len(bundled.masters)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_transcripts_of_the_bundled_catalogue(bundled: Catalogue, seed: int) -> None:
    rnd = random.Random(seed)
    codes = sorted(bundled.courses)
    for _ in range(2):
        bachelor = rnd.choice([None, *[b.code for b in bundled.bachelors]])
        courses = rnd.sample(codes, rnd.randint(0, 40))
        assert _check(bundled, courses, bachelor) == len(bundled.masters)


@pytest.mark.parametrize("seed", [7, 8])
def test_random_catalogues(seed: int) -> None:
    catalogue = build(FACULTY, seed)
    rnd = random.Random(seed)
    for bachelor in rnd.sample(list(catalogue.bachelors), 2):
        own = list(bachelor.courses)
        courses = rnd.sample(own, max(0, len(own) - rnd.randint(0, 3)))
        courses += rnd.sample(sorted(catalogue.courses), 5)
        assert _check(catalogue, courses, bachelor.code) == len(catalogue.masters)


def _read_once_as_each_master_reads(catalogue: Catalogue, taken: frozenset[str]) -> None:
    """What a request reads once of the passed courses is what each master reads of them."""
    for lang in ("en", "nl"):
        passed = Passed.read(catalogue, taken, lang)
        assert passed.invented == frozenset(catalogue.illustrative(taken))
        for master in catalogue.masters:
            assert passed.deciding(master) == deciding_courses(catalogue, master, taken)
            the_gap = gap(master, attainment(catalogue, taken))
            assert list(passed.in_words(catalogue, the_gap)) == the_gap.in_words(catalogue, lang)


@pytest.mark.parametrize("seed", [1, 2])
def test_what_a_request_reads_once_on_the_bundled_catalogue(bundled: Catalogue, seed: int) -> None:
    rnd = random.Random(seed)
    codes = sorted(bundled.courses)
    for _ in range(4):
        _read_once_as_each_master_reads(bundled, frozenset(rnd.sample(codes, rnd.randint(0, 40))))


def test_what_a_request_reads_once_on_a_random_catalogue() -> None:
    catalogue = build(FACULTY, 9)
    rnd = random.Random(9)
    codes = sorted(catalogue.courses)
    for _ in range(4):
        _read_once_as_each_master_reads(catalogue, frozenset(rnd.sample(codes, 30)))
