"""The JSON form of the engine's plain result records (frozen dataclasses): their fields.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Course(JsonRecord):
...     code: str
...     ects: float
...     covers: tuple[str, ...]
>>> Course("UT-1", 5.0, ("a", "b")).to_json()
{'code': 'UT-1', 'ects': 5.0, 'covers': ['a', 'b']}
>>> fields_json(Course("UT-1", 5.0, ("a", "b")), covers="requirements")
{'code': 'UT-1', 'ects': 5.0, 'requirements': ['a', 'b']}
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any


def fields_json(record: Any, **renamed: str) -> dict[str, Any]:
    """Every field of a dataclass ``record`` in their order, tuples as lists; ``renamed`` gives
    the JSON key of a field whose name it is not."""
    data = {}
    for field in fields(record):
        value = getattr(record, field.name)
        key = renamed.get(field.name, field.name)
        data[key] = list(value) if isinstance(value, tuple) else value
    return data


class JsonRecord:
    """A dataclass whose JSON form is every field, as :func:`fields_json` gives them."""

    def to_json(self) -> dict[str, Any]:
        return fields_json(self)
