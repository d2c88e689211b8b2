"""A migrated database with one bookable reader, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from domain.clock import FixedClock
from domain.models import Client, Reader, Service
from storage.uow import Database
from tests.support.factories import make_client, make_reader, make_service, seed_open_reader

# Thursday 26 November 2026, 09:00 London (= UTC in winter).
START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@dataclass
class World:
    """What booking tests need: the database, a clock, a reader open 10-18 on weekdays."""

    database: Database
    clock: FixedClock
    reader: Reader
    service: Service
    clients: list[Client]

    def uows(self):  # type: ignore[no-untyped-def]
        return self.database.uows()


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    clock = FixedClock(START)
    database = Database.from_url(database_url, clock=clock)
    reader = make_reader(buffer_after_minutes=0, minimum_notice_minutes=60, free_cancel_hours=24)
    service = make_service(reader)
    clients = [make_client() for _ in range(3)]
    await seed_open_reader(database.uows, reader, service, *clients)
    yield World(database, clock, reader, service, clients)
    await database.dispose()
