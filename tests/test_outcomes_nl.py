"""Dutch outcome titles: every bundled outcome has one, and the Dutch student page of every
bundled bachelor reads Dutch (no English title of an outcome whose Dutch title differs)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from articulation.curriculum.loader import load_curricula
from articulation.settings import Settings
from articulation.storage.catalogue_import import import_catalogue
from articulation.storage.db import make_engine, migrate

CURRICULA = Path(__file__).resolve().parent.parent / "curricula"
CATALOGUE = load_curricula(CURRICULA)

SAME_IN_DUTCH = {
    "Machine learning",
    "Reinforcement learning",
    "Supply chain management",
    "Human resource management",
    "User experience design",
}
"""Terms Dutch study guides keep in English: the Dutch title may equal the English one."""


def test_every_outcome_has_a_dutch_title() -> None:
    outcomes = CATALOGUE.outcomes.values()
    assert len(outcomes) == 250  # health.economics (Health Sciences), civil.water-climate (SE)
    for outcome in outcomes:
        assert outcome.title_nl and outcome.title_nl.strip(), outcome.id
        if outcome.title_nl == outcome.title:
            assert outcome.title in SAME_IN_DUTCH, outcome.id


def test_the_allow_list_is_used() -> None:
    """Every allowed identical term is an outcome whose Dutch and English titles agree."""
    same = {o.title for o in CATALOGUE.outcomes.values() if o.title_nl == o.title}
    assert same == SAME_IN_DUTCH


def without_data_titles(text: str) -> str:
    """The page text without course and programme titles: those stay as the sources write
    them (often in English), so only the outcome titles are left to check."""
    titles = {c.title for c in CATALOGUE.courses.values()}
    titles |= {c.title_nl for c in CATALOGUE.courses.values() if c.title_nl}
    titles |= {p.name for p in CATALOGUE.programmes.values()}
    for title in sorted(titles, key=len, reverse=True):
        text = text.replace(title, "")
    return text


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('bundled')}/bundled.db"
    engine = make_engine(url)
    migrate(engine)
    import_catalogue(engine, CATALOGUE)
    engine.dispose()
    settings = Settings(database_url=url, migrate_on_start=False, seed_on_start=False)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize("bachelor", sorted(b.code for b in CATALOGUE.bachelors))
def test_the_dutch_student_page_shows_dutch_outcome_titles(
    client: TestClient, bachelor: str
) -> None:
    """The page for a bachelor's mandatory courses names outcomes by their Dutch titles."""
    page = client.post("/", data={"courses": "", "bachelor": bachelor, "lang": "nl"})
    assert page.status_code == 200 and '<html lang="nl">' in page.text
    text = without_data_titles(html.unescape(page.text))
    english = [
        o.title for o in CATALOGUE.outcomes.values() if o.title_nl != o.title and o.title in text
    ]
    assert english == []
    assert any(o.title_nl in text for o in CATALOGUE.outcomes.values())
