"""Scan jobs as a bounded resource: the client that started a job, the key of its request (for
serving identical scans from a finished job), a heartbeat, the expiry of its report files and
its cells (kept after the files expire).

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scan_job") as batch:
        batch.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("request_key", sa.String(), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("expired_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("cells", sa.JSON(), nullable=True))
        batch.create_foreign_key("fk_scan_job_client_id", "api_client", ["client_id"], ["id"])
        batch.create_index("ix_scan_job_status", ["status"])
        batch.create_index("ix_scan_job_client_id", ["client_id"])
        batch.create_index("ix_scan_job_request_key", ["request_key"])


def downgrade() -> None:
    with op.batch_alter_table("scan_job") as batch:
        batch.drop_index("ix_scan_job_request_key")
        batch.drop_index("ix_scan_job_client_id")
        batch.drop_index("ix_scan_job_status")
        batch.drop_constraint("fk_scan_job_client_id", type_="foreignkey")
        batch.drop_column("cells")
        batch.drop_column("expired_at")
        batch.drop_column("heartbeat_at")
        batch.drop_column("request_key")
        batch.drop_column("client_id")
