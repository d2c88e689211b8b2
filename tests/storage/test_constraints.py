"""The schema itself refuses data that breaks the business conventions."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.enums import BookingStatus, Channel, PricingModel, ServiceKind
from storage.db import create_engine
from storage.models import Booking, Client, InboundEvent, Reader, Service

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    yield from _session(database_url)


@pytest.fixture
def pg_session(postgres_url: str) -> Iterator[Session]:
    yield from _session(postgres_url)


def _session(url: str) -> Iterator[Session]:
    engine = create_engine(url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def _reader_client_service(session: Session) -> tuple[Reader, Client, Service]:
    reader = Reader(
        slug=f"r-{uuid.uuid4().hex[:6]}",
        name="Samia",
        timezone="Europe/London",
        currency="GBP",
        languages=["en"],
        created_at=NOW,
    )
    client = Client(
        name="Lina",
        email=f"{uuid.uuid4().hex[:6]}@example.com",
        referral_code=uuid.uuid4().hex[:8],
        created_at=NOW,
    )
    session.add_all([reader, client])
    session.flush()
    service = Service(
        reader_id=reader.id,
        slug="love",
        name="Love reading",
        kind=ServiceKind.VIDEO,
        duration_minutes=30,
        pricing_model=PricingModel.FIXED,
        price_minor=4500,
        currency="GBP",
        created_at=NOW,
    )
    session.add(service)
    session.flush()
    return reader, client, service


def _booking(
    reader: Reader,
    client: Client,
    service: Service,
    start: datetime,
    status: BookingStatus = BookingStatus.CONFIRMED,
    price_minor: int = 4500,
) -> Booking:
    return Booking(
        reader_id=reader.id,
        client_id=client.id,
        service_id=service.id,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        client_timezone="UTC",
        status=status,
        hold_expires_at=NOW + timedelta(minutes=10) if status is BookingStatus.HELD else None,
        service_kind=ServiceKind.VIDEO,
        pricing_model=PricingModel.FIXED,
        price_minor=price_minor,
        currency="GBP",
        source_channel=Channel.WEBCHAT,
        created_at=NOW,
        updated_at=NOW,
    )


def test_negative_price_is_refused(session: Session) -> None:
    reader, client, service = _reader_client_service(session)
    session.add(_booking(reader, client, service, NOW + timedelta(days=1), price_minor=-1))

    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_lower_case_currency_is_refused(session: Session) -> None:
    reader, _, _ = _reader_client_service(session)
    reader.currency = "gbp"

    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_duplicate_inbound_event_is_refused(session: Session) -> None:
    session.add(InboundEvent(provider="telegram", event_id="1001", received_at=NOW))
    session.flush()
    session.add(InboundEvent(provider="telegram", event_id="1001", received_at=NOW))

    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_same_event_id_from_another_provider_is_accepted(session: Session) -> None:
    session.add(InboundEvent(provider="telegram", event_id="1001", received_at=NOW))
    session.add(InboundEvent(provider="slack", event_id="1001", received_at=NOW))
    session.flush()


def test_naive_datetime_is_refused_before_reaching_the_database(session: Session) -> None:
    session.add(InboundEvent(provider="x", event_id="1", received_at=datetime(2026, 1, 1)))  # noqa: DTZ001

    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        session.flush()


def test_times_come_back_as_aware_utc(session: Session) -> None:
    cairo = datetime(2026, 6, 1, 15, 0, tzinfo=UTC).astimezone(
        __import__("zoneinfo").ZoneInfo("Africa/Cairo")
    )
    session.add(InboundEvent(provider="x", event_id="tz", received_at=cairo))
    session.commit()
    session.expire_all()

    stored = session.scalars(sa.select(InboundEvent.received_at)).one()
    assert stored == datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
    assert stored.tzinfo is UTC


def test_held_booking_without_expiry_is_refused(session: Session) -> None:
    reader, client, service = _reader_client_service(session)
    booking = _booking(reader, client, service, NOW + timedelta(days=1), BookingStatus.HELD)
    booking.hold_expires_at = None
    session.add(booking)

    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


@pytest.mark.postgres
def test_postgres_refuses_overlapping_active_bookings_of_one_reader(pg_session: Session) -> None:
    session = pg_session
    reader, client, service = _reader_client_service(session)
    start = NOW + timedelta(days=1)
    session.add(_booking(reader, client, service, start))
    session.flush()
    session.add(
        _booking(reader, client, service, start + timedelta(minutes=15), BookingStatus.HELD)
    )

    with pytest.raises(sa.exc.IntegrityError, match="ex_bookings_reader_active_overlap"):
        session.flush()


@pytest.mark.postgres
def test_postgres_allows_overlap_with_a_cancelled_booking_and_back_to_back(
    pg_session: Session,
) -> None:
    session = pg_session
    reader, client, service = _reader_client_service(session)
    start = NOW + timedelta(days=1)
    session.add(_booking(reader, client, service, start, BookingStatus.CANCELLED))
    session.add(_booking(reader, client, service, start))
    session.add(_booking(reader, client, service, start + timedelta(minutes=30)))
    session.flush()
