"""Flow tests: a bookable world on SQLite and PostgreSQL, fakes for every provider.

Prefect's test harness (a local API, ~10 s to start) is session-scoped and only the few
tests that need real flow runs ask for it; the rest call `flow.fn()`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from connectors.calendar.fake import FakeCalendar
from connectors.meetings.fake import FakeMeetings
from domain.booking.service import HoldRequest, confirm_booking, hold_slot
from domain.clock import FixedClock
from domain.enums import Channel
from domain.models import Booking, Client, Reader, Service, WeeklyHours
from flows._deps import FlowDeps, RunPolicy, use_deps
from flows.local_api import LEAN_LOCAL_API
from storage.uow import Database
from tests.support.accounts import StaticAccounts
from tests.support.factories import make_client, make_reader, make_service
from tests.support.notifier import FakeNotifier

FAST = RunPolicy(retries=4, backoff_seconds=0.001, longest_wait_seconds=1.0, concurrency=8)


def next_hour() -> datetime:
    """Real time matters to the Zoom fake ("upcoming" meetings), so the world starts now."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return now + timedelta(hours=1)


@dataclass
class World:
    """A database with readers open around the clock, clients, fakes and flow deps."""

    database: Database
    clock: FixedClock
    readers: list[Reader]
    services: list[Service]
    clients: list[Client]
    calendar: Any = field(default_factory=FakeCalendar)
    meetings: Any = field(default_factory=FakeMeetings)
    notifier: Any = field(default_factory=FakeNotifier)
    policy: RunPolicy = FAST

    def deps(self, **overrides: Any) -> FlowDeps:
        fields: dict[str, Any] = {
            "uows": self.database.uows,
            "clock": self.clock,
            "notifier": self.notifier,
            "accounts": StaticAccounts(self.calendar, self.meetings),
            "policy": self.policy,
        }
        return FlowDeps(**(fields | overrides))

    async def book(self, starts_at: datetime, *, reader: int = 0, client: int = 0) -> Booking:
        """Hold and confirm through the booking service (it writes the outbox row)."""
        service = self.services[reader]
        who = self.clients[client % len(self.clients)]
        request = HoldRequest(who.id, service.id, starts_at, "UTC", Channel.WEBCHAT)
        held = await hold_slot(uow=self.database.uows(), clock=self.clock, request=request)
        return await confirm_booking(
            uow=self.database.uows(), clock=self.clock, hold_id=held.id, client_id=who.id
        )

    async def book_many(self, count: int, *, first: datetime) -> list[Booking]:
        """`count` back-to-back 30-minute bookings spread over the readers (none at 23:30)."""
        starts: list[datetime] = []
        slot = first
        while len(starts) * len(self.readers) < count:
            if (slot.hour, slot.minute) != (23, 30):  # open hours end at 23:59
                starts.append(slot)
            slot += timedelta(minutes=30)
        bookings = []
        for i in range(count):
            reader = i % len(self.readers)
            start = starts[i // len(self.readers)]
            bookings.append(await self.book(start, reader=reader, client=i))
        return bookings


async def make_world(database_url: str, *, readers: int = 1, clients: int = 3) -> World:
    clock = FixedClock(next_hour() - timedelta(hours=1))
    database = Database.from_url(database_url, clock=clock)
    people = [
        make_reader(
            buffer_after_minutes=0,
            minimum_notice_minutes=30,
            maximum_advance_days=60,
            room_url=f"https://rooms.example/{i}",
            email=f"reader{i}@example.com",
            timezone="UTC",
        )
        for i in range(readers)
    ]
    services = [make_service(r) for r in people]
    buyers = [make_client(name=f"Client {i}") for i in range(clients)]
    async with database.uows() as uow:
        for reader, service in zip(people, services, strict=True):
            await uow.readers.add(reader)
            await uow.services.add(service)
            for weekday in range(7):
                await uow.availability.replace_weekday(
                    reader.id, weekday, [WeeklyHours(weekday, time(0), time(23, 59))]
                )
        for client in buyers:
            await uow.clients.add(client)
        await uow.commit()
    return World(database, clock, people, services, buyers)


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    built = await make_world(database_url)
    yield built
    await built.database.dispose()


@pytest.fixture
def installed(world: World) -> Iterator[FlowDeps]:
    """The world's fakes installed as the flows' dependencies."""
    with use_deps(world.deps()) as deps:
        yield deps


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One local Prefect API for the whole session (about ten seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    # Hundreds of task runs: their INFO lines (console and API) would dominate the time.
    for name in ("prefect.task_runs", "prefect.flow_runs"):
        logging.getLogger(name).setLevel(logging.WARNING)
    lean = {k: v for k, v in LEAN_LOCAL_API.items() if k not in os.environ}
    os.environ.update(lean)  # the harness's server subprocess inherits the environment
    try:
        with prefect_test_harness(server_startup_timeout=60):
            yield
    finally:
        for name in lean:
            os.environ.pop(name, None)
