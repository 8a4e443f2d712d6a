"""Token and key primitives."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from core.models import Role
from services.identity import (
    InvalidTokenError,
    LocalTokens,
    hash_secret,
    map_clerk_role,
    new_api_key,
)


def test_local_token_round_trip() -> None:
    tokens = LocalTokens("secret-for-tests-" + "x" * 32, timedelta(minutes=5))
    member_id, org_id = uuid.uuid4(), uuid.uuid4()
    claims = tokens.verify(tokens.issue(member_id, org_id))
    assert (claims.member_id, claims.org_id) == (member_id, org_id)


def test_local_token_from_another_installation_is_invalid() -> None:
    ours = LocalTokens("ours-" + "o" * 32, timedelta(minutes=5))
    theirs = LocalTokens("theirs-" + "t" * 32, timedelta(minutes=5))
    with pytest.raises(InvalidTokenError):
        ours.verify(theirs.issue(uuid.uuid4(), uuid.uuid4()))


@pytest.mark.parametrize(
    ("claim", "role"),
    [
        ("org:admin", Role.ADMIN),
        ("org:member", Role.OPERATOR),
        ("owner", Role.OWNER),
        ("org:compliance", Role.COMPLIANCE),
        ("org:billing_viewer", Role.OPERATOR),
        (None, None),
    ],
)
def test_clerk_roles_map_to_product_roles(claim: str | None, role: Role | None) -> None:
    assert map_clerk_role(claim) == role


def test_api_keys_are_random_and_stored_as_hashes() -> None:
    secret, prefix, stored = new_api_key()
    other, _, _ = new_api_key()
    assert secret.startswith("sk_")
    assert secret != other
    assert secret.startswith(prefix)
    assert stored == hash_secret(secret)
    assert secret not in stored
