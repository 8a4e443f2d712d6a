"""simulations and their results

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('simulations',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'running', 'completed', 'failed', name='simulationstatus', native_enum=False, length=17), nullable=False),
    sa.Column('source', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('candidate', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('summary', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('failure_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('workflow_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['members.id'], ondelete='SET NULL', name='fk_simulations_created_by'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], ondelete='CASCADE', name='fk_simulations_org_id'),
    sa.PrimaryKeyConstraint('id', name='pk_simulations')
    )
    op.create_index(op.f('ix_simulations_created_by'), 'simulations', ['created_by'], unique=False)
    op.create_index('ix_simulations_org_created', 'simulations', ['org_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_simulations_org_id'), 'simulations', ['org_id'], unique=False)
    op.create_table('simulation_results',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('simulation_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('case_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('conversation_id', sa.Uuid(), nullable=True),
    sa.Column('message_id', sa.Uuid(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('history', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('labels', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('status', sa.Enum('pending', 'done', 'failed', name='casestatus', native_enum=False, length=15), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('before', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('after', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('diff', sa.Text(), nullable=True),
    sa.Column('decision_changed', sa.Boolean(), nullable=False),
    sa.Column('text_changed', sa.Boolean(), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE', name='fk_simulation_results_conversation_id'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ondelete='CASCADE', name='fk_simulation_results_message_id'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], ondelete='CASCADE', name='fk_simulation_results_org_id'),
    sa.ForeignKeyConstraint(['simulation_id'], ['simulations.id'], ondelete='CASCADE', name='fk_simulation_results_simulation_id'),
    sa.PrimaryKeyConstraint('id', name='pk_simulation_results'),
    sa.UniqueConstraint('simulation_id', 'seq', name='uq_simulation_results_case')
    )
    op.create_index(op.f('ix_simulation_results_conversation_id'), 'simulation_results', ['conversation_id'], unique=False)
    op.create_index(op.f('ix_simulation_results_message_id'), 'simulation_results', ['message_id'], unique=False)
    op.create_index(op.f('ix_simulation_results_org_id'), 'simulation_results', ['org_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_simulation_results_org_id'), table_name='simulation_results')
    op.drop_index(op.f('ix_simulation_results_message_id'), table_name='simulation_results')
    op.drop_index(op.f('ix_simulation_results_conversation_id'), table_name='simulation_results')
    op.drop_table('simulation_results')
    op.drop_index(op.f('ix_simulations_org_id'), table_name='simulations')
    op.drop_index('ix_simulations_org_created', table_name='simulations')
    op.drop_index(op.f('ix_simulations_created_by'), table_name='simulations')
    op.drop_table('simulations')
