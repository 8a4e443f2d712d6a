"""Simulations: try a change (the judge's operating point, k, search mode, responder) on past
conversations or a labelled question set before anyone's visitors see it. Owners and admins,
as for the organization's other settings; starting and deleting one is audit-logged.

A simulation's results copy conversation text, so they are read here, by the same roles, and
kept until the simulation is deleted.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from activities.simulation import SimulationRequest
from api.deps import OrgAdmin, StateDep
from api.paging import Offset, PageSize
from api.responses import MEMBER_ERRORS
from core.models import CaseStatus, Simulation, SimulationResult, SimulationStatus
from services import simulations

router = APIRouter(prefix="/api/orgs/{org_id}", tags=["simulations"], responses=MEMBER_ERRORS)


class SimulationProgressPublic(BaseModel):
    done: int = Field(description="cases run (failed ones included)")
    total: int


class SimulationPublic(BaseModel):
    id: uuid.UUID
    status: SimulationStatus
    source: dict[str, Any] = Field(description="where the cases come from")
    candidate: dict[str, Any] = Field(description="the change tried")
    progress: SimulationProgressPublic
    failed: int = Field(description="cases that could not be run, each with its error")
    summary: dict[str, Any] = Field(
        description="counts over the run: changes, decisions and scores before and after, "
        "and the article labels no document matched (unmatched_articles)"
    )
    failure_reason: str | None
    created_by: uuid.UUID | None
    created_at: datetime
    finished_at: datetime | None


class SimulationPage(BaseModel):
    items: list[SimulationPublic]
    total: int


class SimulationCitation(BaseModel):
    number: int | None = None
    document_id: str | None = None
    title: str | None = None


class SimulationScores(BaseModel):
    decided_right: bool
    facts_found: int
    facts_total: int
    all_facts: bool
    right_article: bool | None
    unsupported_sentences: list[str]


class SimulationAnswer(BaseModel):
    decision: str | None = None
    text: str = ""
    citations: list[SimulationCitation] = Field(default_factory=list)
    reason: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    scores: SimulationScores | None = None


class SimulationResultPublic(BaseModel):
    seq: int
    case_key: str
    conversation_id: uuid.UUID | None
    message_id: uuid.UUID | None
    question: str
    history: list[dict[str, Any]]
    labels: dict[str, Any]
    status: CaseStatus
    error: str | None
    before: SimulationAnswer | None = Field(description="the recorded answer, or the current one")
    after: SimulationAnswer | None = Field(description="with the candidate change")
    diff: str | None = Field(description="a unified line diff of the two answers")
    decision_changed: bool
    text_changed: bool


class SimulationResultPage(BaseModel):
    items: list[SimulationResultPublic]
    total: int


@router.post("/simulations", status_code=status.HTTP_202_ACCEPTED)
async def start_simulation(
    body: SimulationRequest, principal: OrgAdmin, state: StateDep
) -> SimulationPublic:
    started = await simulations.start_simulation(
        state.session_maker, state.temporal, state.settings, principal, body
    )
    return _public(started, SimulationProgressPublic(done=0, total=started.total))


@router.get("/simulations")
async def list_simulations(
    principal: OrgAdmin, state: StateDep, limit: PageSize = 50, offset: Offset = 0
) -> SimulationPage:
    rows, total = await simulations.list_simulations(
        state.session_maker, principal.org_id, limit, offset
    )
    return SimulationPage(
        items=[
            _public(row, SimulationProgressPublic(done=row.done, total=row.total)) for row in rows
        ],
        total=total,
    )


@router.get("/simulations/{simulation_id}")
async def get_simulation(
    simulation_id: uuid.UUID, principal: OrgAdmin, state: StateDep
) -> SimulationPublic:
    found = await simulations.get_simulation(state.session_maker, principal.org_id, simulation_id)
    progress = await simulations.progress(state.temporal, found)
    return _public(found, SimulationProgressPublic(done=progress.done, total=progress.total))


@router.get("/simulations/{simulation_id}/results")
async def list_results(
    simulation_id: uuid.UUID,
    principal: OrgAdmin,
    state: StateDep,
    limit: PageSize = 50,
    offset: Offset = 0,
) -> SimulationResultPage:
    rows, total = await simulations.simulation_results(
        state.session_maker, principal.org_id, simulation_id, limit, offset
    )
    return SimulationResultPage(items=[_result(row) for row in rows], total=total)


@router.delete("/simulations/{simulation_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_simulation(
    simulation_id: uuid.UUID, principal: OrgAdmin, state: StateDep
) -> Response:
    await simulations.delete_simulation(
        state.session_maker, state.temporal, principal, simulation_id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _public(simulation: Simulation, progress: SimulationProgressPublic) -> SimulationPublic:
    return SimulationPublic(
        id=simulation.id,
        status=simulation.status,
        source=simulation.source,
        candidate=simulation.candidate,
        progress=progress,
        failed=simulation.failed,
        summary=simulation.summary,
        failure_reason=simulation.failure_reason,
        created_by=simulation.created_by,
        created_at=simulation.created_at,
        finished_at=simulation.finished_at,
    )


def _result(row: SimulationResult) -> SimulationResultPublic:
    return SimulationResultPublic(
        seq=row.seq,
        case_key=row.case_key,
        conversation_id=row.conversation_id,
        message_id=row.message_id,
        question=row.question,
        history=row.history,
        labels=row.labels,
        status=row.status,
        error=row.error,
        before=SimulationAnswer.model_validate(row.before) if row.before else None,
        after=SimulationAnswer.model_validate(row.after) if row.after else None,
        diff=row.diff,
        decision_changed=row.decision_changed,
        text_changed=row.text_changed,
    )
