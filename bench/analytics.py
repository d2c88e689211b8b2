"""Analytics at scale: each reader figure and the platform page over the chat_turns seed.

Seeds `--clients` clients and `--bookings` completed bookings (bench/_seed.py, the same
seed as bench/chat_turns.py), plus a payment for each booking of the last two years and a
rating for a third of them; the triggers mark every seeded day as they would any write.
Then:
- rebuilds every reader's rollups (`rebuild-analytics`) and prints the time;
- times each reader figure for this month and the last twelve months (p50 / p99 ms,
  the rollup refresh included) and the platform page (last 90 days);
- the upkeep cost per booking write: one booking per transaction through the repository,
  with the analytics triggers and without them, and the refresh of the marked day after.

    .venv/bin/python bench/analytics.py [--clients 100000] [--bookings 1000000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from bench._seed import scratch_database, seed_bookings, seed_clients, seed_readers, utc_now
from domain.analytics import reader as figures
from domain.analytics.periods import parse_analytics_period
from domain.analytics.platform import platform_figures, rebuild_all
from domain.clock import FixedClock
from domain.enums import BookingStatus, Channel, PaymentStatus, PricingModel, ServiceKind
from domain.models import Booking as BookingModel
from hub.gc_tuning import keep_full_collections_rare
from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import Booking, Payment, Rating
from storage.uow import Database

CHUNK = 20_000


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def seed_money(url: str, since: datetime) -> tuple[int, int]:
    """A payment per completed booking since `since`; a rating for every third one."""
    engine = create_engine(url)
    rng = random.Random(3)
    payments = ratings = 0
    with engine.begin() as conn:
        rows = conn.execute(
            sa.select(Booking.id, Booking.reader_id, Booking.client_id, Booking.starts_at).where(
                Booking.starts_at >= since
            )
        ).all()
        pay, rate = [], []
        for n, (booking_id, reader_id, client_id, starts_at) in enumerate(rows):
            pay.append(
                dict(
                    id=uuid.uuid4(), booking_id=booking_id, reader_id=reader_id,
                    client_id=client_id, amount_minor=4000, currency="USD",
                    settlement_amount_minor=4000, settlement_currency="USD",
                    platform_amount_minor=4000, platform_currency="USD",
                    platform_fee_minor=1200, refunded_minor=1000 if n % 20 == 0 else 0,
                    provider="builtin", status=PaymentStatus.SUCCEEDED,
                    received_at=starts_at - timedelta(hours=2), created_at=starts_at,
                )
            )  # fmt: skip
            if n % 3 == 0:
                rate.append(
                    dict(
                        id=uuid.uuid4(), booking_id=booking_id, reader_id=reader_id,
                        client_id=client_id, stars=rng.choice([5, 5, 5, 4, 4, 3, 2, 1]),
                        feedback="Thank you" if n % 9 == 0 else None,
                        created_at=starts_at + timedelta(hours=1),
                    )
                )  # fmt: skip
            if len(pay) >= CHUNK:
                conn.execute(sa.insert(Payment), pay)
                payments += len(pay)
                pay = []
            if len(rate) >= CHUNK:
                conn.execute(sa.insert(Rating), rate)
                ratings += len(rate)
                rate = []
        if pay:
            conn.execute(sa.insert(Payment), pay)
            payments += len(pay)
        if rate:
            conn.execute(sa.insert(Rating), rate)
            ratings += len(rate)
    engine.dispose()
    return payments, ratings


async def timed(call: Callable[[], Awaitable[Any]], rounds: int) -> tuple[float, float]:
    """p50 and p99 in ms of `rounds` calls (after one warm-up)."""
    await call()
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds) * 1000, pct(seconds, 0.99) * 1000


async def reader_figures(database: Database, reader_id: uuid.UUID, rounds: int) -> None:
    clock = FixedClock(utc_now())
    reader = await figures.reader_for(uows=database.uows, clock=clock, reader_id=reader_id)
    today = clock.now().date()
    kinds = {
        "revenue": figures.revenue,
        "sessions": figures.sessions,
        "ratings": figures.ratings,
        "peak hours": figures.peak_hours,
        "retention": figures.retention,
    }
    for label in ("this month", "last 365 days"):
        period = parse_analytics_period(label, today, locale="en")
        for name, figure in kinds.items():

            async def one(figure: Any = figure, period: Any = period) -> None:
                await figures.reader_for(uows=database.uows, clock=clock, reader_id=reader_id)
                async with database.uows(read_only=True) as uow:
                    await figure(uow=uow, reader=reader, period=period)

            p50, p99 = await timed(one, rounds)
            print(f"reader figure {name:<10} ({label}): p50 {p50:.1f} ms, p99 {p99:.1f} ms")


async def platform_page(database: Database, rounds: int) -> None:
    now = utc_now()
    period = parse_analytics_period("last 90 days", now.date(), locale="en")

    async def one() -> None:
        async with database.uows(read_only=True) as uow:
            await platform_figures(uow=uow, period=period, now=now)

    p50, p99 = await timed(one, rounds)
    print(f"platform page (last 90 days): p50 {p50:.1f} ms, p99 {p99:.1f} ms")


async def upkeep(database: Database, url: str, reader_id: uuid.UUID, service_id: uuid.UUID,
                 client_id: uuid.UUID, writes: int) -> None:  # fmt: skip
    """Per booking write: with the triggers, without them, and the refresh after one."""
    start = datetime(2090, 1, 1, 9, tzinfo=UTC)

    async def write(n: int) -> None:
        booking = BookingModel(
            id=uuid.uuid4(), reader_id=reader_id, client_id=client_id, service_id=service_id,
            starts_at=start + timedelta(minutes=30 * n),
            ends_at=start + timedelta(minutes=30 * n + 30),
            client_timezone="UTC", status=BookingStatus.CONFIRMED, service_kind=ServiceKind.VIDEO,
            pricing_model=PricingModel.FIXED, price_minor=4000, currency="USD",
            source_channel=Channel.WEBCHAT,
        )  # fmt: skip
        async with database.uows() as uow:
            await uow.bookings.add(booking)
            await uow.commit()

    async def series(offset: int) -> list[float]:
        out = []
        for n in range(writes):
            started = time.perf_counter()
            await write(offset + n)
            out.append(time.perf_counter() - started)
        return out

    with_triggers = await series(0)
    await set_triggers(url, enabled=False)
    without = await series(writes)
    await set_triggers(url, enabled=True)
    added = statistics.median(with_triggers) - statistics.median(without)
    print(
        f"booking write: median {statistics.median(with_triggers) * 1000:.2f} ms with the "
        f"analytics triggers, {statistics.median(without) * 1000:.2f} ms without "
        f"({added * 1000:+.2f} ms per write)"
    )
    clock = FixedClock(utc_now())
    refresh = []
    for n in range(20):
        await write(2 * writes + n * 48)  # a new day each time: one day to recompute
        started = time.perf_counter()
        await figures.reader_for(uows=database.uows, clock=clock, reader_id=reader_id)
        refresh.append(time.perf_counter() - started)
    print(
        "refresh after one write (one day + one client): "
        f"median {statistics.median(refresh) * 1000:.2f} ms"
    )


_TRIGGERS = ("analytics_mark_bookings", "analytics_funnel_booking")


async def set_triggers(url: str, *, enabled: bool) -> None:
    """Switch the bookings triggers off and on (SQLite: drop and recreate from the migration)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            verb = "ENABLE" if enabled else "DISABLE"
            for name in _TRIGGERS:
                conn.exec_driver_sql(f"ALTER TABLE bookings {verb} TRIGGER {name}")
        elif not enabled:
            saved = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'bookings'"
            ).all()
            _SAVED[:] = saved
            for name, _ in saved:
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
        else:
            for _, sql in _SAVED:
                conn.exec_driver_sql(sql)
    engine.dispose()


