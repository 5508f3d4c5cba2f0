"""The pages' languages: English (the message ids) and Dutch (the ``nl`` messages.po).

The ``.po`` catalogue is the source; it is compiled in memory when the pages start, so a clean
checkout needs no build step. ``pybabel extract`` and ``pybabel update`` (see the README)
re-extract the ids from the templates and merge them into the catalogue.
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from api.deps import LANGUAGES, language

LOCALE = Path(__file__).parent / "locale"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled messages of ``lang`` (English: the ids themselves)."""
    path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def choose(query: str | None, accept: str | None) -> str:
    """The page's language: ``?lang=`` when it names one, else the ``Accept-Language`` header.

    >>> choose("nl", "en"), choose(None, "nl-NL,nl;q=0.9"), choose("fr", None)
    ('nl', 'nl', 'en')
    """
    if query in LANGUAGES:
        return query
    return language(accept)
