"""Worker assembly: which workflows and activities run on which task queue.

The providers (embedder, storage) are created here once per worker process and injected
into the activity classes; tests pass their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio.client import Client
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.worker import Worker, WorkerDeploymentConfig

from activities.account_deletion import AccountDeletionActivities
from activities.contact_erasure import ContactErasureActivities, ContactErasureStarter
from activities.conversation import ConversationActivities
from activities.data_export import DataExportActivities
from activities.knowledge import IngestionLimits, KnowledgeActivities
from activities.knowledge_sources import KnowledgeSourceActivities
from activities.retention import RetentionActivities
from activities.simulation import AgentFactory, AgentSetup, Responder, SimulationActivities
from activities.system import SystemActivities
from activities.webhooks import WebhookActivities
from agents.knowledge.retrieval import Retriever, SearchMode
from agents.providers.embeddings import Embedder, create_embedder
from agents.support.turn import TurnRunner
from core.db import SessionMaker
from core.encryption import DataKeys
from core.identity_provider import create_identity_provider
from core.payload_codec import create_keyring
from core.settings import Settings
from core.storage import FileStorage, create_storage
from core.temporal import ActivityLoggingInterceptor
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


def build_workers(
    client: Client,
    settings: Settings,
    session_maker: SessionMaker,
    task_queue_override: str | None = None,
    *,
    embedder: Embedder | None = None,
    storage: FileStorage | None = None,
    agent: TurnRunner | None = None,
    keyring: DataKeys | None = None,
    simulation_agents: AgentFactory | None = None,
) -> list[Worker]:
    """One worker per task queue. Tests pass ``task_queue_override`` to run every workflow
    on one queue of their own. Simulations always run the real support agent (built per
    candidate by ``simulation_agents``), whatever ``agent`` answers conversations."""
    queues = settings.temporal.task_queues
    storage = storage or create_storage(settings)
    embedder = embedder or create_embedder(settings)
    system = SystemActivities(session_maker)
    knowledge = KnowledgeActivities(
        session_maker,
        storage,
        embedder,
        IngestionLimits(
            max_bytes=settings.max_upload_bytes,
            max_expanded_bytes=settings.max_docx_expanded_mb * 1024 * 1024,
            fetch_timeout=settings.fetch_timeout_seconds,
            private_urls_allowed=settings.private_urls_allowed,
        ),
    )
    conversation = ConversationActivities(
        session_maker, agent or _support_agent(settings, session_maker, embedder)
    )
    sources = KnowledgeSourceActivities(
        session_maker, settings.fetch_timeout_seconds, settings.private_urls_allowed
    )
    simulations = SimulationActivities(
        session_maker,
        simulation_agents or SupportAgents(settings, session_maker, embedder),
    )
    interceptors = [ActivityLoggingInterceptor()]
    assignments: dict[str, tuple[list[type], list[Callable[..., Any]]]] = {
        queues.system: ([SystemCheckWorkflow], [system.check_database]),
        queues.conversations: (
            [ConversationWorkflow],
            [
                conversation.store_message,
                conversation.apply_change,
                conversation.run_turn,
                conversation.mark_interrupted,
            ],
        ),
        # Simulations are batch work like ingestion: they never queue behind live turns.
        queues.ingestion: (
            [
                IngestDocumentWorkflow,
                IngestBatchWorkflow,
                SyncKnowledgeSourceWorkflow,
                ReembedKnowledgeWorkflow,
                SimulationWorkflow,
            ],
            [
                knowledge.prepare_document,
                knowledge.prepare_documents,
                knowledge.embed_chunks,
                knowledge.finish_document,
                knowledge.stale_documents,
                sources.refresh_source_pages,
                sources.mark_source_synced,
                simulations.prepare_cases,
                simulations.run_cases,
                simulations.finish_simulation,
                simulations.fail_simulation,
            ],
        ),
    }
    # Webhook deliveries wait on other systems: a queue of their own.
    keyring = keyring or create_keyring(settings, session_maker)
    webhooks = WebhookActivities(
        session_maker,
        keyring,
        private_allowed=settings.private_urls_allowed,
        timeout=settings.webhook_timeout_seconds,
        http_allowed=settings.is_local,
    )
    assignments[queues.webhooks] = (
        [WebhookDeliveryWorkflow],
        [webhooks.deliver_webhook, webhooks.finish_delivery],
    )
    # Contact erasure joins whatever else runs on the privacy queue.
    erasure = ContactErasureActivities(session_maker, client, storage)
    privacy_workflows, privacy_activities = assignments.setdefault(queues.privacy, ([], []))
    privacy_workflows.append(ContactErasureWorkflow)
    privacy_activities.extend(
        [
            erasure.mark_erasure_running,
            erasure.mark_erasure_cancelled,
            erasure.contact_conversations,
            erasure.stop_contact_conversations,
            erasure.delete_contact_rows,
            erasure.delete_contact_histories,
            erasure.complete_erasure,
        ]
    )
    # Account and member deletion: pass the keyring the client's codec uses, so destroying a
    # data key also evicts it from this process's cache at once.
    deletion = AccountDeletionActivities(
        session_maker,
        storage,
        client,
        keyring,
        create_identity_provider(settings),
    )
    privacy_workflows, privacy_activities = assignments.setdefault(queues.privacy, ([], []))
    privacy_workflows.extend([AccountDeletionWorkflow, MemberDeletionWorkflow])
    privacy_activities.extend(
        [
            deletion.record_status,
            deletion.complete_receipt,
            deletion.identity_users,
            deletion.stop_workflows,
            deletion.purge_conversations,
            deletion.purge_files,
            deletion.purge_knowledge,
            deletion.purge_accounts,
            deletion.purge_histories,
            deletion.delete_identity_users,
            deletion.destroy_data_key,
            deletion.purge_member,
        ]
    )
    # Exports and the retention sweep run on the privacy queue too.
    exports = DataExportActivities(session_maker, storage)
    retention = RetentionActivities(
        session_maker,
        client,
        storage,
        erasures=ContactErasureStarter(session_maker, client, queues.privacy),
        webhook_log_retention_days=settings.webhook_log_retention_days,
    )
    privacy_workflows, privacy_activities = assignments.setdefault(queues.privacy, ([], []))
    privacy_workflows.extend([DataExportWorkflow, RetentionSweepWorkflow])
    privacy_activities.extend(
        [
            exports.start_export,
            exports.build_export,
            exports.complete_export,
            exports.expire_export,
            exports.fail_export,
            retention.retention_page,
            retention.sweep_organization,
        ]
    )
    if task_queue_override:
        workflows = [w for ws, _ in assignments.values() for w in ws]
        activities = [a for _, acts in assignments.values() for a in acts]
        assignments = {task_queue_override: (workflows, activities)}
    return [
        Worker(
            client,
            task_queue=queue,
            workflows=workflows,
            activities=activities,
            interceptors=interceptors,
            max_concurrent_activities=8,
            # prepare_document(s) runs as a local activity: as many at once as activities,
            # so their embeddings share model calls without crowding the machine. As many
            # workflow tasks: a task whose local activity waits for a slot past 8 s is
            # heartbeaten (three more history events, two more calls to Temporal).
            max_concurrent_local_activities=16 if queue == queues.ingestion else 100,
            max_concurrent_workflow_tasks=16 if queue == queues.ingestion else 100,
            deployment_config=deployment_config(
                settings,
                # Conversations live for days: each stays on the version that started it.
                pinned=queue in (queues.conversations, task_queue_override),
            ),
        )
        for queue, (workflows, activities) in assignments.items()
    ]


def deployment_config(settings: Settings, *, pinned: bool) -> WorkerDeploymentConfig | None:
    """Worker Versioning, when the release names its build (``worker_build_id``): the
    workers poll as one version of the ``worker_deployment_name`` deployment. On the
    conversations queue (``pinned``) a workflow stays on the version that started it until
    it continues as new (``ConversationWorkflow`` then asks for the current version); the
    other queues' workflows are short and move to the current version. Without a build id,
    no versioning (Temporal refuses versioning behaviours on unversioned workers)."""
    if not settings.worker_build_id:
        return None
    return WorkerDeploymentConfig(
        version=WorkerDeploymentVersion(
            deployment_name=settings.worker_deployment_name, build_id=settings.worker_build_id
        ),
        use_worker_versioning=True,
        default_versioning_behavior=(
            VersioningBehavior.PINNED if pinned else VersioningBehavior.AUTO_UPGRADE
        ),
    )


def _support_agent(
    settings: Settings, session_maker: SessionMaker, embedder: Embedder
) -> TurnRunner:
    """The LangGraph support agent: the LLM when configured, the extractive responder if not."""
    from agents.providers.llm import create_chat_model
    from agents.support.agent import SupportAgent

    return SupportAgent(Retriever(session_maker, embedder), create_chat_model(settings))


class SupportAgents:
    """The support agent for a simulation's setup: the worker's own (its k, search mode and
    chat model) unless the setup changes one of them. A model is only built when a key is
    configured; the API refuses a model candidate without one."""

    def __init__(self, settings: Settings, session_maker: SessionMaker, embedder: Embedder) -> None:
        self._settings = settings
        self._session_maker = session_maker
        self._embedder = embedder

    def __call__(self, setup: AgentSetup) -> TurnRunner:
        from agents.providers.llm import create_chat_model
        from agents.support.agent import SupportAgent
        from agents.support.context import DEFAULT_K

        settings = self._settings
        if setup.model is not None:
            settings = settings.model_copy(update={"llm_model": setup.model})
        chat_model = None if setup.responder is Responder.KEYLESS else create_chat_model(settings)
        if setup.responder is Responder.MODEL and chat_model is None:
            raise RuntimeError("no chat model is configured (OPENAI_API_KEY)")
        retriever = Retriever(
            self._session_maker, self._embedder, default_mode=setup.search_mode or SearchMode.VECTOR
        )
        return SupportAgent(retriever, chat_model, k=setup.k or DEFAULT_K)
