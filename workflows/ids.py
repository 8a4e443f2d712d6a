"""Workflow ids and search attributes. Ids carry organization and object uuids only, never
personal data, so the Temporal UI and the deletion workflow can find an organization's work."""

from __future__ import annotations

import uuid

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

ORG_ID = SearchAttributeKey.for_keyword("PerceptronOrgId")
KIND = SearchAttributeKey.for_keyword("PerceptronKind")


def ingest_document_id(org_id: uuid.UUID, document_id: uuid.UUID) -> str:
    return f"ingest-{org_id}-{document_id}"


def sync_source_id(org_id: uuid.UUID, source_id: uuid.UUID) -> str:
    return f"sync-{org_id}-{source_id}"


def reembed_id(org_id: uuid.UUID) -> str:
    return f"reembed-{org_id}"


def search_attributes(org_id: uuid.UUID, kind: str) -> TypedSearchAttributes:
    return TypedSearchAttributes(
        [SearchAttributePair(ORG_ID, str(org_id)), SearchAttributePair(KIND, kind)]
    )
