"""The student form's input problems in the page's language: pydantic's error ``type`` to a
message of the pages' catalogue (English ids, Dutch in ``messages.po``), never pydantic's own
English (``Input should be a valid number``), and the student addressed as "je" throughout.

The texts are looked up when a page is rendered (each is a function of the page's translator),
so a page in Dutch says them in Dutch.

>>> from api.web.pages import _translator
>>> from pydantic import BaseModel, Field, ValidationError
>>> class Probe(BaseModel):
...     start: str = Field("", pattern=r"^\\d{4}-\\d{2}$")
>>> try:
...     Probe(start="09/2027")
... except ValidationError as exc:
...     print(problems(exc, _translator("nl"))[0])
Beginmaand: Schrijf de maand als JJJJ-MM, bijvoorbeeld 2027-09.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup
from pydantic import ValidationError

Translate = Callable[..., Markup]

#: What each kind of problem means, by pydantic's error ``type`` (``ctx`` gives its limits).
MESSAGES: dict[str, Callable[[Translate, dict[str, Any]], Markup]] = {
    "missing": lambda _, ctx: _("fill this in."),
    "string_type": lambda _, ctx: _("this should be text."),
    "string_too_long": lambda _, ctx: _(
        "this is too long: at most %(max)s characters.", max=ctx.get("max_length", "?")
    ),
    "too_long": lambda _, ctx: _(
        "too many chosen: at most %(max)s.", max=ctx.get("max_length", "?")
    ),
    "list_type": lambda _, ctx: _("choose from the list."),
    "string_pattern_mismatch": lambda _, ctx: _("this is not in the form we expect."),
    "int_parsing": lambda _, ctx: _("this should be a whole number."),
    "float_parsing": lambda _, ctx: _("this should be a number, such as 7,5."),
    "literal_error": lambda _, ctx: _("choose one of the options."),
    "bool_parsing": lambda _, ctx: _("tick the box or leave it empty."),
    "value_error": lambda _, ctx: _("this value cannot be used."),
}

#: Fields whose problem has a message of its own, by field and error type.
SPECIFIC: dict[tuple[str, str], Callable[[Translate, dict[str, Any]], Markup]] = {
    ("start", "string_pattern_mismatch"): lambda _, ctx: _(
        "write the month as YYYY-MM, for example 2027-09."
    ),
}

#: The form's fields as the page names them.
FIELDS: dict[str, Callable[[Translate], Markup]] = {
    "courses": lambda _: _("Courses"),
    "bachelor": lambda _: _("Your bachelor (optional)"),
    "track": lambda _: _("Track (optional)"),
    "studying": lambda _: _("Still studying"),
    "masters": lambda _: _("Target masters"),
    "start": lambda _: _("Start month"),
    "meets": lambda _: _("Admission conditions"),
    "lang": lambda _: _("Language"),
}


def problems(error: ValidationError, _: Translate) -> list[Markup]:
    """Each problem of the form as ``Field: what is wrong.`` in the page's language."""
    found = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        kind, ctx = item["type"], item.get("ctx") or {}
        say = SPECIFIC.get((field, kind)) or MESSAGES.get(kind) or MESSAGES["value_error"]
        name = FIELDS[field](_) if field in FIELDS else Markup.escape(field)
        text = say(_, ctx)
        found.append(_("%(field)s: %(problem)s", field=name, problem=text[:1].upper() + text[1:]))
    return found
