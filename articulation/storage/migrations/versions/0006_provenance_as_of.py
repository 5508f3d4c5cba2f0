"""The date or academic year a source page gives itself (``provenance.as_of``), for courses and
programmes.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("course", "programme")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("provenance_as_of", sa.String(), nullable=True))


def downgrade() -> None:
    # a plain DROP COLUMN (SQLite 3.35+): a batch copy would drop and recreate tables that other
    # tables refer to
    for table in TABLES:
        op.drop_column(table, "provenance_as_of")
