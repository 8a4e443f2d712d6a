"""Simulations as the API, the command line and the benchmarks ask for them: start one (the
row, its audit entry, the SimulationWorkflow), follow it, read its results, delete it.

A simulation re-runs cases through the support agent with a candidate change and stores, per
case, what would change; it sends nothing to any visitor and writes nothing into any
conversation. Its results are kept until it is deleted (or its organization is).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus

from sqlalchemy import delete, func
from sqlmodel import col, select
from temporalio.client import Client, WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from activities.simulation import (
    Candidate,
    LabelledQuestion,
    QuestionCases,
    Responder,
    SimulationRequest,
)
from core.db import SessionMaker, org_session
from core.ids import search_attributes, simulation_id
from core.logging import get_logger
from core.models import Role, Simulation, SimulationResult, SimulationStatus
from core.settings import Settings
from services.accounts import Principal, audit_entry
from services.errors import RefusedError
from workflows.simulation import (
    SimulationInput,
    SimulationProgress,
    SimulationWorkflow,
)

log = get_logger(__name__)

SIMULATION_KIND = "simulation"
FINAL = {SimulationStatus.COMPLETED, SimulationStatus.FAILED}
QUERY_TIMEOUT = timedelta(seconds=2)


class SimulationError(RefusedError):
    """A simulation request refused: the HTTP status and a message for the caller."""


@dataclass(frozen=True)
class SimulationReport:
    """A finished simulation and every case's result, in case order."""

    simulation: Simulation
    results: list[SimulationResult]


def check_candidate(settings: Settings, candidate: Candidate) -> None:
    """A model candidate needs a configured chat model: refused (422) without one."""
    wants_model = candidate.responder is Responder.MODEL or candidate.model is not None
    if wants_model and settings.openai_api_key is None:
        raise SimulationError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "no chat model is configured: set OPENAI_API_KEY to simulate a model responder",
        )


async def start_simulation(
    session_maker: SessionMaker,
    temporal: Client,
    settings: Settings,
    principal: Principal,
    request: SimulationRequest,
    *,
    batch_size: int | None = None,
) -> Simulation:
    """Record the simulation (and its audit entry), then start its workflow."""
    check_candidate(settings, request.candidate)
    source = request.source.model_dump(mode="json", exclude_none=True)
    async with org_session(session_maker, principal.org_id) as session:
        simulation = Simulation(
            org_id=principal.org_id,
            source=source,
            candidate=request.candidate.model_dump(mode="json", exclude_none=True),
            created_by=principal.member_id,
            workflow_id="",
        )
        simulation.workflow_id = simulation_id(principal.org_id, simulation.id)
        if isinstance(request.source, QuestionCases):
            simulation.total = len(request.source.questions)
        session.add(simulation)
        session.add(
            audit_entry(
                principal,
                "simulation.started",
                "simulation",
                simulation.id,
                source=request.source.kind,
                candidate=simulation.candidate,
            )
        )
    workflow_input = SimulationInput(org_id=principal.org_id, simulation_id=simulation.id)
    if batch_size is not None:
        workflow_input.batch_size = batch_size
    try:
        await temporal.start_workflow(
            SimulationWorkflow.run,
            workflow_input,
            id=simulation.workflow_id,
            task_queue=settings.temporal.task_queues.ingestion,
            search_attributes=search_attributes(principal.org_id, SIMULATION_KIND),
        )
    except Exception:
        log.exception("simulation could not be started", simulation_id=str(simulation.id))
        async with org_session(session_maker, principal.org_id) as session:
            stored = await session.get(Simulation, simulation.id)
            if stored is not None:
                stored.status = SimulationStatus.FAILED
                stored.failure_reason = "the simulation could not be started; try again"
                session.add(stored)
        raise SimulationError(
            HTTPStatus.SERVICE_UNAVAILABLE, "the simulation could not be started; try again"
        ) from None
    return simulation


async def get_simulation(
    session_maker: SessionMaker, org_id: uuid.UUID, simulation: uuid.UUID
) -> Simulation:
    async with org_session(session_maker, org_id) as session:
        found = await session.get(Simulation, simulation)
    if found is None:
        raise SimulationError(HTTPStatus.NOT_FOUND, "no such simulation")
    return found


