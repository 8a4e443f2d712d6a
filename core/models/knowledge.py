"""The organization's knowledge base: documents and their embedded chunks."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from core.models.base import OrgOwned, enum_field, id_field, timestamp_field

EMBEDDING_DIMENSIONS = 384


class DocumentStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class KnowledgeDocument(OrgOwned, table=True):
    __tablename__ = "knowledge_documents"

    id: uuid.UUID = id_field()
    title: str = Field(max_length=500)
    source_type: str = Field(default="file", max_length=10)
    source_url: str | None = Field(default=None, max_length=2000)
    filename: str | None = Field(default=None, max_length=500)
    content_type: str | None = Field(default=None, max_length=200)
    sha256: str | None = Field(default=None, max_length=64, index=True)
    size_bytes: int | None = None
    storage_key: str | None = Field(default=None, max_length=500)
    status: DocumentStatus = enum_field(DocumentStatus, DocumentStatus.PENDING)
    failure_reason: str | None = Field(default=None, max_length=1000)
    embedding_model: str | None = Field(default=None, max_length=100)
    chunk_count: int = 0
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


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
    )

    id: uuid.UUID = id_field()
    document_id: uuid.UUID = Field(
        foreign_key="knowledge_documents.id", index=True, ondelete="CASCADE"
    )
    ordinal: int
    content: str = Field(sa_type=Text)
    title: str = Field(default="", max_length=500)
    section: str = Field(default="", max_length=1000)
    token_count: int = 0
    embedding: Any = Field(sa_column=Column(Vector(EMBEDDING_DIMENSIONS), nullable=False))
    embedding_model: str = Field(max_length=100)
    embedding_dimensions: int = EMBEDDING_DIMENSIONS
    created_at: datetime = timestamp_field()
