"""Payouts: each reader is paid their share once, whatever reruns, races or refunds do.

On SQLite and PostgreSQL; after every operation the ledger nets to zero per currency.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from domain.billing.payouts import pay_reader, run_payouts, send_statements
from domain.billing.tax import TaxRateRow
from domain.clock import FixedClock
from domain.enums import LedgerAccount, PayoutStatus, PostingKind
from domain.errors import InvalidRequest
from domain.ports.notify import NoticeKind
from storage.models import LedgerEntry
from storage.uow import Database
from tests.support.factories import make_reader
from tests.support.ledger_books import Books, open_books
from tests.support.notifier import FakeNotifier

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # payments land Monday morning, London


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url, clock=FixedClock(MONDAY))
    yield database
    await database.dispose()


@pytest.fixture
async def books(database: Database) -> Books:
    clock = FixedClock(MONDAY)
    return await open_books(database.uows, clock, make_reader(revenue_share_bps=7000))


async def assert_balanced(books: Books) -> None:
    assert set((await books.net_by_currency()).values()) <= {0}


async def owed(books: Books, currency: str = "GBP") -> int:
    async with books.uows(read_only=True) as uow:
        return await uow.ledger.balance(LedgerAccount.READER_PAYABLE, currency, books.reader.id)


async def unclaimed_legs(books: Books) -> int:
    async with books.uows(read_only=True) as uow:
        return int(
            await uow.session.scalar(  # type: ignore[attr-defined]
                sa.select(sa.func.count())
                .select_from(LedgerEntry)
                .where(LedgerEntry.payout_id.is_(None), LedgerEntry.kind != PostingKind.PAYOUT)
            )
            or 0
        )


async def test_a_payout_pays_the_readers_share_less_refunds_and_claims_every_leg(
    books: Books,
) -> None:
    await books.paid()
    refunded = await books.paid()
    await books.refund(refunded, 1000)
    await assert_balanced(books)
    books.advance(days=1)

    run = await run_payouts(uows=books.uows, clock=books.clock)

    [payout] = run.payouts
    s = payout.statement
    assert (s.sessions, s.gross_minor, s.refunds_minor) == (2, 12000, 1000)
    assert (s.platform_fee_minor, s.tax_minor) == (3600 - 300, 0)
    assert s.net_minor == 8400 - 700  # 70 % of what was kept
    assert s.net_minor == s.gross_minor - s.refunds_minor - s.tax_minor - s.platform_fee_minor
    assert (s.period_start, s.period_end) == (date(2026, 11, 23), date(2026, 11, 23))
    assert payout.status is PayoutStatus.BOOKED
    assert await owed(books) == 0
    assert await unclaimed_legs(books) == 0
    await assert_balanced(books)
    async with books.uows(read_only=True) as uow:
        legs = await uow.ledger.legs(payout.posting_id)
        stored = await uow.payouts.get(payout.id)
    assert {(leg.account, leg.money.amount_minor) for leg in legs} == {
        (LedgerAccount.READER_PAYABLE, 7700),
        (LedgerAccount.CASH, 7700),
    }
    assert stored is not None
    assert stored.statement.net_minor == 7700


async def test_second_payout_run_pays_nothing(books: Books) -> None:
    await books.paid()
    books.advance(days=1)

    first = await run_payouts(uows=books.uows, clock=books.clock)
    again = await run_payouts(uows=books.uows, clock=books.clock)
    books.advance(days=7)
    next_week = await run_payouts(uows=books.uows, clock=books.clock)

    assert len(first.payouts) == 1
    assert again.payouts == []
    assert again.readers == []
    assert next_week.payouts == []
    assert await owed(books) == 0
    await assert_balanced(books)


@pytest.mark.parametrize("ends", [(None, None), (date(2026, 11, 23), date(2026, 11, 24))])
async def test_two_runs_at_once_on_two_connections_pay_once(
    books: Books, database_url: str, ends: tuple[date | None, date | None]
) -> None:
    for _ in range(3):
        await books.paid()
    books.advance(days=2)
    # Two workers: their own engines (so their own connections and write gates), for the
    # same period or for two periods that both cover Monday's payments.
    workers = [Database.from_url(database_url, clock=books.clock) for _ in range(2)]
    try:
        runs = await asyncio.gather(
            *(
                run_payouts(uows=w.uows, clock=books.clock, period_end=end)
                for w, end in zip(workers, ends, strict=True)
            )
        )
    finally:
        for worker in workers:
            await worker.dispose()

    assert sorted(len(run.payouts) for run in runs) == [0, 1]
    assert await owed(books) == 0
    async with books.uows(read_only=True) as uow:
        cash = await uow.ledger.balance(LedgerAccount.CASH, "GBP", None)
    assert cash == 3 * 6000 - 3 * 4200  # the platform keeps its fees, paid the rest once
    await assert_balanced(books)


async def test_the_same_period_paid_again_writes_no_second_row(books: Books) -> None:
    await books.paid()
    books.advance(days=1)
    first = await pay_reader(uow=books.uows(), clock=books.clock, reader_id=books.reader.id)
    late = await books.paid()  # booked today: after the period's end
    del late
    same_period = await pay_reader(
        uow=books.uows(),
        clock=books.clock,
        reader_id=books.reader.id,
        period_end=first.payouts[0].statement.period_end,
    )

    assert len(first.payouts) == 1
    assert same_period.payouts == []
    assert same_period.statements == []
    assert await owed(books) == 4200  # today's payment waits for the next period
    await assert_balanced(books)


async def test_a_dry_run_computes_the_statements_and_writes_nothing(books: Books) -> None:
    await books.paid()
    books.advance(days=1)

    dry = await run_payouts(uows=books.uows, clock=books.clock, dry_run=True)
    real = await run_payouts(uows=books.uows, clock=books.clock)

    assert dry.dry_run
    assert dry.payouts == []
    assert [s.net_minor for s in dry.statements] == [4200]
    assert [p.statement.net_minor for p in real.payouts] == [4200]
    await assert_balanced(books)


async def test_refunds_beyond_the_periods_takings_carry_forward_and_are_netted_later(
    books: Books,
) -> None:
    paid = await books.paid()
    books.advance(days=1)
    await run_payouts(uows=books.uows, clock=books.clock)
    await books.refund(paid, 6000)  # all of it back, after it was paid out
    books.advance(days=1)

    carried = await run_payouts(uows=books.uows, clock=books.clock)
    await books.paid(amount="100.00")
    await books.paid(amount="20.00")
    books.advance(days=1)
    netted = await run_payouts(uows=books.uows, clock=books.clock)

    [statement] = carried.statements
    assert carried.payouts == []
    assert not statement.payable
    assert statement.net_minor == -4200
    assert statement.platform_fee_minor == -1800  # the platform gave its fee back too
    [payout] = netted.payouts
    assert payout.statement.net_minor == 7000 + 1400 - 4200
    assert payout.statement.period_start == date(2026, 11, 24)  # the carried refund's day
    assert await owed(books) == 0
    await assert_balanced(books)


async def test_a_reader_paid_in_two_currencies_gets_a_payout_in_each(database: Database) -> None:
    reader = make_reader(revenue_share_bps=8000)
    books = await open_books(
        database.uows,
        FixedClock(MONDAY),
        reader,
        prices={"GBP": 5000, "JPY": 9000},
        rates={("JPY", "GBP"): "0.0052"},
    )
    await books.paid("GBP")
    await books.paid("JPY")
    books.advance(days=1)

    run = await run_payouts(uows=books.uows, clock=books.clock)

    nets = {p.statement.currency: p.statement.net_minor for p in run.payouts}
    assert nets == {"GBP": 4000, "JPY": 7200}
    assert await owed(books, "JPY") == 0
    await assert_balanced(books)


async def test_tax_is_set_aside_and_shown_on_the_statement(database: Database) -> None:
    reader = make_reader(country="GB")
    async with database.uows() as uow:
        await uow.tax_rates.add(TaxRateRow("GB", "VAT", 2000, date(2020, 1, 1)))
        await uow.commit()
    books = await open_books(database.uows, FixedClock(MONDAY), reader)
    await books.paid()
    books.advance(days=1)

    [payout] = (await run_payouts(uows=books.uows, clock=books.clock)).payouts

    assert (payout.statement.gross_minor, payout.statement.tax_minor) == (6000, 1000)
    assert payout.statement.net_minor == 3500  # 70 % of the 5000 net of VAT
    await assert_balanced(books)


async def test_a_period_that_has_not_ended_is_refused_and_changes_nothing(books: Books) -> None:
    await books.paid()

    with pytest.raises(InvalidRequest, match="finished days"):
        await pay_reader(
            uow=books.uows(),
            clock=books.clock,
            reader_id=books.reader.id,
            period_end=date(2026, 11, 23),  # today in London
        )

    assert await owed(books) == 4200
    assert await unclaimed_legs(books) > 0


async def test_legs_after_the_period_end_wait_for_the_next_payout(books: Books) -> None:
    await books.paid()
    books.advance(days=2)
    await books.paid(amount="10.00")  # Wednesday

    run = await run_payouts(uows=books.uows, clock=books.clock, period_end=date(2026, 11, 24))

    assert [p.statement.net_minor for p in run.payouts] == [4200]
    assert await owed(books) == 700
    await assert_balanced(books)


async def test_a_dispute_is_held_back_from_the_payout(books: Books) -> None:
    await books.paid()
    disputed = await books.paid()
    await books.dispute(disputed, 6000)
    books.advance(days=1)

    [payout] = (await run_payouts(uows=books.uows, clock=books.clock)).payouts

    assert payout.statement.refunds_minor == 6000
    assert payout.statement.net_minor == 4200
    await assert_balanced(books)


async def test_each_statement_goes_to_its_reader_once_with_its_pdf_link(books: Books) -> None:
    await books.paid()
    books.advance(days=1)
    [payout] = (await run_payouts(uows=books.uows, clock=books.clock)).payouts
    notifier = FakeNotifier()

    def link(payout_id: object) -> str:
        return f"http://hub.test/statements/{payout_id}.pdf"

    sent = await send_statements(uows=books.uows, notifier=notifier, link=link)
    again = await send_statements(uows=books.uows, notifier=notifier, link=link)

    assert [s.payout.id for s in sent] == [payout.id]
    assert again == []
    [notice] = notifier.of_kind(NoticeKind.PAYOUT_STATEMENT)
    assert notice.person_id == books.reader.id
    assert notice.notice.params["document_url"] == link(payout.id)
    assert notice.notice.params["amount_minor"] == "4200"
    async with books.uows(read_only=True) as uow:
        stored = await uow.payouts.get(payout.id)
    assert stored is not None
    assert stored.status is PayoutStatus.SENT
