"""One settings class for the whole product.

Everything configurable lives here and is read from the environment (prefix ``PERCEPTRON_``),
plus the conventional names other tools use (``DATABASE_URL``, ``TEMPORAL_ADDRESS``,
``OPENAI_API_KEY``, ...). Nothing else in the code reads ``os.environ``.
"""

from __future__ import annotations

import ipaddress
import json
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.temporal_config import TemporalConfig, load_temporal_config

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "local-development-secret-key-change-me"  # noqa: S105 - refused outside local
DEFAULT_MASTER_KEY = "local-development-master-key-change-me"


class MetricsAccess(StrEnum):
    """Who may read the API's ``/metrics``: anyone who reaches it, a bearer of the metrics
    token, or nobody (the route answers 404)."""

    OPEN = "open"
    TOKEN = "token"  # noqa: S105 (the access mode, not a secret)
    OFF = "off"


class Environment(StrEnum):
    LOCAL = "local"
    PRODUCTION = "production"


class AuthMode(StrEnum):
    LOCAL = "local"
    CLERK = "clerk"


class VoiceTranscriber(StrEnum):
    AUTO = "auto"
    DEEPGRAM = "deepgram"
    WHISPER = "whisper"


class VoiceSynthesizer(StrEnum):
    AUTO = "auto"
    DEEPGRAM = "deepgram"
    PIPER = "piper"
    ESPEAK = "espeak"
    NONE = "none"


