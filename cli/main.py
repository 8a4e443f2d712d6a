"""The `perceptron` command: `up` runs everything; `api`, `worker`, `migrate` run one part."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError

from core.logging import configure_logging, get_logger
from core.settings import Settings, describe_database, get_settings

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

app = typer.Typer(
    help="Perceptron: AI customer support.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
log = get_logger(__name__)


def _settings() -> Settings:
    try:
        settings = get_settings()
    except ValidationError as error:
        typer.echo(f"error: invalid settings:\n{error}", err=True)
        raise typer.Exit(2) from error
    configure_logging(settings.effective_log_format, settings.log_level)
    return settings


def _require_database(settings: Settings) -> None:
    """Fail fast, naming host and port, when PostgreSQL cannot be reached."""
    import psycopg

    url = settings.resolved_database_url
    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(dsn, connect_timeout=5):
            return
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        typer.echo(
            f"error: cannot reach PostgreSQL at {describe_database(url)} ({reason}). "
            "Check DATABASE_URL, or unset it to use the embedded server.",
            err=True,
        )
        raise typer.Exit(1) from error


@app.command()
def up(
    api_workers: Annotated[
        int, typer.Option(min=1, max=32, help="API processes, on the one port")
    ] = 1,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Temporal worker processes")] = 1,
) -> None:
    """Run the whole product on this machine: PostgreSQL, Temporal, worker, API."""
    from cli.embedded.process import PortInUseError
    from cli.embedded.supervisor import Supervisor

    settings = _settings()
    if not settings.embedded_postgres:
        _require_database(settings)
    try:
        code = Supervisor(settings, api_workers=api_workers, workers=workers).run()
    except PortInUseError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    raise typer.Exit(code)


@app.command()
def api(
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=32, help="Processes serving the one port (uvicorn's process manager)"
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API (uvicorn)."""
    import uvicorn

    from api.app import create_app

    settings = _settings()
    if workers > 1:
        # Each process builds its own app from the environment (its own database pool,
        # Temporal client and LISTEN connection); the parent holds the socket and restarts
        # a process that dies.
        config = api_server_config(settings, API_FACTORY, workers=workers)
        uvicorn.run(
            API_FACTORY,
            factory=True,
            workers=workers,
            host=config.host,
            port=config.port,
            log_config=None,
            access_log=False,
            proxy_headers=config.proxy_headers,
            forwarded_allow_ips=config.forwarded_allow_ips,
            timeout_graceful_shutdown=config.timeout_graceful_shutdown,
        )
        return
    server = uvicorn.Server(api_server_config(settings, create_app(settings)))
    server.run()
    if not server.started:
        raise typer.Exit(3)  # as uvicorn.run: the server could not start


API_FACTORY = "api.app:app_from_environment"