_SAVED: list[Any] = []


# The seeded readers (id, service id, slug), read back from a kept file.
_READERS = (
    "SELECT r.id, s.id, r.slug FROM readers r JOIN services s ON s.reader_id = r.id ORDER BY r.slug"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--postgres", metavar="URL", help="a scratch database on this server")
    parser.add_argument(
        "--keep", metavar="FILE", type=Path,
        help="a SQLite file kept after the run; seeded once, reused (measured again) after",
    )  # fmt: skip
    return parser.parse_args()


async def measure(
    url: str, args: argparse.Namespace, readers: list[Any], clients: list[Any]
) -> None:
    database = Database.from_url(url)
    try:
        started = time.perf_counter()
        rebuilt = await rebuild_all(uows=database.uows, clock=FixedClock(utc_now()))
        print(f"rebuild-analytics: {rebuilt} readers in {time.perf_counter() - started:.1f} s")
        # Timed as the hub serves them: its web and worker processes freeze what start-up
        # built out of the collector's scans (without it a full collection lands every few
        # calls and a p99 measures the collector, not the figure).
        keep_full_collections_rare()
        await reader_figures(database, readers[0][0], args.rounds)
        await platform_page(database, args.rounds)
        await upkeep(database, url, readers[0][0], readers[0][1], clients[0], args.writes)
    finally:
        await database.dispose()


def main() -> None:
    args = parse_args()
    if args.keep is not None and args.keep.exists():
        url = f"sqlite:///{args.keep}"
        upgrade(url)
        seed_engine = create_engine(url)
        with seed_engine.connect() as conn:
            readers = [
                (uuid.UUID(str(r)), uuid.UUID(str(s)), slug)
                for r, s, slug in conn.execute(sa.text(_READERS))
            ]
            first = conn.execute(sa.text("SELECT id FROM clients LIMIT 1")).scalar_one()
            clients = [uuid.UUID(str(first))]
        seed_engine.dispose()
        print(f"database: sqlite, reused {args.keep}")
        asyncio.run(measure(url, args, readers, clients))
        return
    with contextlib.ExitStack() as scope:
        if args.keep is not None:
            url = f"sqlite:///{args.keep}"
            upgrade(url)
        else:
            url = scratch_database(scope, args.postgres)
        now = utc_now()
        started = time.perf_counter()
        readers = seed_readers(url, now)
        clients = seed_clients(url, args.clients, now)
        seed_bookings(url, readers, clients, args.bookings, now)
        payments, ratings = seed_money(url, now - timedelta(days=730))
        print(
            f"seeded {args.clients:,} clients, {args.bookings:,} bookings, {payments:,} payments "
            f"and {ratings:,} ratings in {time.perf_counter() - started:.0f} s"
        )
        if args.postgres:
            engine = create_engine(url)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
            engine.dispose()
        asyncio.run(measure(url, args, readers, clients))


if __name__ == "__main__":
    main()
