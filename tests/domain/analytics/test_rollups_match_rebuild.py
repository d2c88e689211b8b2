"""Rollups kept up change by change give exactly what a rebuild from scratch gives.

A random history of bookings (moved, cancelled, marked), payments (partly refunded),
ratings and real session times across a clock change, for readers in three zones, with
refreshes at random moments between the changes; then every rollup table is compared
row by row with a rebuild.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.analytics.platform import rebuild_all, refresh_marked
from domain.clock import FixedClock
from domain.enums import BookingStatus, PaymentStatus
from domain.ports.links import SessionTimes
from storage.models import (
    AnalyticsClient,
    AnalyticsClientMonth,
    AnalyticsDuration,
    AnalyticsGap,
    AnalyticsHour,
    AnalyticsRating,
    AnalyticsRevenue,
    Booking,
    Payment,
    Rating,
)
from storage.uow import Database
from tests.support.factories import make_booking, make_client, make_reader, make_service, seed

TABLES = (
    AnalyticsHour,
    AnalyticsDuration,
    AnalyticsGap,
    AnalyticsRating,
    AnalyticsRevenue,
    AnalyticsClientMonth,
    AnalyticsClient,
)
START = datetime(2026, 10, 20, tzinfo=UTC)  # the week of the clock change in Europe
STATUSES = (
    BookingStatus.CONFIRMED,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
    BookingStatus.CANCELLED,
    BookingStatus.HELD,
)


async def snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    async with database.uows(read_only=True) as uow:
        session = uow.session  # type: ignore[attr-defined]
        for table in TABLES:
            rows = (await session.execute(sa.select(table.__table__))).all()
            out[table.__tablename__] = sorted(tuple(str(v) for v in row) for row in rows)
    return out


async def random_history(database: Database, clock: FixedClock, rng: random.Random) -> None:
    readers = [
        make_reader(timezone=zone, currency=currency, buffer_after_minutes=0)
        for zone, currency in (("Europe/London", "GBP"), ("Asia/Dubai", "AED"), ("UTC", "USD"))
    ]
    services = [make_service(reader, duration_minutes=60) for reader in readers]
    clients = [make_client() for _ in range(6)]
    await seed(database.uows, *readers, *services, *clients)
    bookings: list[Any] = []
    # Distinct hours per reader (active bookings may not overlap); moves go to free ones.
    free = {s.id: rng.sample(range(0, 24 * 14, 2), 80) for s in services}
    for _ in range(60):
        clock.advance(timedelta(minutes=rng.randint(1, 600)))
        roll = rng.random()
        async with database.uows() as uow:
            session = uow.session  # type: ignore[attr-defined]
            if roll < 0.4 or not bookings:
                service = rng.choice(services)
                starts = START + timedelta(hours=free[service.id].pop())
                status = rng.choice(STATUSES)
                booking = make_booking(
                    service, rng.choice(clients), starts, status=status,
                    hold_expires_at=starts if status is BookingStatus.HELD else None,
                )  # fmt: skip
                await uow.bookings.add(booking)
                bookings.append(booking)
            elif roll < 0.6:
                target = rng.choice(bookings)
                moved = START + timedelta(hours=free[target.service_id].pop())
                await session.execute(
                    sa.update(Booking).where(Booking.id == target.id).values(
                        status=rng.choice(STATUSES[:4]), hold_expires_at=None,
                        starts_at=moved, ends_at=moved + timedelta(hours=1),
                    )
                )  # fmt: skip
            elif roll < 0.75:
                target = rng.choice(bookings)
                amount = rng.choice((4000, 6000))
                await session.execute(
                    sa.insert(Payment).values(
                        id=uuid.uuid4(), booking_id=target.id, reader_id=target.reader_id,
                        client_id=target.client_id, amount_minor=amount, currency=target.currency,
                        settlement_amount_minor=amount, settlement_currency=target.currency,
                        refunded_minor=rng.choice((0, 0, 1000)), provider="builtin",
                        status=PaymentStatus.SUCCEEDED, received_at=clock.now(),
                        created_at=clock.now(),
                    )
                )  # fmt: skip
            elif roll < 0.85:
                target = rng.choice(bookings)
                await session.execute(
                    sa.update(Payment)
                    .where(Payment.booking_id == target.id)
                    .values(refunded_minor=Payment.amount_minor)
                )
            elif roll < 0.93:
                target = rng.choice(bookings)
                seconds = rng.randint(600, 4000)
                await uow.reading_sessions.save(
                    SessionTimes(target.id, target.service_kind, target.starts_at,
                                 target.starts_at + timedelta(seconds=seconds), seconds)
                )  # fmt: skip
            else:
                target = rng.choice(bookings)
                exists = await session.scalar(
                    sa.select(sa.func.count()).where(Rating.booking_id == target.id)
                )
                if not exists:
                    await session.execute(
                        sa.insert(Rating).values(
                            id=uuid.uuid4(), booking_id=target.id, reader_id=target.reader_id,
                            client_id=target.client_id, stars=rng.randint(1, 5),
                            created_at=clock.now(),
                        )
                    )  # fmt: skip
            await uow.commit()
        if rng.random() < 0.2:
            await refresh_marked(uows=database.uows, clock=clock)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed_value=st.integers(min_value=0, max_value=10_000))
async def test_rollups_kept_up_match_a_rebuild(database_url: str, seed_value: int) -> None:
    clock = FixedClock(START - timedelta(days=3))
    database = Database.from_url(database_url, clock=clock)
    try:
        async with database.uows() as uow:  # each example starts from an empty history
            session = uow.session  # type: ignore[attr-defined]
            for table in (Rating, Payment, "reading_sessions", Booking):
                name = table if isinstance(table, str) else table.__tablename__
                await session.execute(sa.text(f"DELETE FROM {name}"))
            await uow.commit()
        await random_history(database, clock, random.Random(seed_value))
        await refresh_marked(uows=database.uows, clock=clock)
        kept = await snapshot(database)
        await rebuild_all(uows=database.uows, clock=clock)
        assert await snapshot(database) == kept
        assert any(kept.values())
    finally:
        await database.dispose()
