"""Retention activities: apply each organization's retention settings.

Raw IP addresses of widget events older than ``ip_retention_days`` are set to NULL; when
``conversation_retention_days`` is set, conversations whose last activity is older are deleted
(their messages, events, calls and widget events cascade) together with every run of their
Temporal workflow (running ones are terminated by the deletion) and their calls' recordings.
The webhook delivery log is kept ``webhook_log_retention_days`` (a platform setting): older
deliveries are deleted, then the outbox events (the stored payloads) older than that which
were dispatched and have no delivery left (a recent replay keeps its event); and a rotated
webhook secret whose overlap is over is forgotten.
Work goes in batches with a heartbeat after each, and every step is idempotent: a retry finds
less to do, a history or a recording already gone is skipped.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import ValidationError
from sqlalchemy import delete, exists, func, update
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar
from temporalio import activity
from temporalio.client import Client

from activities.contact_erasure import ContactErasureStarter
from core.db import SessionMaker, org_session, platform_session
from core.ids import conversation_workflow_id
from core.logging import get_logger
from core.models import (
    Call,
    Conversation,
    Organization,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WidgetEvent,
)
from core.privacy_settings import PrivacySettings
from core.storage import FileStorage, recording_key
from core.temporal import delete_workflow_run, workflow_runs

log = get_logger(__name__)

ORGANIZATIONS_PER_PAGE = 100
IP_BATCH = 5000
CONVERSATION_BATCH = 100
WEBHOOK_BATCH = 5000
WEBHOOK_LOG_RETENTION_DAYS = 30


@dataclass
class OrganizationsPage:
    after: uuid.UUID | None = None
    limit: int = ORGANIZATIONS_PER_PAGE


@dataclass
class OrganizationRetention:
    org_id: uuid.UUID
    ip_retention_days: int
    conversation_retention_days: int | None


@dataclass
class RetentionPage:
    organizations: list[OrganizationRetention]
    next_after: uuid.UUID | None  # None: this was the last page


@dataclass
class SweepOrganization:
    retention: OrganizationRetention
    as_of: datetime  # the sweep's clock, one for every organization of a run


@dataclass
class SweepCounts:
    ips_removed: int = 0
    conversations_deleted: int = 0
    histories_deleted: int = 0
    erasures_resumed: int = 0
    recordings_deleted: int = 0
    webhook_deliveries_deleted: int = 0
    webhook_events_deleted: int = 0
    webhook_secrets_forgotten: int = 0


def last_activity() -> object:
    """When a conversation was last touched: its last message, a status change, its start.
    GREATEST skips NULLs in PostgreSQL."""
    return func.greatest(
        col(Conversation.created_at),
        col(Conversation.updated_at),
        col(Conversation.last_message_at),
    )


# An erasure request this old whose workflow is missing (or failed) is started again.
STALLED_ERASURE_AGE = timedelta(minutes=10)


class RetentionActivities:
    def __init__(
        self,
        session_maker: SessionMaker,
        temporal: Client,
        storage: FileStorage,
        ip_batch: int = IP_BATCH,
        conversation_batch: int = CONVERSATION_BATCH,
        erasures: ContactErasureStarter | None = None,
        webhook_log_retention_days: int = WEBHOOK_LOG_RETENTION_DAYS,
        webhook_batch: int = WEBHOOK_BATCH,
    ) -> None:
        self._session_maker = session_maker
        self._temporal = temporal
        self._storage = storage
        # Restarts contact erasures left without their workflow (a crash between the
        # request's row and its start): the daily sweep is their safety net.
        self._erasures = erasures
        self._ip_batch = ip_batch
        self._conversation_batch = conversation_batch
        self._webhook_log_retention = timedelta(days=webhook_log_retention_days)
        self._webhook_batch = webhook_batch

    @activity.defn
    async def retention_page(self, page: OrganizationsPage) -> RetentionPage:
        """The next organizations (by id) and their retention settings."""
        async with platform_session(self._session_maker) as session:
            statement = select(col(Organization.id), col(Organization.settings))
            if page.after is not None:
                statement = statement.where(col(Organization.id) > page.after)
            rows = (
                await session.exec(statement.order_by(col(Organization.id)).limit(page.limit))
            ).all()
        organizations = [_retention_of(org_id, settings) for org_id, settings in rows]
        next_after = rows[-1][0] if len(rows) == page.limit else None
        return RetentionPage(organizations=organizations, next_after=next_after)

    @activity.defn
    async def sweep_organization(self, sweep: SweepOrganization) -> SweepCounts:
        retention = sweep.retention
        counts = SweepCounts()
        counts.ips_removed = await self._remove_ips(
            retention.org_id, sweep.as_of - timedelta(days=retention.ip_retention_days)
        )
        if retention.conversation_retention_days is not None:
            cutoff = sweep.as_of - timedelta(days=retention.conversation_retention_days)
            deleted, histories, recordings = await self._delete_conversations(
                retention.org_id, cutoff
            )
            counts.conversations_deleted = deleted
            counts.histories_deleted = histories
            counts.recordings_deleted = recordings
        if self._erasures is not None:
            counts.erasures_resumed = await self._erasures.resume_stalled(
                retention.org_id, requested_before=sweep.as_of - STALLED_ERASURE_AGE
            )
        webhook_cutoff = sweep.as_of - self._webhook_log_retention
        counts.webhook_deliveries_deleted = await self._delete_webhook_deliveries(
            retention.org_id, webhook_cutoff
        )
        counts.webhook_events_deleted = await self._delete_webhook_events(
            retention.org_id, webhook_cutoff
        )
        counts.webhook_secrets_forgotten = await self._forget_replaced_secrets(
            retention.org_id, sweep.as_of
        )
        if any(dataclasses.astuple(counts)):
            log.info(
                "retention applied", org_id=str(retention.org_id), **dataclasses.asdict(counts)
            )
        return counts

    async def _remove_ips(self, org_id: uuid.UUID, cutoff: datetime) -> int:
        removed = 0
        while True:
            async with org_session(self._session_maker, org_id) as session:
                batch = (
                    select(col(WidgetEvent.id))
                    .where(
                        col(WidgetEvent.ip_address).is_not(None),
                        col(WidgetEvent.created_at) < cutoff,
                    )
                    .limit(self._ip_batch)
                )
                result = await session.exec(
                    update(WidgetEvent)
                    .where(col(WidgetEvent.id).in_(batch.scalar_subquery()))
                    .values(ip_address=None)
                    .execution_options(synchronize_session=False)
                )
                changed: int = result.rowcount
            removed += changed
            activity.heartbeat(f"ips:{removed}")
            if changed < self._ip_batch:
                return removed

    async def _delete_webhook_deliveries(self, org_id: uuid.UUID, cutoff: datetime) -> int:
        """Delivery log entries created before the cutoff (retention is longer than the
        delivery window, so their workflows are over)."""
        return await self._delete_in_batches(
            org_id,
            WebhookDelivery,
            select(col(WebhookDelivery.id)).where(col(WebhookDelivery.created_at) < cutoff),
            "webhook_deliveries",
        )

    async def _delete_webhook_events(self, org_id: uuid.UUID, cutoff: datetime) -> int:
        """Outbox events before the cutoff, dispatched, with no delivery left (an event not
        yet dispatched still has to go out)."""
        return await self._delete_in_batches(
            org_id,
            WebhookEvent,
            select(col(WebhookEvent.id)).where(
                col(WebhookEvent.created_at) < cutoff,
                col(WebhookEvent.dispatched_at).is_not(None),
                ~exists().where(col(WebhookDelivery.event_id) == col(WebhookEvent.id)),
            ),
            "webhook_events",
        )

    async def _forget_replaced_secrets(self, org_id: uuid.UUID, as_of: datetime) -> int:
        """Rotated secrets past their overlap (they sign nothing any more)."""
        async with org_session(self._session_maker, org_id) as session:
            result = await session.exec(
                update(WebhookEndpoint)
                .where(col(WebhookEndpoint.previous_secret_expires_at) <= as_of)
                .values(
                    previous_sealed_secret=None,
                    previous_key_id=None,
                    previous_secret_expires_at=None,
                )
                .execution_options(synchronize_session=False)
            )
            forgotten: int = result.rowcount
        return forgotten

    async def _delete_in_batches(
        self,
        org_id: uuid.UUID,
        model: type[WebhookDelivery | WebhookEvent],
        ids: SelectOfScalar[uuid.UUID],
        name: str,
    ) -> int:
        deleted = 0
        while True:
            async with org_session(self._session_maker, org_id) as session:
                result = await session.exec(
                    delete(model)
                    .where(col(model.id).in_(ids.limit(self._webhook_batch).scalar_subquery()))
                    .execution_options(synchronize_session=False)
                )
                changed: int = result.rowcount
            deleted += changed
            activity.heartbeat(f"{name}:{deleted}")
            if changed < self._webhook_batch:
                return deleted

    async def _delete_conversations(
        self, org_id: uuid.UUID, cutoff: datetime
    ) -> tuple[int, int, int]:
        """Histories first, then recordings, then rows: a workflow terminated by its deletion
        cannot write into a conversation that is already gone, and no recording is left
        behind by a row that is (a retry finds the rows and deletes their files again).
        Returns conversations, histories and recordings deleted."""
        deleted = histories = recordings = 0
        while True:
            async with org_session(self._session_maker, org_id) as session:
                ids = list(
                    (
                        await session.exec(
                            select(col(Conversation.id))
                            .where(last_activity() < cutoff)  # type: ignore[operator]  # SQL expression
                            .order_by(col(Conversation.id))
                            .limit(self._conversation_batch)
                        )
                    ).all()
                )
            if not ids:
                return deleted, histories, recordings
            for conversation_id in ids:
                histories += await self._delete_histories(
                    conversation_workflow_id(org_id, conversation_id)
                )
                activity.heartbeat(f"conversations:{deleted}")
            recordings += await self._delete_recordings(org_id, ids)
            async with org_session(self._session_maker, org_id) as session:
                result = await session.exec(
                    delete(Conversation)
                    .where(col(Conversation.id).in_(ids))
                    .execution_options(synchronize_session=False)
                )
                deleted += result.rowcount
            activity.heartbeat(f"conversations:{deleted}")
            if len(ids) < self._conversation_batch:
                return deleted, histories, recordings

    async def _delete_recordings(self, org_id: uuid.UUID, conversation_ids: list[uuid.UUID]) -> int:
        """The recordings of the conversations' calls: every call's key (a recording saved
        as the call ended, before its flag, goes too); those marked recorded are counted."""
        async with org_session(self._session_maker, org_id) as session:
            calls = (
                await session.exec(
                    select(col(Call.id), col(Call.recorded)).where(
                        col(Call.conversation_id).in_(conversation_ids)
                    )
                )
            ).all()
        for call_id, _ in calls:
            await self._storage.delete(recording_key(org_id, call_id))
        return sum(1 for _, recorded in calls if recorded)

    async def _delete_histories(self, workflow_id: str) -> int:
        """Every run of the workflow (a conversation continues-as-new); a run already deleted
        is not an error."""
        deleted = 0
        for run_id in await workflow_runs(self._temporal, workflow_id) or [""]:
            if await delete_workflow_run(self._temporal, workflow_id, run_id):
                deleted += 1
        return deleted


def _retention_of(org_id: uuid.UUID, settings: dict[str, object]) -> OrganizationRetention:
    try:
        privacy = PrivacySettings.of(settings)
    except ValidationError:
        # Stored settings the model no longer accepts: the defaults (IPs go after 30 days,
        # conversations are kept) rather than no retention at all.
        log.warning("invalid privacy settings; applying defaults", org_id=str(org_id))
        privacy = PrivacySettings()
    return OrganizationRetention(
        org_id=org_id,
        ip_retention_days=privacy.ip_retention_days,
        conversation_retention_days=privacy.conversation_retention_days,
    )
