"""Every workflow the product defines, for the replay tests."""

from __future__ import annotations

from workflows.account_deletion import AccountDeletionWorkflow, MemberDeletionWorkflow
from workflows.contact_erasure import ContactErasureWorkflow
from workflows.conversation import ConversationWorkflow
from workflows.data_export import DataExportWorkflow
from workflows.ingest_batch import IngestBatchWorkflow
from workflows.ingest_document import IngestDocumentWorkflow
from workflows.reembed_knowledge import ReembedKnowledgeWorkflow
from workflows.retention_sweep import RetentionSweepWorkflow
from workflows.simulation import SimulationWorkflow
from workflows.sync_source import SyncKnowledgeSourceWorkflow
from workflows.system_check import SystemCheckWorkflow
from workflows.webhook_delivery import WebhookDeliveryWorkflow

ALL_WORKFLOWS: list[type] = [
    AccountDeletionWorkflow,
    ContactErasureWorkflow,
    ConversationWorkflow,
    DataExportWorkflow,
    IngestBatchWorkflow,
    IngestDocumentWorkflow,
    MemberDeletionWorkflow,
    ReembedKnowledgeWorkflow,
    RetentionSweepWorkflow,
    SimulationWorkflow,
    SyncKnowledgeSourceWorkflow,
    SystemCheckWorkflow,
    WebhookDeliveryWorkflow,
]
