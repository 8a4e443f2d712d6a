"""The FastAPI application factory and its lifespan."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from datetime import timedelta
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from opentelemetry import propagate
from opentelemetry.trace import Span, SpanKind
from starlette.routing import Mount
from temporalio.client import Client

from agents.knowledge.retrieval import Retriever
from agents.providers.embeddings import Embedder, create_embedder
from agents.providers.llm import create_chat_model
from api.csrf import CsrfProtection
from api.rate_limit import RateLimits
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
from core import metrics
from core.db import SessionMaker, create_engine, create_session_maker
from core.encryption import DataKeys
from core.logging import get_logger
from core.payload_codec import create_keyring
from core.settings import AuthMode, Settings
from core.storage import create_storage
from core.temporal import connect_temporal
from core.tracing import configure_tracing, tracer
from core.webhooks import CHANNEL as WEBHOOK_CHANNEL
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
    settings: Settings,
    session_maker: SessionMaker,
    keyring: DataKeys,
    temporal: Client,
    rate_limits: RateLimits,
) -> dict[str, Any]:
    """The parts of the state that phone calls and voice use."""
    telephony = Telephony(session_maker, keyring, settings)
    return {
        "telephony": telephony,
        "phone_numbers": PhoneNumbers(session_maker, telephony, settings),
        "calls": Calls(session_maker, temporal, settings, telephony),
        "speech": speech_stack(settings),
        "twilio_limiter": rate_limits.limiter("twilio", settings.twilio_webhooks_per_minute, 60.0),
    }


def app_from_environment() -> FastAPI:
    """The app as each of `perceptron api --workers N`'s processes builds it."""
    from core.logging import configure_logging
    from core.settings import get_settings

    settings = get_settings()
    configure_logging(settings.effective_log_format, settings.log_level)
    # No access log, as in one process: its lines hold client addresses and paths.
    logging.getLogger("uvicorn.access").propagate = False
    return create_app(settings)


def create_app(settings: Settings, embedder: Embedder | None = None) -> FastAPI:
    """The API. ``embedder`` lets tests share one loaded model; production creates its own."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, AppState]]:
        configure_tracing(settings, "perceptron-api")
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
        event_hub = EventHub(settings.resolved_database_url, channels=(WEBHOOK_CHANNEL,))
        await event_hub.start()
        retriever = Retriever(session_maker, shared_embedder)
        rate_limits = RateLimits(engine, settings.secret_key.get_secret_value())
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
            message_limiter=rate_limits.limiter(
                "messages", settings.visitor_messages_per_minute, 60.0
            ),
            visitor_limiter=rate_limits.limiter("visitors", settings.new_visitors_per_minute, 60.0),
            limits=WidgetLimits.from_settings(rate_limits, settings),
            knowledge_trial=KnowledgeTrial(session_maker, retriever, create_chat_model(settings)),
            trial_limiter=rate_limits.limiter("tries", settings.knowledge_tries_per_minute, 60.0),
            signup_limiter=rate_limits.limiter("signups", settings.signups_per_hour, 3600.0),
            webhooks=Webhooks(session_maker, temporal, keyring, settings),
            **_phone(settings, session_maker, keyring, temporal, rate_limits),
        )
        log.info("api started", auth_mode=settings.effective_auth_mode.value)
        beat = settings.voice_heartbeat_seconds
        sweeper = asyncio.create_task(
            sweep_abandoned_calls(state.calls, beat * 2, timedelta(seconds=beat * 4))
        )
        dispatcher = asyncio.create_task(
            dispatch_loop(session_maker, temporal, settings, event_hub)
        )
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
        # FastAPI's own spans record the requested path and query (ids, sign-in tokens):
        # the request span is ours instead (route template, method, status; core/tracing.py).
        telemetry={"tracing": False, "operation_spans": False, "metrics": False, "logs": False},
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
    traced = bool(settings.otlp_endpoint)

    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        started = time.perf_counter()
        with (
            structlog.contextvars.bound_contextvars(request_id=request_id[:64]),
            _request_span(request, traced) as span,
        ):
            try:
                response = await call_next(request)
            except Exception:
                log.exception("unhandled error", path=request.url.path)
                response = JSONResponse({"detail": "internal error"}, status_code=500)
            template = _route_template(request)
            if span is not None:
                span.update_name(f"{request.method} {template}")
                span.set_attribute("http.route", template)
                span.set_attribute("http.response.status_code", response.status_code)
        _count_request(request, template, response.status_code, time.perf_counter() - started)
        response.headers["x-request-id"] = request_id[:64]
        response.headers["x-content-type-options"] = "nosniff"
        response.headers["referrer-policy"] = "strict-origin-when-cross-origin"
        if not settings.is_local:
            response.headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
        return response

    return middleware


def _request_span(request: Request, traced: bool) -> AbstractContextManager[Span | None]:
    """The request's server span, continuing the caller's trace; nothing when tracing is off."""
    if not traced:
        return nullcontext()
    return _tracer.start_as_current_span(
        request.method,
        context=propagate.extract(dict(request.headers)),
        kind=SpanKind.SERVER,
        attributes={"http.request.method": request.method},
    )


def _route_template(request: Request) -> str:
    """The route the request matched, as declared (``/api/orgs/{org_id}/...``): what metrics
    and traces name it by, never its path (which holds ids)."""
    route = request.scope.get("route")
    template = getattr(route, "path", None) or _UNMATCHED
    return f"{template}/*" if isinstance(route, Mount) else str(template)


def _count_request(request: Request, template: str, status_code: int, seconds: float) -> None:
    metrics.REQUESTS.labels(template, request.method, metrics.status_class(status_code)).inc()
    metrics.REQUEST_SECONDS.labels(template, request.method).observe(seconds)


_UNMATCHED = "unmatched"
_tracer = tracer("perceptron.api")
