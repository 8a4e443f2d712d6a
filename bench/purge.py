"""`purge`: how long the account deletion takes to purge a large organization.

Two identical organizations are seeded with SQL (10k conversations, 100k messages, 20k
embedded chunks by default, plus contacts, conversation events, widget events, documents with
their stored files, and audit entries). Baseline, measured in the same run: the bare
``DELETE FROM organizations`` of the first one, with PostgreSQL's cascades doing all the work
in one transaction, and its file folder removed. Measured: the real AccountDeletionWorkflow
(grace period zero) purging the second one store by store, in batches, through the real
workers, until its receipt says completed. Their ratio is what durable, resumable,
receipted deletion costs over the cheapest possible delete.
"""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import text

from bench.framework import BenchResult, Metric, Options
from bench.stack import Stack, cpu_seconds, load_average, running_stack
from core.db import org_session, platform_session
from core.models import DeletionReceipt, DeletionStatus, Organization, Role
from core.storage import document_key
from services.account_deletion import AccountDeletions
from services.accounts import Principal

NAME = "purge"
DEFAULT_CONVERSATIONS = 10_000
MESSAGES_PER_CONVERSATION = 10
CHUNKS_PER_CONVERSATIONS = 2  # 20k chunks for 10k conversations
CHUNKS_PER_DOCUMENT = 20


