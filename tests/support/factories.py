"""Domain records with sensible, unique defaults, and seeding them through a unit of work.

Builders (`make_*`) are pure: they return a record and touch nothing. Seeders
(`seed*`) write records through any `UnitOfWorkFactory` (SQL or in-memory) and commit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

from domain.enums import BookingStatus, Channel, PricingModel, Role, ServiceKind
from domain.models import Booking, Client, Identity, Reader, Service, WeeklyHours
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory

# A fixed instant tests can share as "now"; far enough ahead that nothing is in the past.
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def unique(prefix: str) -> str:
    """A short unique token, for slugs, emails and codes that have unique indexes."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_reader(**overrides: Any) -> Reader:
    """A bookable London reader charging GBP."""
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "slug": unique("reader"),
        "name": "Samia",
        "timezone": "Europe/London",
        "currency": "GBP",
    }
    return Reader(**(fields | overrides))


def make_service(reader: Reader, **overrides: Any) -> Service:
    """A 30-minute fixed-price video reading in the reader's currency."""
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "reader_id": reader.id,
        "slug": unique("svc"),
        "name": "Love reading",
        "kind": ServiceKind.VIDEO,
        "duration_minutes": 30,
        "pricing_model": PricingModel.FIXED,
        "price_minor": 4500,
        "currency": reader.currency,
    }
    return Service(**(fields | overrides))


def make_client(**overrides: Any) -> Client:
    """A client with a unique email and referral code."""
    token = uuid.uuid4().hex[:10]
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "referral_code": f"R{token}".upper(),
        "name": "Lina",
        "email": f"lina-{token}@example.com",
    }
    return Client(**(fields | overrides))


def make_booking(
    service: Service, client: Client, starts_at: datetime, **overrides: Any
) -> Booking:
    """A confirmed booking of `service` at `starts_at`, priced and timed from the service.

    A HELD booking needs `hold_expires_at` (the schema refuses a hold without one).
    """
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "reader_id": service.reader_id,
        "client_id": client.id,
        "service_id": service.id,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=service.duration_minutes),
        "client_timezone": client.timezone,
        "status": BookingStatus.CONFIRMED,
        "service_kind": service.kind,
        "pricing_model": service.pricing_model,
        "price_minor": service.price_minor,
        "currency": service.currency,
        "source_channel": Channel.WEBCHAT,
    }
    booking = Booking(**(fields | overrides))
    if booking.status is BookingStatus.HELD and booking.hold_expires_at is None:
        raise ValueError("make_booking: a HELD booking needs hold_expires_at")
    return booking


def make_identity(
    *,
    client: Client | None = None,
    reader: Reader | None = None,
    **overrides: Any,
) -> Identity:
    """A web-chat account owned by the given client or reader."""
    if (client is None) == (reader is None):
        raise ValueError("make_identity: give exactly one of client or reader")
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "channel": Channel.WEBCHAT,
        "workspace": "",
        "external_user_id": unique("user"),
        "role": Role.CLIENT if client is not None else Role.READER,
        "client_id": client.id if client is not None else None,
        "reader_id": reader.id if reader is not None else None,
    }
    return Identity(**(fields | overrides))


async def _add(uow: UnitOfWork, record: object) -> None:
    """Route a record to the repository that stores its kind."""
    match record:
        case Reader():
            await uow.readers.add(record)
        case Service():
            await uow.services.add(record)
        case Client():
            await uow.clients.add(record)
        case Booking():
            await uow.bookings.add(record)
        case Identity():
            await uow.identities.add(record)
        case _:
            raise TypeError(f"seed: no repository for {type(record).__name__}")


async def seed(uows: UnitOfWorkFactory, *records: object) -> None:
    """Store records in order (parents before children) in one committed unit of work."""
    async with uows() as uow:
        for record in records:
            await _add(uow, record)
        await uow.commit()


async def seed_reader_with_service(
    uows: UnitOfWorkFactory,
    *,
    reader: Reader | None = None,
    **service_overrides: Any,
) -> tuple[Reader, Service]:
    """A stored reader (default `make_reader()`) with one stored service."""
    reader = reader or make_reader()
    service = make_service(reader, **service_overrides)
    await seed(uows, reader, service)
    return reader, service


async def seed_client(uows: UnitOfWorkFactory, **overrides: Any) -> Client:
    """A stored client."""
    client = make_client(**overrides)
    await seed(uows, client)
    return client


async def seed_open_reader(
    uows: UnitOfWorkFactory,
    reader: Reader,
    *records: object,
    weekdays: range = range(5),
    opens: time = time(10),
    closes: time = time(18),
) -> None:
    """A reader, their services and clients (any records), open `opens`-`closes` on weekdays."""
    async with uows() as uow:
        for record in (reader, *records):
            await _add(uow, record)
        for weekday in weekdays:
            await uow.availability.replace_weekday(
                reader.id, weekday, [WeeklyHours(weekday, opens, closes)]
            )
        await uow.commit()
