"""A local stand-in for a Clerk instance's JWKS endpoint, and a signer of its session tokens.

Speaks the real wire format: ``GET /.well-known/jwks.json`` returns a JWK set; tokens are RS256
JWTs with Clerk's claims (``sub``, ``azp``, ``sid``, ``o: {id, rol}``), verified by the product
through PyJWT's real JWKS client over HTTP.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class ClerkInstance:
    def __init__(self, kid: str = "ins_test_key_1") -> None:
        self.kid = kid
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwks_requests = 0

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
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
        finally:
            server.shutdown()
            server.server_close()