def api_server_config(
    settings: Settings, app: FastAPI | str, *, workers: int | None = None
) -> uvicorn.Config:
    """How `perceptron api` serves the app. X-Forwarded-For and -Proto are believed only from
    PERCEPTRON_TRUSTED_PROXIES (uvicorn would trust loopback by default): otherwise anyone
    could pick the client address that rate limits are keyed on."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies),
        timeout_graceful_shutdown=10,
        workers=workers,
        factory=isinstance(app, str),
    )


@app.command()
def worker() -> None:
    """Run the Temporal worker for every task queue."""
    settings = _settings()
    asyncio.run(_run_worker(settings))


async def _run_worker(settings: Settings) -> None:
    from core import metrics
    from core.db import create_engine, create_session_maker
    from core.payload_codec import create_keyring
    from core.temporal import connect_temporal, worker_runtime
    from core.tracing import configure_tracing
    from workflows.worker import build_workers

    configure_tracing(settings, "perceptron-worker")

    engine = create_engine(settings.resolved_database_url, pool_size=settings.db_pool_size)
    session_maker = create_session_maker(engine)
    keyring = create_keyring(settings, session_maker)
    client = await connect_temporal(settings, keyring, runtime=worker_runtime(settings))
    if settings.worker_metrics_port is not None:
        metrics.serve(settings.worker_metrics_port, settings.metrics_host)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    workers = contextlib.AsyncExitStack()
    try:
        for built in build_workers(client, settings, session_maker, keyring=keyring):
            await workers.enter_async_context(built)
        log.info("worker started", namespace=settings.resolved_namespace)
        await stop.wait()
        log.info("worker stopping")
    finally:
        await _stop_workers(workers)
        await engine.dispose()


# How long a stopping worker waits for its last tasks (the API gives requests as long). When
# Temporal or the database is gone (the supervisor was killed), those tasks cannot finish:
# the worker exits anyway, and Temporal hands them to another worker.
WORKER_STOP_SECONDS = 10.0


async def _stop_workers(workers: contextlib.AsyncExitStack) -> None:
    try:
        await asyncio.wait_for(workers.aclose(), WORKER_STOP_SECONDS)
    except TimeoutError:
        log.warning("worker stopped before its last tasks finished", seconds=WORKER_STOP_SECONDS)


@app.command("make-current")
def make_current(
    build_id: Annotated[str, typer.Argument(help="The release's PERCEPTRON_WORKER_BUILD_ID")],
) -> None:
    """Route new conversations and short workflows to this worker version (Worker
    Versioning); conversations already running stay on the version that started them."""
    from core.payload_codec import create_keyring
    from core.temporal import connect_temporal, make_current_version

    settings = _settings()

    async def run() -> None:
        from core.db import create_engine, create_session_maker

        engine = create_engine(settings.resolved_database_url, pool_size=1)
        try:
            keyring = create_keyring(settings, create_session_maker(engine))
            client = await connect_temporal(settings, keyring)
            await make_current_version(client, settings.worker_deployment_name, build_id)
        finally:
            await engine.dispose()

    asyncio.run(run())
    typer.echo(f"{settings.worker_deployment_name}: {build_id} is the current version")


@app.command()
def migrate() -> None:
    """Apply database migrations (safe to run again: nothing changes when current)."""
    from cli.migrate import upgrade

    settings = _settings()
    _require_database(settings)
    applied = upgrade(settings.resolved_database_url)
    typer.echo(
        f"applied {len(applied)} migration(s): {', '.join(applied)}"
        if applied
        else "database schema is up to date"
    )


@app.command("sign-in-link")
def sign_in_link() -> None:
    """Print a fresh one-time sign-in link for the owner (local auth mode)."""
    from core.db import create_engine, create_session_maker
    from services.accounts import bootstrap_default_organization, create_sign_in_link

    settings = _settings()
    _require_database(settings)

    async def make() -> str:
        engine = create_engine(settings.resolved_database_url, pool_size=1)
        try:
            maker = create_session_maker(engine)
            boot = await bootstrap_default_organization(maker)
            return await create_sign_in_link(
                maker,
                boot.org_id,
                boot.owner_id,
                timedelta(minutes=settings.sign_in_link_ttl_minutes),
            )
        finally:
            await engine.dispose()

    typer.echo(f"{settings.api_url}/auth/sign-in?token={asyncio.run(make())}")


@app.command("platform-staff")
def platform_staff(
    member: Annotated[str, typer.Argument(help="Email or identity-provider user id")],
    remove: Annotated[bool, typer.Option("--remove", help="Take the flag away")] = False,
) -> None:
    """Flag the people who run this installation (they may use platform-only tools)."""
    from core.db import create_engine, create_session_maker
    from services.accounts import set_platform_staff

    settings = _settings()
    _require_database(settings)

    async def change() -> int:
        engine = create_engine(settings.resolved_database_url, pool_size=1)
        try:
            return await set_platform_staff(create_session_maker(engine), member, not remove)
        finally:
            await engine.dispose()

    changed = asyncio.run(change())
    if changed == 0:
        typer.echo("error: no member with that email or user id", err=True)
        raise typer.Exit(1)
    typer.echo(f"{'removed from' if remove else 'added to'} platform staff: {changed} member(s)")


@app.command("phone-number")
def phone_number(
    number: Annotated[str, typer.Argument(help="E.164, e.g. +15551230000")],
    org: Annotated[str, typer.Option(help="The organization's id")],
    sid: Annotated[
        str | None, typer.Option(help="Twilio's PN… sid of the number in the platform account")
    ] = None,
    label: Annotated[str, typer.Option(help="A name for the number")] = "",
) -> None:
    """Assign a number of the platform's Twilio account to an organization (platform staff).
    Point the number's voice webhook at PERCEPTRON_PUBLIC_URL/api/twilio/voice and its status
    callback at /api/twilio/status in the platform's Twilio account."""
    import uuid

    from core.db import create_engine, create_session_maker
    from services.errors import RefusedError
    from services.phone_numbers import assign_platform_number

    settings = _settings()
    _require_database(settings)
    try:
        org_id = uuid.UUID(org)
    except ValueError as error:
        typer.echo("error: --org is an organization id (a UUID)", err=True)
        raise typer.Exit(2) from error

    async def assign() -> uuid.UUID:
        engine = create_engine(settings.resolved_database_url, pool_size=1)
        try:
            assigned = await assign_platform_number(
                create_session_maker(engine), org_id, number, provider_sid=sid, label=label
            )
            return assigned.id
        finally:
            await engine.dispose()

    try:
        number_id = asyncio.run(assign())
    except RefusedError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(1) from error
    if not settings.twilio_account_sid:
        typer.echo(
            "note: TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN are not set: calls to it are refused"
        )
    typer.echo(f"assigned: phone number {number_id}")


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Files, folders or http(s) URLs")],
    org: Annotated[
        str | None, typer.Option(help="Organization id (default: the first organization)")
    ] = None,
    site: Annotated[bool, typer.Option("--site", help="Crawl each URL as a website")] = False,
    wait: Annotated[bool, typer.Option(help="Wait for ingestion, with a progress bar")] = True,
) -> None:
    """Add documents or web pages to the knowledge base."""
    from cli.ingest import run_ingest

    settings = _settings()
    _require_database(settings)
    code = asyncio.run(run_ingest(settings, sources, org, site=site, wait=wait))
    raise typer.Exit(code)


