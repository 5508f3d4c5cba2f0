"""Outcomes gain an optional Dutch title.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outcome") as batch:
        batch.add_column(sa.Column("title_nl", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outcome") as batch:
        batch.drop_column("title_nl")
