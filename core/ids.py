"""Workflow ids and search attributes. Ids carry organization and object uuids only, never
personal data, so the Temporal UI and the deletion workflow can find an organization's work."""

from __future__ import annotations

import re
import uuid

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

ORG_ID = SearchAttributeKey.for_keyword("PerceptronOrgId")
KIND = SearchAttributeKey.for_keyword("PerceptronKind")


def conversation_workflow_id(org_id: uuid.UUID, conversation_id: uuid.UUID) -> str:
    return f"conversation-{org_id}-{conversation_id}"


def ingest_document_id(org_id: uuid.UUID, document_id: uuid.UUID) -> str:
    return f"ingest-{org_id}-{document_id}"


def ingest_batch_id(org_id: uuid.UUID, batch_id: uuid.UUID) -> str:
    return f"ingest-batch-{org_id}-{batch_id}"


def is_ingest_batch_id(org_id: uuid.UUID, workflow_id: str | None) -> bool:
    return (workflow_id or "").startswith(f"ingest-batch-{org_id}-")


def sync_source_id(org_id: uuid.UUID, source_id: uuid.UUID) -> str:
    return f"sync-{org_id}-{source_id}"


def reembed_id(org_id: uuid.UUID) -> str:
    return f"reembed-{org_id}"


def search_attributes(org_id: uuid.UUID, kind: str) -> TypedSearchAttributes:
    return TypedSearchAttributes(
        [SearchAttributePair(ORG_ID, str(org_id)), SearchAttributePair(KIND, kind)]
    )


# Privacy. The account-deletion workflow runs under the platform's key, never the
# organization's, so destroying the organization's key cannot lock it out of its own history.
def account_deletion_id(org_id: uuid.UUID) -> str:
    return f"delete-org-{org_id}"


def member_deletion_id(org_id: uuid.UUID, member_id: uuid.UUID) -> str:
    return f"delete-member-{org_id}-{member_id}"


def contact_erasure_id(org_id: uuid.UUID, request_id: uuid.UUID) -> str:
    return f"erase-{org_id}-{request_id}"


def data_export_id(org_id: uuid.UUID, request_id: uuid.UUID) -> str:
    return f"export-{org_id}-{request_id}"


def simulation_id(org_id: uuid.UUID, simulation: uuid.UUID) -> str:
    return f"simulate-{org_id}-{simulation}"


def webhook_delivery_id(org_id: uuid.UUID, delivery_id: uuid.UUID) -> str:
    return f"webhook-{org_id}-{delivery_id}"


RETENTION_SCHEDULE_ID = "retention-sweep"

# Workflow-id prefixes whose payloads are the organization's data (encrypted with its key).
# Everything else (account deletion, platform schedules) uses the platform key.
_ORGANIZATION_WORKFLOW = re.compile(
    r"^(?:ingest|sync|reembed|conversation|erase|export|simulate|webhook)-"
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
)


def organization_of(workflow_id: str) -> uuid.UUID | None:
    """The organization whose key encrypts this workflow's payloads; None for the platform's
    own workflows (account deletion, retention sweep)."""
    match = _ORGANIZATION_WORKFLOW.match(workflow_id)
    return uuid.UUID(match.group(1)) if match else None
