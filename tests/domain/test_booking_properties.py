"""Property: whatever clients do, one reader never has two overlapping active bookings."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain import errors
from domain.booking import service
from domain.booking.service import HoldRequest
from domain.clock import FixedClock
from domain.enums import BookingStatus, Channel
from domain.models import WeeklyHours
from storage.uow import Database
from tests.support.factories import make_client, make_reader, make_service

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)

operation = st.one_of(
    st.tuples(st.just("hold"), st.integers(0, 5), st.integers(0, 15)),
    st.tuples(st.just("confirm"), st.integers(0, 5), st.integers(0, 40)),
    st.tuples(st.just("cancel"), st.integers(0, 5), st.integers(0, 40)),
    st.tuples(st.just("reschedule"), st.integers(0, 5), st.integers(0, 15)),
    st.tuples(st.just("wait"), st.integers(0, 5), st.integers(1, 12)),
)


async def _run(url: str, operations: list[tuple[str, int, int]]) -> None:
    clock = FixedClock(START)
    database = Database.from_url(url, clock=clock)
    reader = make_reader(buffer_after_minutes=0, minimum_notice_minutes=0)
    # 45-minute readings on a 30-minute grid: neighbouring slots overlap.
    svc = make_service(reader, duration_minutes=45)
    clients = [make_client() for _ in range(6)]
    async with database.uows() as uow:
        await uow.readers.add(reader)
        await uow.services.add(svc)
        for client in clients:
            await uow.clients.add(client)
        await uow.availability.replace_weekday(reader.id, 0, [WeeklyHours(0, time(10), time(18))])
        await uow.commit()
    bookings: list = []
    for verb, who, arg in operations:
        client = clients[who]
        try:
            if verb == "hold":
                bookings.append(
                    await service.hold_slot(
                        uow=database.uows(),
                        clock=clock,
                        request=HoldRequest(
                            client.id,
                            svc.id,
                            MONDAY + timedelta(minutes=30 * arg),
                            "UTC",
                            Channel.WEBCHAT,
                        ),
                    )
                )
            elif verb == "confirm" and bookings:
                b = bookings[arg % len(bookings)]
                await service.confirm_booking(
                    uow=database.uows(), clock=clock, hold_id=b.id, client_id=b.client_id
                )
            elif verb == "cancel" and bookings:
                b = bookings[arg % len(bookings)]
                await service.cancel_booking(
                    uow=database.uows(), clock=clock, booking_id=b.id, client_id=b.client_id
                )
            elif verb == "reschedule" and bookings:
                b = bookings[arg % len(bookings)]
                await service.reschedule_booking(
                    uow=database.uows(),
                    clock=clock,
                    booking_id=b.id,
                    client_id=b.client_id,
                    new_start=MONDAY + timedelta(minutes=30 * arg),
                )
            elif verb == "wait":
                clock.advance(timedelta(minutes=arg))
        except errors.DomainError:
            pass
    async with database.uows() as uow:
        stored = await uow.bookings.query(reader_id=reader.id, limit=1000)
    await database.dispose()
    now = clock.now()
    active = sorted(
        (
            b
            for b in stored
            if b.status is BookingStatus.CONFIRMED
            or (b.status is BookingStatus.HELD and b.hold_expires_at and b.hold_expires_at > now)
        ),
        key=lambda b: b.starts_at,
    )
    for earlier, later in pairwise(active):
        assert earlier.ends_at <= later.starts_at, (earlier, later)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=25))
def test_random_sequences_never_overlap_active_bookings(
    sqlite_template: Path, operations: list[tuple[str, int, int]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "samia.db"
        shutil.copyfile(sqlite_template, target)
        asyncio.run(_run(f"sqlite:///{target}", operations))
