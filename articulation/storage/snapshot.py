"""The in-memory catalogue the engine works on, rebuilt only when the catalogue version changes.

>>> from articulation.storage.db import make_engine, migrate
>>> engine = make_engine("sqlite://")
>>> migrate(engine)
>>> snapshots = Snapshots(engine)
>>> snapshots.get() is snapshots.get()  # the same version: the same snapshot
True
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session

from articulation.curriculum.catalogue import Catalogue
from articulation.storage.rows import Parts, read_parts, read_version


@dataclass(frozen=True)
class Snapshot:
    """One catalogue version: the catalogue and each course's and programme's version."""

    version: int
    catalogue: Catalogue
    versions: dict[tuple[str, str], int] = field(default_factory=dict)
    # (entity, code) → what was repaired on reading it (stored before today's bounds)
    warnings: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def entity_version(self, entity: str, code: str) -> int | None:
        return self.versions.get((entity, code))

    def parts(self) -> Parts:
        return Parts.of(self.catalogue)


class Snapshots:
    """The current :class:`Snapshot` of a database, cached per catalogue version.

    ``get`` costs one small query while the version is unchanged."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._current: Snapshot | None = None
        self._lock = threading.Lock()
        self.builds = 0

    @property
    def current(self) -> Snapshot | None:
        return self._current

    def get(self) -> Snapshot:
        with Session(self.engine) as session:
            version = read_version(session)
        current = self._current
        if current is not None and current.version == version:
            return current
        with self._lock:
            current = self._current
            if current is not None and current.version == version:
                return current
            snapshot = self._build()
            self._current = snapshot
            return snapshot

    def parts_at(self, version: int) -> Parts | None:
        """The cached parts if the cache holds exactly ``version``."""
        current = self._current
        return current.parts() if current is not None and current.version == version else None

    def _build(self) -> Snapshot:
        bind = self.engine
        if bind.dialect.name == "postgresql":
            bind = bind.execution_options(isolation_level="REPEATABLE READ")
        with Session(bind) as session:
            version = read_version(session)
            parts = read_parts(session)
        self.builds += 1
        return Snapshot(
            version=version,
            catalogue=parts.catalogue(),
            versions=parts.versions,
            warnings=parts.warnings,
        )