def _env(name: str) -> AliasChoices:
    """Accept both the conventional name and the ``PERCEPTRON_`` prefixed one."""
    return AliasChoices(name, f"PERCEPTRON_{name}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PERCEPTRON_",
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
        env_ignore_empty=True,
        hide_input_in_errors=True,  # a refusal must not print the secrets it was given
    )

    environment: Environment = Environment.LOCAL
    data_dir: Path = Path(".perceptron")
    log_format: str | None = Field(default=None, description="console or json; default by env")
    log_level: str = "INFO"

    # API
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # Prometheus metrics. /metrics on the API: "open", "token" (a bearer of metrics_token),
    # or "off"; unset: open in local mode, else token when metrics_token is set, else off.
    metrics_access: MetricsAccess | None = None
    metrics_token: SecretStr | None = None
    metrics_host: str = "127.0.0.1"  # where the worker serves its metrics
    worker_metrics_port: int | None = None  # the worker's own counters; None: not served
    temporal_metrics_port: int | None = None  # the worker's Temporal SDK metrics; None: off
    # Worker Versioning: the release's build id (an image tag, a commit); None: unversioned.
    worker_build_id: str | None = None
    worker_deployment_name: str = "perceptron"
    # OpenTelemetry traces, exported by OTLP/HTTP (``/v1/traces`` is appended); None: off.
    otlp_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices("PERCEPTRON_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"),
    )
    public_url: str | None = None
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # PostgreSQL: DATABASE_URL wins; otherwise the embedded server on postgres_port.
    database_url: str | None = Field(default=None, validation_alias=_env("DATABASE_URL"))
    postgres_port: int = 5433
    db_pool_size: int = 10

    # Temporal: TEMPORAL_ADDRESS wins; otherwise the embedded dev server.
    temporal_address: str | None = Field(default=None, validation_alias=_env("TEMPORAL_ADDRESS"))
    temporal_namespace: str | None = Field(
        default=None, validation_alias=_env("TEMPORAL_NAMESPACE")
    )
    temporal_tls_cert: Path | None = Field(default=None, validation_alias=_env("TEMPORAL_TLS_CERT"))
    temporal_tls_key: Path | None = Field(default=None, validation_alias=_env("TEMPORAL_TLS_KEY"))
    temporal_api_key: SecretStr | None = Field(
        default=None, validation_alias=_env("TEMPORAL_API_KEY")
    )
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    temporal_config: Path = Field(
        default=REPOSITORY / "temporal.yaml",
        description="The Temporal settings the project owns",
    )

    # Knowledge base
    max_upload_mb: int = Field(default=25, ge=1, le=1024)
    max_docx_expanded_mb: int = Field(default=100, ge=1)
    crawl_max_pages: int = Field(default=50, ge=1, le=5000)
    fetch_timeout_seconds: float = Field(default=15.0, gt=0)
    allow_private_urls: bool | None = Field(
        default=None,
        description="Let web imports reach private-network addresses; default: only in local",
    )
    url_sync_interval_hours: int = Field(default=24, ge=1)

    # Webhooks: a delivery retries with exponential backoff for the window, then fails; an
    # endpoint whose deliveries fail this many times in a row is disabled.
    webhook_retry_initial_seconds: float = Field(default=5.0, gt=0)
    webhook_retry_maximum_seconds: float = Field(default=3600.0, gt=0)
    webhook_delivery_window_seconds: float = Field(default=24 * 3600.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_disable_after_failures: int = Field(default=5, ge=1)
    # The delivery log (and the events it delivered) is deleted after this many days by the
    # daily retention sweep; longer than the delivery window.
    webhook_log_retention_days: int = Field(default=30, ge=1, le=3650)
    # After a rotation the replaced secret signs too (a second signature) for this long.
    webhook_secret_overlap_hours: float = Field(default=24.0, ge=0, le=24 * 14)
    # The dispatcher wakes on NOTIFY; this slow poll only catches a notification missed.
    webhook_dispatch_fallback_seconds: float = Field(default=30.0, gt=0)
    # The dashboard's "try it" box runs the whole answer path: per member, per API process.
    knowledge_tries_per_minute: int = Field(default=20, ge=1)
    embedding_batch_size: int = Field(default=64, ge=1, le=2048)
    embedding_threads: int = Field(
        default=2,
        ge=1,
        description="CPU threads of the local embedding model: batches run side by side, one each",
    )
    embedding_model: str = Field(
        default="text-embedding-3-small",
        description="The OpenAI embedding model, used when OPENAI_API_KEY is set",
    )
    embedding_dimensions: int | None = Field(
        default=None, description="Vector size of an OpenAI-compatible model that is not known"
    )
    corpus_dir: Path | None = Field(
        default=None, description="The Arduino help-center corpus, for the corpus suite"
    )

    # Conversations
    llm_model: str = Field(default="gpt-4o-mini", description="The chat model with OPENAI_API_KEY")
    llm_timeout_seconds: float = Field(default=30.0, gt=0)
    visitor_messages_per_minute: int = Field(default=20, ge=1)
    new_visitors_per_minute: int = Field(default=30, ge=1)
    # Only the public widget key is needed for these: each visitor and each client address
    # has its own budget. An event batch holds up to 100 events, hence at least 100.
    visitor_events_per_minute: int = Field(default=120, ge=100)
    address_events_per_minute: int = Field(default=600, ge=100)
    visitor_conversations_per_hour: int = Field(default=20, ge=1)
    address_conversations_per_hour: int = Field(default=200, ge=1)
    # Twilio's webhooks (voice, status), per client address: Twilio calls from few addresses.
    twilio_webhooks_per_minute: int = Field(default=600, ge=10)
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of the reverse proxies whose "
        "X-Forwarded-For is believed; none by default, loopback included",
    )

    # The demo shop page and its seeded knowledge base (local mode, first run)
    seed_demo: bool = True
    widget_dist: Path | None = Field(default=None, description="The built widget script")
    dashboard_dist: Path | None = Field(
        default=None, description="The built dashboard: its index.html and assets/"
    )

    # Voice in the widget: offered when this installation can speak (its speech stack has a
    # voice) and this is not switched off
    voice_enabled: bool = Field(
        default=True, description="The widget offers a voice call (its microphone button)"
    )

    # Privacy
    export_link_ttl_hours: int = Field(default=24, ge=1, le=24 * 14)
    data_key_cache_seconds: float = Field(
        default=60.0, ge=0, description="How long a process keeps an unwrapped data key"
    )
    retention_sweep_hour_utc: int = Field(default=3, ge=0, le=23)
    temporal_ui_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins of Temporal Web UIs allowed to call the codec endpoint; "
        "the embedded UI is always allowed",
    )

    # Voice: which speech-to-text and text-to-speech calls and the widget's microphone use.
    # auto: Deepgram when DEEPGRAM_API_KEY is set, else offline (faster-whisper; Piper when
    # the `piper` extra is installed, else espeak-ng when on PATH, else no voice).
    voice_transcriber: VoiceTranscriber = VoiceTranscriber.AUTO
    voice_synthesizer: VoiceSynthesizer = VoiceSynthesizer.AUTO

    # Secrets
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    master_key: SecretStr = SecretStr(DEFAULT_MASTER_KEY)

    # Auth
    auth_mode: AuthMode | None = None
    session_ttl_minutes: int = 12 * 60
    sign_in_link_ttl_minutes: int = 15
    clerk_secret_key: SecretStr | None = Field(
        default=None, validation_alias=_env("CLERK_SECRET_KEY")
    )
    clerk_jwks_url: str | None = Field(default=None, validation_alias=_env("CLERK_JWKS_URL"))
    clerk_jwt_key: str | None = Field(default=None, validation_alias=_env("CLERK_JWT_KEY"))
    clerk_authorized_parties: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("CLERK_AUTHORIZED_PARTIES")
    )
    clerk_api_url: str = Field(
        default="https://api.clerk.com/v1", validation_alias=_env("CLERK_API_URL")
    )
    clerk_sign_up_url: str | None = Field(
        default=None,
        validation_alias=_env("CLERK_SIGN_UP_URL"),
        description="Clerk's hosted sign-up page, where /signup sends people in Clerk mode",
    )

    # The public website's sign-up, for installations that host several businesses
    signup: bool = Field(default=False, description="Let anyone create an organization")
    signups_per_hour: int = Field(default=5, ge=1, description="Sign-ups per client address")

    # Email (invitations); sent only when a host is set
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None
    invitation_ttl_hours: int = Field(default=7 * 24, ge=1, le=30 * 24)

    # Voice: how a caller's turn is heard (the speech providers are chosen in services.voice)
    voice_end_of_turn_ms: int = Field(
        default=700, ge=200, le=3000, description="Silence that ends the caller's turn"
    )
    voice_barge_in_ms: int = Field(
        default=300, ge=60, le=2000, description="Speech over the answer that interrupts it"
    )
    voice_speech_threshold: float = Field(default=0.5, gt=0.0, lt=1.0)
    voice_warm_up: bool = Field(
        default=True,
        description="Load the offline speech models when the API starts, not at the first call",
    )
    voice_heartbeat_seconds: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="How often a live call's media loop says it is alive; after four missed "
        "beats the call is ended as failed",
    )

    # Providers (each contacted only when configured)
    openai_api_key: SecretStr | None = Field(default=None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(default=None, validation_alias=_env("OPENAI_BASE_URL"))
    deepgram_api_key: SecretStr | None = Field(
        default=None, validation_alias=_env("DEEPGRAM_API_KEY")
    )
    deepgram_base_url: str | None = Field(
        default=None,
        validation_alias=_env("DEEPGRAM_BASE_URL"),
        description="Deepgram's API address (https://...); its WebSocket address follows",
    )
    deepgram_stt_model: str = Field(default="nova-3", description="Deepgram live listen model")
    deepgram_tts_model: str = Field(default="aura-2-thalia-en", description="Deepgram Aura voice")
    twilio_account_sid: str | None = Field(
        default=None, validation_alias=_env("TWILIO_ACCOUNT_SID")
    )
    twilio_auth_token: SecretStr | None = Field(
        default=None, validation_alias=_env("TWILIO_AUTH_TOKEN")
    )
    # Tests only: where the Twilio REST client sends its requests instead of api.twilio.com
    # (a local fake). Refused in production.
    twilio_api_base_url: str | None = Field(
        default=None, validation_alias=_env("TWILIO_API_BASE_URL")
    )

    @field_validator(
        "cors_origins",
        "clerk_authorized_parties",
        "temporal_ui_origins",
        "trusted_proxies",
        mode="before",
    )
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        """Lists come from the environment as ``a,b`` or as a JSON list."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _ip_networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as error:
                raise ValueError(
                    f"PERCEPTRON_TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                    "(CIDR), e.g. 10.0.0.5 or 172.16.0.0/12"
                ) from error
        return value

    @model_validator(mode="after")
    def _webhook_log_outlives_deliveries(self) -> Self:
        if self.webhook_log_retention_days * 86400 <= self.webhook_delivery_window_seconds:
            raise ValueError(
                "PERCEPTRON_WEBHOOK_LOG_RETENTION_DAYS must be longer than the delivery window "
                "(PERCEPTRON_WEBHOOK_DELIVERY_WINDOW_SECONDS)"
            )
        return self

    @model_validator(mode="after")
    def _refuse_default_secrets_outside_local(self) -> Self:
        if self.environment is Environment.LOCAL:
            return self
        defaults = {
            "PERCEPTRON_SECRET_KEY": (self.secret_key, DEFAULT_SECRET_KEY),
            "PERCEPTRON_MASTER_KEY": (self.master_key, DEFAULT_MASTER_KEY),
        }
        for name, (value, default) in defaults.items():
            secret = value.get_secret_value()
            if secret == default or len(secret) < 32:
                raise ValueError(
                    f"{name} must be set to a random value of at least 32 characters "
                    f"when PERCEPTRON_ENVIRONMENT={self.environment.value}"
                )
        if self.environment is Environment.PRODUCTION and self.twilio_api_base_url:
            raise ValueError(
                "TWILIO_API_BASE_URL is for tests only (a fake Twilio): unset it when "
                "PERCEPTRON_ENVIRONMENT=production"
            )
        if self.effective_auth_mode is AuthMode.LOCAL:
            raise ValueError(
                "local sign-in links are for the embedded default only: configure Clerk "
                "(CLERK_JWKS_URL or CLERK_JWT_KEY) when PERCEPTRON_ENVIRONMENT=production"
            )
        return self

    @model_validator(mode="after")
    def _refuse_default_secrets_off_loopback(self) -> Self:
        """The dev secrets are public: they may sign sessions only for this machine."""
        if not self.is_local or _is_loopback(self.api_host):
            return self
        defaults = [
            name
            for name, value, default in (
                ("PERCEPTRON_SECRET_KEY", self.secret_key, DEFAULT_SECRET_KEY),
                ("PERCEPTRON_MASTER_KEY", self.master_key, DEFAULT_MASTER_KEY),
            )
            if value.get_secret_value() == default
        ]
        if defaults:
            one = len(defaults) == 1
            raise ValueError(
                f"PERCEPTRON_API_HOST={self.api_host} is reachable from other machines, but "
                f"{' and '.join(defaults)} {'holds its' if one else 'hold their'} public "
                f"development default: set {'it' if one else 'them'} to a random value of at "
                "least 32 characters, or listen on 127.0.0.1"
            )
        return self

    @property
    def is_local(self) -> bool:
        return self.environment is Environment.LOCAL

    @property
    def effective_metrics_access(self) -> MetricsAccess:
        if self.metrics_access is not None:
            return self.metrics_access
        if self.is_local:
            return MetricsAccess.OPEN
        return MetricsAccess.TOKEN if self.metrics_token else MetricsAccess.OFF

    @model_validator(mode="after")
    def _metrics_token_when_asked_for(self) -> Settings:
        if self.metrics_access is MetricsAccess.TOKEN and not self.metrics_token:
            raise ValueError(
                "PERCEPTRON_METRICS_ACCESS=token needs PERCEPTRON_METRICS_TOKEN (a random value "
                "that Prometheus sends as a bearer token)"
            )
        return self

    @property
    def effective_auth_mode(self) -> AuthMode:
        if self.auth_mode is not None:
            return self.auth_mode
        if self.clerk_jwks_url or self.clerk_jwt_key:
            return AuthMode.CLERK
        return AuthMode.LOCAL

    @property
    def effective_log_format(self) -> str:
        return self.log_format or ("console" if self.is_local else "json")

    @property
    def embedded_postgres(self) -> bool:
        return self.database_url is None

    @property
    def embedded_temporal(self) -> bool:
        return self.temporal_address is None

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.postgres_port}/perceptron"

    @property
    def resolved_temporal_address(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"

    @property
    def resolved_namespace(self) -> str:
        return self.temporal_namespace or self.temporal.namespace

    @property
    def api_url(self) -> str:
        return (self.public_url or f"http://{self.api_host}:{self.api_port}").rstrip("/")

    @property
    def temporal_ui_url(self) -> str:
        return f"http://127.0.0.1:{self.temporal_ui_port}"

    @property
    def storage_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def widget_script(self) -> Path:
        return self.widget_dist or REPOSITORY / "widget" / "dist" / "widget.js"

    @property
    def widget_voice_script(self) -> Path:
        """The lazily loaded voice bundle, built next to widget.js."""
        return self.widget_script.with_name("voice.js")

    @property
    def widget_voice_worklet(self) -> Path:
        """The voice bundle's AudioWorklet processor (the microphone's capture)."""
        return self.widget_script.with_name("voice-worklet.js")

    @property
    def dashboard_dir(self) -> Path:
        return self.dashboard_dist or REPOSITORY / "dashboard" / "dist"

    @property
    def private_urls_allowed(self) -> bool:
        return self.is_local if self.allow_private_urls is None else self.allow_private_urls

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @cached_property
    def temporal(self) -> TemporalConfig:
        return load_temporal_config(self.temporal_config)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalise_database_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def describe_database(url: str) -> str:
    """``host:port/database`` for messages: never the user or password."""
    parsed = urlsplit(url)
    return f"{parsed.hostname or 'localhost'}:{parsed.port or 5432}{parsed.path or '/'}"


def get_settings() -> Settings:
    """Read settings from the environment. Call once per process and pass the result along."""
    return Settings()
