"""What the lifespan builds once per process and every request reads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from core.db import SessionMaker
from core.identity import ClerkVerifier, LocalTokens
from core.settings import Settings


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    session_maker: SessionMaker
    temporal: Client
    local_tokens: LocalTokens
    clerk: ClerkVerifier | None
