"""A call's recording, for the people who answer calls: owners, admins and operators.

Every listen is a read of a customer's voice, so it is in the organization's audit log like
a transcript read. The WAV is streamed from storage a chunk at a time (an hour of call is
~115 MB). Another organization's call, a call not recorded, and a recording deleted by
retention or erasure all answer 404.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import StreamingResponse

from api.deps import StateDep, require_roles
from api.responses import MEMBER_ERRORS
from core.db import org_session
from core.models import Call, Role
from core.storage import recording_key
from services.accounts import Principal, audit_entry

router = APIRouter(prefix="/api/orgs/{org_id}", tags=["calls"], responses=MEMBER_ERRORS)

CallStaff = Annotated[Principal, Depends(require_roles(Role.OWNER, Role.ADMIN, Role.OPERATOR))]

WAV: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The call as a two-channel 8 kHz 16-bit WAV: the caller on the left, "
        "the assistant on the right",
        "content": {"audio/wav": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get("/calls/{call_id}/recording", response_class=StreamingResponse, responses=WAV)
async def call_recording(
    call_id: uuid.UUID, principal: CallStaff, state: StateDep
) -> StreamingResponse:
    key = recording_key(principal.org_id, call_id)
    async with org_session(state.session_maker, principal.org_id) as session:
        call = await session.get(Call, call_id)
        if call is None or not call.recorded or not await state.storage.exists(key):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no recording of this call")
        session.add(audit_entry(principal, "call.recording_read", "call", call_id))
    chunks = state.storage.read_chunks(key)
    try:
        first = await anext(chunks)
    except (FileNotFoundError, StopAsyncIteration):
        # Deleted between the check and the read (retention, erasure): gone, not an error.
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no recording of this call") from None
    return StreamingResponse(
        _joined(first, chunks),
        media_type="audio/wav",
        headers={
            "content-disposition": f'attachment; filename="call-{call_id}.wav"',
            "cache-control": "no-store",
        },
    )


async def _joined(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk
