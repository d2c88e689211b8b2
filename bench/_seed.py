"""Bulk seeding for benchmarks: many clients and past bookings, fast, through SQLAlchemy Core."""

from __future__ import annotations

import contextlib
import random
import tempfile
import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from domain.enums import BookingStatus, Channel, PricingModel, ServiceKind
from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import AvailabilityRule, Booking, Client, Reader, Service
from storage.scratch import scratch_postgres_database

CHUNK = 20_000


def scratch_database(scope: contextlib.ExitStack, postgres: str | None) -> str:
    """A migrated, throwaway database for one benchmark run, removed when `scope` closes.

    A temporary SQLite file (~640 MB at full scale: never left behind in /tmp), or a
    scratch database on the PostgreSQL server at `postgres`.
    """
    if postgres:
        url = scope.enter_context(scratch_postgres_database(postgres, prefix="samia_b"))
    else:
        folder = Path(scope.enter_context(tempfile.TemporaryDirectory(prefix="samia-bench-")))
        url = f"sqlite:///{folder / 'bench.db'}"
    print(f"database: {make_url(url).get_backend_name()}")
    upgrade(url)
    return url


def reader_row(
    reader_id: uuid.UUID,
    slug: str,
    now: datetime,
    *,
    zone: str = "Europe/London",
    currency: str = "GBP",
) -> dict[str, Any]:
    """A bookable reader's row: 60 minutes' notice, a year ahead, a 50 % late fee."""
    return dict(
        id=reader_id,
        slug=slug,
        name=slug.title(),
        timezone=zone,
        currency=currency,
        languages=["en"],
        revenue_share_bps=7000,
        buffer_before_minutes=0,
        buffer_after_minutes=0,
        minimum_notice_minutes=60,
        maximum_advance_days=365,
        free_cancel_hours=24,
        late_cancel_policy="fee",
        late_cancel_fee_bps=5000,
        schedule_version=0,
        is_active=True,
        created_at=now,
    )


def seed_readers(url: str, now: datetime) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
    """Three readers open 09:00-21:00 every day, one 30-minute service each."""
    engine = create_engine(url)
    out = []
    with engine.begin() as conn:
        for slug, zone in (
            ("samia", "Europe/London"),
            ("layla", "Asia/Dubai"),
            ("rose", "America/New_York"),
        ):
            reader_id, service_id = uuid.uuid4(), uuid.uuid4()
            conn.execute(
                sa.insert(Reader),
                [reader_row(reader_id, slug, now, zone=zone, currency="USD")],
            )
            conn.execute(
                sa.insert(Service),
                [
                    dict(
                        id=service_id,
                        reader_id=reader_id,
                        slug="reading",
                        name="Reading",
                        kind=ServiceKind.VIDEO,
                        duration_minutes=30,
                        pricing_model=PricingModel.FIXED,
                        price_minor=4000,
                        currency="USD",
                        is_active=True,
                        created_at=now,
                    )
                ],
            )
            conn.execute(
                sa.insert(AvailabilityRule),
                [
                    dict(
                        id=uuid.uuid4(),
                        reader_id=reader_id,
                        weekday=d,
                        start_local=time(9),
                        end_local=time(21),
                    )
                    for d in range(7)
                ],
            )
            out.append((reader_id, service_id, slug))
    engine.dispose()
    return out


def seed_clients(url: str, count: int, now: datetime) -> list[uuid.UUID]:
    """`count` clients with unique emails and referral codes."""
    engine = create_engine(url)
    ids = [uuid.uuid4() for _ in range(count)]
    with engine.begin() as conn:
        for start in range(0, count, CHUNK):
            conn.execute(
                sa.insert(Client),
                [
                    dict(
                        id=cid,
                        name=f"Client {i}",
                        email=f"c{i}@bench.example",
                        language="en",
                        timezone="Europe/London",
                        referral_code=f"B{i:09d}",
                        preferences={},
                        marketing_consent=False,
                        created_at=now,
                    )
                    for i, cid in enumerate(ids[start : start + CHUNK], start)
                ],
            )
    engine.dispose()
    return ids


def seed_bookings(
    url: str,
    readers: list[tuple[uuid.UUID, uuid.UUID, str]],
    clients: list[uuid.UUID],
    count: int,
    now: datetime,
    seed: int = 1,
) -> None:
    """Past bookings packed back to back per reader, ending before `now`."""
    rng = random.Random(seed)
    engine = create_engine(url)
    per_reader = count // len(readers)
    with engine.begin() as conn:
        for reader_id, service_id, _ in readers:
            cursor = now - timedelta(days=2)
            rows = []
            for _ in range(per_reader):
                cursor -= timedelta(minutes=30)
                rows.append(
                    dict(
                        id=uuid.uuid4(),
                        reader_id=reader_id,
                        client_id=rng.choice(clients),
                        service_id=service_id,
                        starts_at=cursor,
                        ends_at=cursor + timedelta(minutes=30),
                        client_timezone="UTC",
                        status=BookingStatus.COMPLETED,
                        service_kind=ServiceKind.VIDEO,
                        pricing_model=PricingModel.FIXED,
                        price_minor=4000,
                        currency="USD",
                        fee_minor=0,
                        source_channel=Channel.WEBCHAT,
                        rescheduled_count=0,
                        version=1,
                        created_at=cursor,
                        updated_at=cursor,
                    )
                )
                if len(rows) == CHUNK:
                    conn.execute(sa.insert(Booking), rows)
                    rows = []
            if rows:
                conn.execute(sa.insert(Booking), rows)
    engine.dispose()


def utc_now() -> datetime:
    """Benchmarks use the real clock."""
    return datetime.now(UTC)
