"""The installation's own origins, as the CSRF defence compares them: scheme, host and port."""

from __future__ import annotations

import pytest

from api.csrf import CsrfTokens, origin_of, own_origins
from core.settings import Environment, Settings

SECRET = "s" * 40


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Support.Example.com", "https://support.example.com:443"),
        ("https://support.example.com:443/dashboard/?x=1", "https://support.example.com:443"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("null", None),
        ("javascript:alert(1)", None),
        ("ftp://example.com", None),
        ("http://example.com:99999", None),
        ("", None),
    ],
)
def test_origins_are_normalised_or_refused(url: str, origin: str | None) -> None:
    assert origin_of(url) == origin


def test_local_mode_accepts_the_public_url_and_the_listen_address() -> None:
    settings = Settings(public_url="https://perceptron.test", api_host="127.0.0.1", api_port=8123)
    assert own_origins(settings) == {"https://perceptron.test:443", "http://127.0.0.1:8123"}


def test_outside_local_mode_only_the_public_url_is_the_own_origin() -> None:
    settings = Settings(
        environment=Environment.PRODUCTION,
        public_url="https://support.example.com",
        api_host="0.0.0.0",  # a container listens on every interface
        secret_key=SECRET,
        master_key=SECRET,
        clerk_jwt_key="pem",
    )
    assert own_origins(settings) == {"https://support.example.com:443"}


def test_a_token_is_tied_to_the_session_and_to_the_secret() -> None:
    tokens = CsrfTokens(SECRET)
    session = {"perceptron_session": "one-session"}
    token = tokens.for_session(session)
    assert token is not None
    assert tokens.matches(session, token)
    assert not tokens.matches({"perceptron_session": "another-session"}, token)
    assert not CsrfTokens("t" * 40).matches(session, token)
    assert not tokens.matches(session, None)
    assert not tokens.matches({}, token)
    assert not tokens.matches(session, "é" + token[1:])  # non-ASCII header text: refused
