"""Segments at scale: count() and a full keyset walk of client_ids over 100k clients.

Seeds `--clients` clients and `--bookings` completed bookings (bench/_seed.py), a rating
for every third booking, and countries, languages, birthdays and consent spread over the
clients; then times three library segments for the platform and for one reader.

    .venv/bin/python bench/segments.py [--clients 100000] [--bookings 300000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from bench._seed import scratch_database, seed_bookings, seed_clients, seed_readers, utc_now
from domain.clock import FixedClock
from domain.crm.segments import LIBRARY, parse_rule
from storage.db import create_engine
from storage.models import Booking, Client, Rating
from storage.uow import Database

CHUNK = 20_000
SEGMENTS = ("lapsed", "five_stars", "country_ae")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def seed_profiles(url: str, clients: list[uuid.UUID]) -> None:
    """Every 7th client in AE, every 5th Arabic, birthdays over the year, half consenting."""
    engine = create_engine(url)
    with engine.begin() as conn:
        rows = [
            {
                "cid": cid,
                "country": "AE" if i % 7 == 0 else "GB",
                "language": "ar" if i % 5 == 0 else "en",
                "birthday": date(1990, 1 + i % 12, 1 + i % 28),
                "consent": i % 2 == 0,
            }
            for i, cid in enumerate(clients)
        ]
        stmt = (
            sa.update(Client)
            .where(Client.id == sa.bindparam("cid"))
            .values(
                country=sa.bindparam("country"),
                language=sa.bindparam("language"),
                birthday=sa.bindparam("birthday"),
                marketing_consent=sa.bindparam("consent"),
            )
        )
        for start in range(0, len(rows), CHUNK):
            conn.execute(stmt, rows[start : start + CHUNK])
    engine.dispose()


def seed_ratings(url: str) -> int:
    """A rating for every third booking, 5 stars for half of them."""
    engine = create_engine(url)
    with engine.begin() as conn:
        found = conn.execute(
            sa.select(Booking.id, Booking.reader_id, Booking.client_id, Booking.starts_at)
        ).all()
        rows = [
            dict(
                id=uuid.uuid4(),
                booking_id=b,
                reader_id=r,
                client_id=c,
                stars=5 if i % 2 else 4,
                created_at=at,
            )
            for i, (b, r, c, at) in enumerate(found[::3])
        ]
        for start in range(0, len(rows), CHUNK):
            conn.execute(sa.insert(Rating), rows[start : start + CHUNK])
    engine.dispose()
    return len(rows)


async def measure(url: str, reader_id: uuid.UUID | None, runs: int, page: int) -> None:
    now = utc_now()
    database = Database.from_url(url, clock=FixedClock(now))
    scope = "platform" if reader_id is None else "one reader"
    try:
        for key in SEGMENTS:
            rule = parse_rule(LIBRARY[key].rule_text)
            counts: list[float] = []
            walks: list[float] = []
            total = 0
            for _ in range(runs):
                started = time.perf_counter()
                async with database.uows(read_only=True) as uow:
                    total = await uow.segments.count(
                        reader_id=reader_id, rule=rule, now=now, marketing_only=True
                    )
                counts.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                after, walked = None, 0
                while True:
                    async with database.uows(read_only=True) as uow:
                        ids = await uow.segments.client_ids(
                            reader_id=reader_id, rule=rule, now=now, marketing_only=True,
                            after=after, limit=page,
                        )  # fmt: skip
                    if not ids:
                        break
                    walked += len(ids)
                    after = ids[-1]
                walks.append((time.perf_counter() - started) * 1000)
                assert walked == total, (walked, total)
            print(
                f"{scope:10} {key:12} n={total:6}  count p50 {pct(counts, 0.5):7.1f} ms"
                f" p99 {pct(counts, 0.99):7.1f} ms | walk ({page}/page) p50"
                f" {pct(walks, 0.5):8.1f} ms p99 {pct(walks, 0.99):8.1f} ms"
            )
    finally:
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--bookings", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--page", type=int, default=5_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL for a scratch database")
    args = parser.parse_args()
    with contextlib.ExitStack() as scope:
        url = scratch_database(scope, args.postgres)
        now = utc_now()
        started = time.perf_counter()
        readers = seed_readers(url, now)
        clients = seed_clients(url, args.clients, now)
        seed_bookings(url, readers, clients, args.bookings, now)
        seed_profiles(url, clients)
        ratings = seed_ratings(url)
        print(
            f"seeded {args.clients} clients, {args.bookings} bookings, {ratings} ratings"
            f" in {time.perf_counter() - started:.1f} s"
        )
        if args.postgres:
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(sa.text("ANALYZE"))
            engine.dispose()
        asyncio.run(measure(url, None, args.runs, args.page))
        asyncio.run(measure(url, readers[0][0], args.runs, args.page))


if __name__ == "__main__":
    main()
