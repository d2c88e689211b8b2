"""The daily ledger rollup: always a GROUP BY of the legs, and P&L edges read from the legs.

`ledger_daily` is kept by triggers (migration 0015); whatever is written to ledger_entries
(inserts, updates of any column, deletes, rolled-back transactions), the rollup must equal
a GROUP BY over the legs by UTC day. The P&L reads whole UTC days from it and the partial
days at a period's ends from the legs, so readers whose midnight is not UTC's (Dubai,
New York across a DST change) must still get the exact raw-leg sums.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from domain.billing.ledger import (
    Posting,
    payment_posting,
    refund_posting,
    refund_split,
    split_payment,
)
from domain.billing.money import Money
from domain.billing.reports import month, period_between, profit_and_loss
from domain.billing.statements import day_start
from domain.enums import LedgerAccount, LedgerDirection, PostingKind
from domain.models import Reader
from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import LedgerDay, LedgerEntry
from storage.models import Reader as ReaderRow
from storage.scratch import scratch_postgres_database
from storage.uow import Database
from tests.conftest import BACKENDS
from tests.support.databases import require_postgres
from tests.support.factories import make_reader, seed

Key = tuple[str, str, str, str, date]
AUTUMN = datetime(2026, 10, 20, tzinfo=UTC)
ACCOUNTS = list(LedgerAccount)
KINDS: list[PostingKind | None] = [*PostingKind, None]


def _grouped_legs(conn: sa.Connection) -> dict[Key, tuple[int, int]]:
    """What the rollup must hold, computed in Python from the legs themselves."""
    totals: Counter[Key] = Counter()
    counts: Counter[Key] = Counter()
    legs = sa.select(LedgerEntry.__table__)
    for leg in conn.execute(legs):
        if leg.reader_id is None or leg.kind is None:
            continue
        day = leg.created_at.astimezone(UTC).date()
        key = (str(leg.reader_id), leg.currency, str(leg.account), str(leg.kind), day)
        totals[key] += leg.amount_minor
        counts[key] += 1
    return {key: (totals[key], counts[key]) for key in counts}


def _rollup(conn: sa.Connection) -> dict[Key, tuple[int, int]]:
    rows = conn.execute(sa.select(LedgerDay.__table__))
    return {
        (str(r.reader_id), r.currency, r.account, r.kind, r.day): (int(r.total_minor), r.legs)
        for r in rows
    }


def _instant(rng: random.Random) -> datetime:
    """Mostly a few seconds either side of a UTC midnight: where a wrong day would show."""
    day = AUTUMN + timedelta(days=rng.randrange(0, 6))
    if rng.random() < 0.7:
        return day + timedelta(seconds=rng.choice((-1, 0, 1)), microseconds=rng.randrange(2))
    return day + timedelta(seconds=rng.randrange(86_400))


def _leg(rng: random.Random, readers: list[uuid.UUID | None]) -> dict[str, Any]:
    return dict(
        id=uuid.uuid4(),
        posting_id=uuid.uuid4(),
        kind=rng.choice(KINDS),
        account=rng.choice(ACCOUNTS),
        direction=rng.choice(list(LedgerDirection)),
        amount_minor=rng.randrange(0, 10_000),
        currency=rng.choice(("GBP", "EUR")),
        reader_id=rng.choice(readers),
        created_at=_instant(rng),
    )


def _change(rng: random.Random, readers: list[uuid.UUID | None]) -> dict[str, Any]:
    """New values for one to three columns, an unwatched one (`memo`) included."""
    draws = {
        "amount_minor": lambda: rng.randrange(0, 10_000),
        "created_at": lambda: _instant(rng),
        "account": lambda: rng.choice(ACCOUNTS),
        "kind": lambda: rng.choice(KINDS),
        "currency": lambda: rng.choice(("GBP", "EUR")),
        "reader_id": lambda: rng.choice(readers),
        "memo": lambda: f"memo {rng.randrange(100)}",
    }
    return {name: draws[name]() for name in rng.sample(sorted(draws), rng.randint(1, 3))}


def _random_writes(conn: sa.Connection, rng: random.Random, readers: list[Any]) -> None:
    """One transaction's worth of inserts, updates and deletes, one leg or many at a time."""
    legs = LedgerEntry.__table__
    for _ in range(rng.randint(5, 25)):
        ids = list(conn.scalars(sa.select(legs.c.id)))
        roll = rng.random()
        if roll < 0.4 or not ids:
            conn.execute(sa.insert(legs), [_leg(rng, readers) for _ in range(rng.randint(1, 5))])
        elif roll < 0.7:
            where = legs.c.id == rng.choice(ids)
            conn.execute(sa.update(legs).where(where).values(**_change(rng, readers)))
        elif roll < 0.8:  # many rows in one statement: a trigger fires per row
            where = legs.c.currency == rng.choice(("GBP", "EUR"))
            conn.execute(sa.update(legs).where(where).values(amount_minor=legs.c.amount_minor + 1))
        elif roll < 0.93:
            conn.execute(sa.delete(legs).where(legs.c.id == rng.choice(ids)))
        else:
            conn.execute(sa.delete(legs).where(legs.c.account == rng.choice(ACCOUNTS)))


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