async def list_simulations(
    session_maker: SessionMaker, org_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[Simulation], int]:
    async with org_session(session_maker, org_id) as session:
        rows = (
            await session.exec(
                select(Simulation)
                .order_by(col(Simulation.created_at).desc(), col(Simulation.id))
                .limit(limit)
                .offset(offset)
            )
        ).all()
        total = (await session.exec(select(func.count()).select_from(Simulation))).one()
    return list(rows), total


async def simulation_results(
    session_maker: SessionMaker,
    org_id: uuid.UUID,
    simulation: uuid.UUID,
    limit: int,
    offset: int,
) -> tuple[list[SimulationResult], int]:
    """A page of the simulation's results, in case order (404 for another organization's)."""
    await get_simulation(session_maker, org_id, simulation)
    async with org_session(session_maker, org_id) as session:
        of_simulation = col(SimulationResult.simulation_id) == simulation
        rows = (
            await session.exec(
                select(SimulationResult)
                .where(of_simulation)
                .order_by(col(SimulationResult.seq))
                .limit(limit)
                .offset(offset)
            )
        ).all()
        total = (
            await session.exec(
                select(func.count()).select_from(SimulationResult).where(of_simulation)
            )
        ).one()
    return list(rows), total


async def progress(temporal: Client, simulation: Simulation) -> SimulationProgress:
    """Cases done of all: from the running workflow's ``progress`` query, else the row."""
    stored = SimulationProgress(
        status=simulation.status.value, done=simulation.done, total=simulation.total
    )
    if simulation.status in FINAL:
        return stored
    try:
        handle = temporal.get_workflow_handle(simulation.workflow_id)
        # Briefly: with no worker polling (all busy, or being deployed) a query waits.
        queried = await handle.query(SimulationWorkflow.progress, rpc_timeout=QUERY_TIMEOUT)
    except (RPCError, WorkflowQueryFailedError):
        return stored
    return SimulationProgress(
        status=simulation.status.value,
        done=max(queried.done, simulation.done),
        total=queried.total or simulation.total,
    )


async def delete_simulation(
    session_maker: SessionMaker, temporal: Client, principal: Principal, simulation: uuid.UUID
) -> None:
    """Stop the workflow if it still runs, then delete the simulation and its results."""
    found = await get_simulation(session_maker, principal.org_id, simulation)
    if found.status not in FINAL:
        try:
            await temporal.get_workflow_handle(found.workflow_id).terminate(
                reason="simulation deleted"
            )
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
    async with org_session(session_maker, principal.org_id) as session:
        await session.exec(
            delete(SimulationResult)
            .where(col(SimulationResult.simulation_id) == simulation)
            .execution_options(synchronize_session=False)
        )
        await session.exec(
            delete(Simulation)
            .where(col(Simulation.id) == simulation)
            .execution_options(synchronize_session=False)
        )
        session.add(audit_entry(principal, "simulation.deleted", "simulation", simulation))


async def wait_for_simulation(
    session_maker: SessionMaker,
    org_id: uuid.UUID,
    simulation: uuid.UUID,
    *,
    within: float = 3600.0,
    every: float = 0.5,
) -> Simulation:
    """The simulation once it has completed or failed."""
    deadline = time.monotonic() + within
    while True:
        found = await get_simulation(session_maker, org_id, simulation)
        if found.status in FINAL:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"simulation {simulation} did not finish within {within}s")
        await asyncio.sleep(every)


async def simulate_questions(
    session_maker: SessionMaker,
    temporal: Client,
    settings: Settings,
    org_id: uuid.UUID,
    questions: Sequence[LabelledQuestion],
    candidate: Candidate | None = None,
    *,
    within: float = 3600.0,
) -> SimulationReport:
    """The benchmarks' way in (with a running stack, ``bench/stack.py``): simulate a
    labelled question set for an organization and wait for its summary and every result."""
    request = SimulationRequest(
        source=QuestionCases(kind="questions", questions=list(questions)),
        candidate=candidate or Candidate(),
    )
    started = await start_simulation(
        session_maker, temporal, settings, Principal(org_id=org_id, role=Role.OWNER), request
    )
    finished = await wait_for_simulation(session_maker, org_id, started.id, within=within)
    async with org_session(session_maker, org_id) as session:
        results = (
            await session.exec(
                select(SimulationResult)
                .where(col(SimulationResult.simulation_id) == started.id)
                .order_by(col(SimulationResult.seq))
            )
        ).all()
    return SimulationReport(simulation=finished, results=list(results))
