"""A small October 2026 of one London reader, with every figure computed by hand.

The week of 25 October holds the change from summer time (clocks go back at 02:00 BST),
so a session at 23:30 UTC on the 24th is local Sunday 00:30, and one at 01:30 UTC on
the 25th is local 01:30 GMT. A euro payment is partly refunded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from domain.billing.reports import month
from domain.enums import BookingStatus, PaymentStatus
from domain.models import Booking, Client, Reader, Service
from domain.ports.links import SessionTimes
from domain.ports.storage import UnitOfWorkFactory
from storage.models import Payment, Rating
from tests.support.factories import (
    make_booking,
    make_client,
    make_reader,
    make_service,
    seed,
    seed_open_reader,
)

OCTOBER = month(2026, 10)
NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


def utc(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


@dataclass
class Month:
    reader: Reader
    service: Service
    clients: list[Client]
    bookings: dict[str, Booking]


async def seed_month(
    uows: UnitOfWorkFactory, reader: Reader | None = None, service: Service | None = None
) -> Month:
    """The month's rows; for a `reader` and `service` already stored, only theirs."""
    stored = reader is not None
    reader = reader or make_reader(buffer_after_minutes=0)
    service = service or make_service(reader, duration_minutes=60, price_minor=6000)
    c1, c2, c3 = (make_client() for _ in range(3))
    plan = {  # name: (client, start UTC, status, real seconds)
        "s0": (c1, "2026-09-30T23:30", BookingStatus.COMPLETED, 3600),  # local Thu 1 Oct 00:30
        "s1": (c1, "2026-10-24T23:30", BookingStatus.COMPLETED, 1800),  # local Sun 25 Oct 00:30 BST
        "s2": (c2, "2026-10-25T01:30", BookingStatus.COMPLETED, 3000),  # local Sun 25 Oct 01:30 GMT
        "s3": (c3, "2026-10-26T10:00", BookingStatus.NO_SHOW, None),
        "s4": (c3, "2026-10-27T18:00", BookingStatus.CANCELLED, None),
        "s5": (c2, "2026-10-28T09:00", BookingStatus.COMPLETED, None),  # held, never timed
        "s6": (c3, "2026-10-30T23:30", BookingStatus.COMPLETED, 2700),  # local Fri 23:30
        "s7": (c1, "2026-11-10T10:00", BookingStatus.CONFIRMED, None),  # November
        "s8": (c3, "2026-09-15T10:00", BookingStatus.COMPLETED, None),  # c3's first: September
    }
    bookings = {
        name: make_booking(service, client, utc(start), status=status)
        for name, (client, start, status, _) in plan.items()
    }
    if stored:
        await seed(uows, c1, c2, c3, *bookings.values())
    else:
        await seed_open_reader(uows, reader, service, c1, c2, c3, *bookings.values())
    async with uows() as uow:
        for name, (_, _, _, seconds) in plan.items():
            if seconds is not None:
                b = bookings[name]
                await uow.reading_sessions.save(
                    SessionTimes(
                        b.id,
                        b.service_kind,
                        b.starts_at,
                        b.starts_at + timedelta(seconds=seconds),
                        seconds,
                    )
                )
        session = uow.session  # type: ignore[attr-defined]
        ratings = [
            ("s1", 5, "Lovely", "2026-10-25T10:00"),
            ("s2", 3, "", "2026-10-31T23:30"),
            ("s6", 4, "Clear", "2026-11-01T00:10"),
        ]
        for name, stars, words, at in ratings:
            b = bookings[name]
            await session.execute(
                sa.insert(Rating).values(
                    id=uuid.uuid4(),
                    booking_id=b.id,
                    reader_id=reader.id,
                    client_id=b.client_id,
                    stars=stars,
                    feedback=words,
                    created_at=utc(at),
                )
            )
        payments = [  # (booking, amount, currency, GBP snapshot, refunded, received UTC)
            ("s0", 6000, "GBP", 6000, 0, "2026-09-30T23:40"),  # local 1 Oct
            ("s1", 6000, "GBP", 6000, 0, "2026-10-24T23:00"),
            ("s2", 7000, "EUR", 6100, 3500, "2026-10-20T12:00"),  # half refunded: 3050 GBP
            (None, 3000, "GBP", 3000, 0, "2026-10-31T23:30"),  # an ad-hoc invoice
            (None, 9000, "JPY", None, 0, "2026-10-12T12:00"),  # no GBP snapshot: left out
            (None, 2500, "GBP", 2500, 0, "2026-09-30T22:00"),  # local 30 Sep 23:00: September
        ]
        for name, amount, currency, gbp, refunded, at in payments:
            await session.execute(
                sa.insert(Payment).values(
                    id=uuid.uuid4(),
                    booking_id=bookings[name].id if name else None,
                    reader_id=reader.id,
                    client_id=c1.id,
                    amount_minor=amount,
                    currency=currency,
                    settlement_amount_minor=gbp,
                    settlement_currency="GBP" if gbp is not None else None,
                    refunded_minor=refunded,
                    provider="builtin",
                    status=PaymentStatus.SUCCEEDED,
                    received_at=utc(at),
                    created_at=utc(at),
                )
            )
        await uow.commit()
    return Month(reader, service, [c1, c2, c3], bookings)