async def _readers(database_url: str, count: int) -> list[uuid.UUID | None]:
    database = Database.from_url(database_url)
    readers = [make_reader() for _ in range(count)]
    await seed(database.uows, *readers)
    await database.dispose()
    return [reader.id for reader in readers]


async def test_the_rollup_equals_a_group_by_of_the_legs_after_random_writes(
    database_url: str, engine: sa.Engine
) -> None:
    readers = [*await _readers(database_url, 2), None]
    rng = random.Random(15)
    for round_ in range(12):
        conn = engine.connect()
        with conn.begin() as transaction:
            _random_writes(conn, rng, readers)
            if round_ % 4 == 3:  # what a rolled-back transaction wrote leaves no trace
                transaction.rollback()
        conn.close()
        with engine.connect() as conn:
            assert _rollup(conn) == _grouped_legs(conn), f"after round {round_}"
    with engine.connect() as conn:
        assert len(_rollup(conn)) > 10  # the writes did leave days to compare


async def test_claiming_legs_for_a_payout_leaves_the_rollup_alone(
    database_url: str, engine: sa.Engine
) -> None:
    readers = await _readers(database_url, 1)
    rng = random.Random(7)
    with engine.begin() as conn:
        conn.execute(sa.insert(LedgerEntry.__table__), [_leg(rng, readers) for _ in range(20)])
        before = _rollup(conn)
        conn.execute(sa.update(LedgerEntry.__table__).values(memo="claimed"))

        assert _rollup(conn) == before


