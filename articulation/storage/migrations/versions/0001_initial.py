"""The initial schema: catalogue, API clients, audit log and scan jobs.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("institution", sa.String(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("token_hash"),
    )
    state = op.create_table(
        "catalogue_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "course",
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("institution", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("ects", sa.Float(), nullable=False),
        sa.Column("periods", sa.JSON(), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("area", sa.String(), nullable=True),
        sa.Column("bridging", sa.Boolean(), nullable=False),
        sa.Column("has_provenance", sa.Boolean(), nullable=False),
        sa.Column("provenance_source", sa.String(), nullable=True),
        sa.Column("provenance_retrieved", sa.Date(), nullable=True),
        sa.Column("provenance_status", sa.String(), nullable=True),
        sa.Column("provenance_note", sa.String(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_course_institution", "course", ["institution"])
    op.create_table(
        "outcome",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("area", sa.String(), nullable=False),
        sa.Column("parent", sa.String(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outcome_area", "outcome", ["area"])
    op.create_table(
        "programme",
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("institution", sa.String(), nullable=False),
        sa.Column("ects", sa.Float(), nullable=False),
        sa.Column("electives", sa.Float(), nullable=True),
        sa.Column("elective_catalogue", sa.JSON(), nullable=True),
        sa.Column("premaster_max_ects", sa.Float(), nullable=True),
        sa.Column("premaster_catalogue", sa.JSON(), nullable=True),
        sa.Column("direct_admission", sa.JSON(), nullable=True),
        sa.Column("min_gpa", sa.Float(), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("open_to", sa.JSON(), nullable=True),
        sa.Column("has_provenance", sa.Boolean(), nullable=False),
        sa.Column("provenance_source", sa.String(), nullable=True),
        sa.Column("provenance_retrieved", sa.Date(), nullable=True),
        sa.Column("provenance_status", sa.String(), nullable=True),
        sa.Column("provenance_note", sa.String(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_programme_institution", "programme", ["institution"])
    op.create_index("ix_programme_kind", "programme", ["kind"])
    op.create_table(
        "scan_job",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "scan_file",
        sa.Column("job_id", sa.String(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("media_type", sa.String(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["scan_job.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("job_id", "path"),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_client.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_code", "audit", ["code"])
    op.create_table(
        "course_teaches",
        sa.Column("course_code", sa.String(), nullable=False),
        sa.Column("outcome_id", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["course_code"], ["course.code"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcome.id"],
        ),
        sa.PrimaryKeyConstraint("course_code", "outcome_id"),
    )
    op.create_index("ix_course_teaches_outcome_id", "course_teaches", ["outcome_id"])
    op.create_table(
        "prerequisite",
        sa.Column("course_code", sa.String(), nullable=False),
        sa.Column("group_index", sa.Integer(), nullable=False),
        sa.Column("member_index", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["course_code"], ["course.code"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("course_code", "group_index", "member_index"),
    )
    op.create_index("ix_prerequisite_member", "prerequisite", ["member"])
    op.create_table(
        "programme_course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_code", sa.String(), nullable=False),
        sa.Column("track", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("course_code", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_code"],
            ["course.code"],
        ),
        sa.ForeignKeyConstraint(["programme_code"], ["programme.code"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_programme_course_course_code", "programme_course", ["course_code"])
    op.create_index("ix_programme_course_programme_code", "programme_course", ["programme_code"])
    op.create_table(
        "programme_track",
        sa.Column("programme_code", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["programme_code"], ["programme.code"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("programme_code", "position"),
    )
    op.create_table(
        "requirement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_code", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("area", sa.String(), nullable=True),
        sa.Column("min_ects", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["requirement.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["programme_code"], ["programme.code"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_requirement_programme_code", "requirement", ["programme_code"])
    op.bulk_insert(state, [{"id": 1, "version": 0, "updated_at": None}])


def downgrade() -> None:
    op.drop_index("ix_requirement_programme_code", table_name="requirement")
    op.drop_table("requirement")
    op.drop_table("programme_track")
    op.drop_index("ix_programme_course_programme_code", table_name="programme_course")
    op.drop_index("ix_programme_course_course_code", table_name="programme_course")
    op.drop_table("programme_course")
    op.drop_index("ix_prerequisite_member", table_name="prerequisite")
    op.drop_table("prerequisite")
    op.drop_index("ix_course_teaches_outcome_id", table_name="course_teaches")
    op.drop_table("course_teaches")
    op.drop_index("ix_audit_code", table_name="audit")
    op.drop_table("audit")
    op.drop_table("scan_file")
    op.drop_table("scan_job")
    op.drop_index("ix_programme_kind", table_name="programme")
    op.drop_index("ix_programme_institution", table_name="programme")
    op.drop_table("programme")
    op.drop_index("ix_outcome_area", table_name="outcome")
    op.drop_table("outcome")
    op.drop_index("ix_course_institution", table_name="course")
    op.drop_table("course")
    op.drop_table("catalogue_state")
    op.drop_table("api_client")
