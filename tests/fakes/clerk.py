"""A local stand-in for a Clerk instance's JWKS endpoint, and a signer of its session tokens.

Speaks the real wire format: ``GET /.well-known/jwks.json`` returns a JWK set; tokens are RS256
JWTs with Clerk's claims (``sub``, ``azp``, ``sid``, ``o: {id, rol}``), verified by the product
through PyJWT's real JWKS client over HTTP.

It also serves the Backend API calls the product makes, ``DELETE /v1/users/{user_id}``,
``DELETE /v1/organizations/{organization_id}`` and
``POST /v1/organizations/{organization_id}/invitations`` (``{email_address, role,
redirect_url}``, answered with an ``organization_invitation`` object) and
``POST .../invitations/{invitation_id}/revoke``: the secret key must
come as a Bearer token, unknown ids get 404, deleted ids and invitations are recorded.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class ClerkInstance:
    def __init__(self, kid: str = "ins_test_key_1", secret_key: str = "sk_test_clerk") -> None:
        self.kid = kid
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwks_requests = 0
        self.secret_key = secret_key
        self.users: set[str] = set()  # the instance's users, for the Backend API
        self.deleted_users: list[str] = []
        self.organizations: set[str] = set()
        self.deleted_organizations: list[str] = []
        self.invitations: list[dict[str, Any]] = []  # organization invitations created
        self.refused_requests = 0  # Backend API calls without the right secret
        self.api_url = ""  # the Backend API's base URL while serving

    @property
    def public_pem(self) -> str:
        return (
            self.private_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def jwks(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def session_token(
        self,
        user_id: str = "user_2abc",
        org_id: str | None = "org_2acme",
        role: str = "org:admin",
        azp: str = "https://app.example.com",
        expires_in: timedelta = timedelta(minutes=1),
        kid: str | None = None,
        **extra: Any,
    ) -> str:
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "sub": user_id,
            "azp": azp,
            "sid": "sess_123",
            "iss": "https://clerk.example.com",
            "iat": now,
            "nbf": now,
            "exp": now + expires_in,
            "v": 2,
            **extra,
        }
        if org_id:
            claims["o"] = {"id": org_id, "rol": role.removeprefix("org:"), "slg": "acme"}
        return jwt.encode(
            claims, self.private_key, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve the JWKS on a loopback port; yields the JWKS URL."""
        instance = self

        class Handler(BaseHTTPRequestHandler):
            def do_DELETE(self) -> None:
                kinds = {
                    "/v1/users/": ("user", instance.users, instance.deleted_users),
                    "/v1/organizations/": (
                        "organization",
                        instance.organizations,
                        instance.deleted_organizations,
                    ),
                }
                prefix = next((p for p in kinds if self.path.startswith(p)), None)
                if prefix is None:
                    self.send_error(404)
                    return
                if self.headers.get("Authorization") != f"Bearer {instance.secret_key}":
                    instance.refused_requests += 1
                    self._json(401, {"errors": [{"code": "authentication_invalid"}]})
                    return
                kind, existing, deleted = kinds[prefix]
                object_id = unquote(self.path.removeprefix(prefix))
                if object_id not in existing:
                    self._json(404, {"errors": [{"code": "resource_not_found"}]})
                    return
                existing.discard(object_id)
                deleted.append(object_id)
                self._json(200, {"object": kind, "id": object_id, "deleted": True})

            def do_POST(self) -> None:
                # /v1/organizations/{id}/invitations[/{invitation_id}/revoke]
                parts = self.path.split("/")
                creating = len(parts) == 5
                revoking = len(parts) == 7 and parts[6] == "revoke"
                if (
                    not (creating or revoking)
                    or parts[1:3] != ["v1", "organizations"]
                    or parts[4] != "invitations"
                ):
                    self.send_error(404)
                    return
                if self.headers.get("Authorization") != f"Bearer {instance.secret_key}":
                    instance.refused_requests += 1
                    self._json(401, {"errors": [{"code": "authentication_invalid"}]})
                    return
                organization_id = unquote(parts[3])
                if organization_id not in instance.organizations:
                    self._json(404, {"errors": [{"code": "resource_not_found"}]})
                    return
                if revoking:
                    invitation_id = unquote(parts[5])
                    found = next(
                        (
                            item
                            for item in instance.invitations
                            if item["id"] == invitation_id
                            and item["organization_id"] == organization_id
                        ),
                        None,
                    )
                    if found is None:
                        self._json(404, {"errors": [{"code": "resource_not_found"}]})
                        return
                    found["status"] = "revoked"
                    self._json(200, found)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not body.get("email_address") or not body.get("role"):
                    self._json(422, {"errors": [{"code": "form_param_missing"}]})
                    return
                now = int(datetime.now(UTC).timestamp() * 1000)
                invitation = {
                    "object": "organization_invitation",
                    "id": f"orginv_{len(instance.invitations) + 1}",
                    "email_address": body["email_address"],
                    "role": body["role"],
                    "organization_id": organization_id,
                    "status": "pending",
                    "public_metadata": body.get("public_metadata") or {},
                    "redirect_url": body.get("redirect_url"),
                    "created_at": now,
                    "updated_at": now,
                }
                instance.invitations.append(invitation)
                self._json(200, invitation)

            def _json(self, status: int, document: dict[str, Any]) -> None:
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path != "/.well-known/jwks.json":
                    self.send_error(404)
                    return
                instance.jwks_requests += 1
                body = json.dumps(instance.jwks()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.api_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
        finally:
            server.shutdown()
            server.server_close()
