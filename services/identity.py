"""Who is calling: member session tokens (Clerk or local), and API keys.

No password is stored anywhere. In Clerk mode the session JWT is verified offline against the
instance's JWKS (or its PEM public key); in local mode, the embedded default, the server signs
its own short-lived tokens after a one-time sign-in link.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from core.models import Role

LOCAL_ISSUER = "perceptron-local"
LOCAL_AUDIENCE = "perceptron-dashboard"
API_KEY_PREFIX = "sk_"


class InvalidTokenError(Exception):
    """The credential is missing, malformed, expired or not ours. Maps to HTTP 401."""


@dataclass(frozen=True)
class LocalSessionClaims:
    member_id: uuid.UUID
    org_id: uuid.UUID


@dataclass(frozen=True)
class ClerkClaims:
    user_id: str
    org_external_id: str | None
    role: Role | None
    name: str | None
    email: str | None


class _OwnTokens:
    """HS256 tokens this installation signs for itself: a subject id within an organization,
    for one audience (dashboard sessions or widget visitors)."""

    def __init__(self, secret: str, ttl: timedelta, audience: str, kind: str) -> None:
        self._secret = secret
        self._ttl = ttl
        self._audience = audience
        self._kind = kind

    @property
    def ttl(self) -> timedelta:
        return self._ttl

    def _issue(self, subject: uuid.UUID, org_id: uuid.UUID) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": LOCAL_ISSUER,
            "aud": self._audience,
            "sub": str(subject),
            "org": str(org_id),
            "iat": now,
            "nbf": now,
            "exp": now + self._ttl,
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def _verify(self, token: str) -> tuple[uuid.UUID, uuid.UUID]:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                audience=self._audience,
                issuer=LOCAL_ISSUER,
                options={"require": ["exp", "sub", "org", "iss", "aud"]},
            )
            return uuid.UUID(claims["sub"]), uuid.UUID(claims["org"])
        except (jwt.PyJWTError, ValueError) as error:
            raise InvalidTokenError(f"invalid {self._kind} token: {error}") from error


class LocalTokens(_OwnTokens):
    """Session tokens the embedded default signs for its own members."""

    def __init__(self, secret: str, ttl: timedelta) -> None:
        super().__init__(secret, ttl, LOCAL_AUDIENCE, "session")

    def issue(self, member_id: uuid.UUID, org_id: uuid.UUID) -> str:
        return self._issue(member_id, org_id)

    def verify(self, token: str) -> LocalSessionClaims:
        return LocalSessionClaims(*self._verify(token))


class ClerkVerifier:
    """Verifies Clerk session JWTs (RS256) offline and maps their organization claims."""

    def __init__(
        self,
        *,
        jwks_url: str | None,
        public_key_pem: str | None,
        authorized_parties: list[str],
        leeway_seconds: int = 5,
    ) -> None:
        if not jwks_url and not public_key_pem:
            raise ValueError("Clerk needs CLERK_JWKS_URL or CLERK_JWT_KEY")
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None
        self._pem = public_key_pem
        self._authorized_parties = set(authorized_parties)
        self._leeway = leeway_seconds

    def verify(self, token: str) -> ClerkClaims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise InvalidTokenError(f"invalid session token: {error}") from error
        if header.get("alg") != "RS256":
            raise InvalidTokenError("session tokens must be signed with RS256")
        try:
            key: Any
            if self._jwks is not None:
                key = self._jwks.get_signing_key(header.get("kid") or "").key
            else:
                key = self._pem
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                leeway=self._leeway,
                options={"require": ["exp", "iat", "sub"], "verify_aud": False},
            )
        except (jwt.PyJWTError, jwt.PyJWKClientError, ValueError) as error:
            raise InvalidTokenError(f"invalid session token: {error}") from error
        azp = claims.get("azp")
        if self._authorized_parties and azp not in self._authorized_parties:
            raise InvalidTokenError("the token was issued for another site (azp)")
        org_external_id, role = _organization_claims(claims)
        return ClerkClaims(
            user_id=str(claims["sub"]),
            org_external_id=org_external_id,
            role=role,
            name=claims.get("name"),
            email=claims.get("email"),
        )


def _organization_claims(claims: dict[str, Any]) -> tuple[str | None, Role | None]:
    """Clerk's v2 tokens carry ``o: {id, rol}``; v1 tokens ``org_id`` and ``org_role``."""
    compact = claims.get("o")
    if isinstance(compact, dict):
        return compact.get("id"), map_clerk_role(compact.get("rol"))
    return claims.get("org_id"), map_clerk_role(claims.get("org_role"))


def map_clerk_role(value: str | None) -> Role | None:
    if not value:
        return None
    name = value.removeprefix("org:")
    if name == "member":
        return Role.OPERATOR
    try:
        return Role(name)
    except ValueError:
        return Role.OPERATOR


def new_api_key() -> tuple[str, str, str]:
    """A fresh key: (secret shown once, display prefix, stored hash)."""
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return secret, secret[:10], hash_secret(secret)


def new_sign_in_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_secret(token)


def hash_secret(secret: str) -> str:
    """SHA-256 is enough for 256-bit random secrets (no dictionary to guess from)."""
    return hashlib.sha256(secret.encode()).hexdigest()


# Widget identity tokens (Perceptron.identify): signed by the customer's backend with the
# organization's widget secret. Short-lived, so a leaked token does not vouch for long.
IDENTITY_MAX_LIFETIME = timedelta(hours=24)
IDENTITY_LEEWAY = timedelta(seconds=60)  # clock skew between their servers and ours


def verify_identity_token(token: str, widget_secret: str) -> dict[str, Any]:
    """The claims of a customer-signed identity: ``user_id`` and ``exp`` required, ``exp``
    at most 24 hours ahead (both with a minute of clock skew)."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            widget_secret,
            algorithms=["HS256"],
            leeway=IDENTITY_LEEWAY,
            options={"require": ["user_id", "exp"], "verify_aud": False},
        )
    except jwt.MissingRequiredClaimError as error:
        if error.claim == "exp":
            raise InvalidTokenError(
                "the identity token must carry exp (at most 24 hours ahead)"
            ) from error
        raise InvalidTokenError(f"the identity token must carry {error.claim}") from error
    except jwt.ExpiredSignatureError as error:
        raise InvalidTokenError("the identity token has expired") from error
    except jwt.PyJWTError as error:
        raise InvalidTokenError("the identity token is not valid") from error
    latest = datetime.now(UTC) + IDENTITY_MAX_LIFETIME + IDENTITY_LEEWAY
    if claims["exp"] > latest.timestamp():
        raise InvalidTokenError("the identity token's exp is more than 24 hours ahead")
    return claims


VISITOR_AUDIENCE = "perceptron-widget"


@dataclass(frozen=True)
class VisitorClaims:
    contact_id: uuid.UUID
    org_id: uuid.UUID


class VisitorTokens(_OwnTokens):
    """Tokens the widget keeps in localStorage: one visitor (contact) of one organization."""

    def __init__(self, secret: str, ttl: timedelta = timedelta(days=30)) -> None:
        super().__init__(secret, ttl, VISITOR_AUDIENCE, "visitor")

    def issue(self, contact_id: uuid.UUID, org_id: uuid.UUID) -> str:
        return self._issue(contact_id, org_id)

    def verify(self, token: str) -> VisitorClaims:
        return VisitorClaims(*self._verify(token))
