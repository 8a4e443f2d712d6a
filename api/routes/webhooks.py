"""Webhooks: owners and admins register endpoints, read their delivery log and replay a
delivery. The signing secret is in the answer to a create or a rotation, and nowhere else."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field, WithJsonSchema

from api.deps import OrgAdmin, StateDep
from api.paging import PageSize
from api.responses import MEMBER_ERRORS
from core.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from core.webhooks import EVENT_TYPES
from services.webhooks import MAX_URL, EndpointChange, EndpointInput

router = APIRouter(prefix="/api/orgs/{org_id}/webhooks", tags=["webhooks"], responses=MEMBER_ERRORS)

EVENT_TYPES_HELP = "Any of: " + ", ".join(EVENT_TYPES)
# The types a request may name, listed in the OpenAPI document (so the dashboard's generated
# types know them); the service still refuses an unknown one with its own 422.
EventTypeName = Annotated[str, WithJsonSchema({"type": "string", "enum": list(EVENT_TYPES)})]


class EndpointCreate(BaseModel):
    url: str = Field(min_length=1, max_length=MAX_URL)
    event_types: list[EventTypeName] = Field(
        min_length=1, max_length=20, description=EVENT_TYPES_HELP
    )
    description: str = Field(default="", max_length=200)


class EndpointUpdate(BaseModel):
    url: str | None = Field(default=None, min_length=1, max_length=MAX_URL)
    event_types: list[EventTypeName] | None = Field(
        default=None, min_length=1, max_length=20, description=EVENT_TYPES_HELP
    )
    description: str | None = Field(default=None, max_length=200)
    enabled: bool | None = Field(default=None, description="true re-enables a disabled endpoint")


class EndpointPublic(BaseModel):
    id: uuid.UUID
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    consecutive_failures: int
    disabled_reason: str | None
    previous_secret_expires_at: datetime | None = Field(
        description="After a rotation: until when the replaced secret also signs; else None"
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> EndpointPublic:
        return cls.model_validate(endpoint, from_attributes=True)


class EndpointWithSecret(EndpointPublic):
    secret: str = Field(description="whsec_…: shown once; verify signatures with it")


class DeliveryPublic(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: DeliveryStatus
    attempts: int
    response_status: int | None
    duration_ms: int | None
    last_error: str | None
    replay_of: uuid.UUID | None
    created_at: datetime
    last_attempt_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> DeliveryPublic:
        return cls.model_validate(delivery, from_attributes=True)


class DeliveryList(BaseModel):
    deliveries: list[DeliveryPublic]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; None on the last"
    )


@router.get("")
async def list_endpoints(principal: OrgAdmin, state: StateDep) -> list[EndpointPublic]:
    return [EndpointPublic.of(e) for e in await state.webhooks.list_endpoints(principal.org_id)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_endpoint(
    body: EndpointCreate, principal: OrgAdmin, state: StateDep
) -> EndpointWithSecret:
    """Outside local mode a private-network or loopback address is refused (422)."""
    created = await state.webhooks.create_endpoint(
        principal, EndpointInput(body.url, body.event_types, body.description)
    )
    return EndpointWithSecret(
        **EndpointPublic.of(created.endpoint).model_dump(), secret=created.secret
    )


@router.get("/{endpoint_id}")
async def get_endpoint(
    endpoint_id: uuid.UUID, principal: OrgAdmin, state: StateDep
) -> EndpointPublic:
    return EndpointPublic.of(await state.webhooks.get_endpoint(principal.org_id, endpoint_id))


@router.patch("/{endpoint_id}")
async def update_endpoint(
    endpoint_id: uuid.UUID, body: EndpointUpdate, principal: OrgAdmin, state: StateDep
) -> EndpointPublic:
    change = EndpointChange(
        url=body.url,
        event_types=body.event_types,
        description=body.description,
        enabled=body.enabled,
    )
    return EndpointPublic.of(await state.webhooks.update_endpoint(principal, endpoint_id, change))


@router.post("/{endpoint_id}/secret")
async def rotate_secret(
    endpoint_id: uuid.UUID, principal: OrgAdmin, state: StateDep
) -> EndpointWithSecret:
    """A new secret, shown once; deliveries are signed with it from now on."""
    rotated = await state.webhooks.rotate_secret(principal, endpoint_id)
    return EndpointWithSecret(
        **EndpointPublic.of(rotated.endpoint).model_dump(), secret=rotated.secret
    )


@router.delete("/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_endpoint(endpoint_id: uuid.UUID, principal: OrgAdmin, state: StateDep) -> Response:
    """The endpoint and its delivery log."""
    await state.webhooks.delete_endpoint(principal, endpoint_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{endpoint_id}/deliveries")
async def list_deliveries(
    endpoint_id: uuid.UUID,
    principal: OrgAdmin,
    state: StateDep,
    limit: PageSize = 50,
    cursor: Annotated[
        str | None, Query(max_length=200, description="next_cursor of the previous page")
    ] = None,
) -> DeliveryList:
    """Newest first."""
    page = await state.webhooks.deliveries(principal.org_id, endpoint_id, limit, cursor)
    return DeliveryList(
        deliveries=[DeliveryPublic.of(d) for d in page.deliveries], next_cursor=page.next_cursor
    )


@router.post("/{endpoint_id}/deliveries/{delivery_id}/replay", status_code=status.HTTP_202_ACCEPTED)
async def replay_delivery(
    endpoint_id: uuid.UUID, delivery_id: uuid.UUID, principal: OrgAdmin, state: StateDep
) -> DeliveryPublic:
    """A new delivery of the same event (the same ``webhook-id``); 409 while disabled."""
    return DeliveryPublic.of(await state.webhooks.replay(principal, endpoint_id, delivery_id))
