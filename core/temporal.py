"""The one Temporal client factory, and the namespace setup the project owns.

Every process (API, worker, CLI) connects through :func:`connect_temporal`, so the data
converter (pydantic values, payloads encrypted per organization: see
:mod:`core.payload_codec`), TLS and API-key settings are decided in one place. Namespace
administration, which carries no payloads, connects through :func:`connect_temporal_admin`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import structlog
from google.protobuf.duration_pb2 import Duration
from temporalio import activity
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.namespace.v1 import NamespaceConfig
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.api.workflowservice.v1 import (
    DeleteWorkflowExecutionRequest,
    DescribeNamespaceRequest,
    RegisterNamespaceRequest,
    SetWorkerDeploymentCurrentVersionRequest,
    UpdateNamespaceRequest,
)
from temporalio.client import Client, TLSConfig, WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from core.encryption import DataKeys
from core.logging import get_logger
from core.payload_codec import data_converter
from core.settings import Settings
from core.temporal_config import TemporalConfig
from core.tracing import temporal_interceptors

_INDEXED_TYPES = {
    "Text": IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
    "Keyword": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "Int": IndexedValueType.INDEXED_VALUE_TYPE_INT,
    "Double": IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
    "Bool": IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
    "Datetime": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    "KeywordList": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
}


async def connect_temporal(
    settings: Settings, keyring: DataKeys, *, lazy: bool = False, runtime: Runtime | None = None
) -> Client:
    """Connect to the project's namespace with the encrypting converter and the TLS settings.
    ``lazy`` defers the first call to the server until it is needed, so the API can start
    while Temporal is still down; ``runtime`` is the SDK runtime (see :func:`worker_runtime`)."""
    return await _connect(
        settings, settings.resolved_namespace, data_converter(keyring), lazy=lazy, runtime=runtime
    )


def worker_runtime(settings: Settings) -> Runtime | None:
    """An SDK runtime that exports the worker's Temporal metrics (task latencies, slots,
    polls) for Prometheus on ``metrics_host:temporal_metrics_port``; None when that port is
    not set (the default runtime, no exporter)."""
    if settings.temporal_metrics_port is None:
        return None
    address = f"{settings.metrics_host}:{settings.temporal_metrics_port}"
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))


async def connect_temporal_admin(settings: Settings, *, starting_timeout: float = 0.0) -> Client:
    """A client on the ``default`` namespace for creating and configuring the project's
    namespace. It never sends or reads workflow payloads, so it needs no keyring.

    ``starting_timeout``: how long to keep trying while a server that was just started
    accepts connections but answers "not healthy yet" (the dev server under load)."""
    return await while_starting(
        lambda: _connect(settings, "default", pydantic_data_converter, lazy=False),
        starting_timeout,
    )


T = TypeVar("T")
log = get_logger(__name__)

# What the Temporal frontend answers while it is still starting up.
STARTING = ("Frontend is not healthy yet", "code: Unavailable")


async def while_starting(connect: Callable[[], Awaitable[T]], patience: float) -> T:
    """``connect()``, tried again every 0.2 s for up to ``patience`` seconds while the server
    says it is starting; any other error, or one past the deadline, is raised."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return await connect()
        except RuntimeError as error:
            if not any(sign in str(error) for sign in STARTING) or time.monotonic() >= deadline:
                raise
            log.info("temporal is starting, connecting again")
            await asyncio.sleep(0.2)


async def _connect(
    settings: Settings,
    namespace: str,
    converter: DataConverter,
    *,
    lazy: bool,
    runtime: Runtime | None = None,
) -> Client:
    tls: TLSConfig | bool = False
    if settings.temporal_tls_cert and settings.temporal_tls_key:
        tls = TLSConfig(
            client_cert=settings.temporal_tls_cert.read_bytes(),
            client_private_key=settings.temporal_tls_key.read_bytes(),
        )
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    return await Client.connect(
        settings.resolved_temporal_address,
        namespace=namespace,
        data_converter=converter,
        tls=tls or bool(api_key),
        api_key=api_key,
        lazy=lazy,
        runtime=runtime,
        interceptors=temporal_interceptors(settings),
    )


async def make_current_version(client: Client, deployment_name: str, build_id: str) -> None:
    """Route new workflows (and upgrading ones) of the deployment to ``build_id``: the last
    step of a release, once its workers poll. Pinned conversations stay where they are."""
    await client.workflow_service.set_worker_deployment_current_version(
        SetWorkerDeploymentCurrentVersionRequest(
            namespace=client.namespace,
            deployment_name=deployment_name,
            build_id=build_id,
            identity=client.identity,
        )
    )


async def ensure_namespace(client: Client, config: TemporalConfig, namespace: str) -> None:
    """Create the namespace with its retention and register the custom search attributes.

    Idempotent; used on the dev server and on a self-hosted cluster alike.
    """
    retention = Duration()
    retention.FromTimedelta(timedelta(days=config.namespace_retention_days))
    service = client.workflow_service
    try:
        await service.describe_namespace(DescribeNamespaceRequest(namespace=namespace))
        await service.update_namespace(
            UpdateNamespaceRequest(
                namespace=namespace,
                config=NamespaceConfig(workflow_execution_retention_ttl=retention),
            )
        )
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        await service.register_namespace(
            RegisterNamespaceRequest(
                namespace=namespace, workflow_execution_retention_period=retention
            )
        )
    existing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = {
        name: _INDEXED_TYPES[kind]
        for name, kind in config.search_attributes.items()
        if name not in existing.custom_attributes
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )


class ActivityLoggingInterceptor(Interceptor):
    """Binds the workflow id and activity name to structlog's context for each activity."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _BindActivityContext(next)


class _BindActivityContext(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        with structlog.contextvars.bound_contextvars(
            workflow_id=info.workflow_id,
            activity=info.activity_type,
            attempt=info.attempt,
        ):
            return await super().execute_activity(input)


async def workflow_runs(client: Client, workflow_id: str) -> dict[str, bool]:
    """Run id -> still running, for every run under a workflow id (a conversation continues
    as new, so it has several): the visibility list, plus the current run asked directly,
    since visibility lags a little behind."""
    runs: dict[str, bool] = {}
    try:
        current = await client.get_workflow_handle(workflow_id).describe()
        runs[current.run_id] = current.status == WorkflowExecutionStatus.RUNNING
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
    async for execution in client.list_workflows(f"WorkflowId = '{workflow_id}'"):
        runs.setdefault(execution.run_id, execution.status == WorkflowExecutionStatus.RUNNING)
    return runs


async def delete_workflow_run(client: Client, workflow_id: str, run_id: str) -> bool:
    """Delete one run's history from Temporal (a running one is terminated first, by the
    server). False when it was gone already, so callers can retry without double counting."""
    try:
        await client.workflow_service.delete_workflow_execution(
            DeleteWorkflowExecutionRequest(
                namespace=client.namespace,
                workflow_execution=WorkflowExecution(workflow_id=workflow_id, run_id=run_id),
            )
        )
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True
