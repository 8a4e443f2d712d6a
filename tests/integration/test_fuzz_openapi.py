"""Schemathesis over the API's own OpenAPI spec, against the real app, PostgreSQL, Temporal
and workers: signed out, and signed in as an owner (Bearer, so CSRF does not apply) with
the organization's real id, public widget key and a visitor token. Every generated request,
valid or not, must get no 5xx and an answer the spec documents (status code, content type,
body schema).

Bounded: a fixed number of examples per operation (``FUZZ_EXAMPLES``), derandomized so a run
is repeatable, each request with a short timeout (event streams are read for that long)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.db import SessionMaker
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, session_token
from tests.integration.conversation_helpers import new_visitor

pytestmark = pytest.mark.usefixtures("worker")

FUZZ_EXAMPLES = 8
REQUEST_TIMEOUT = 3.0
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Operations that end the signed-in session for the rest of the run.
NOT_SIGNED_IN = {("DELETE", "/api/orgs/{org_id}/members/me"), ("POST", "/auth/sign-out")}


@dataclass
class Credentials:
    org_id: str
    member: dict[str, str]
    widget: dict[str, str]


@dataclass
class FuzzRun:
    operations: int = 0
    examples: int = 0
    failures: dict[str, str] = field(default_factory=dict)


def _fuzz(api: RunningApi, credentials: Credentials | None) -> FuzzRun:
    schema = schemathesis.openapi.from_url(f"{api.url}/api/openapi.json")
    run = FuzzRun()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operation = result.ok()
        if credentials is not None and (operation.method.upper(), operation.path) in NOT_SIGNED_IN:
            continue
        run.operations += 1
        headers: dict[str, str] = {}
        path_parameters: dict[str, Any] = {}
        if credentials is not None:
            widget = operation.path.startswith("/api/widget/")
            headers = credentials.widget if widget else credentials.member
            if "{org_id}" in operation.path:
                path_parameters["org_id"] = credentials.org_id
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(api, run, operation, mode, headers, path_parameters)
    return run


def _fuzz_operation(
    api: RunningApi,
    run: FuzzRun,
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    path_parameters: dict[str, Any],
) -> None:
    label = f"{operation.method.upper()} {operation.path} ({mode.value})"

    @hypothesis.settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        run.examples += 1
        case.path_parameters = {**(case.path_parameters or {}), **path_parameters}
        case.headers = {**(case.headers or {}), **headers}
        response = case.call(base_url=api.url, timeout=REQUEST_TIMEOUT)
        checks = CHECKS if mode is GenerationMode.POSITIVE else CHECKS[:1]
        case.validate_response(response, checks=checks)

    try:
        check()
    except hypothesis.errors.Unsatisfiable:
        pass
    except (Exception, FailureGroup) as error:
        causes = error.exceptions if isinstance(error, BaseExceptionGroup) else ()
        run.failures[label] = "\n".join([str(error), *map(str, causes)])[:3000]


async def _credentials(api: RunningApi, maker: SessionMaker) -> Credentials:
    organization = await create_organization(maker, "Lumen")
    owner = await create_member(maker, organization.id)
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
    return Credentials(
        org_id=str(organization.id),
        member=bearer(session_token(api.settings, owner)),
        widget={"x-perceptron-key": organization.public_key, **visitor.headers},
    )


@pytest.mark.timeout(900)
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
async def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(
    api: RunningApi, session_maker: SessionMaker, signed_in: bool
) -> None:
    credentials = await _credentials(api, session_maker) if signed_in else None
    started = time.monotonic()
    run = await asyncio.to_thread(_fuzz, api, credentials)
    took = time.monotonic() - started
    print(
        f"\nfuzzing {'signed in' if signed_in else 'signed out'}: {run.operations} operations, "
        f"{run.examples} examples, {len(run.failures)} failing, {took:.0f} s"
    )
    assert run.operations > 40
    assert not run.failures, "\n\n".join(f"{k}:\n{v}" for k, v in run.failures.items())
