"""Bookings on both backends: optimistic saves, overlap queries, the serialized write path."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import make_url

from domain.booking.windows import TimeWindow
from domain.clock import FixedClock
from domain.enums import BookingStatus
from domain.errors import ConcurrentUpdate, SlotUnavailable
from domain.models import Booking, Client, Reader, Service
from storage.models import Booking as BookingRow
from storage.uow import Database
from tests.support.factories import (
    NOW,
    make_booking,
    make_client,
    make_reader,
    make_service,
    seed,
    seed_client,
    seed_reader_with_service,
)

START = NOW + timedelta(days=2)
WINDOW = TimeWindow(START, START + timedelta(hours=1))
ALL = tuple(BookingStatus)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url, clock=FixedClock(NOW))
    yield database
    await database.dispose()


@dataclass
class World:
    reader: Reader
    service: Service
    client: Client

    def booking(self, starts_at: datetime, **overrides: object) -> Booking:
        return make_booking(self.service, self.client, starts_at, **overrides)


@pytest.fixture
async def world(db: Database) -> World:
    reader, service = await seed_reader_with_service(db.uows)
    return World(reader, service, await seed_client(db.uows))


def _held(world: World, starts_at: datetime, expires_at: datetime, **overrides: object) -> Booking:
    return world.booking(
        starts_at, status=BookingStatus.HELD, hold_expires_at=expires_at, **overrides
    )


class TestReadAndWrite:
    async def test_round_trip_stamps_times_from_the_clock(self, db: Database, world: World) -> None:
        booking = world.booking(START, meeting_url="https://meet.example/x", fee_minor=0)
        await seed(db.uows, booking)
        assert booking.created_at == booking.updated_at == NOW

        async with db.uows() as uow:
            assert await uow.bookings.get(booking.id) == booking

    async def test_save_bumps_the_version_and_a_stale_version_is_refused(
        self, db: Database, world: World
    ) -> None:
        booking = world.booking(START)
        await seed(db.uows, booking)

        async with db.uows() as uow:
            first = await uow.bookings.get(booking.id)
            second = await uow.bookings.get(booking.id)
            assert first is not None
            assert second is not None
            first.status = BookingStatus.CANCELLED
            first.cancel_reason = "changed my mind"
            await uow.bookings.save(first)
            assert first.version == 2
            second.meeting_url = "https://meet.example/late"
            with pytest.raises(ConcurrentUpdate):
                await uow.bookings.save(second)
            await uow.commit()

        async with db.uows() as uow:
            assert await uow.bookings.get(booking.id) == first

    async def test_bookings_longer_than_a_day_are_refused(self, db: Database, world: World) -> None:
        too_long = world.booking(START, ends_at=START + timedelta(hours=24, minutes=1))
        async with db.uows() as uow:
            with pytest.raises(ValueError, match="at most"):
                await uow.bookings.add(too_long)

    async def test_listings_filter_and_order(self, db: Database, world: World) -> None:
        other = make_client(email="Other@Example.com")
        early = world.booking(START)
        late = world.booking(START + timedelta(hours=3), status=BookingStatus.CANCELLED)
        past = world.booking(NOW - timedelta(days=1), status=BookingStatus.COMPLETED)
        theirs = make_booking(world.service, other, START + timedelta(hours=1))
        await seed(db.uows, other, early, late, past, theirs)
        day = TimeWindow(START, START + timedelta(days=1))

        async with db.uows() as uow:
            bookings = uow.bookings
            assert await bookings.for_client(world.client.id, statuses=ALL) == [past, early, late]
            assert await bookings.for_client(world.client.id, statuses=ALL, since=NOW) == [
                early,
                late,
            ]
            active = BookingStatus.active()
            assert await bookings.for_client(world.client.id, statuses=active) == [early]
            assert await bookings.for_reader(world.reader.id, day, statuses=ALL) == [
                early,
                theirs,
                late,
            ]
            assert await bookings.query(client_email="OTHER@example.com") == [theirs]
            assert await bookings.query(reader_id=world.reader.id, limit=2) == [late, theirs]
            assert await bookings.query(reader_id=world.reader.id, limit=2, offset=2) == [
                early,
                past,
            ]
            assert await bookings.query(status=BookingStatus.COMPLETED) == [past]


class TestOverlaps:
    async def test_occupied_counts_confirmed_and_live_holds_only(
        self, db: Database, world: World
    ) -> None:
        other_reader = make_reader()
        other_service = make_service(other_reader)
        # Active rows never overlap each other: PostgreSQL's constraint would refuse them.
        minutes = [START + timedelta(minutes=m) for m in range(0, 100, 10)]
        confirmed = world.booking(minutes[0])
        live_hold = _held(world, minutes[4], NOW + timedelta(minutes=1), ends_at=minutes[6])
        await seed(
            db.uows,
            other_reader,
            other_service,
            confirmed,
            live_hold,
            _held(world, minutes[3], expires_at=NOW, ends_at=minutes[4]),  # lapsed at `now`
            world.booking(minutes[1], status=BookingStatus.CANCELLED),
            world.booking(START - timedelta(minutes=30)),  # ends exactly at the start
            world.booking(WINDOW.end),  # starts exactly at the end
            make_booking(other_service, world.client, START),
        )

        async with db.uows() as uow:
            taken = await uow.bookings.occupied(world.reader.id, WINDOW, NOW)
        assert taken == [
            TimeWindow(confirmed.starts_at, confirmed.ends_at),
            TimeWindow(live_hold.starts_at, live_hold.ends_at),
        ]

    async def test_occupied_finds_a_day_long_booking_started_the_day_before(
        self, db: Database, world: World
    ) -> None:
        retreat = world.booking(START - timedelta(hours=23), ends_at=START + timedelta(hours=1))
        await seed(db.uows, retreat)

        async with db.uows() as uow:
            taken = await uow.bookings.occupied(world.reader.id, WINDOW, NOW)
        assert taken == [TimeWindow(retreat.starts_at, retreat.ends_at)]

    async def test_expire_overlapping_holds_frees_lapsed_holds_in_the_window_only(
        self, db: Database, world: World
    ) -> None:
        lapsed = _held(world, START, expires_at=NOW - timedelta(minutes=1))
        live = _held(world, START + timedelta(minutes=30), expires_at=NOW + timedelta(minutes=5))
        elsewhere = _held(world, START + timedelta(hours=5), expires_at=NOW - timedelta(hours=1))
        await seed(db.uows, lapsed, live, elsewhere)

        async with db.uows() as uow:
            assert await uow.bookings.expire_overlapping_holds(world.reader.id, WINDOW, NOW) == 1
            assert await uow.bookings.expire_overlapping_holds(world.reader.id, WINDOW, NOW) == 0
            await uow.commit()

        async with db.uows() as uow:
            expired = await uow.bookings.get(lapsed.id)
            assert expired is not None
            assert (expired.status, expired.version) == (BookingStatus.EXPIRED, 2)
            assert await uow.bookings.get(live.id) == live
            assert await uow.bookings.get(elsewhere.id) == elsewhere
            assert await uow.bookings.lapsed_holds(NOW, limit=10) == [elsewhere]
            assert await uow.bookings.lapsed_holds(NOW + timedelta(minutes=5), limit=1) == [
                elsewhere
            ]


class TestPostgresExclusion:
    @pytest.fixture(autouse=True)
    def _postgres_only(self, database_url: str) -> None:
        if make_url(database_url).get_backend_name() == "sqlite":
            pytest.skip("SQLite has no exclusion constraints; lock_schedule serializes writers")

    async def test_overlap_surfaces_as_slot_unavailable_on_add(
        self, db: Database, world: World
    ) -> None:
        await seed(db.uows, world.booking(START))

        async with db.uows() as uow:
            with pytest.raises(SlotUnavailable):
                await uow.bookings.add(world.booking(START + timedelta(minutes=10)))

    async def test_overlap_surfaces_as_slot_unavailable_on_commit(
        self, db: Database, world: World
    ) -> None:
        await seed(db.uows, world.booking(START))
        clash = world.booking(START, created_at=NOW, updated_at=NOW)

        async with db.uows() as uow:
            # Pending (unflushed) rows are flushed by commit: translated there too.
            uow.session.add(BookingRow(**{f: getattr(clash, f) for f in _COLUMNS}))
            with pytest.raises(SlotUnavailable):
                await uow.commit()

    async def test_moving_onto_an_active_booking_surfaces_on_save(
        self, db: Database, world: World
    ) -> None:
        taken, moving = world.booking(START), world.booking(START + timedelta(hours=2))
        await seed(db.uows, taken, moving)
        moving.starts_at, moving.ends_at = taken.starts_at, taken.ends_at

        async with db.uows() as uow:
            with pytest.raises(SlotUnavailable):
                await uow.bookings.save(moving)


_COLUMNS = [c.key for c in BookingRow.__table__.columns]


async def test_concurrent_bookers_of_one_slot_end_with_exactly_one_booking(
    db: Database, world: World
) -> None:
    """The booking service's write path: lock, re-check, insert, commit — one winner."""

    async def try_to_book() -> bool:
        async with db.uows() as uow:
            await uow.readers.lock_schedule(world.reader.id)
            if await uow.bookings.occupied(world.reader.id, WINDOW, NOW):
                return False
            await asyncio.sleep(0)  # let the others run into the lock
            await uow.bookings.add(world.booking(START))
            await uow.commit()
            return True

    outcomes = await asyncio.gather(*(try_to_book() for _ in range(20)))

    assert outcomes.count(True) == 1
    async with db.uows() as uow:
        assert len(await uow.bookings.for_reader(world.reader.id, WINDOW, statuses=ALL)) == 1
