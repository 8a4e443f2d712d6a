"""Every workflow the product defines, for the replay tests."""

from __future__ import annotations

from workflows.conversation import ConversationWorkflow
from workflows.ingest_document import IngestDocumentWorkflow
from workflows.reembed_knowledge import ReembedKnowledgeWorkflow
from workflows.sync_source import SyncKnowledgeSourceWorkflow
from workflows.system_check import SystemCheckWorkflow

ALL_WORKFLOWS: list[type] = [
    ConversationWorkflow,
    IngestDocumentWorkflow,
    ReembedKnowledgeWorkflow,
    SyncKnowledgeSourceWorkflow,
    SystemCheckWorkflow,
]
