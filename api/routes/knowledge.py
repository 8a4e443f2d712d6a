"""The knowledge base: upload, import from the web, list with progress, delete, re-ingest,
follow websites (list, sync now, remove), search, and "try it" (what the assistant would
answer, without a conversation)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.types import Message

from agents.knowledge.retrieval import SearchMode
from agents.support.turn import Decision
from api.deps import OrgAdmin, OrgMember, StateDep, get_state
from api.paging import Offset, PageSize
from api.responses import errors
from api.state import AppState
from core.db import org_session
from core.models import DocumentStatus, KnowledgeDocument, KnowledgeSource, SourceKind
from core.settings import Settings
from services.accounts import Principal, audit_entry
from services.knowledge import KnowledgeBase, SourceSummary

MULTIPART_ALLOWANCE = 64 * 1024  # the form's boundaries and headers around the file


def _too_large(settings: Settings) -> HTTPException:
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE,
        detail=f"the file is larger than the {settings.max_upload_mb} MB limit",
    )


class UploadLimitRoute(APIRoute):
    """Refuses a body over the upload limit while it arrives: at once from its
    Content-Length, or as soon as a chunked body passes the limit, before the form is
    parsed or spooled to disk."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def limited(request: Request) -> Response:
            settings = get_state(request).settings
            allowed = settings.max_upload_bytes + MULTIPART_ALLOWANCE
            declared = request.headers.get("content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > allowed):
                raise _too_large(settings)
            receive = request.receive
            received = 0

            async def counted() -> Message:
                nonlocal received
                message = await receive()
                received += len(message.get("body", b""))
                if received > allowed:
                    raise _too_large(settings)
                return message

            return await handle(Request(request.scope, counted))

        return limited


router = APIRouter(
    prefix="/api/orgs/{org_id}/knowledge",
    tags=["knowledge"],
    route_class=UploadLimitRoute,
    responses=errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
)


class Progress(BaseModel):
    stage: str
    done: int
    total: int


class DocumentPublic(BaseModel):
    id: uuid.UUID
    title: str
    source_type: SourceKind
    source_url: str | None
    source_id: uuid.UUID | None
    filename: str | None
    content_type: str | None
    size_bytes: int | None
    status: DocumentStatus
    failure_reason: str | None
    chunk_count: int
    embedding_model: str | None
    created_at: datetime
    updated_at: datetime
    ingested_at: datetime | None
    progress: Progress
    duplicate: bool = False


class DocumentPage(BaseModel):
    items: list[DocumentPublic]
    total: int


class ImportRequest(BaseModel):
    url: str = Field(min_length=4, max_length=2000)
    kind: SourceKind = Field(default=SourceKind.URL, description="url, website or sitemap")
    max_pages: int | None = Field(default=None, ge=1, le=5000)


class SourcePublic(BaseModel):
    id: uuid.UUID
    kind: SourceKind
    url: str
    max_pages: int
    last_synced_at: datetime | None
    last_error: str | None


class SourceWithCounts(SourcePublic):
    """A followed website or sitemap, its sync rhythm and its pages counted by status."""

    created_at: datetime
    sync_interval_hours: int
    pages: int
    ready: int
    failed: int
    in_progress: int


class SearchRequest(BaseModel):
    query: str = Field(min_length=1, max_length=2000)
    k: int = Field(default=5, ge=1, le=50)
    mode: SearchMode | None = None


class SearchHit(BaseModel):
    chunk_id: uuid.UUID
    document_id: uuid.UUID
    title: str
    section: str
    content: str
    source_url: str | None
    score: float
    rank: int


class TryRequest(BaseModel):
    question: str = Field(min_length=1, max_length=4000)


class TryCitation(BaseModel):
    number: int
    chunk_id: uuid.UUID
    document_id: uuid.UUID
    title: str
    section: str
    source_url: str | None


class TryPassage(SearchHit):
    cited: bool


class TryResult(BaseModel):
    decision: Decision = Field(description="answer, clarify or handoff")
    reason: str
    answer: str = Field(description="what the visitor would be sent")
    citations: list[TryCitation]
    passages: list[TryPassage]
    model: str


def knowledge_base(state: StateDep) -> KnowledgeBase:
    return KnowledgeBase(state.session_maker, state.storage, state.temporal, state.settings)


KnowledgeDep = Annotated[KnowledgeBase, Depends(knowledge_base)]


async def _public(
    knowledge: KnowledgeBase, document: KnowledgeDocument, duplicate: bool = False
) -> DocumentPublic:
    progress = await knowledge.progress(document)
    return DocumentPublic.model_validate(
        {
            **document.model_dump(),
            "progress": Progress(stage=progress.stage, done=progress.done, total=progress.total),
            "duplicate": duplicate,
        }
    )


async def _audit(state: AppState, principal: Principal, action: str, target: uuid.UUID) -> None:
    async with org_session(state.session_maker, principal.org_id) as session:
        session.add(audit_entry(principal, action, "knowledge_document", target))


@router.post("/documents", status_code=status.HTTP_202_ACCEPTED)
async def upload_document(
    principal: OrgAdmin,
    knowledge: KnowledgeDep,
    state: StateDep,
    file: Annotated[UploadFile, File(description="PDF, TXT, Markdown, HTML, DOCX or CSV")],
) -> JSONResponse:
    data = await file.read(state.settings.max_upload_bytes + 1)
    added = await knowledge.add_file(
        principal.org_id, file.filename or "document", file.content_type, data
    )
    if not added.duplicate:
        await _audit(state, principal, "knowledge.document_uploaded", added.document.id)
    body = await _public(knowledge, added.document, duplicate=added.duplicate)
    return JSONResponse(
        body.model_dump(mode="json"),
        status_code=status.HTTP_200_OK if added.duplicate else status.HTTP_202_ACCEPTED,
    )


@router.post("/imports", status_code=status.HTTP_202_ACCEPTED)
async def import_from_web(
    body: ImportRequest, principal: OrgAdmin, knowledge: KnowledgeDep, state: StateDep
) -> DocumentPublic | SourcePublic:
    created = await knowledge.import_url(principal.org_id, body.url, body.kind, body.max_pages)
    await _audit(state, principal, f"knowledge.{body.kind.value}_imported", created.id)
    if isinstance(created, KnowledgeSource):
        return SourcePublic.model_validate(created, from_attributes=True)
    return await _public(knowledge, created)


@router.get("/documents")
async def list_documents(
    principal: OrgMember,
    knowledge: KnowledgeDep,
    status_filter: Annotated[DocumentStatus | None, Query(alias="status")] = None,
    limit: PageSize = 50,
    offset: Offset = 0,
) -> DocumentPage:
    documents, total = await knowledge.list_documents(
        principal.org_id, status_filter, limit, offset
    )
    return DocumentPage(
        items=[await _public(knowledge, document) for document in documents], total=total
    )


@router.get("/documents/{document_id}")
async def get_document(
    document_id: uuid.UUID, principal: OrgMember, knowledge: KnowledgeDep
) -> DocumentPublic:
    document = await knowledge.get_document(principal.org_id, document_id)
    return await _public(knowledge, document)


@router.delete("/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_document(
    document_id: uuid.UUID, principal: OrgAdmin, knowledge: KnowledgeDep, state: StateDep
) -> None:
    await knowledge.delete_document(principal.org_id, document_id)
    await _audit(state, principal, "knowledge.document_deleted", document_id)


@router.post("/documents/{document_id}/reingest", status_code=status.HTTP_202_ACCEPTED)
async def reingest_document(
    document_id: uuid.UUID, principal: OrgAdmin, knowledge: KnowledgeDep
) -> DocumentPublic:
    document = await knowledge.reingest(principal.org_id, document_id)
    return await _public(knowledge, document)


def _source_with_counts(summary: SourceSummary) -> SourceWithCounts:
    source = summary.source
    return SourceWithCounts(
        id=source.id,
        kind=source.kind,
        url=source.url,
        max_pages=source.max_pages,
        last_synced_at=source.last_synced_at,
        last_error=source.last_error,
        created_at=source.created_at,
        sync_interval_hours=summary.sync_interval_hours,
        pages=summary.pages,
        ready=summary.ready,
        failed=summary.failed,
        in_progress=summary.in_progress,
    )


@router.get("/sources")
async def list_sources(principal: OrgMember, knowledge: KnowledgeDep) -> list[SourceWithCounts]:
    return [
        _source_with_counts(summary) for summary in await knowledge.list_sources(principal.org_id)
    ]


@router.post("/sources/{source_id}/sync", status_code=status.HTTP_202_ACCEPTED)
async def sync_source_now(
    source_id: uuid.UUID, principal: OrgAdmin, knowledge: KnowledgeDep
) -> None:
    """Re-read the website or sitemap now, without waiting for its schedule."""
    await knowledge.sync_source_now(principal.org_id, source_id)


@router.delete("/sources/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_source(source_id: uuid.UUID, principal: OrgAdmin, knowledge: KnowledgeDep) -> None:
    await knowledge.delete_source(principal.org_id, source_id)


class ReembedStarted(BaseModel):
    workflow_id: str


@router.post("/reembed", status_code=status.HTTP_202_ACCEPTED)
async def reembed_knowledge(principal: OrgAdmin, knowledge: KnowledgeDep) -> ReembedStarted:
    """After a change of embedding model: re-embed what the old model embedded."""
    return ReembedStarted(workflow_id=await knowledge.reembed(principal.org_id))


@router.post("/search")
async def search(body: SearchRequest, principal: OrgMember, state: StateDep) -> list[SearchHit]:
    passages = await state.retriever.search(principal.org_id, body.query, body.k, body.mode)
    return [SearchHit.model_validate(passage, from_attributes=True) for passage in passages]


@router.post("/try")
async def try_question(body: TryRequest, principal: OrgMember, state: StateDep) -> TryResult:
    """What the assistant would answer to ``question``: the passages retrieved, the answer with
    its citations and the decision (answer, clarify or hand off) and why. The conversation
    turn's own answer path, but nothing is stored: no conversation, no message."""
    key = f"{principal.org_id}:{principal.member_id or principal.api_key_id}"
    wait = await state.trial_limiter.check(key)
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="too many questions: wait a moment",
            headers={"Retry-After": str(wait)},
        )
    trial = await state.knowledge_trial.ask(principal.org_id, body.question)
    cited = {citation.chunk_id for citation in trial.citations}
    return TryResult(
        decision=trial.decision,
        reason=trial.reason,
        answer=trial.answer,
        citations=[
            TryCitation.model_validate(citation, from_attributes=True)
            for citation in trial.citations
        ],
        passages=[
            TryPassage.model_validate(
                {
                    **SearchHit.model_validate(passage, from_attributes=True).model_dump(),
                    "cited": passage.chunk_id in cited,
                }
            )
            for passage in trial.passages
        ],
        model=trial.model,
    )
