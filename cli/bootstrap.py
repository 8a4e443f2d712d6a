"""What `perceptron up` does between starting the servers and starting the worker and API."""

from __future__ import annotations

import uuid
from datetime import timedelta

from cli.migrate import upgrade
from core.db import SessionMaker, create_engine, create_session_maker
from core.logging import get_logger
from core.payload_codec import create_keyring
from core.settings import AuthMode, Settings
from core.storage import create_storage
from core.temporal import connect_temporal, connect_temporal_admin, ensure_namespace
from services.accounts import bootstrap_default_organization, create_sign_in_link
from services.demo import demo_articles
from services.knowledge import KnowledgeBase, Upload

log = get_logger(__name__)


async def prepare_namespace(settings: Settings) -> None:
    """The namespace, its retention and search attributes: before any worker polls it."""
    client = await connect_temporal_admin(settings, starting_timeout=30.0)
    await ensure_namespace(client, settings.temporal, settings.resolved_namespace)
    from services.retention import prepare_retention_schedule  # the daily retention sweep

    await prepare_retention_schedule(settings)


async def prepare_database(settings: Settings) -> str | None:
    """Migrate, and create the default organization and owner on first run.

    Returns a fresh one-time sign-in token for the owner in local auth mode.
    """
    applied = upgrade(settings.resolved_database_url)
    if applied:
        log.info("migrations applied", revisions=applied)
    engine = create_engine(settings.resolved_database_url, pool_size=2)
    try:
        maker = create_session_maker(engine)
        bootstrap = await bootstrap_default_organization(maker)
        if bootstrap.created:
            log.info("default organization created", org_id=str(bootstrap.org_id))
            if settings.seed_demo and settings.is_local:
                await seed_demo_knowledge(settings, maker, bootstrap.org_id)
        if settings.effective_auth_mode is not AuthMode.LOCAL:
            return None
        return await create_sign_in_link(
            maker,
            bootstrap.org_id,
            bootstrap.owner_id,
            timedelta(minutes=settings.sign_in_link_ttl_minutes),
        )
    finally:
        await engine.dispose()


async def seed_demo_knowledge(settings: Settings, maker: SessionMaker, org_id: uuid.UUID) -> None:
    """The demo shop's help center, so the widget on the demo page answers out of the box."""
    temporal = await connect_temporal(settings, create_keyring(settings, maker))
    knowledge = KnowledgeBase(maker, create_storage(settings), temporal, settings)
    await knowledge.add_files(
        org_id,
        [Upload(path.name, "text/markdown", path.read_bytes()) for path in demo_articles()],
    )
    log.info("demo knowledge base seeded", documents=len(demo_articles()))


async def run_system_check(settings: Settings, execution_timeout: timedelta) -> None:
    from workflows.system_check import SystemCheckInput, SystemCheckWorkflow

    # The check's workflow id carries no organization: its payloads use the platform key, so
    # the keyring never reads the database here.
    engine = create_engine(settings.resolved_database_url, pool_size=1)
    try:
        client = await connect_temporal(
            settings, create_keyring(settings, create_session_maker(engine))
        )
        result = await client.execute_workflow(
            SystemCheckWorkflow.run,
            SystemCheckInput(requested_by="perceptron up"),
            id=f"system-check-{uuid.uuid4()}",
            task_queue=settings.temporal.task_queues.system,
            execution_timeout=execution_timeout,
        )
    finally:
        await engine.dispose()
    log.info(
        "system check passed",
        postgres=result.database.server_version,
        pgvector=result.database.pgvector_version,
        schema=result.database.schema_revision,
    )
