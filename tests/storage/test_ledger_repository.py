"""The ledger in SQL: postings written whole, balances summed by the database, on SQLite
and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from domain.billing.ledger import (
    payment_posting,
    payout_posting,
    refund_posting,
    refund_split,
    split_payment,
)
from domain.billing.money import Money
from domain.enums import LedgerAccount
from storage.uow import Database
from tests.support.factories import NOW, make_reader, seed


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url)
    yield database
    await database.dispose()


async def test_a_year_of_postings_sums_to_zero_and_the_readers_balance_is_what_is_owed(
    db: Database,
) -> None:
    samia, layla = make_reader(), make_reader(currency="AED")
    await seed(db.uows, samia, layla)
    gbp = split_payment(
        Money(6000, "GBP"), tax_minor=1000, platform_fee_bps=1500, provider_fee_minor=120
    )
    jpy = split_payment(Money(5000, "JPY"), tax_minor=0, platform_fee_bps=2000)
    back = refund_split(gbp, None, Money(1500, "GBP"))
    async with db.uows() as uow:
        await uow.ledger.post(payment_posting(gbp, reader_id=samia.id), NOW)
        await uow.ledger.post(payment_posting(jpy, reader_id=layla.id), NOW)
        await uow.ledger.post(refund_posting(back, reader_id=samia.id), NOW)
        await uow.ledger.post(payout_posting(Money(1000, "GBP"), reader_id=samia.id), NOW)
        await uow.commit()

    async with db.uows(read_only=True) as uow:
        net = await uow.ledger.net_by_currency()
        owed = await uow.ledger.balance(LedgerAccount.READER_PAYABLE, "GBP", samia.id)
        owed_layla = await uow.ledger.balance(LedgerAccount.READER_PAYABLE, "JPY", layla.id)
        fees = await uow.ledger.balance(LedgerAccount.PROVIDER_FEES, "GBP", None)
        cash = await uow.ledger.balance(LedgerAccount.CASH, "GBP", None)

    assert net == {"GBP": 0, "JPY": 0}
    assert owed == gbp.reader_share.amount_minor - back.reader_share.amount_minor - 1000
    assert owed_layla == 4000
    assert fees == 120
    assert cash == 6000 - 120 - 1500 - 1000


async def test_a_posting_reads_back_leg_for_leg(db: Database) -> None:
    reader = make_reader()
    await seed(db.uows, reader)
    posting = payout_posting(Money(2500, "KWD"), reader_id=reader.id, memo="week 49")
    async with db.uows() as uow:
        await uow.ledger.post(posting, NOW)
        await uow.commit()

    async with db.uows(read_only=True) as uow:
        stored = await uow.ledger.legs(posting.id)

    written = sorted(posting.legs, key=lambda leg: (leg.direction != "debit", leg.account))
    assert stored == written


async def test_a_posting_left_uncommitted_leaves_no_leg(db: Database) -> None:
    reader = make_reader()
    await seed(db.uows, reader)
    posting = payout_posting(Money(100, "GBP"), reader_id=reader.id)
    async with db.uows() as uow:
        await uow.ledger.post(posting, NOW)  # and then the unit of work ends without commit

    async with db.uows(read_only=True) as uow:
        assert await uow.ledger.legs(posting.id) == []
        assert await uow.ledger.net_by_currency() == {}
