"""privacy requests, deletion receipts and data keys

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import pgvector.sqlalchemy
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id"),
    )
    op.create_table(
        "deletion_receipts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "subject",
            sa.Enum("organization", "member", name="deletionsubject", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=True),
        sa.Column("workflow_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled",
                "on_hold",
                "purging",
                "completed",
                "cancelled",
                name="deletionstatus",
                native_enum=False,
                length=17,
            ),
            nullable=False,
        ),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purge_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(
        op.f("ix_deletion_receipts_org_id"), "deletion_receipts", ["org_id"], unique=False
    )
    op.create_index(
        op.f("ix_deletion_receipts_workflow_id"), "deletion_receipts", ["workflow_id"], unique=False
    )
    op.create_table(
        "privacy_requests",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "organization_export",
                "contact_export",
                "contact_erasure",
                name="privacyrequestkind",
                native_enum=False,
                length=27,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "running",
                "completed",
                "failed",
                name="privacyrequeststatus",
                native_enum=False,
                length=17,
            ),
            nullable=False,
        ),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("workflow_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("requested_by_member_id", sa.Uuid(), nullable=True),
        sa.Column("receipt", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("failure_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("file_key", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column(
            "download_token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("downloaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_member_id"], ["members.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("download_token_hash"),
    )
    op.create_index(
        "ix_privacy_requests_org_created",
        "privacy_requests",
        ["org_id", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_privacy_requests_org_id"), "privacy_requests", ["org_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_privacy_requests_org_id"), table_name="privacy_requests")
    op.drop_index("ix_privacy_requests_org_created", table_name="privacy_requests")
    op.drop_table("privacy_requests")
    op.drop_index(op.f("ix_deletion_receipts_workflow_id"), table_name="deletion_receipts")
    op.drop_index(op.f("ix_deletion_receipts_org_id"), table_name="deletion_receipts")
    op.drop_table("deletion_receipts")
    op.drop_table("data_keys")
