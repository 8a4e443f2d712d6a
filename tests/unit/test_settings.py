"""Settings: conventional names, derived addresses, and no default secrets in production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.settings import AuthMode, Environment, Settings


def test_conventional_environment_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.internal:6543/app")
    monkeypatch.setenv("TEMPORAL_ADDRESS", "temporal.internal:7233")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("PERCEPTRON_API_PORT", "9000")
    settings = Settings()
    assert settings.resolved_database_url == "postgresql+psycopg://u@db.internal:6543/app"
    assert settings.resolved_temporal_address == "temporal.internal:7233"
    assert settings.openai_api_key is not None
    assert settings.api_port == 9000
    assert not settings.embedded_postgres
    assert not settings.embedded_temporal


def test_embedded_default_needs_no_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "TEMPORAL_ADDRESS", "PERCEPTRON_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.environment is Environment.LOCAL
    assert settings.embedded_postgres
    assert settings.embedded_temporal
    assert settings.effective_auth_mode is AuthMode.LOCAL
    assert settings.resolved_namespace == "perceptron"
    assert settings.temporal.task_queues.system == "perceptron-system"


def test_production_refuses_default_secrets() -> None:
    with pytest.raises(ValidationError, match="PERCEPTRON_SECRET_KEY"):
        Settings(environment=Environment.PRODUCTION, clerk_jwt_key="pem")


def test_production_refuses_short_secrets() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(
            environment=Environment.PRODUCTION,
            secret_key="short",
            master_key="m" * 40,
            clerk_jwt_key="pem",
        )


def test_production_refuses_local_sign_in_links() -> None:
    with pytest.raises(ValidationError, match="Clerk"):
        Settings(
            environment=Environment.PRODUCTION,
            secret_key="s" * 40,
            master_key="m" * 40,
        )


def test_production_with_real_secrets_and_clerk_is_accepted() -> None:
    settings = Settings(
        environment=Environment.PRODUCTION,
        secret_key="s" * 40,
        master_key="m" * 40,
        clerk_jwks_url="https://clerk.example.com/.well-known/jwks.json",
    )
    assert settings.effective_auth_mode is AuthMode.CLERK
    assert settings.effective_log_format == "json"


def test_secrets_do_not_show_in_repr() -> None:
    settings = Settings(openai_api_key="sk-very-secret")
    assert "sk-very-secret" not in repr(settings)


def test_lists_accept_commas_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_AUTHORIZED_PARTIES", "https://a.example, https://b.example")
    assert Settings().clerk_authorized_parties == ["https://a.example", "https://b.example"]
    monkeypatch.setenv("CLERK_AUTHORIZED_PARTIES", '["https://c.example"]')
    assert Settings().clerk_authorized_parties == ["https://c.example"]


def test_empty_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "")
    monkeypatch.setenv("DATABASE_URL", "")
    settings = Settings()
    assert settings.openai_api_key is None
    assert settings.embedded_postgres


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "support.example.com"])
def test_local_mode_refuses_a_public_api_host_with_the_default_secrets(host: str) -> None:
    with pytest.raises(ValidationError, match="PERCEPTRON_API_HOST") as refused:
        Settings(api_host=host)
    message = str(refused.value)
    assert "PERCEPTRON_SECRET_KEY" in message
    assert "PERCEPTRON_MASTER_KEY" in message


def test_local_mode_refuses_a_public_api_host_while_either_secret_is_the_default() -> None:
    with pytest.raises(ValidationError, match="PERCEPTRON_MASTER_KEY"):
        Settings(api_host="0.0.0.0", secret_key="s" * 40)
    with pytest.raises(ValidationError, match="PERCEPTRON_SECRET_KEY"):
        Settings(api_host="0.0.0.0", master_key="m" * 40)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1"])
def test_local_mode_accepts_loopback_hosts_with_the_default_secrets(host: str) -> None:
    assert Settings(api_host=host).api_host == host


def test_local_mode_accepts_a_public_api_host_with_real_secrets() -> None:
    settings = Settings(api_host="0.0.0.0", secret_key="s" * 40, master_key="m" * 40)
    assert settings.api_host == "0.0.0.0"


def test_no_proxy_is_trusted_by_default_and_proxies_are_addresses_or_networks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().trusted_proxies == []
    monkeypatch.setenv("PERCEPTRON_TRUSTED_PROXIES", "10.0.0.5, 172.16.0.0/12,::1")
    assert Settings().trusted_proxies == ["10.0.0.5", "172.16.0.0/12", "::1"]
    monkeypatch.setenv("PERCEPTRON_TRUSTED_PROXIES", "10.0.0.5,proxy.internal")
    with pytest.raises(ValidationError, match=r"'proxy\.internal' is not an IP address"):
        Settings()


def test_a_refusal_does_not_print_the_secrets_it_was_given() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(api_host="0.0.0.0", secret_key="s3cr3t" * 8)
    assert "s3cr3t" not in str(refused.value)


def test_the_webhook_delivery_log_outlives_the_delivery_window() -> None:
    with pytest.raises(ValidationError, match="WEBHOOK_LOG_RETENTION_DAYS"):
        Settings(webhook_log_retention_days=1, webhook_delivery_window_seconds=2 * 86400)
    kept = Settings(webhook_log_retention_days=2, webhook_delivery_window_seconds=86400)
    assert kept.webhook_log_retention_days == 2
