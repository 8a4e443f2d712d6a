"""What the lifespan builds once per process and every request reads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from agents.knowledge.retrieval import Retriever
from agents.providers.embeddings import Embedder
from api.rate_limit import RateLimiter, RateLimits
from api.streaming import EventHub
from core.db import SessionMaker
from core.encryption import DataKeys
from core.settings import Settings
from core.storage import FileStorage
from services.calls import Calls
from services.conversations import Conversations
from services.identity import ClerkVerifier, LocalTokens, VisitorTokens
from services.knowledge_trial import KnowledgeTrial
from services.phone_numbers import PhoneNumbers
from services.telephony import Telephony
from services.voice.speech import SpeechStack
from services.webhooks import Webhooks


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    session_maker: SessionMaker
    temporal: Client
    keyring: DataKeys
    local_tokens: LocalTokens
    clerk: ClerkVerifier | None
    storage: FileStorage
    embedder: Embedder
    retriever: Retriever
    visitor_tokens: VisitorTokens
    conversations: Conversations
    event_hub: EventHub
    message_limiter: RateLimiter
    visitor_limiter: RateLimiter
    limits: WidgetLimits
    knowledge_trial: KnowledgeTrial
    trial_limiter: RateLimiter  # the "try it" box, per member
    signup_limiter: RateLimiter
    webhooks: Webhooks  # endpoints, deliveries, replays
    telephony: Telephony
    phone_numbers: PhoneNumbers
    calls: Calls
    speech: SpeechStack  # the speech providers of this process (voice and phone calls)
    twilio_limiter: RateLimiter  # Twilio's webhooks, per client address


@dataclass
class WidgetLimits:
    """What only the public widget key can do, limited per visitor and per client address."""

    visitor_events: RateLimiter
    address_events: RateLimiter
    visitor_conversations: RateLimiter
    address_conversations: RateLimiter

    @classmethod
    def from_settings(cls, store: RateLimits, settings: Settings) -> WidgetLimits:
        hour = 3600.0
        return cls(
            visitor_events=store.limiter(
                "visitor-events", settings.visitor_events_per_minute, 60.0
            ),
            address_events=store.limiter(
                "address-events", settings.address_events_per_minute, 60.0
            ),
            visitor_conversations=store.limiter(
                "visitor-conversations", settings.visitor_conversations_per_hour, hour
            ),
            address_conversations=store.limiter(
                "address-conversations", settings.address_conversations_per_hour, hour
            ),
        )
