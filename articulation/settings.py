"""Settings of the storage and the HTTP API, read from ``ARTICULATION_*`` environment variables.

>>> Settings(database_url="sqlite:///x.db").database_url
'sqlite:///x.db'
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything configurable; each field is ``ARTICULATION_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="ARTICULATION_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///articulation.db",
        description="SQLAlchemy URL: sqlite:///FILE or postgresql+psycopg://USER@HOST:PORT/DB",
    )
    curricula: Path | None = Field(
        default=None,
        description="Curricula imported when the server starts on an empty database "
        "(default: the bundled curricula/)",
    )
    migrate_on_start: bool = Field(
        default=True, description="Apply pending migrations when the server starts"
    )
    seed_on_start: bool = Field(
        default=True, description="Import the curricula when the server starts on an empty database"
    )
    time_limit: Annotated[float, Field(gt=0)] = Field(
        default=10.0, description="Default solver time limit per solve, seconds"
    )
    max_time_limit: Annotated[float, Field(gt=0)] = Field(
        default=60.0, description="Largest time limit a request may ask for, seconds"
    )
    max_body_bytes: Annotated[int, Field(gt=0)] = 1024 * 1024
    max_transcript_entries: Annotated[int, Field(gt=0)] = 2000
    scan_workers: Annotated[int, Field(ge=1)] = 1
