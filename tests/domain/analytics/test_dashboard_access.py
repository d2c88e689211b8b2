"""One-time dashboard links: only a hash is kept, a link works once, within ten minutes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from domain.analytics.dashboard_access import (
    LINK_LIFETIME,
    SESSION_LIFETIME,
    LinkRefusal,
    LinkRefused,
    consume_link_token,
    issue_link_token,
    token_hash,
)
from domain.clock import FixedClock
from domain.enums import Role
from domain.errors import InvalidRequest, NotFound
from storage.uow import Database
from tests.support.factories import make_reader, seed

NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[tuple[Database, FixedClock]]:
    clock = FixedClock(NOW)
    database = Database.from_url(database_url, clock=clock)
    yield database, clock
    await database.dispose()


async def test_a_readers_link_stores_only_its_hash_and_grants_that_reader_once(world) -> None:
    database, clock = world
    reader = make_reader()
    await seed(database.uows, reader)

    token = await issue_link_token(
        uow=database.uows(), clock=clock, role=Role.READER, reader_id=reader.id
    )

    async with database.uows(read_only=True) as uow:
        assert await uow.dashboard_links.find(token) is None  # the token itself is not stored
        stored = await uow.dashboard_links.find(token_hash(token))
    assert stored is not None
    assert (stored.reader_id, stored.is_admin, stored.used_at) == (reader.id, False, None)
    assert stored.expires_at == NOW + LINK_LIFETIME == NOW + timedelta(minutes=10)
    assert len(token) >= 43

    grant = await consume_link_token(uow=database.uows(), clock=clock, token=token)
    assert (grant.role, grant.reader_id) == (Role.READER, reader.id)
    assert grant.expires_at == NOW + SESSION_LIFETIME == NOW + timedelta(hours=12)
    assert grant.may_see(reader.id)
    assert not grant.may_see(make_reader().id)

    with pytest.raises(LinkRefused) as again:
        await consume_link_token(uow=database.uows(), clock=clock, token=token)
    assert again.value.reason is LinkRefusal.USED


async def test_an_admins_link_grants_the_platform(world) -> None:
    database, clock = world
    token = await issue_link_token(uow=database.uows(), clock=clock, role=Role.ADMIN)
    grant = await consume_link_token(uow=database.uows(), clock=clock, token=token)
    assert (grant.role, grant.reader_id, grant.is_admin) == (Role.ADMIN, None, True)


async def test_a_link_expires_after_ten_minutes_and_an_unknown_one_is_refused(world) -> None:
    database, clock = world
    token = await issue_link_token(uow=database.uows(), clock=clock, role=Role.ADMIN)
    clock.advance(LINK_LIFETIME)
    with pytest.raises(LinkRefused) as late:
        await consume_link_token(uow=database.uows(), clock=clock, token=token)
    assert late.value.reason is LinkRefusal.EXPIRED
    with pytest.raises(LinkRefused) as unknown:
        await consume_link_token(uow=database.uows(), clock=clock, token="not-a-token")
    assert unknown.value.reason is LinkRefusal.UNKNOWN


async def test_two_tabs_opening_one_link_at_once_get_one_session(world) -> None:
    database, clock = world
    token = await issue_link_token(uow=database.uows(), clock=clock, role=Role.ADMIN)

    async def open_it() -> bool:
        try:
            await consume_link_token(uow=database.uows(), clock=clock, token=token)
        except LinkRefused:
            return False
        return True

    assert sorted(await asyncio.gather(open_it(), open_it(), open_it())) == [False, False, True]


async def test_links_are_for_an_existing_reader_or_an_admin_only(world) -> None:
    database, clock = world
    with pytest.raises(NotFound):
        await issue_link_token(
            uow=database.uows(), clock=clock, role=Role.READER, reader_id=make_reader().id
        )
    with pytest.raises(InvalidRequest):
        await issue_link_token(uow=database.uows(), clock=clock, role=Role.READER)
    with pytest.raises(InvalidRequest):
        await issue_link_token(uow=database.uows(), clock=clock, role=Role.CLIENT)
