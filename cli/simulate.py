"""`perceptron simulate`: try a change on a labelled question set or the last conversations,
with a progress bar, then the summary before and after."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import typer
import yaml
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import func
from sqlmodel import col, select

from activities.simulation import SimulationRequest
from core.db import SessionMaker, create_engine, create_session_maker, platform_session
from core.models import Organization, Role, Simulation, SimulationStatus
from core.payload_codec import create_keyring
from core.settings import Settings
from core.temporal import connect_temporal
from services.accounts import Principal
from services.errors import RefusedError
from services.simulations import FINAL, get_simulation, progress, start_simulation

# Rows of the summary table: the label, and the summary's key without its _before/_after.
SIDES = [
    ("answered", "answer"),
    ("handed off", "handoff"),
    ("asked to clarify", "clarify"),
    ("decided right", "decided_right"),
    ("every fact", "all_facts"),
    ("right article", "right_article"),
    ("unsupported sentences", "unsupported"),
]


async def run_simulate(
    settings: Settings,
    org: str,
    *,
    questions: Path | None,
    conversations: int | None,
    candidate: dict[str, Any],
) -> int:
    request = _request(questions, conversations, candidate)
    engine = create_engine(settings.resolved_database_url, pool_size=2)
    try:
        maker = create_session_maker(engine)
        org_id = await _organization(maker, org)
        temporal = await connect_temporal(settings, create_keyring(settings, maker))
        try:
            started = await start_simulation(
                maker, temporal, settings, Principal(org_id=org_id, role=Role.OWNER), request
            )
        except RefusedError as error:
            typer.echo(f"error: {error.message}", err=True)
            return 1
        console = Console()
        finished = await _follow(maker, temporal, started, console)
        _print_summary(console, finished)
        console.print(
            f"results: {settings.api_url}/api/orgs/{org_id}/simulations/{finished.id}/results"
        )
        return 0 if finished.status is SimulationStatus.COMPLETED else 1
    finally:
        await engine.dispose()


def _request(
    questions: Path | None, conversations: int | None, candidate: dict[str, Any]
) -> SimulationRequest:
    if (questions is None) == (conversations is None):
        raise typer.BadParameter("give one of --questions FILE.yaml or --conversations N")
    source: dict[str, Any]
    if questions is not None:
        try:
            document = yaml.safe_load(questions.read_text())
        except (OSError, yaml.YAMLError) as error:
            raise typer.BadParameter(f"cannot read {questions}: {error}") from error
        items = document.get("questions") if isinstance(document, dict) else document
        source = {"kind": "questions", "questions": items}
    else:
        source = {"kind": "conversations", "last": conversations}
    try:
        return SimulationRequest.model_validate(
            {"source": source, "candidate": {k: v for k, v in candidate.items() if v is not None}}
        )
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()[:5]
        )
        raise typer.BadParameter(problems) from error


async def _organization(maker: SessionMaker, org: str) -> uuid.UUID:
    """An organization by id, or by its name (any case)."""
    async with platform_session(maker) as session:
        try:
            found = await session.get(Organization, uuid.UUID(org))
            matches = [found] if found else []
        except ValueError:
            matches = list(
                (
                    await session.exec(
                        select(Organization).where(
                            func.lower(col(Organization.name)) == org.strip().lower()
                        )
                    )
                ).all()
            )
    if len(matches) != 1:
        reason = "no organization" if not matches else "more than one organization"
        raise typer.BadParameter(f"{reason} named {org!r}: pass its id")
    return matches[0].id


async def _follow(
    maker: SessionMaker, temporal: Any, simulation: Simulation, console: Console
) -> Simulation:
    """A progress bar from the workflow's ``progress`` query until the simulation ends."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("simulating", total=simulation.total or None)
        while True:
            current = await get_simulation(maker, simulation.org_id, simulation.id)
            now = await progress(temporal, current)
            bar.update(task, completed=now.done, total=now.total or None)
            if current.status in FINAL:
                return current
            await asyncio.sleep(0.3)


def _print_summary(console: Console, simulation: Simulation) -> None:
    summary = simulation.summary
    if simulation.status is SimulationStatus.FAILED:
        console.print(f"[red]the simulation failed:[/red] {simulation.failure_reason}")
        return
    table = Table(title=f"simulation {simulation.id}")
    table.add_column("cases")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    labelled = summary.get("labelled", 0)
    for label, key in SIDES:
        if key in {"decided_right", "all_facts", "right_article", "unsupported"} and not labelled:
            continue
        table.add_row(
            label, str(summary.get(f"{key}_before", 0)), str(summary.get(f"{key}_after", 0))
        )
    console.print(table)
    console.print(
        f"{summary.get('done', 0)} of {summary.get('cases', 0)} cases run, "
        f"{summary.get('failed', 0)} failed; decision changed in "
        f"{summary.get('decision_changed', 0)}, answer text in {summary.get('text_changed', 0)}"
        + (f"; {labelled} labelled" if labelled else "")
    )
    unmatched = summary.get("unmatched_articles") or []
    if unmatched:
        console.print(f"article labels no document matched: {', '.join(unmatched)}")
