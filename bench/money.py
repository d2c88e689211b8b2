"""Money at scale: a reader's P&L over 100k payments, and a payout run over 1,000 readers.

Seeds through SQLAlchemy Core with the ledger's own rules (`split_payment`,
`payment_posting`, `refund_split`), so the legs are the ones the hub writes:
- one reader with `--payments` payments over a year (10 % in EUR with their FX snapshot,
  5 % partly refunded) and 600 expenses (a third in EUR, converted at the day's rate);
- `--readers` more readers with `--per-reader` payments each in the last week.
Then times the P&L (the last month, and the whole year: every leg) and the payout run
(a real one, a rerun and a dry run), counting SQL statements with a
`before_cursor_execute` listener. Prints median / p99 in ms and queries per reader.

    .venv/bin/python bench/money.py [--payments 100000] [--readers 1000] [--postgres URL]
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
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from bench._seed import reader_row, scratch_database
from domain.billing.ledger import (
    Posting,
    payment_posting,
    refund_posting,
    refund_split,
    split_payment,
)
from domain.billing.money import Money
from domain.billing.payouts import pay_reader, run_payouts
from domain.billing.reports import month, period_between, profit_and_loss
from domain.clock import FixedClock
from domain.enums import PaymentMethod, PaymentStatus
from storage.models import Expense, FxRate, LedgerEntry, Payment, Reader
from storage.uow import Database

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # a Monday
CHUNK = 10_000
EUR_GBP = Decimal("0.87")


def legs_of(posting: Posting, at: datetime) -> Iterator[dict[str, Any]]:
    for leg in posting.legs:
        yield dict(
            id=uuid.uuid4(),
            posting_id=posting.id,
            kind=posting.kind,
            account=leg.account,
            direction=leg.direction,
            amount_minor=leg.money.amount_minor,
            currency=leg.money.currency,
            reader_id=posting.reader_id,
            payment_id=posting.payment_id,
            booking_id=None,
            memo=None,
            created_at=at,
        )


def payment(reader_id: uuid.UUID, at: datetime, rng: random.Random, *, foreign: bool):
    """One settled payment's row and its ledger legs (and a refund's, 1 in 20)."""
    currency = "EUR" if foreign else "GBP"
    gross = Money(rng.randrange(2000, 12000), currency)
    tax = gross.amount_minor // 6 if rng.random() < 0.5 else 0  # 20 % VAT inside, or none
    split = split_payment(
        gross,
        tax_minor=tax,
        platform_fee_bps=3000,
        provider_fee_minor=gross.amount_minor * 3 // 100,
    )
    payment_id = uuid.uuid4()
    settled = (
        int((Decimal(gross.amount_minor) * EUR_GBP).to_integral_value())
        if foreign
        else gross.amount_minor
    )
    row = dict(
        id=payment_id,
        reader_id=reader_id,
        method=PaymentMethod.CARD,
        provider="builtin",
        amount_minor=gross.amount_minor,
        currency=currency,
        settlement_amount_minor=settled,
        settlement_currency="GBP",
        fx_rate=EUR_GBP if foreign else Decimal(1),
        fx_rate_as_of=at.date(),
        tax_minor=split.tax.amount_minor,
        platform_fee_minor=split.platform_fee.amount_minor,
        provider_fee_minor=split.provider_fee.amount_minor,
        refunded_minor=0,
        disputed_minor=0,
        status=PaymentStatus.SUCCEEDED,
        received_at=at,
        created_at=at,
        provider_payment_id=f"bench-{payment_id}",
    )
    legs = list(legs_of(payment_posting(split, reader_id=reader_id, payment_id=payment_id), at))
    if rng.random() < 0.05:
        back = Money(gross.amount_minor // 2, currency)
        refund = refund_posting(
            refund_split(split, None, back), reader_id=reader_id, payment_id=payment_id
        )
        legs += legs_of(refund, at + timedelta(hours=2))
        row["refunded_minor"] = back.amount_minor
    return row, legs


def insert(conn: sa.Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(sa.insert(model), rows[start : start + CHUNK])


def seed(url: str, payments: int, readers: int, per_reader: int) -> uuid.UUID:
    from storage.db import create_engine

    rng = random.Random(10)
    engine = create_engine(url)
    big = uuid.uuid4()
    with engine.begin() as conn:
        insert(conn, Reader, [reader_row(big, "samia", NOW)])
        rows, legs = [], []
        for i in range(payments):
            at = NOW - timedelta(days=365) + timedelta(seconds=i * 365 * 86400 // payments)
            row, more = payment(big, at, rng, foreign=rng.random() < 0.1)
            rows.append(row)
            legs += more
        insert(conn, Payment, rows)
        insert(conn, LedgerEntry, legs)
        insert(
            conn,
            Expense,
            [
                dict(
                    id=uuid.uuid4(),
                    reader_id=big,
                    category="cards",
                    amount_minor=rng.randrange(500, 5000),
                    currency="EUR" if i % 3 == 0 else "GBP",
                    incurred_on=(NOW - timedelta(days=i * 365 // 600)).date(),
                    created_at=NOW,
                )
                for i in range(600)
            ],
        )
        insert(
            conn,
            FxRate,
            [
                dict(
                    id=uuid.uuid4(),
                    base_currency="EUR",
                    quote_currency="GBP",
                    rate=EUR_GBP,
                    as_of=NOW.date() - timedelta(days=d),
                    source="bench",
                )
                for d in range(400)
            ],
        )
        others = [uuid.uuid4() for _ in range(readers)]
        insert(conn, Reader, [reader_row(r, f"reader-{i:04d}", NOW) for i, r in enumerate(others)])
        rows, legs = [], []
        for reader_id in others:
            for j in range(per_reader):
                at = NOW - timedelta(days=6, hours=j * 5)
                row, more = payment(reader_id, at, rng, foreign=j == 0)
                rows.append(row)
                legs += more
        insert(conn, Payment, rows)
        insert(conn, LedgerEntry, legs)
        total = conn.scalar(sa.select(sa.func.count()).select_from(LedgerEntry))
    if engine.dialect.name == "postgresql":
        # What autovacuum does to a table that grew: statistics, and the visibility map
        # that lets the report sums read their index alone.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    print(
        f"seeded: {payments:,} payments for one reader, {readers:,} readers x {per_reader},"
        f" {total:,} ledger legs"
    )
    return big


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class QueryCounter:
    """Counts statements sent to the database (`before_cursor_execute`)."""

    def __init__(self, database: Database) -> None:
        self.count = 0
        sa.event.listen(database.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: object) -> None:
        self.count += 1

    @contextlib.contextmanager
    def measure(self) -> Iterator[list[int]]:
        before, out = self.count, [0]
        yield out
        out[0] = self.count - before


async def bench_pnl(
    database: Database, reader_id: uuid.UUID, rounds: int, counter: QueryCounter
) -> None:
    periods = {
        "last month": month(2026, 11),
        "whole year": period_between(NOW.date() - timedelta(days=366), NOW.date()),
    }
    for label, period in periods.items():
        times: list[float] = []
        for _ in range(rounds):
            with counter.measure() as queries:
                started = time.perf_counter()
                report = await profit_and_loss(
                    uow=database.uows(read_only=True), reader_id=reader_id, period=period
                )
                times.append(time.perf_counter() - started)
        print(
            f"P&L {label}: {report.payments:,} payments, median {ms(statistics.median(times))}, "
            f"p99 {ms(pct(times, 0.99))} ({rounds} runs, {queries[0]} queries each; "
            f"revenue {report.revenue_minor / 100:,.2f} GBP, net {report.net_minor / 100:,.2f} GBP)"
        )


async def bench_payouts(
    database: Database, big: uuid.UUID, readers: int, counter: QueryCounter
) -> None:
    clock = FixedClock(NOW)
    # The 100k-payment reader's first payout ever, on its own: it claims ~470k legs.
    with counter.measure() as queries:
        started = time.perf_counter()
        first = await pay_reader(uow=database.uows(), clock=clock, reader_id=big)
        took = time.perf_counter() - started
    print(
        f"first payout of the 100k-payment reader: {len(first.payouts)} payouts,"
        f" {sum(s.legs for s in first.statements):,} legs claimed in {took:.2f} s,"
        f" {queries[0]} queries"
    )
    for label, dry in (("dry run", True), ("run", False), ("rerun", False)):
        with counter.measure() as queries:
            started = time.perf_counter()
            result = await run_payouts(uows=database.uows, clock=clock, dry_run=dry)
            took = time.perf_counter() - started
        per_reader = f", {ms(took / len(result.readers))} per reader" if result.readers else ""
        print(
            f"payouts {label} over {readers:,} readers: {len(result.payouts):,} payouts for"
            f" {len(result.readers):,} readers in {took:.2f} s{per_reader};"
            f" {queries[0]:,} queries ({queries[0] / readers:.1f} per reader)"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--readers", type=int, default=1_000)
    parser.add_argument("--per-reader", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--postgres", metavar="URL", help="a scratch database on this server")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with contextlib.ExitStack() as scope:
        url = scratch_database(scope, args.postgres)
        big = seed(url, args.payments, args.readers, args.per_reader)

        async def measure() -> None:
            database = Database.from_url(url)
            counter = QueryCounter(database)
            try:
                await bench_pnl(database, big, args.rounds, counter)
                await bench_payouts(database, big, args.readers, counter)
            finally:
                await database.dispose()

        asyncio.run(measure())


if __name__ == "__main__":
    main()
