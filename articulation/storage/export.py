"""Write a catalogue back as a curricula directory that :func:`load_curricula` reads unchanged.

Layout: ``outcomes.yaml``, ``<institution>/courses.yaml`` (with the institution's academic
calendar, when the catalogue gives one) and ``<institution>/<kind>s/<code>.yaml`` (institution
and code in lower case).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from articulation.curriculum.catalogue import Catalogue


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def export_curricula(catalogue: Catalogue, directory: str | Path) -> list[Path]:
    """Write ``catalogue`` below ``directory``; returns the files written.

    Refuses (``FileExistsError``) when the directory already holds YAML files, which would be
    read together with the new ones. The files are written to a directory of their own next to
    it first and moved into place when all are written: an export that fails leaves nothing
    behind."""
    root = Path(directory)
    if root.exists() and any(root.rglob("*.yaml")):
        raise FileExistsError(f"{root} already contains YAML files; choose an empty directory")
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    try:
        written = _write(catalogue, staging)
        if not root.exists() or not any(root.iterdir()):
            os.replace(staging, root)  # an empty directory is replaced as a whole
        else:  # a directory with other files: the new ones join them
            for entry in sorted(staging.iterdir()):
                os.replace(entry, root / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [root / path.relative_to(staging) for path in written]


def _write(catalogue: Catalogue, root: Path) -> list[Path]:
    """Write the catalogue's files below ``root``."""
    files: dict[Path, Any] = {}
    outcomes = [o.model_dump(mode="json", exclude_none=True) for o in catalogue.outcomes.values()]
    files[root / "outcomes.yaml"] = {"outcomes": outcomes}
    # an institution may give a calendar and no courses (yet)
    for institution in sorted({*catalogue.institutions, *catalogue.calendars}):
        courses = [
            course.model_dump(mode="json", exclude_defaults=True)
            for code, course in catalogue.courses.items()
            if catalogue.institution_of[code] == institution
        ]
        data: dict[str, Any] = {"institution": institution}
        if institution in catalogue.calendars:
            spec = catalogue.calendars[institution].spec()
            data["calendar"] = spec.model_dump(mode="json", exclude_none=True)
        data["courses"] = courses
        _add(files, root / institution.lower() / "courses.yaml", institution, data)
    for programme in catalogue.programmes.values():
        path = (
            root
            / programme.institution.lower()
            / f"{programme.kind}s"
            / f"{programme.code.lower()}.yaml"
        )
        _add(files, path, programme.code, programme.model_dump(mode="json", exclude_defaults=True))
    for path, data in files.items():
        _dump(path, data)
    return list(files)


def _add(files: dict[Path, Any], path: Path, name: str, data: Any) -> None:
    """Add a file; two items that would share a file name (codes differing only in case) are
    refused before anything is written."""
    if path in files:
        raise ValueError(f"{name!r} would be written to {path}, which another item uses already")
    files[path] = data