@dataclass(frozen=True)
class Size:
    conversations: int

    @property
    def contacts(self) -> int:
        return max(1, self.conversations // 2)

    @property
    def messages(self) -> int:
        return self.conversations * MESSAGES_PER_CONVERSATION

    @property
    def chunks(self) -> int:
        return self.conversations * CHUNKS_PER_CONVERSATIONS

    @property
    def documents(self) -> int:
        return max(1, self.chunks // CHUNKS_PER_DOCUMENT)


# Each statement fills one table for :org; ids are random, so both organizations' rows
# interleave in the indexes as real data would.
SEED = [
    """INSERT INTO contacts (org_id, id, name, email, verified, created_at, updated_at)
       SELECT :org, gen_random_uuid(), 'Contact ' || n, 'contact' || n || '@example.test',
              false, now(), now()
       FROM generate_series(1, :contacts) AS n""",
    """INSERT INTO conversations (org_id, id, contact_id, channel, status, needs_human,
                                  created_at, updated_at, last_message_at)
       SELECT :org, gen_random_uuid(), c.id, 'chat', 'resolved', false, now(), now(), now()
       FROM (SELECT id FROM contacts WHERE org_id = :org) AS c
       CROSS JOIN generate_series(1, 2)""",
    """INSERT INTO messages (org_id, id, conversation_id, role, content, status, citations,
                             trail, created_at)
       SELECT :org, gen_random_uuid(), c.id,
              CASE WHEN n % 2 = 1 THEN 'visitor' ELSE 'assistant' END,
              'How do I reset the lamp? Message ' || n || ' of a long enough conversation.',
              'complete', '[]'::jsonb, '{}'::jsonb, now()
       FROM (SELECT id FROM conversations WHERE org_id = :org) AS c
       CROSS JOIN generate_series(1, :per_conversation) AS n""",
    """INSERT INTO conversation_events (org_id, conversation_id, type, data, created_at)
       SELECT :org, c.id, 'message.done', '{"text": "an answer"}'::jsonb, now()
       FROM (SELECT id FROM conversations WHERE org_id = :org) AS c
       CROSS JOIN generate_series(1, 5)""",
    """INSERT INTO widget_events (org_id, id, contact_id, type, page_url, ip_address, created_at)
       SELECT :org, gen_random_uuid(), c.id, 'page_view', 'https://shop.example/p',
              '203.0.113.7', now()
       FROM (SELECT id FROM contacts WHERE org_id = :org) AS c
       CROSS JOIN generate_series(1, 4)""",
    """INSERT INTO knowledge_documents (org_id, id, title, source_type, status, chunk_count,
                                        chunks_embedded, storage_key, created_at, updated_at)
       SELECT :org, gen_random_uuid(), 'Article ' || n, 'file', 'ready', :per_document,
              :per_document, NULL, now(), now()
       FROM generate_series(1, :documents) AS n""",
    """INSERT INTO knowledge_chunks (org_id, id, document_id, ordinal, content, title, section,
                                     token_count, embedding, embedding_model,
                                     embedding_dimensions, created_at)
       SELECT :org, gen_random_uuid(), d.id, n, 'Chunk ' || n || ' of ' || d.title, d.title,
              '', 12,
              (SELECT array_agg(random() - 0.5 + g.i * 0 + n * 0 + length(d.title) * 0)
               FROM generate_series(1, 384) AS g(i))::vector,
              'bench', 384, now()
       FROM (SELECT id, title FROM knowledge_documents WHERE org_id = :org) AS d
       CROSS JOIN generate_series(1, :per_document) AS n""",
    """INSERT INTO audit_log (org_id, id, action, details, created_at)
       SELECT :org, gen_random_uuid(), 'conversation.transcript_read', '{}'::jsonb, now()
       FROM generate_series(1, 1000)""",
]


async def seed(stack: Stack, org_id: uuid.UUID, size: Size) -> int:
    """Fill one organization; returns the rows written."""
    parameters = {
        "org": org_id,
        "contacts": size.contacts,
        "per_conversation": MESSAGES_PER_CONVERSATION,
        "documents": size.documents,
        "per_document": CHUNKS_PER_DOCUMENT,
    }
    rows = 0
    async with platform_session(stack.session_maker) as session:
        for statement in SEED:
            result = await session.execute(text(statement), parameters)
            rows += int(getattr(result, "rowcount", 0) or 0)
        documents = (
            await session.execute(
                text("SELECT id FROM knowledge_documents WHERE org_id = :org"), {"org": org_id}
            )
        ).scalars()
        keys = [(document, document_key(org_id, document, "article.md")) for document in documents]
        for document, key in keys:
            await session.execute(
                text("UPDATE knowledge_documents SET storage_key = :key WHERE id = :id"),
                {"key": key, "id": document},
            )
    storage = stack.storage
    for _, key in keys:
        await storage.put(key, b"# Article\n\nA stored source file of the knowledge base.\n")
    return rows + len(keys)


async def cascade_delete(stack: Stack, org_id: uuid.UUID) -> float:
    """The cheapest delete there is: one statement, the cascades, the file folder."""
    started = time.perf_counter()
    async with platform_session(stack.session_maker) as session:
        await session.execute(text("DELETE FROM organizations WHERE id = :org"), {"org": org_id})
    await asyncio.to_thread(
        shutil.rmtree, stack.settings.storage_dir / str(org_id), ignore_errors=True
    )
    return time.perf_counter() - started


async def delete_organization(stack: Stack, org_id: uuid.UUID) -> DeletionReceipt:
    """Request the deletion as the owner would (grace period zero) and wait for the receipt."""
    async with org_session(stack.session_maker, org_id) as session:
        organization = await session.get(Organization, org_id)
        assert organization is not None
        organization.settings = {**organization.settings, "privacy": {"deletion_grace_days": 0}}
        session.add(organization)
    deletions = AccountDeletions(stack.session_maker, stack.temporal, stack.settings)
    requested = await deletions.request(Principal(org_id=org_id, role=Role.OWNER))
    assert requested.receipt_token is not None
    while True:
        receipt = await deletions.receipt(requested.receipt_token)
        if receipt.status in {
            DeletionStatus.COMPLETED,
            DeletionStatus.CANCELLED,
            DeletionStatus.FAILED,
        }:
            return receipt
        await asyncio.sleep(0.2)


async def measure(size: Size) -> BenchResult:
    async with running_stack() as stack:
        baseline_org = await stack.create_organization("Purge baseline")
        purged_org = await stack.create_organization("Purge measured")
        seeding = time.perf_counter()
        rows = await seed(stack, baseline_org, size)
        await seed(stack, purged_org, size)
        async with platform_session(stack.session_maker) as session:
            await session.execute(text("ANALYZE"))
        print(f"   seeded 2 x {rows} rows in {time.perf_counter() - seeding:.1f}s", flush=True)

        baseline_s = await cascade_delete(stack, baseline_org)
        print(f"   cascade delete: {baseline_s:.1f}s", flush=True)

        load_before = load_average()
        cpu_started = cpu_seconds()
        started = time.perf_counter()
        receipt = await delete_organization(stack, purged_org)
        purge_s = time.perf_counter() - started
        purge_cpu = cpu_seconds() - cpu_started
        if receipt.status is not DeletionStatus.COMPLETED:
            raise RuntimeError(f"the deletion ended {receipt.status.value}")
        print(
            f"   workflow purge: {purge_s:.1f}s ({purge_cpu:.0f} CPU s, "
            f"load {load_before:.1f} -> {load_average():.1f})",
            flush=True,
        )
    return BenchResult(
        name=NAME,
        metrics=[
            Metric("cascade_delete_s", baseline_s, "s"),
            Metric("workflow_purge_s", purge_s, "s", baseline="cascade_delete_s"),
            Metric("rows_per_s", rows / purge_s, "rows/s"),
            Metric("workflow_purge_cpu_s", purge_cpu, "s"),
        ],
        parameters={
            "conversations": size.conversations,
            "messages": size.messages,
            "chunks": size.chunks,
            "documents": size.documents,
            "contacts": size.contacts,
            "rows": rows,
            "receipt": str(receipt.deleted),
            "load_average_before": round(load_before, 2),
        },
    )


def run(options: Options) -> BenchResult:
    conversations = DEFAULT_CONVERSATIONS
    if options.limit is not None:
        conversations = options.limit
    return asyncio.run(measure(Size(conversations)))
