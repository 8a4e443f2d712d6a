"""The FastAPI application factory and its lifespan."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from temporalio.client import Client

from agents.knowledge.retrieval import Retriever
from agents.providers.embeddings import Embedder, create_embedder
from agents.providers.llm import create_chat_model
from api.csrf import CsrfProtection
from api.rate_limit import RateLimiter
from api.routes import (
    account_deletion,
    analytics,
    auth,
    contacts,
    conversations,
    exports,
    health,
    knowledge,
    members,
    notes,
    organizations,
    pages,
    phone,
    privacy,
    privacy_settings,
    recordings,
    saved_replies,
    simulations,
    twilio,
    voice,
    webhooks,
    website,
    widget,
)
from api.routes.platform import create_codec_app
from api.state import AppState, WidgetLimits
from api.storage_errors import add_storage_error_handlers
from api.streaming import EventHub
from api.text_input import UnstorableTextGuard
from core.db import SessionMaker, create_engine, create_session_maker
from core.encryption import DataKeys
from core.logging import get_logger
from core.payload_codec import create_keyring
from core.settings import AuthMode, Settings
from core.storage import create_storage
from core.temporal import connect_temporal
from services.calls import Calls, sweep_abandoned_calls
from services.conversations import Conversations
from services.errors import RefusedError
from services.identity import ClerkVerifier, LocalTokens, VisitorTokens
from services.knowledge_trial import KnowledgeTrial
from services.phone_numbers import PhoneNumbers
from services.telephony import Telephony
from services.voice.speech import speech_stack, warm_up
from services.webhooks import Webhooks, dispatch_loop

log = get_logger(__name__)


def _phone(
    settings: Settings, session_maker: SessionMaker, keyring: DataKeys, temporal: Client
) -> dict[str, Any]:
    """The parts of the state that phone calls and voice use."""
    telephony = Telephony(session_maker, keyring, settings)
    return {
        "telephony": telephony,
        "phone_numbers": PhoneNumbers(session_maker, telephony, settings),
        "calls": Calls(session_maker, temporal, settings, telephony),
        "speech": speech_stack(settings),
        "twilio_limiter": RateLimiter(settings.twilio_webhooks_per_minute, 60.0),
    }


def create_app(settings: Settings, embedder: Embedder | None = None) -> FastAPI:
    """The API. ``embedder`` lets tests share one loaded model; production creates its own."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, AppState]]:
        engine = create_engine(settings.resolved_database_url, pool_size=settings.db_pool_size)
        clerk = None
        if settings.effective_auth_mode is AuthMode.CLERK:
            clerk = ClerkVerifier(
                jwks_url=settings.clerk_jwks_url,
                public_key_pem=settings.clerk_jwt_key,
                authorized_parties=settings.clerk_authorized_parties,
            )
        session_maker = create_session_maker(engine)
        shared_embedder = embedder or create_embedder(settings)
        keyring = create_keyring(settings, session_maker)
        temporal = await connect_temporal(settings, keyring, lazy=True)
        event_hub = EventHub(settings.resolved_database_url)
        await event_hub.start()
        retriever = Retriever(session_maker, shared_embedder)
        state = AppState(
            settings=settings,
            engine=engine,
            session_maker=session_maker,
            temporal=temporal,
            keyring=keyring,
            local_tokens=LocalTokens(
                settings.secret_key.get_secret_value(),
                timedelta(minutes=settings.session_ttl_minutes),
            ),
            clerk=clerk,
            storage=create_storage(settings),
            embedder=shared_embedder,
            retriever=retriever,
            visitor_tokens=VisitorTokens(settings.secret_key.get_secret_value()),
            conversations=Conversations(session_maker, temporal, settings),
            event_hub=event_hub,
            message_limiter=RateLimiter(settings.visitor_messages_per_minute, 60.0),
            visitor_limiter=RateLimiter(settings.new_visitors_per_minute, 60.0),
            limits=WidgetLimits.from_settings(settings),
            knowledge_trial=KnowledgeTrial(session_maker, retriever, create_chat_model(settings)),
            trial_limiter=RateLimiter(settings.knowledge_tries_per_minute, 60.0),
            signup_limiter=RateLimiter(settings.signups_per_hour, 3600.0),
            webhooks=Webhooks(session_maker, temporal, keyring, settings),
            **_phone(settings, session_maker, keyring, temporal),
        )
        log.info("api started", auth_mode=settings.effective_auth_mode.value)
        beat = settings.voice_heartbeat_seconds
        sweeper = asyncio.create_task(
            sweep_abandoned_calls(state.calls, beat * 2, timedelta(seconds=beat * 4))
        )
        dispatcher = asyncio.create_task(dispatch_loop(session_maker, temporal, settings))
        warming = asyncio.create_task(warm_up(state.speech)) if settings.voice_warm_up else None
        try:
            yield {"app_state": state}
        finally:
            sweeper.cancel()
            dispatcher.cancel()
            if warming is not None:
                warming.cancel()
            await event_hub.stop()
            await engine.dispose()

    app = FastAPI(
        title="Perceptron",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
    )
    app.add_exception_handler(RefusedError, _refused)
    add_storage_error_handlers(app)
    app.add_middleware(UnstorableTextGuard)  # innermost: CORS and request ids still apply
    app.add_middleware(CsrfProtection, settings=settings)  # before any body is read
    app.middleware("http")(_widget_cors)
    app.middleware("http")(_request_context(settings))
    app.mount(settings.temporal.codec_endpoint, create_codec_app(settings))
    for router in (
        health.router,
        auth.router,
        organizations.router,
        members.router,
        members.pages,
        knowledge.router,
        conversations.router,
        recordings.router,
        notes.router,
        saved_replies.router,
        contacts.router,
        privacy.router,
        privacy_settings.router,
        exports.router,
        simulations.router,
        account_deletion.router,
        widget.router,
        twilio.router,
        phone.router,
        voice.router,
        analytics.router,
        webhooks.router,
        pages.router,
        website.router,
    ):
        app.include_router(router)
    return app


async def _refused(_: Request, error: Exception) -> Response:
    """Every service's refusal, answered the same way: its status and message."""
    assert isinstance(error, RefusedError)
    return JSONResponse({"detail": error.message}, status_code=error.status)


WIDGET_PREFIX = "/api/widget/"


async def _widget_cors(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """The widget calls from customers' sites. Browsers may send those requests; whether a
    site may use an organization's widget is decided by the routes (allowed origins)."""
    origin = request.headers.get("origin")
    if origin is None or not request.url.path.startswith(WIDGET_PREFIX):
        return await call_next(request)
    headers = {
        "access-control-allow-origin": origin,
        "vary": "Origin",
        "access-control-allow-headers": (
            "authorization, content-type, accept, x-perceptron-key, last-event-id"
        ),
        "access-control-expose-headers": "Retry-After",
        "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-max-age": "600",
    }
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=headers)
    response = await call_next(request)
    response.headers.update(headers)
    return response


def _request_context(
    settings: Settings,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """Bind a request id to every log line of the request; add security headers."""

    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        with structlog.contextvars.bound_contextvars(request_id=request_id[:64]):
            try:
                response = await call_next(request)
            except Exception:
                log.exception("unhandled error", path=request.url.path)
                response = JSONResponse({"detail": "internal error"}, status_code=500)
        response.headers["x-request-id"] = request_id[:64]
        response.headers["x-content-type-options"] = "nosniff"
        response.headers["referrer-policy"] = "strict-origin-when-cross-origin"
        if not settings.is_local:
            response.headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
        return response

    return middleware
