"""indexes on the foreign keys contact erasure and retention follow

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import pgvector.sqlalchemy
from alembic import op


revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_calls_contact_id"), "calls", ["contact_id"], unique=False)
    op.create_index(op.f("ix_calls_conversation_id"), "calls", ["conversation_id"], unique=False)
    op.create_index(
        op.f("ix_conversations_contact_id"), "conversations", ["contact_id"], unique=False
    )
    op.create_index(
        op.f("ix_widget_events_contact_id"), "widget_events", ["contact_id"], unique=False
    )
    op.create_index(
        op.f("ix_widget_events_conversation_id"), "widget_events", ["conversation_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_widget_events_conversation_id"), table_name="widget_events")
    op.drop_index(op.f("ix_widget_events_contact_id"), table_name="widget_events")
    op.drop_index(op.f("ix_conversations_contact_id"), table_name="conversations")
    op.drop_index(op.f("ix_calls_conversation_id"), table_name="calls")
    op.drop_index(op.f("ix_calls_contact_id"), table_name="calls")
