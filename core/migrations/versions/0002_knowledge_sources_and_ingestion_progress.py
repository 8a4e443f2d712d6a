"""knowledge sources and ingestion progress

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import pgvector.sqlalchemy
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('knowledge_sources',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('file', 'url', 'website', 'sitemap', name='sourcekind', native_enum=False, length=15), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('max_pages', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('last_synced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_knowledge_sources_org_id'), 'knowledge_sources', ['org_id'], unique=False)
    op.add_column('knowledge_chunks', sa.Column('search_vector', postgresql.TSVECTOR(), sa.Computed("to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(section, '') || ' ' || coalesce(content, ''))", persisted=True), nullable=True))
    op.alter_column('knowledge_chunks', 'embedding',
               existing_type=pgvector.sqlalchemy.vector.VECTOR(dim=384),
               nullable=True)
    op.alter_column('knowledge_chunks', 'embedding_model',
               existing_type=sa.VARCHAR(length=100),
               nullable=True)
    op.drop_index(op.f('ix_knowledge_chunks_document_id'), table_name='knowledge_chunks')
    op.create_index('ix_knowledge_chunks_search', 'knowledge_chunks', ['search_vector'], unique=False, postgresql_using='gin')
    op.create_unique_constraint('uq_knowledge_chunks_document_ordinal', 'knowledge_chunks', ['document_id', 'ordinal'])
    op.add_column('knowledge_documents', sa.Column('source_id', sa.Uuid(), nullable=True))
    op.add_column('knowledge_documents', sa.Column('chunks_embedded', sa.Integer(), server_default='0', nullable=False))
    op.add_column('knowledge_documents', sa.Column('etag', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    op.add_column('knowledge_documents', sa.Column('last_modified', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
    op.add_column('knowledge_documents', sa.Column('workflow_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    op.add_column('knowledge_documents', sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=True))
    op.alter_column('knowledge_documents', 'source_type',
               existing_type=sa.VARCHAR(length=10),
               type_=sa.Enum('file', 'url', 'website', 'sitemap', name='sourcekind', native_enum=False, length=15),
               existing_nullable=False)
    op.drop_index(op.f('ix_knowledge_documents_sha256'), table_name='knowledge_documents')
    op.create_index('ix_knowledge_documents_org_sha256', 'knowledge_documents', ['org_id', 'sha256'], unique=False)
    op.create_index(op.f('ix_knowledge_documents_source_id'), 'knowledge_documents', ['source_id'], unique=False)
    op.create_foreign_key('fk_knowledge_documents_source', 'knowledge_documents', 'knowledge_sources', ['source_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    op.drop_constraint('fk_knowledge_documents_source', 'knowledge_documents', type_='foreignkey')
    op.drop_index(op.f('ix_knowledge_documents_source_id'), table_name='knowledge_documents')
    op.drop_index('ix_knowledge_documents_org_sha256', table_name='knowledge_documents')
    op.create_index(op.f('ix_knowledge_documents_sha256'), 'knowledge_documents', ['sha256'], unique=False)
    op.alter_column('knowledge_documents', 'source_type',
               existing_type=sa.Enum('file', 'url', 'website', 'sitemap', name='sourcekind', native_enum=False, length=15),
               type_=sa.VARCHAR(length=10),
               existing_nullable=False)
    op.drop_column('knowledge_documents', 'ingested_at')
    op.drop_column('knowledge_documents', 'workflow_id')
    op.drop_column('knowledge_documents', 'last_modified')
    op.drop_column('knowledge_documents', 'etag')
    op.drop_column('knowledge_documents', 'chunks_embedded')
    op.drop_column('knowledge_documents', 'source_id')
    op.drop_constraint('uq_knowledge_chunks_document_ordinal', 'knowledge_chunks', type_='unique')
    op.drop_index('ix_knowledge_chunks_search', table_name='knowledge_chunks', postgresql_using='gin')
    op.create_index(op.f('ix_knowledge_chunks_document_id'), 'knowledge_chunks', ['document_id'], unique=False)
    op.alter_column('knowledge_chunks', 'embedding_model',
               existing_type=sa.VARCHAR(length=100),
               nullable=False)
    op.alter_column('knowledge_chunks', 'embedding',
               existing_type=pgvector.sqlalchemy.vector.VECTOR(dim=384),
               nullable=False)
    op.drop_column('knowledge_chunks', 'search_vector')
    op.drop_index(op.f('ix_knowledge_sources_org_id'), table_name='knowledge_sources')
    op.drop_table('knowledge_sources')
