"""conversation events and widget keys

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import pgvector.sqlalchemy
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('conversation_events',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.BigInteger(), sa.Identity(always=True), nullable=False),
    sa.Column('conversation_id', sa.Uuid(), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_conversation_events_conversation_id_id', 'conversation_events', ['conversation_id', 'id'], unique=False)
    op.create_index(op.f('ix_conversation_events_org_id'), 'conversation_events', ['org_id'], unique=False)
    op.add_column('messages', sa.Column('reply_to_id', sa.Uuid(), nullable=True))
    op.create_unique_constraint('messages_reply_to_id_key', 'messages', ['reply_to_id'])
    op.add_column('organizations', sa.Column('public_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    op.add_column('organizations', sa.Column('widget_secret', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
    # Existing organizations get fresh random keys.
    op.execute(
        "UPDATE organizations SET "
        "public_key = 'pk_' || substr(md5(random()::text || id::text), 1, 24), "
        "widget_secret = 'ws_' || md5(random()::text) || md5(random()::text)"
    )
    op.alter_column('organizations', 'public_key', nullable=False)
    op.alter_column('organizations', 'widget_secret', nullable=False)
    op.create_unique_constraint('organizations_public_key_key', 'organizations', ['public_key'])


def downgrade() -> None:
    op.drop_constraint('organizations_public_key_key', 'organizations', type_='unique')
    op.drop_column('organizations', 'widget_secret')
    op.drop_column('organizations', 'public_key')
    op.drop_constraint('messages_reply_to_id_key', 'messages', type_='unique')
    op.drop_column('messages', 'reply_to_id')
    op.drop_index(op.f('ix_conversation_events_org_id'), table_name='conversation_events')
    op.drop_index('ix_conversation_events_conversation_id_id', table_name='conversation_events')
    op.drop_table('conversation_events')
