"""`samia admin login-link`: a one-time dashboard link for the platform or one reader."""

from __future__ import annotations

import asyncio
from pathlib import Path

from domain.analytics.dashboard_access import consume_link_token
from domain.clock import SystemClock
from domain.enums import Role
from storage.uow import Database
from tests.hub.test_cli import samia
from tests.support.databases import fresh_sqlite_copy
from tests.support.factories import make_reader, seed


def test_login_link_prints_a_link_for_the_platform_or_a_reader(
    sqlite_template: Path, tmp_path: Path
) -> None:
    url = fresh_sqlite_copy(sqlite_template, tmp_path / "samia.db")
    reader = make_reader(slug="samia")

    async def seeded() -> None:
        database = Database.from_url(url)
        await seed(database.uows, reader)
        await database.dispose()

    async def use(link: str):  # type: ignore[no-untyped-def]
        database = Database.from_url(url)
        try:
            token = link.rsplit("/", 1)[1]
            return await consume_link_token(uow=database.uows(), clock=SystemClock(), token=token)
        finally:
            await database.dispose()

    asyncio.run(seeded())
    env = {"SAMIA_DATABASE_URL": url, "SAMIA_PUBLIC_URL": "https://hub.example.test"}

    platform = samia("admin", "login-link", cwd=tmp_path, **env)
    mine = samia("admin", "login-link", "--reader", "samia", cwd=tmp_path, **env)
    nobody = samia("admin", "login-link", "--reader", "nobody", cwd=tmp_path, **env)

    assert platform.returncode == 0, platform.stderr
    link = platform.stdout.strip()
    assert link.startswith("https://hub.example.test/dashboard/login/")
    assert "works once, within 10 minutes" in platform.stderr
    assert asyncio.run(use(link)).role is Role.ADMIN
    assert asyncio.run(use(mine.stdout.strip())).reader_id == reader.id
    assert nobody.returncode == 1
    assert nobody.stderr.strip() == "error: no reader nobody"


def test_invite_adds_an_admin_once_and_prints_a_link_code(
    sqlite_template: Path, tmp_path: Path
) -> None:
    url = fresh_sqlite_copy(sqlite_template, tmp_path / "samia.db")
    env = {"SAMIA_DATABASE_URL": url}
    first = samia("admin", "invite", "Ops@Example.com", "--name", "Ops", cwd=tmp_path, **env)
    again = samia("admin", "invite", "ops@example.com", cwd=tmp_path, **env)
    codes = [
        line.split("/link ")[1].strip()
        for line in (first.stdout + again.stdout).splitlines()
        if "/link " in line
    ]
    assert len(set(codes)) == 2

    async def admins() -> list[tuple[str, str]]:
        import sqlalchemy as sa

        from storage.models import Admin, LinkCode

        database = Database.from_url(url)
        try:
            async with database.uows(read_only=True) as uow:
                session = uow.session  # type: ignore[attr-defined]
                rows = (await session.execute(sa.select(Admin.name, Admin.email))).all()
                linked = await session.scalar(
                    sa.select(sa.func.count()).where(LinkCode.admin_id.is_not(None))
                )
            assert linked == 2
            return [tuple(row) for row in rows]
        finally:
            await database.dispose()

    assert asyncio.run(admins()) == [("Ops", "ops@example.com")]
    bad = samia("admin", "invite", "not-an-email", cwd=tmp_path, **env)
    assert bad.returncode == 1
    assert "is not an email address" in bad.stderr
