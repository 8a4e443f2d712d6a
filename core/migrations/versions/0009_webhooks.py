"""webhooks: endpoints, the outbox of events, deliveries

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('webhook_endpoints',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('event_types', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('sealed_secret', sa.LargeBinary(), nullable=False),
    sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('disabled_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['members.id'], ondelete='SET NULL', name='fk_webhook_endpoints_created_by'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], ondelete='CASCADE', name='fk_webhook_endpoints_org_id'),
    sa.PrimaryKeyConstraint('id', name='pk_webhook_endpoints')
    )
    op.create_index(op.f('ix_webhook_endpoints_created_by'), 'webhook_endpoints', ['created_by'], unique=False)
    op.create_index(op.f('ix_webhook_endpoints_org_id'), 'webhook_endpoints', ['org_id'], unique=False)
    op.create_table('webhook_events',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('conversation_id', sa.Uuid(), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], ondelete='CASCADE', name='fk_webhook_events_contact_id'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE', name='fk_webhook_events_conversation_id'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], ondelete='CASCADE', name='fk_webhook_events_org_id'),
    sa.PrimaryKeyConstraint('id', name='pk_webhook_events')
    )
    op.create_index(op.f('ix_webhook_events_contact_id'), 'webhook_events', ['contact_id'], unique=False)
    op.create_index(op.f('ix_webhook_events_conversation_id'), 'webhook_events', ['conversation_id'], unique=False)
    op.create_index(op.f('ix_webhook_events_org_id'), 'webhook_events', ['org_id'], unique=False)
    op.create_index('ix_webhook_events_pending', 'webhook_events', ['created_at'], unique=False, postgresql_where='dispatched_at IS NULL')
    op.create_table('webhook_deliveries',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('endpoint_id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('event_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('status', sa.Enum('pending', 'succeeded', 'failed', name='deliverystatus', native_enum=False, length=17), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('replay_of', sa.Uuid(), nullable=True),
    sa.Column('workflow_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], ondelete='CASCADE', name='fk_webhook_deliveries_endpoint_id'),
    sa.ForeignKeyConstraint(['event_id'], ['webhook_events.id'], ondelete='CASCADE', name='fk_webhook_deliveries_event_id'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], ondelete='CASCADE', name='fk_webhook_deliveries_org_id'),
    sa.ForeignKeyConstraint(['replay_of'], ['webhook_deliveries.id'], ondelete='SET NULL', name='fk_webhook_deliveries_replay_of'),
    sa.PrimaryKeyConstraint('id', name='pk_webhook_deliveries')
    )
    op.create_index('ix_webhook_deliveries_endpoint_created', 'webhook_deliveries', ['endpoint_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_webhook_deliveries_event_id'), 'webhook_deliveries', ['event_id'], unique=False)
    op.create_index(op.f('ix_webhook_deliveries_org_id'), 'webhook_deliveries', ['org_id'], unique=False)
    op.create_index(op.f('ix_webhook_deliveries_replay_of'), 'webhook_deliveries', ['replay_of'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_webhook_deliveries_replay_of'), table_name='webhook_deliveries')
    op.drop_index(op.f('ix_webhook_deliveries_org_id'), table_name='webhook_deliveries')
    op.drop_index(op.f('ix_webhook_deliveries_event_id'), table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_endpoint_created', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_index('ix_webhook_events_pending', table_name='webhook_events', postgresql_where='dispatched_at IS NULL')
    op.drop_index(op.f('ix_webhook_events_org_id'), table_name='webhook_events')
    op.drop_index(op.f('ix_webhook_events_conversation_id'), table_name='webhook_events')
    op.drop_index(op.f('ix_webhook_events_contact_id'), table_name='webhook_events')
    op.drop_table('webhook_events')
    op.drop_index(op.f('ix_webhook_endpoints_org_id'), table_name='webhook_endpoints')
    op.drop_index(op.f('ix_webhook_endpoints_created_by'), table_name='webhook_endpoints')
    op.drop_table('webhook_endpoints')
