"""An organization's privacy settings: the deletion grace period and the retention periods.

Stored under ``"privacy"`` in the organization's settings. The grace period is bounded so
that a deletion always ends within :data:`DELETION_DEADLINE` of its request (legal holds
excepted): the grace timer, then the purge, which has the remaining days to finish.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

DELETION_DEADLINE = timedelta(days=30)
MAX_DELETION_GRACE_DAYS = 21
DEFAULT_DELETION_GRACE_DAYS = 7
DEFAULT_IP_RETENTION_DAYS = 30


class PrivacySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deletion_grace_days: float = Field(
        default=DEFAULT_DELETION_GRACE_DAYS,
        ge=0,
        le=MAX_DELETION_GRACE_DAYS,
        description="Days an organization deletion waits (and can be cancelled) before purging",
    )
    contact_erasure_grace_days: float = Field(
        default=1,
        ge=0,
        le=MAX_DELETION_GRACE_DAYS,
        description="Days a contact erasure waits (and can be cancelled); a reported minor "
        "is erased at once",
    )
    conversation_retention_days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="Delete conversations this many days after their last message; "
        "null keeps them while the account is active",
    )
    ip_retention_days: int = Field(
        default=DEFAULT_IP_RETENTION_DAYS,
        ge=0,
        le=365,
        description="Days raw IP addresses of widget events are kept before removal",
    )

    @property
    def deletion_grace(self) -> timedelta:
        return timedelta(days=self.deletion_grace_days)

    @property
    def contact_erasure_grace(self) -> timedelta:
        return timedelta(days=self.contact_erasure_grace_days)

    @classmethod
    def of(cls, organization_settings: dict[str, Any]) -> PrivacySettings:
        return cls.model_validate(organization_settings.get("privacy") or {})
