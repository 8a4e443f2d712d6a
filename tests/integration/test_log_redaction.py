"""Logs hold no message content: a failing statement's values never reach a log line.

SQLAlchemy puts a statement's parameters in its error text and PostgreSQL echoes values in
its own (``Key (...)=(...)``, ``Failing row contains (...)``, ``invalid input syntax ...``);
those errors are logged with their tracebacks by the API and by Temporal's worker.
"""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.db import SessionMaker, org_session, platform_session
from core.logging import configure_logging, get_logger
from core.models import Conversation, Message, MessageRole, Organization
from tests.factories import create_organization

CANARY = "Zephyr Quillfeather"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging("json", "INFO", stream=stream)
    yield stream
    configure_logging("console", "WARNING")


async def _duplicate_external_id(maker: SessionMaker) -> None:
    async with platform_session(maker) as session:
        session.add(Organization(name="First", external_id=CANARY))
    async with platform_session(maker) as session:
        session.add(Organization(name="Second", external_id=CANARY))


async def _nul_in_a_message(maker: SessionMaker) -> None:
    organization = await create_organization(maker)
    async with org_session(maker, organization.id) as session:
        conversation = Conversation(org_id=organization.id)
        session.add(conversation)
        await session.flush()
        session.add(
            Message(
                org_id=organization.id,
                conversation_id=conversation.id,
                role=MessageRole.VISITOR,
                content=f"{CANARY}\x00 my order never came",
            )
        )


async def _missing_conversation(maker: SessionMaker) -> None:
    organization = await create_organization(maker, name=CANARY)
    async with org_session(maker, organization.id) as session:
        session.add(
            Message(
                org_id=organization.id,
                conversation_id=uuid.uuid4(),
                role=MessageRole.VISITOR,
                content=f"{CANARY} my order never came",
            )
        )


async def _text_where_a_number_belongs(maker: SessionMaker) -> None:
    async with platform_session(maker) as session:
        connection = await session.connection()
        await connection.execute(text("SELECT CAST(:value AS integer)"), {"value": CANARY})


@pytest.mark.parametrize(
    "fail",
    [
        _duplicate_external_id,
        _nul_in_a_message,
        _missing_conversation,
        _text_where_a_number_belongs,
    ],
)
async def test_a_failing_statement_logs_no_value_it_was_given(
    session_maker: SessionMaker,
    captured: io.StringIO,
    fail: Callable[[SessionMaker], Awaitable[None]],
) -> None:
    with pytest.raises(DBAPIError) as failure:
        await fail(session_maker)

    try:
        raise failure.value
    except DBAPIError:
        get_logger("test").exception("storing failed")  # as the API's error handler logs
        logging.getLogger("temporalio.activity").warning(  # as Temporal's worker logs
            "Completing activity as failed", exc_info=True
        )
    output = captured.getvalue()
    assert "storing failed" in output
    assert "Completing activity as failed" in output
    assert type(failure.value.orig).__name__ in output, "the error itself is still logged"
    assert "Zephyr" not in output
    assert "Quillfeather" not in output
    assert "my order never came" not in output
