"""The report's languages: English (the message ids) and Dutch (``locale/nl/.../report.po``).

The words of the report's pages are the ids of one Babel catalogue, the ``report`` domain; its
``.po`` file is the source and is compiled in memory when first needed, so a clean checkout needs
no build step. ``pybabel extract`` and ``pybabel update`` (see the README) re-extract the ids from
the templates and :mod:`articulation.outputs.heatmap` and merge them into the catalogue.

>>> translations("nl").gettext("Sources"), translations("en").gettext("Sources")
('Bronnen', 'Sources')
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from articulation.messages.catalogue import LANGUAGES

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "report"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled words of the report in ``lang`` (English: the ids themselves)."""
    path = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == "en" or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=LANGUAGES[lang], domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
