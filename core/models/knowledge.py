"""The organization's knowledge base: documents and their embedded chunks."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import Column, Computed, Index, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Field

from core.models.base import OrgOwned, enum_field, id_field, timestamp_field

EMBEDDING_DIMENSIONS = 384


class DocumentStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class SourceKind(StrEnum):
    FILE = "file"
    URL = "url"  # one web page
    WEBSITE = "website"  # a same-site crawl from a start page
    SITEMAP = "sitemap"


class KnowledgeSource(OrgOwned, table=True):
    """A website or sitemap the knowledge base follows; its pages become documents and are
    re-synced on a Temporal Schedule."""

    __tablename__ = "knowledge_sources"

    id: uuid.UUID = id_field()
    kind: SourceKind = enum_field(SourceKind)
    url: str = Field(max_length=2000)
    max_pages: int = 50
    schedule_id: str | None = Field(default=None, max_length=200)
    last_synced_at: datetime | None = timestamp_field(nullable=True)
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = timestamp_field()


class KnowledgeDocument(OrgOwned, table=True):
    __tablename__ = "knowledge_documents"
    __table_args__ = (Index("ix_knowledge_documents_org_sha256", "org_id", "sha256"),)

    id: uuid.UUID = id_field()
    source_id: uuid.UUID | None = Field(
        default=None, foreign_key="knowledge_sources.id", index=True, ondelete="CASCADE"
    )
    title: str = Field(max_length=500)
    source_type: SourceKind = enum_field(SourceKind, SourceKind.FILE)
    source_url: str | None = Field(default=None, max_length=2000)
    filename: str | None = Field(default=None, max_length=500)
    content_type: str | None = Field(default=None, max_length=200)
    sha256: str | None = Field(default=None, max_length=64)
    size_bytes: int | None = None
    storage_key: str | None = Field(default=None, max_length=500)
    status: DocumentStatus = enum_field(DocumentStatus, DocumentStatus.PENDING)
    failure_reason: str | None = Field(default=None, max_length=1000)
    embedding_model: str | None = Field(default=None, max_length=100)
    chunk_count: int = 0
    chunks_embedded: int = 0
    etag: str | None = Field(default=None, max_length=200)
    last_modified: str | None = Field(default=None, max_length=100)
    workflow_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    ingested_at: datetime | None = timestamp_field(nullable=True)


class KnowledgeChunk(OrgOwned, table=True):
    __tablename__ = "knowledge_chunks"
    __table_args__ = (
        Index(
            "ix_knowledge_chunks_embedding_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": 16, "ef_construction": 64},
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
        Index("ix_knowledge_chunks_search", "search_vector", postgresql_using="gin"),
        UniqueConstraint("document_id", "ordinal", name="uq_knowledge_chunks_document_ordinal"),
    )

    id: uuid.UUID = id_field()
    document_id: uuid.UUID = Field(foreign_key="knowledge_documents.id", ondelete="CASCADE")
    ordinal: int
    content: str = Field(sa_type=Text)
    title: str = Field(default="", max_length=500)
    section: str = Field(default="", max_length=1000)
    token_count: int = 0
    # NULL until the chunk's batch is embedded; only embedded chunks of ready documents are
    # retrieved, and only those of the embedder in use (vector spaces never mix).
    embedding: Any = Field(
        default=None, sa_column=Column(Vector(EMBEDDING_DIMENSIONS), nullable=True)
    )
    embedding_model: str | None = Field(default=None, max_length=100)
    # Keyword search over exact tokens (product codes, error messages), kept by PostgreSQL.
    search_vector: Any = Field(
        default=None,
        sa_column=Column(
            TSVECTOR,
            Computed(
                "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(section, '') "
                "|| ' ' || coalesce(content, ''))",
                persisted=True,
            ),
        ),
    )
    embedding_dimensions: int = EMBEDDING_DIMENSIONS
    created_at: datetime = timestamp_field()
