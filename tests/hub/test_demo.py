"""The demo set: a newcomer sees the reader side at once, in each reader's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from domain.enums import BookingStatus
from hub.demo import seed_demo
from hub.settings import Settings
from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import Booking, Reader, Service


def seeded(tmp_path: Path) -> sa.Engine:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    said = seed_demo(Settings(database_url=url, var_dir=tmp_path), clients=60, months=1)
    assert "upcoming" in said
    return create_engine(url)


def test_every_demo_reader_has_confirmed_sessions_in_the_coming_week(tmp_path: Path) -> None:
    engine = seeded(tmp_path)
    now = datetime.now(UTC)
    with engine.connect() as db:
        rows = db.execute(
            sa.select(Reader.slug, Booking.starts_at)
            .join(Booking, Booking.reader_id == Reader.id)
            .where(Booking.status == BookingStatus.CONFIRMED)
        ).all()
    engine.dispose()
    by_reader: dict[str, list[datetime]] = {}
    for slug, starts_at in rows:
        by_reader.setdefault(slug, []).append(starts_at.replace(tzinfo=UTC))
    assert set(by_reader) == {"samia", "layla", "rose"}
    for starts in by_reader.values():
        assert len(starts) >= 6
        assert all(now < start < now + timedelta(days=7) for start in starts)


def test_the_arabic_speaking_reader_names_her_services_in_arabic(tmp_path: Path) -> None:
    engine = seeded(tmp_path)
    with engine.connect() as db:
        names = dict(
            db.execute(
                sa.select(Reader.slug, Service.name).join(Service, Service.reader_id == Reader.id)
            ).all()
        )
    engine.dispose()
    assert names["layla"].isascii() is False
    assert names["samia"].isascii()
