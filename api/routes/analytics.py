"""Analytics for the dashboard: conversations, handoffs, satisfaction, response times,
busiest hours and knowledge gaps over a range of days (see services/analytics.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import StateDep, require_roles
from api.responses import MEMBER_ERRORS
from core.models import Role
from services.accounts import Principal
from services.analytics import Analytics, compute, parse_range

router = APIRouter(prefix="/api/orgs/{org_id}", tags=["analytics"], responses=MEMBER_ERRORS)

# Owners, admins and operators: operators already read every conversation in the inbox, and
# these figures are the team's, never one person's. Compliance members have no use for them.
AnalyticsReader = Annotated[
    Principal, Depends(require_roles(Role.OWNER, Role.ADMIN, Role.OPERATOR))
]


@router.get("/analytics")
async def read_analytics(
    principal: AnalyticsReader,
    state: StateDep,
    start: Annotated[
        date | None, Query(alias="from", description="First day (YYYY-MM-DD), in tz")
    ] = None,
    end: Annotated[
        date | None, Query(alias="to", description="Last day, inclusive (YYYY-MM-DD), in tz")
    ] = None,
    tz: Annotated[
        str | None,
        Query(
            max_length=64,
            description="IANA time zone the days and hours are counted in; UTC when omitted",
        ),
    ] = None,
) -> Analytics:
    """The organization's figures for conversations started from ``from`` to ``to`` (at most
    366 days; the last 30 days when both are omitted). Owners, admins and operators."""
    days = parse_range(start, end, tz)
    return await compute(state.session_maker, state.embedder, principal.org_id, days)
