"""Reasons as structured messages: an id and typed parameters, rendered in the reader's language.

The engine never builds a sentence: it returns :class:`Message` values, and every surface (the
CLI, the API, the web pages and the report) renders them with :func:`render` from one
catalogue (:mod:`articulation.messages.catalogue`): English from the texts declared there, Dutch
from ``locale/nl/LC_MESSAGES/messages.po``. A parameter is a number (written with the
language's decimal mark), a string (a code, a title: data, never translated), data given in
each language (:class:`Said`: the reader's, else English), a list (joined), or a message itself
(rendered in the same language).

>>> cap = Message.of("cap.assumed", ects=30)
>>> m = Message.of("bridging.over_cap", courses=3, ects=37.5, cap=cap, by=7.5)
>>> render(m, "en")
'the smallest programme, 3 course(s) and 37.5 EC, exceeds the assumed cap of 30 EC by 7.5 EC'
>>> render(m, "nl")[-53:]
'is 7,5 EC groter dan het aangenomen maximum van 30 EC'
>>> Message.from_json(m.to_json("en")) == m
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal

from articulation.messages import catalogue
from articulation.messages.catalogue import LANGUAGES

Param = Any  # int | float | str | Said | Message | tuple[Param, ...]


@dataclass(frozen=True)
class Said:
    """Data written in each language by the data itself (a condition's text in the YAML): shown
    in the reader's language, in English where the data has no text in it. Its JSON form is
    ``{"en": …, "nl": …}``.

    >>> said = Said("Mathematics B", "Wiskunde B")
    >>> said.in_language("nl"), said.in_language("en"), Said("Mathematics B").in_language("nl")
    ('Wiskunde B', 'Mathematics B', 'Mathematics B')
    """

    en: str
    nl: str | None = None

    def in_language(self, lang: str) -> str:
        return self.nl if lang == "nl" and self.nl else self.en

    def to_json(self) -> dict[str, str]:
        return {"en": self.en, **({"nl": self.nl} if self.nl else {})}


@dataclass(frozen=True)
class Message:
    """One reason: the id of its text in the catalogue and its parameters (sorted by name)."""

    id: str
    params: tuple[tuple[str, Param], ...] = ()

    @classmethod
    def of(cls, id: str, **params: Param) -> Message:
        """A message with keyword parameters; lists become tuples, so a message is hashable."""
        return cls(id, tuple(sorted((k, _frozen(v)) for k, v in params.items())))

    @property
    def kwargs(self) -> dict[str, Param]:
        return dict(self.params)

    def text(self, lang: str = "en") -> str:
        return render(self, lang)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """``{"id", "params", "text"}``: nested messages as ``{"id", "params"}``."""
        return {"id": self.id, "params": _params_json(self), "text": render(self, lang)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        """The message of :meth:`to_json` (its ``text`` is ignored)."""
        return cls.of(data["id"], **{k: _param_from_json(v) for k, v in data["params"].items()})


def _frozen(value: Param) -> Param:
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _params_json(message: Message) -> dict[str, Any]:
    return {k: _param_json(v) for k, v in message.params}


def _param_json(value: Param) -> Any:
    if isinstance(value, Said):
        return value.to_json()
    if isinstance(value, Message):
        return {"id": value.id, "params": _params_json(value)}
    if isinstance(value, tuple):
        return [_param_json(v) for v in value]
    return value


def _param_from_json(value: Any) -> Param:
    if isinstance(value, dict) and set(value) >= {"id", "params"}:
        return Message.from_json(value)
    if isinstance(value, dict) and "en" in value and set(value) <= set(LANGUAGES):
        return Said(value["en"], value.get("nl"))
    if isinstance(value, list):
        return tuple(_param_from_json(v) for v in value)
    return value


def number(value: float, lang: str = "en") -> str:
    """A number as the language writes it, without trailing zeros.

    >>> number(7.5, "nl"), number(30.0, "en"), number(1234.5, "nl")
    ('7,5', '30', '1234,5')
    """
    if float(value).is_integer():
        return str(int(value))
    return format_decimal(value, locale=LANGUAGES[lang], group_separator=False)


class _Said:
    """A parameter as the template formats it: ``{items}`` joins a list with ``; ``, and a
    format spec names another joiner (``{items: | }``)."""

    def __init__(self, value: Param, lang: str) -> None:
        self.value, self.lang = value, lang

    def __format__(self, spec: str) -> str:
        return _param_text(self.value, self.lang, spec or "; ")


def _param_text(value: Param, lang: str, joiner: str) -> str:
    if isinstance(value, Message):
        return render(value, lang)
    if isinstance(value, Said):
        return value.in_language(lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return number(value, lang)
    if isinstance(value, tuple):
        return joiner.join(_param_text(v, lang, ", ") for v in value)
    return str(value)


def render(message: Message, lang: str = "en") -> str:
    """The message in ``lang`` (``en`` or ``nl``); lists join with ``; `` unless the template
    names another joiner.

    >>> render(Message.of("gap.any_of_has", items=["a (has nothing)", "b (has 2 EC)"]))
    'any of (a (has nothing) | b (has 2 EC))'
    """
    if lang not in LANGUAGES:
        lang = "en"
    params = {k: _Said(v, lang) for k, v in message.params}
    return catalogue.template(message.id, lang).format(**params)


def render_json(data: Mapping[str, Any] | Sequence[Mapping[str, Any]], lang: str) -> Any:
    """Messages in their JSON form (one, or a list) rendered in ``lang``: what a surface that
    holds only a cell's JSON (a report page, a stored scan) shows."""
    if isinstance(data, Mapping):
        return render(Message.from_json(data), lang)
    return [render(Message.from_json(d), lang) for d in data]


def translated(reasons: Sequence[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Messages in their JSON form with ``text`` in ``lang``."""
    return [{**r, "text": render(Message.from_json(r), lang)} for r in reasons]