@pytest.fixture(params=BACKENDS)
def url_at_0014(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database migrated up to, not including, the rollup."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'at-0014.db'}"
        upgrade(url, "0014")
        yield url
        return
    with scratch_postgres_database(require_postgres()) as url:
        upgrade(url, "0014")
        yield url


def _readers_at_old_revision(engine: sa.Engine, count: int) -> list[uuid.UUID | None]:
    """Readers written with only the columns the old schema has (later ones add more)."""
    existing = {column["name"] for column in sa.inspect(engine).get_columns("readers")}
    columns = [c._copy() for c in ReaderRow.__table__.columns if c.name in existing]
    table = sa.Table("readers", sa.MetaData(), *columns)
    ids: list[uuid.UUID | None] = [uuid.uuid4() for _ in range(count)]
    rows = [
        dict(
            id=i,
            slug=f"old-{n}",
            name=f"R{n}",
            timezone="UTC",
            currency="GBP",
            languages=[],
            created_at=datetime.now(UTC),
        )
        for n, i in enumerate(ids)
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(table), rows)
    return ids


async def test_the_migration_rolls_up_the_legs_already_there(url_at_0014: str) -> None:
    engine = create_engine(url_at_0014)
    readers = [*_readers_at_old_revision(engine, 2), None]
    rng = random.Random(3)
    with engine.begin() as conn:
        conn.execute(sa.insert(LedgerEntry.__table__), [_leg(rng, readers) for _ in range(200)])
    upgrade(url_at_0014)
    try:
        with engine.connect() as conn:
            rolled = _rollup(conn)
            assert rolled == _grouped_legs(conn)
        assert rolled
        with engine.begin() as conn:  # and the triggers keep it from there
            _random_writes(conn, rng, readers)
            assert _rollup(conn) == _grouped_legs(conn)
    finally:
        engine.dispose()


# The P&L: whole UTC days from the rollup, the partial edge days from the legs.
ZONES = (("Asia/Dubai", "AED"), ("America/New_York", "USD"))  # +4; -4 then -5 (Nov 1)


def _postings(reader: Reader, rng: random.Random) -> list[tuple[Posting, datetime]]:
    """Payments and refunds near local and UTC midnights, October to December 2026."""
    out = []
    for day in range(75):
        local = day_start(date(2026, 10, 1) + timedelta(days=day), reader.timezone)
        utc = datetime(2026, 10, 1, tzinfo=UTC) + timedelta(days=day)
        for at in (local, utc, local - timedelta(microseconds=1), utc - timedelta(seconds=1)):
            if rng.random() < 0.6:
                at += timedelta(minutes=rng.choice((0, 0, 1, 37, 600)))
            gross = Money(rng.randrange(1000, 20_000), reader.currency)
            split = split_payment(gross, tax_minor=gross.amount_minor // 6, platform_fee_bps=2500)
            out.append((payment_posting(split, reader_id=reader.id), at))
            if rng.random() < 0.2:
                back = refund_split(split, None, Money(gross.amount_minor // 3, reader.currency))
                kind = rng.choice((PostingKind.REFUND, PostingKind.DISPUTE))
                refund = replace(refund_posting(back, reader_id=reader.id), kind=kind)
                out.append((refund, at + timedelta(hours=rng.choice((0, 3, 21)))))
    return out


def _raw_sums(posted: list[tuple[Posting, datetime]], start: datetime, end: datetime) -> dict:
    """The P&L's sums straight from the legs, in Python."""
    names = {
        LedgerAccount.TAX_PAYABLE: "tax",
        LedgerAccount.PLATFORM_REVENUE: "fee",
        LedgerAccount.READER_PAYABLE: "share",
    }
    sums: Counter[str] = Counter(
        {f"{s}_{n}": 0 for s in ("paid", "returned") for n in names.values()}
    )
    payments = 0
    for posting, at in posted:
        if not start <= at < end:
            continue
        side = "paid" if posting.kind == PostingKind.PAYMENT else "returned"
        for leg in posting.legs:
            if leg.account in names:
                sums[f"{side}_{names[leg.account]}"] += leg.money.amount_minor
        payments += posting.kind == PostingKind.PAYMENT
    return {"payments": payments, **sums}


@pytest.fixture
async def posted(database_url: str) -> AsyncIterator[tuple[Database, dict[str, Any]]]:
    database = Database.from_url(database_url)
    rng = random.Random(2026)
    readers = {zone: make_reader(timezone=zone, currency=code) for zone, code in ZONES}
    await seed(database.uows, *readers.values())
    books = {}
    async with database.uows() as uow:
        for zone, reader in readers.items():
            books[zone] = (reader, _postings(reader, rng))
            for posting, at in books[zone][1]:
                await uow.ledger.post(posting, at)
        await uow.commit()
    yield database, books
    await database.dispose()


PERIODS = {
    "a month": month(2026, 11),
    "across the DST change": period_between(date(2026, 10, 25), date(2026, 11, 8)),
    "one local day (no whole UTC day)": period_between(date(2026, 11, 2), date(2026, 11, 2)),
    "two local days": period_between(date(2026, 11, 2), date(2026, 11, 3)),
    "everything": period_between(date(2026, 9, 1), date(2027, 1, 31)),
    "nothing": period_between(date(2027, 3, 1), date(2027, 3, 31)),
}


@pytest.mark.parametrize("zone", [zone for zone, _ in ZONES])
@pytest.mark.parametrize("label", PERIODS)
async def test_pnl_over_local_days_equals_the_raw_leg_sums(
    posted: tuple[Database, dict[str, Any]], zone: str, label: str
) -> None:
    database, books = posted
    reader, postings = books[zone]
    period = PERIODS[label]
    start, end = day_start(period.start, zone), day_start(period.after, zone)

    async with database.uows(read_only=True) as uow:
        totals = await uow.reports.ledger_pnl(reader.id, reader.currency, start, end)
    report = await profit_and_loss(
        uow=database.uows(read_only=True), reader_id=reader.id, period=period
    )

    raw = _raw_sums(postings, start, end)
    assert {name: getattr(totals, name) for name in raw} == raw
    assert report.revenue_minor == raw["paid_tax"] + raw["paid_fee"] + raw["paid_share"]
    assert report.payments == raw["payments"]
    assert start.hour != 0  # neither zone's midnight is UTC's: the edges were partial days


async def test_pnl_between_instants_inside_one_utc_day_reads_only_legs(
    posted: tuple[Database, dict[str, Any]],
) -> None:
    database, books = posted
    reader, postings = books["Asia/Dubai"]
    start = datetime(2026, 11, 10, 0, 0, 0, 1, tzinfo=UTC)
    for end in (start, start + timedelta(hours=6), datetime(2026, 11, 11, tzinfo=UTC)):
        async with database.uows(read_only=True) as uow:
            totals = await uow.reports.ledger_pnl(reader.id, reader.currency, start, end)
        raw = _raw_sums(postings, start, end)
        assert {name: getattr(totals, name) for name in raw} == raw
