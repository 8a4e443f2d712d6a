"""Contacts: the organization's customers. Find, read, and correct (name and email)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, EmailStr, Field, field_validator

from api.deps import OrgMember, StateDep
from api.paging import Offset, PageSize
from api.responses import MEMBER_ERRORS
from services.contacts import Contacts, Correction

router = APIRouter(prefix="/api/orgs/{org_id}", tags=["contacts"], responses=MEMBER_ERRORS)


def contacts_service(state: StateDep) -> Contacts:
    return Contacts(state.session_maker, state.temporal, state.settings)


ContactsDep = Annotated[Contacts, Depends(contacts_service)]


class ContactPublic(BaseModel):
    id: uuid.UUID
    name: str | None
    email: str | None
    phone: str | None
    verified: bool
    external_id: str | None
    created_at: datetime
    updated_at: datetime


class ContactPage(BaseModel):
    items: list[ContactPublic]
    total: int


class ContactCorrection(BaseModel):
    """Send the fields to change; ``null`` clears one, a field left out stays as it is."""

    name: str | None = Field(default=None, max_length=200)
    email: EmailStr | None = Field(default=None, max_length=320)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value:
            raise ValueError("the name is empty: send null to remove it")
        return value


class Corrected(BaseModel):
    contact: ContactPublic
    changed: list[str] = Field(description="the names of the fields that changed")


@router.get("/contacts")
async def list_contacts(
    principal: OrgMember,
    contacts: ContactsDep,
    email: Annotated[str | None, Query(max_length=320, description="exact match")] = None,
    q: Annotated[str | None, Query(max_length=200, description="part of name or email")] = None,
    limit: PageSize = 50,
    offset: Offset = 0,
) -> ContactPage:
    rows, total = await contacts.find(
        principal.org_id, email=email, text=q, limit=limit, offset=offset
    )
    return ContactPage(
        items=[ContactPublic.model_validate(row, from_attributes=True) for row in rows],
        total=total,
    )


@router.get("/contacts/{contact_id}")
async def read_contact(
    contact_id: uuid.UUID, principal: OrgMember, contacts: ContactsDep
) -> ContactPublic:
    contact = await contacts.get(principal.org_id, contact_id)
    return ContactPublic.model_validate(contact, from_attributes=True)


@router.patch("/contacts/{contact_id}")
async def correct_contact(
    contact_id: uuid.UUID,
    body: ContactCorrection,
    principal: OrgMember,
    contacts: ContactsDep,
) -> Corrected:
    """Correct a contact's name or email (members of every role, and API keys). The audit
    log records the names of the changed fields, never the values."""
    correction = Correction(
        fields={field: getattr(body, field) for field in sorted(body.model_fields_set)}
    )
    contact, changed = await contacts.correct(principal, contact_id, correction)
    return Corrected(
        contact=ContactPublic.model_validate(contact, from_attributes=True), changed=changed
    )
