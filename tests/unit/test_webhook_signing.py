"""Webhook signing: the Standard Webhooks scheme, checked against the spec's published test
vector and against an independent HMAC computed here with the standard library."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from core.webhooks import SECRET_PREFIX, new_secret, signature_headers

# The test vector of the Standard Webhooks specification (and its reference libraries).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signature_matches_the_spec_test_vector() -> None:
    at = datetime.fromtimestamp(SPEC_TIMESTAMP, UTC)
    headers = signature_headers(SPEC_SECRET, SPEC_ID, at, SPEC_BODY)
    assert headers == {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": str(SPEC_TIMESTAMP),
        "webhook-signature": SPEC_SIGNATURE,
    }


def test_signature_is_the_hmac_of_id_timestamp_and_body() -> None:
    secret = new_secret()
    at = datetime(2026, 12, 3, 14, 0, 5, tzinfo=UTC)
    body = '{"type":"message.created"}'
    headers = signature_headers(secret, "msg_1", at, body)
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    expected = hmac.new(key, f"msg_1.{int(at.timestamp())}.{body}".encode(), hashlib.sha256)
    assert headers["webhook-signature"] == "v1," + base64.b64encode(expected.digest()).decode()


def test_a_receiver_verifies_a_fresh_signature_and_refuses_a_changed_body() -> None:
    secret = new_secret()
    body = '{"id":"e1"}'
    headers = signature_headers(secret, "msg_2", datetime.now(UTC), body)
    assert Webhook(secret).verify(body, headers) == {"id": "e1"}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify('{"id":"e2"}', headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)


def test_secrets_are_whsec_base64_of_24_random_bytes() -> None:
    first, second = new_secret(), new_secret()
    assert first != second
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 24


def test_during_a_rotation_overlap_either_secret_verifies() -> None:
    new, old, other = new_secret(), new_secret(), new_secret()
    body = '{"id":"e3"}'
    at = datetime.now(UTC)
    headers = signature_headers(new, "msg_3", at, body, previous=old)
    first, second = headers["webhook-signature"].split(" ")
    assert first == signature_headers(new, "msg_3", at, body)["webhook-signature"]
    assert second == signature_headers(old, "msg_3", at, body)["webhook-signature"]
    assert Webhook(new).verify(body, headers) == {"id": "e3"}
    assert Webhook(old).verify(body, headers) == {"id": "e3"}
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(body, headers)
    alone = signature_headers(new, "msg_3", at, body, previous=None)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(body, alone)
