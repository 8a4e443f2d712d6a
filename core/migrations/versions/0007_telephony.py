"""telephony: phone numbers, accounts, call records

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('phone_numbers',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('source', sa.Enum('own', 'platform', name='numbersource', native_enum=False, length=16), nullable=False),
    sa.Column('provider_sid', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('assistant_enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    op.create_index(op.f('ix_phone_numbers_org_id'), 'phone_numbers', ['org_id'], unique=False)
    op.create_table('telephony_accounts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('provider', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('sealed_credentials', sa.LargeBinary(), nullable=False),
    sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('account_hint', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('org_id')
    )
    op.add_column('calls', sa.Column('phone_number_id', sa.Uuid(), nullable=True))
    op.add_column('calls', sa.Column('outcome', sa.Enum('completed', 'transferred', 'callback', 'ended_by_operator', 'failed', 'not_answered', name='calloutcome', native_enum=False, length=25), nullable=True))
    op.add_column('calls', sa.Column('transfer_target', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    op.add_column('calls', sa.Column('recorded', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('calls', sa.Column('stream_token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.add_column('calls', sa.Column('stream_token_expires_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('calls', sa.Column('stream_token_used_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('calls', sa.Column('alive_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_calls_phone_number_id'), 'calls', ['phone_number_id'], unique=False)
    op.create_unique_constraint('uq_calls_stream_token_hash', 'calls', ['stream_token_hash'])
    op.create_foreign_key('fk_calls_phone_number_id', 'calls', 'phone_numbers', ['phone_number_id'], ['id'], ondelete='SET NULL')
    op.alter_column('messages', 'status',
               existing_type=sa.VARCHAR(length=16),
               type_=sa.Enum('complete', 'failed', 'interrupted', name='messagestatus', native_enum=False, length=19),
               existing_nullable=False)


def downgrade() -> None:
    op.alter_column('messages', 'status',
               existing_type=sa.Enum('complete', 'failed', 'interrupted', name='messagestatus', native_enum=False, length=19),
               type_=sa.VARCHAR(length=16),
               existing_nullable=False)
    op.drop_constraint('fk_calls_phone_number_id', 'calls', type_='foreignkey')
    op.drop_constraint('uq_calls_stream_token_hash', 'calls', type_='unique')
    op.drop_index(op.f('ix_calls_phone_number_id'), table_name='calls')
    op.drop_column('calls', 'alive_at')
    op.drop_column('calls', 'stream_token_used_at')
    op.drop_column('calls', 'stream_token_expires_at')
    op.drop_column('calls', 'stream_token_hash')
    op.drop_column('calls', 'recorded')
    op.drop_column('calls', 'transfer_target')
    op.drop_column('calls', 'outcome')
    op.drop_column('calls', 'phone_number_id')
    op.drop_table('telephony_accounts')
    op.drop_index(op.f('ix_phone_numbers_org_id'), table_name='phone_numbers')
    op.drop_table('phone_numbers')
