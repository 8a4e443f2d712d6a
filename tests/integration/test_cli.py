"""The parts of the `perceptron` command that production runs one by one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from core.db import SessionMaker, platform_session
from core.models import Member, Role
from tests.factories import create_member, create_organization

PERCEPTRON = str(Path(sys.executable).parent / "perceptron")


def _run(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PERCEPTRON, *args],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_platform_staff_flag_is_set_and_removed_from_the_command_line(
    database_url: str, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    await create_member(session_maker, organization.id, Role.ADMIN, email="ops@example.com")

    added = _run("platform-staff", "ops@example.com", database_url=database_url)
    assert added.returncode == 0, added.stderr
    async with platform_session(session_maker) as session:
        member = (await session.exec(select(Member))).one()
        assert member.is_platform_staff

    removed = _run("platform-staff", "ops@example.com", "--remove", database_url=database_url)
    assert removed.returncode == 0
    async with platform_session(session_maker) as session:
        assert not (await session.exec(select(Member))).one().is_platform_staff


def test_platform_staff_for_an_unknown_member_fails(database_url: str) -> None:
    result = _run("platform-staff", "nobody@example.com", database_url=database_url)
    assert result.returncode == 1
    assert "no member" in result.stderr


def test_sign_in_link_bootstraps_the_owner_and_prints_a_link(database_url: str) -> None:
    result = _run("sign-in-link", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert "/auth/sign-in?token=" in result.stdout
