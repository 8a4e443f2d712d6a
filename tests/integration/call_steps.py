"""Steps the phone journeys share: waiting for something to happen, and reading a call's row
and its conversation's transcript as the product stored them."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from sqlmodel import col, select

from core.db import SessionMaker, org_session
from core.models import Call, Message
from tests.fakes.twilio import FakeCall


async def until(check: Any, within: float = 30.0) -> Any:
    """The first truthy result of ``check()`` (a value or a coroutine), polled every 50 ms."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {within} s")


async def call_row(maker: SessionMaker, org_id: uuid.UUID, call: FakeCall) -> Call:
    async with org_session(maker, org_id) as session:
        return (await session.exec(select(Call).where(Call.provider_call_id == call.sid))).one()


async def transcript(maker: SessionMaker, org_id: uuid.UUID, conversation_id: Any) -> list[Message]:
    async with org_session(maker, org_id) as session:
        rows = await session.exec(
            select(Message)
            .where(Message.conversation_id == conversation_id)
            .order_by(col(Message.created_at))
        )
        return list(rows.all())