@app.command()
def simulate(
    org: Annotated[str, typer.Option(help="The organization's id or name")],
    questions: Annotated[
        Path | None,
        typer.Option(help="A labelled question set (YAML, as bench/questions/arduino/*.yaml)"),
    ] = None,
    conversations: Annotated[
        int | None, typer.Option(help="Re-run the last N conversations instead")
    ] = None,
    operating_point: Annotated[
        float | None, typer.Option(help="The keyless judge's threshold, 0.05..0.95")
    ] = None,
    k: Annotated[int | None, typer.Option(help="Passages retrieved per turn")] = None,
    search_mode: Annotated[str | None, typer.Option(help="vector or hybrid")] = None,
    responder: Annotated[
        str | None, typer.Option(help="keyless, or model (needs OPENAI_API_KEY)")
    ] = None,
    model: Annotated[str | None, typer.Option(help="The chat model's name")] = None,
) -> None:
    """Try a change on questions or past conversations: nothing is sent to any visitor."""
    from cli.simulate import run_simulate

    settings = _settings()
    _require_database(settings)
    candidate = {
        "operating_point": operating_point,
        "k": k,
        "search_mode": search_mode,
        "responder": responder,
        "model": model,
    }
    code = asyncio.run(
        run_simulate(
            settings, org, questions=questions, conversations=conversations, candidate=candidate
        )
    )
    raise typer.Exit(code)


@app.command()
def check() -> None:
    """Run the system check workflow: API-independent proof that worker and database work."""
    from cli.bootstrap import run_system_check

    settings = _settings()
    asyncio.run(run_system_check(settings, execution_timeout=timedelta(seconds=30)))
    typer.echo("ok: Temporal, worker and PostgreSQL answer")
    _check_voice(settings)


def _check_voice(settings: Settings) -> None:
    """Say which voice calls get here; a voice setting that cannot work is an error."""
    from services.voice.speech import VoiceUnavailableError, speech_stack

    try:
        stack = speech_stack(settings)
    except VoiceUnavailableError as error:
        typer.echo(f"error: voice: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"{'ok' if stack.speaks else 'warning'}: voice: {stack.description}")


@app.command("temporal-setup")
def temporal_setup() -> None:
    """Create the namespace and search attributes from temporal.yaml on a Temporal cluster."""
    from core.temporal import connect_temporal_admin, ensure_namespace

    settings = _settings()

    async def setup() -> None:
        client = await connect_temporal_admin(settings)
        await ensure_namespace(client, settings.temporal, settings.resolved_namespace)
        from services.retention import prepare_retention_schedule

        await prepare_retention_schedule(settings)

    asyncio.run(setup())
    typer.echo(f"namespace {settings.resolved_namespace} is set up (with the retention schedule)")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
