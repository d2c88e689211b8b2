"""Each reader figure against values worked out by hand for `fixture_month` (see there)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from domain.analytics import reader as figures
from domain.clock import FixedClock
from domain.enums import BookingStatus
from storage.models import Booking
from storage.uow import Database
from tests.domain.analytics.fixture_month import NOW, OCTOBER, Month, seed_month


@pytest.fixture
async def october(database_url: str) -> AsyncIterator[tuple[Database, Month]]:
    database = Database.from_url(database_url, clock=FixedClock(NOW))
    month = await seed_month(database.uows)
    await figures.reader_for(uows=database.uows, clock=FixedClock(NOW), reader_id=month.reader.id)
    yield database, month
    await database.dispose()


async def test_revenue_is_net_of_refunds_in_the_readers_currency_by_local_day(october) -> None:
    database, month = october
    async with database.uows(read_only=True) as uow:
        revenue = await figures.revenue(uow=uow, reader=month.reader, period=OCTOBER)
    assert (revenue.payments, revenue.gross_minor, revenue.refunded_minor) == (4, 21100, 3050)
    assert revenue.net_minor == 18050
    days = dict(revenue.by_bucket)
    assert len(days) == 31
    assert days["2026-10-01"] == 6000  # paid 23:40 UTC on 30 September, local 1 October
    assert days["2026-10-20"] == 6100 - 3050
    assert days["2026-10-25"] == 6000  # 23:00 UTC on the 24th is 00:00 BST on the 25th
    assert days["2026-10-31"] == 3000
    assert revenue.by_service == [("Love reading", 15050), ("—", 3000)]


async def test_sessions_outcomes_real_lengths_and_utilisation(october) -> None:
    database, month = october
    async with database.uows(read_only=True) as uow:
        sessions = await figures.sessions(uow=uow, reader=month.reader, period=OCTOBER)
    assert (sessions.completed, sessions.no_show, sessions.cancelled) == (5, 1, 1)
    assert sessions.upcoming == 0  # the confirmed booking is in November
    assert sessions.completion_rate == pytest.approx(5 / 7)
    assert sessions.timed_sessions == 4
    assert sessions.average_minutes == pytest.approx((60 + 30 + 50 + 45) / 4)
    assert sessions.median_minutes == pytest.approx(47.5)
    assert sessions.booked_minutes == 5 * 60
    assert sessions.offered_minutes == 22 * 8 * 60  # 22 weekdays open 10:00-18:00
    assert sessions.utilisation == pytest.approx(300 / 10560)


async def test_ratings_average_spread_and_newest_words(october) -> None:
    database, month = october
    async with database.uows(read_only=True) as uow:
        ratings = await figures.ratings(uow=uow, reader=month.reader, period=OCTOBER)
    assert ratings.count == 2  # the third was given at 00:10 on 1 November
    assert ratings.average == pytest.approx(4.0)
    assert ratings.distribution == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}
    assert ratings.trend == [("2026-10", 4.0)]
    assert [f.text for f in ratings.recent] == ["Clear", "Lovely"]


async def test_peak_hours_are_the_readers_local_weekday_and_hour_across_the_clock_change(
    october,
) -> None:
    database, month = october
    async with database.uows(read_only=True) as uow:
        peak = await figures.peak_hours(uow=uow, reader=month.reader, period=OCTOBER)
    cells = {
        (day, hour): n for day, row in enumerate(peak.matrix) for hour, n in enumerate(row) if n
    }
    assert cells == {(3, 0): 1, (6, 0): 1, (6, 1): 1, (2, 9): 1, (4, 23): 1}
    assert peak.total == 5
    assert peak.busiest[0] == (2, 9, 1)


async def test_retention_repeat_rate_gaps_new_returning_and_cohorts(october) -> None:
    database, month = october
    async with database.uows(read_only=True) as uow:
        retention = await figures.retention(
            uow=uow, reader=month.reader, period=OCTOBER, cohort_months=2
        )
    assert retention.clients == 3
    assert retention.repeat_rate == pytest.approx(1.0)
    assert (retention.new_clients, retention.returning_clients) == (2, 1)
    gaps = [24.0, 3.3125, 45.5625]
    assert retention.average_days_between == pytest.approx(sum(gaps) / 3)
    assert retention.median_days_between == pytest.approx(24.0)
    assert [(c.month, c.size, c.retained) for c in retention.cohorts] == [
        ("2026-09", 1, [1.0]),
        ("2026-10", 2, []),
    ]


async def test_a_change_is_counted_by_the_next_figure_and_a_rebuild_agrees(october) -> None:
    database, month = october
    clock = FixedClock(NOW)
    async with database.uows() as uow:
        await uow.session.execute(  # type: ignore[attr-defined]
            sa.update(Booking)
            .where(Booking.id == month.bookings["s5"].id)
            .values(status=BookingStatus.CANCELLED)
        )
        await uow.commit()
    await figures.reader_for(uows=database.uows, clock=clock, reader_id=month.reader.id)
    async with database.uows(read_only=True) as uow:
        kept = await figures.sessions(uow=uow, reader=month.reader, period=OCTOBER)
    assert (kept.completed, kept.cancelled) == (4, 2)
    async with database.uows() as uow:
        await uow.analytics.rebuild(month.reader.id, NOW)
        await uow.commit()
    async with database.uows(read_only=True) as uow:
        rebuilt = await figures.sessions(uow=uow, reader=month.reader, period=OCTOBER)
    assert rebuilt == kept
