"""The identity provider's Backend API, for what sign-in verification cannot do: deleting a
person's identity-provider user when their account (or the whole organization) is deleted,
and the provider's organization with it. Clerk is the one provider:
``DELETE {clerk_api_url}/users/{id}`` and ``/organizations/{id}``, with the secret key as a
Bearer token. Without a secret key there is nothing to call (the embedded default signs its
own tokens and keeps no users outside the database).
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import quote

import httpx

from core.settings import Settings

LOCAL_USER_PREFIX = "local:"


class IdentityProviderError(RuntimeError):
    """The provider refused or failed; retried by the activity that called it."""


class IdentityProvider(Protocol):
    async def delete_user(self, user_id: str) -> bool:
        """Delete the provider's user. True if deleted now, False if it was already gone."""
        ...

    async def delete_organization(self, organization_id: str) -> bool:
        """Delete the provider's organization (its memberships go with it)."""
        ...


def is_provider_user(idp_user_id: str) -> bool:
    """Members of the embedded default (``local:...``) have no provider user to delete."""
    return not idp_user_id.startswith(LOCAL_USER_PREFIX)


class ClerkBackend:
    def __init__(self, api_url: str, secret_key: str, timeout: float = 10.0) -> None:
        self._api_url = api_url.rstrip("/")
        self._secret_key = secret_key
        self._timeout = timeout

    async def delete_user(self, user_id: str) -> bool:
        return await self._delete("users", user_id)

    async def delete_organization(self, organization_id: str) -> bool:
        return await self._delete("organizations", organization_id)

    async def invite_to_organization(
        self, organization_id: str, email: str, role: str, redirect_url: str | None = None
    ) -> str:
        """``POST /organizations/{id}/invitations``: Clerk emails the invitation itself.
        Returns the invitation's id. ``role`` is Clerk's, e.g. ``org:admin``."""
        body: dict[str, str] = {"email_address": email, "role": role}
        if redirect_url:
            body["redirect_url"] = redirect_url
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            response = await client.post(
                f"{self._api_url}/organizations/{quote(organization_id, safe='')}/invitations",
                json=body,
                headers={"Authorization": f"Bearer {self._secret_key}"},
            )
        if not response.is_success:
            raise IdentityProviderError(
                f"Clerk refused the invitation (HTTP {response.status_code})"
            )
        invitation_id = response.json().get("id")
        if not isinstance(invitation_id, str):
            raise IdentityProviderError("Clerk answered the invitation without an id")
        return invitation_id

    async def revoke_invitation(self, organization_id: str, invitation_id: str) -> bool:
        """``POST /organizations/{id}/invitations/{invitation_id}/revoke``. False if Clerk no
        longer knows the invitation."""
        organization = quote(organization_id, safe="")
        invitation = quote(invitation_id, safe="")
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            response = await client.post(
                f"{self._api_url}/organizations/{organization}/invitations/{invitation}/revoke",
                json={},
                headers={"Authorization": f"Bearer {self._secret_key}"},
            )
        if response.status_code == httpx.codes.NOT_FOUND:
            return False
        if not response.is_success:
            raise IdentityProviderError(
                f"Clerk refused to revoke the invitation (HTTP {response.status_code})"
            )
        return True

    async def _delete(self, kind: str, object_id: str) -> bool:
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            response = await client.delete(
                f"{self._api_url}/{kind}/{quote(object_id, safe='')}",
                headers={"Authorization": f"Bearer {self._secret_key}"},
            )
        if response.status_code == httpx.codes.NOT_FOUND:
            return False
        if response.is_success:
            return True
        # The status only: Clerk's error body may echo the user's details.
        raise IdentityProviderError(
            f"Clerk refused to delete the {kind[:-1]} (HTTP {response.status_code})"
        )


def create_identity_provider(settings: Settings) -> IdentityProvider | None:
    """Clerk's Backend API when its secret key is configured; None otherwise."""
    if settings.clerk_secret_key is None:
        return None
    return ClerkBackend(settings.clerk_api_url, settings.clerk_secret_key.get_secret_value())
