"""The catalogue of messages: every text the engine's answers say, in English and Dutch.

One Babel catalogue per language, ``locale/<lang>/LC_MESSAGES/messages.po``: the ``msgid`` is
the message id (``bridging.over_cap``), the ``msgstr`` its text with named placeholders
(``{cap}``). The catalogues are read when first needed; a clean checkout needs no build step.
Both languages hold the same ids with the same placeholders (a test checks it).

>>> template("route.no_gap", "en")
'every requirement is met'
>>> template("route.no_gap", "nl")
'aan elke eis is voldaan'
"""

from __future__ import annotations

import functools
from pathlib import Path

from babel.messages.pofile import read_po

#: The languages, with the Babel locale of each.
LANGUAGES: dict[str, str] = {"en": "en_GB", "nl": "nl_NL"}
LOCALE = Path(__file__).parent / "locale"


class UnknownMessage(KeyError):
    """A message id that the catalogue of a language does not hold."""


@functools.cache
def templates(lang: str) -> dict[str, str]:
    """Every message id of ``lang`` with its text."""
    path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalog = read_po(source, locale=LANGUAGES[lang])
    return {m.id: m.string for m in catalog if m.id and m.string}


def template(id: str, lang: str) -> str:
    """The text of message ``id`` in ``lang``."""
    try:
        return templates(lang)[id]
    except KeyError:
        raise UnknownMessage(f"no message {id!r} in the {lang} catalogue") from None
