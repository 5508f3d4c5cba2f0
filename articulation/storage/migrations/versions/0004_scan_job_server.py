"""Scan jobs served by several server processes: the process that runs a job (``server``,
host and process id) and how many of its units of work were computed again because a worker
was lost (``retried``).

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scan_job") as batch:
        batch.add_column(sa.Column("server", sa.String(), nullable=True))
        batch.add_column(sa.Column("retried", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("scan_job") as batch:
        batch.drop_column("retried")
        batch.drop_column("server")
