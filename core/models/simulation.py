"""Simulations: past conversations or a labelled question set re-run through the support agent
with a candidate change, and what would change per case.

A result copies conversation text (the question, the history, both answers), so it references
its conversation with ON DELETE CASCADE: contact erasure and retention remove it with the
conversation. Results are kept until the simulation is deleted, and go with the organization.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from core.models.base import OrgOwned, enum_field, id_field, json_field, timestamp_field


class SimulationStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class CaseStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # this case only: its error is on the row, the run goes on


class Simulation(OrgOwned, table=True):
    __tablename__ = "simulations"
    __table_args__ = (Index("ix_simulations_org_created", "org_id", "created_at"),)

    id: uuid.UUID = id_field()
    status: SimulationStatus = enum_field(SimulationStatus, SimulationStatus.PENDING)
    # Where the cases come from: {"kind": "conversations", ...} or {"kind": "questions", ...}
    # (a labelled question set is kept here until its cases are written).
    source: dict[str, Any] = json_field()
    candidate: dict[str, Any] = json_field()  # the change tried (services.simulations)
    total: int = 0
    done: int = 0
    failed: int = 0  # cases that could not be run (each with its error)
    summary: dict[str, Any] = json_field()
    failure_reason: str | None = Field(default=None, max_length=500)
    workflow_id: str = Field(max_length=200)
    created_by: uuid.UUID | None = Field(
        default=None, foreign_key="members.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = timestamp_field()
    finished_at: datetime | None = timestamp_field(nullable=True)


class SimulationResult(OrgOwned, table=True):
    """One case of a simulation: the question, the answer before and after, and the scores
    where the question is labelled."""

    __tablename__ = "simulation_results"
    __table_args__ = (UniqueConstraint("simulation_id", "seq", name="uq_simulation_results_case"),)

    id: uuid.UUID = id_field()
    simulation_id: uuid.UUID = Field(foreign_key="simulations.id", ondelete="CASCADE")
    seq: int  # the case's position in the run, from 0
    case_key: str = Field(max_length=200)  # the question's id, or the visitor message's
    conversation_id: uuid.UUID | None = Field(
        default=None, foreign_key="conversations.id", ondelete="CASCADE", index=True
    )
    # The visitor message the case re-asks (recorded conversations only).
    message_id: uuid.UUID | None = Field(
        default=None, foreign_key="messages.id", ondelete="CASCADE", index=True
    )
    question: str = Field(sa_type=Text)
    history: list[dict[str, Any]] = json_field(list)
    # {"answerable", "articles": [document ids], "facts": [...]}; empty when not labelled.
    labels: dict[str, Any] = json_field()
    status: CaseStatus = enum_field(CaseStatus, CaseStatus.PENDING)
    error: str | None = Field(default=None, max_length=500)
    # {"decision", "text", "citations": [{"document_id", "title"}], "model", "prompt_version",
    #  "scores"}: the recorded answer (or a run with the current settings), and the candidate's.
    before: dict[str, Any] | None = Field(default=None, sa_type=JSONB, nullable=True)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSONB, nullable=True)
    diff: str | None = Field(default=None, sa_type=Text)
    decision_changed: bool = False
    text_changed: bool = False
    finished_at: datetime | None = timestamp_field(nullable=True)
