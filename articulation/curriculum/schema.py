"""JSON Schema of the curricula files, generated from the pydantic models that validate them."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from articulation.curriculum.catalogue import UnknownCode
from articulation.curriculum.model import CatalogueFile, OutcomesFile, Programme, Transcript

KINDS: dict[str, Any] = {
    "outcomes": OutcomesFile,
    "catalogue": CatalogueFile,
    "programme": Programme,
    "transcript": Transcript,
}


def json_schema(kind: str = "all") -> dict[str, Any]:
    """The schema of one file kind, or of all of them under ``$defs``.

    >>> sorted(json_schema("outcomes")["properties"])
    ['outcomes']
    """
    if kind != "all" and kind not in KINDS:
        raise UnknownCode("schema kind", kind, [*KINDS, "all"])
    if kind != "all":
        return TypeAdapter(KINDS[kind]).json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "articulation curricula files",
        "description": "One of: outcomes.yaml, a course catalogue, a programme, a transcript.",
        "$defs": {name: json_schema(name) for name in KINDS},
    }
