"""A write the API acknowledges is committed: the organization session commits before the
response is sent, and a commit that fails is answered as an error, never as done.

The commits here fail or stall at COMMIT itself, as a real database can: a deferred constraint
trigger, installed in this test's own database, runs only when the transaction commits."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from core.db import SessionMaker, org_session
from core.models import AuditLogEntry, KnowledgeDocument, Organization
from core.settings import Settings
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, session_token


async def _execute(maker: SessionMaker, *statements: str) -> None:
    async with maker() as session:
        connection = await session.connection()
        for statement in statements:
            await connection.execute(text(statement))
        await session.commit()


async def _refuse_at_commit(maker: SessionMaker, table: str, condition: str) -> None:
    """Every transaction that updates a row of ``table`` matching ``condition`` fails when it
    commits (not before: the trigger is deferred)."""
    await _execute(
        maker,
        """
        CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused at commit' USING ERRCODE = 'check_violation'; END $$
        """,
        f"""
        CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER UPDATE ON {table}
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({condition})
        EXECUTE FUNCTION refuse_at_commit()
        """,
    )


async def _slow_commit(maker: SessionMaker, table: str, condition: str, seconds: float) -> None:
    """Every transaction that updates a matching row of ``table`` takes ``seconds`` to commit."""
    await _execute(
        maker,
        f"""
        CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_sleep({seconds}); RETURN NULL; END $$
        """,
        f"""
        CREATE CONSTRAINT TRIGGER slow_commit AFTER UPDATE ON {table}
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({condition})
        EXECUTE FUNCTION slow_commit()
        """,
    )


async def test_an_organization_change_whose_commit_fails_is_answered_as_an_error(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id)
    headers = bearer(session_token(settings, owner))
    await _refuse_at_commit(session_maker, "organizations", "NEW.name = 'Doomed'")

    async with api.client() as client:
        renamed = await client.patch(
            f"/api/orgs/{organization.id}", json={"name": "Doomed"}, headers=headers
        )
        shown = await client.get(f"/api/orgs/{organization.id}", headers=headers)
        assert renamed.status_code == 409, renamed.text
        assert "could not be saved" in renamed.json()["detail"]
        assert shown.json()["name"] == "Lumen"

        # The same route still commits what it acknowledges.
        fine = await client.patch(
            f"/api/orgs/{organization.id}", json={"name": "Lumen & Co"}, headers=headers
        )
        assert fine.status_code == 200, fine.text
    async with org_session(session_maker, organization.id) as session:
        stored = await session.get(Organization, organization.id)
        audited = (await session.exec(select(AuditLogEntry.action))).all()
    assert stored is not None
    assert stored.name == "Lumen & Co"
    assert audited == ["organization.updated"], "the failed change left no audit entry"


async def test_a_revoked_api_key_is_refused_as_soon_as_the_revoke_answers(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id)
    headers = bearer(session_token(settings, owner))
    # Revoking takes a second to commit: a response sent before the commit would be early.
    await _slow_commit(session_maker, "api_keys", "NEW.revoked_at IS NOT NULL", 1.0)

    async with api.client() as client:
        created = await client.post(
            f"/api/orgs/{organization.id}/api-keys", json={"name": "ci"}, headers=headers
        )
        assert created.status_code == 201, created.text
        key = bearer(created.json()["secret"])
        assert (await client.get(f"/api/orgs/{organization.id}", headers=key)).status_code == 200

        revoked = await client.delete(
            f"/api/orgs/{organization.id}/api-keys/{created.json()['id']}", headers=headers
        )
        assert revoked.status_code == 204, revoked.text
        used = await client.get(f"/api/orgs/{organization.id}", headers=key)
        assert used.status_code == 401, "the key kept working after its revoke was answered"


async def test_an_upload_whose_row_cannot_be_committed_leaves_no_file_behind(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    """The file is written before its row (a row never points at a missing file); when the
    row's commit then fails, the file is deleted again: nothing is half-written."""
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id)
    headers = bearer(session_token(settings, owner))
    await _execute(
        session_maker,
        """
        CREATE FUNCTION refuse_document() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused at commit' USING ERRCODE = 'check_violation'; END $$
        """,
        """
        CREATE CONSTRAINT TRIGGER refuse_document AFTER INSERT ON knowledge_documents
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.filename = 'doomed.txt')
        EXECUTE FUNCTION refuse_document()
        """,
    )
    upload = f"/api/orgs/{organization.id}/knowledge/documents"
    async with api.client() as client:
        refused = await client.post(
            upload, files={"file": ("doomed.txt", b"Never kept.", "text/plain")}, headers=headers
        )
        kept = await client.post(
            upload, files={"file": ("kept.txt", b"Kept.", "text/plain")}, headers=headers
        )
    assert refused.status_code == 409, refused.text
    assert kept.status_code in {201, 202}, kept.text
    stored = sorted(path.name for path in settings.storage_dir.rglob("*.txt"))
    assert stored == ["kept.txt"]
    async with org_session(session_maker, organization.id) as session:
        documents = (await session.exec(select(KnowledgeDocument.filename))).all()
    assert documents == ["kept.txt"]
