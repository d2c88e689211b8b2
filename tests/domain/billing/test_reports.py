"""Reports read the books: P&L equals the ledger, tax groups by place of supply, unpaid
invoices less their credit notes; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.billing import reader_money
from domain.billing.fx import MissingFxRate
from domain.billing.invoices import LineRequest
from domain.billing.invoicing import credit_invoice
from domain.billing.reports import (
    outstanding_invoices,
    parse_period,
    period_between,
    profit_and_loss,
    tax_report,
)
from domain.billing.tax import TaxRateRow
from domain.clock import FixedClock
from domain.enums import LedgerAccount
from domain.errors import InvalidRequest
from domain.ports.fx import FxQuote
from storage.uow import Database
from tests.support.factories import make_client, make_reader, seed
from tests.support.ledger_books import Books, open_books

NOV_10 = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
NOVEMBER = parse_period("2026-11", NOV_10.date())


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url, clock=FixedClock(NOV_10))
    yield database
    await database.dispose()


async def gbp_books(database: Database, **reader: object) -> Books:
    return await open_books(
        database.uows,
        FixedClock(NOV_10),
        make_reader(**reader),
        prices={"GBP": 6000, "EUR": 5000},
        rates={("EUR", "GBP"): "0.85"},
    )


async def pnl(books: Books, period=NOVEMBER):  # type: ignore[no-untyped-def]
    return await profit_and_loss(
        uow=books.uows(read_only=True), reader_id=books.reader.id, period=period
    )


async def test_profit_and_loss_equals_the_ledger_and_subtracts_expenses(
    database: Database,
) -> None:
    books = await gbp_books(database)
    await books.paid()
    refunded = await books.paid()
    await books.refund(refunded, 2000)
    await reader_money.add_expense(
        uow=books.uows(), clock=books.clock, reader_id=books.reader.id, text="12.50 cards"
    )
    await reader_money.add_expense(
        uow=books.uows(), clock=books.clock, reader_id=books.reader.id, text="10 EUR candles"
    )

    report = await pnl(books)

    assert (report.payments, report.revenue_minor, report.refunds_minor) == (2, 12000, 2000)
    assert (report.platform_fees_minor, report.tax_minor) == (3600 - 600, 0)
    assert report.expenses_minor == 1250 + 850  # the euros at the expense day's 0.85
    assert report.expense_count == 2
    async with books.uows(read_only=True) as uow:
        owed = await uow.ledger.balance(LedgerAccount.READER_PAYABLE, "GBP", books.reader.id)
    assert report.earnings_minor == owed == 8400 - 1400
    assert report.net_minor == owed - 2100
    assert set((await books.net_by_currency()).values()) == {0}


async def test_a_payment_in_another_currency_counts_at_its_own_snapshot(
    database: Database,
) -> None:
    books = await gbp_books(database)
    await books.paid("EUR")  # 50.00 EUR at 0.85 = 42.50 GBP, kept on the payment
    async with books.uows() as uow:  # the day's published rate is revised afterwards
        await uow.fx_rates.upsert([FxQuote("EUR", "GBP", Decimal("0.5"), NOV_10.date(), "test")])
        await uow.commit()

    report = await pnl(books)

    assert report.revenue_minor == 4250
    assert report.earnings_minor == 2975  # 70 % of it
    assert report.unconverted == 0
    assert set((await books.net_by_currency()).values()) == {0}


async def test_the_period_is_the_readers_calendar(database: Database) -> None:
    books = await open_books(
        database.uows,
        FixedClock(datetime(2026, 11, 30, 21, 0, tzinfo=UTC)),  # 1 December in Dubai
        make_reader(timezone="Asia/Dubai", currency="AED"),
        prices={"AED": 20000},
        platform_currency="AED",
    )
    await books.paid()

    november = await pnl(books, parse_period("2026-11", date(2026, 12, 1)))
    december = await pnl(books, parse_period("2026-12", date(2026, 12, 1)))

    assert november.revenue_minor == 0
    assert december.revenue_minor == 20000


async def test_an_expense_without_a_rate_for_its_day_is_refused_plainly(
    database: Database,
) -> None:
    books = await gbp_books(database)
    await reader_money.add_expense(
        uow=books.uows(), clock=books.clock, reader_id=books.reader.id, text="900 JPY incense"
    )

    with pytest.raises(MissingFxRate, match="JPY->GBP"):
        await pnl(books)


async def test_the_tax_report_groups_by_place_of_supply_and_rate_less_credit_notes(
    database: Database,
) -> None:
    async with database.uows() as uow:
        await uow.tax_rates.add(TaxRateRow("GB", "VAT", 2000, date(2020, 1, 1)))
        await uow.commit()
    books = await gbp_books(database, country="GB")
    abroad = make_client(country="US")
    await seed(books.uows, abroad)
    await books.paid()  # the books' client has no country: taxed as the reader's
    first = await reader_money.invoice_client(
        uow=books.uows(),
        clock=books.clock,
        reader_id=books.reader.id,
        client_ref=books.client.email or "",
        amount_text="120",
        reason="Follow-up",
    )
    await credit_invoice(
        uow=books.uows(),
        clock=books.clock,
        invoice_id=first.id,
        lines=[LineRequest("Goodwill", 2000)],
    )
    await reader_money.invoice_client(
        uow=books.uows(),
        clock=books.clock,
        reader_id=books.reader.id,
        client_ref=abroad.email or "",
        amount_text="80",
        reason="Reading",
    )

    report = await tax_report(
        uow=books.uows(read_only=True),
        reader_id=books.reader.id,
        period=parse_period("2026Q4", NOV_10.date()),
    )

    lines = {(line.country, line.rate_bps): line for line in report.lines}
    assert set(lines) == {("GB", 2000), (None, 0)}
    gb = lines[("GB", 2000)]
    assert gb.documents == 3
    assert (gb.net_minor, gb.tax_minor) == (5000 + 10000 - 1667, 1000 + 2000 - 333)
    assert (lines[(None, 0)].net_minor, lines[(None, 0)].tax_minor) == (8000, 0)
    assert report.tax_by_currency() == {"GBP": 3000 - 333}


async def test_outstanding_lists_unpaid_invoices_less_their_credit_notes(
    database: Database,
) -> None:
    books = await gbp_books(database)
    await books.paid()  # paid: not outstanding
    unpaid = await reader_money.invoice_client(
        uow=books.uows(),
        clock=books.clock,
        reader_id=books.reader.id,
        client_ref=books.client.email or "",
        amount_text="40",
        reason="Follow-up",
    )
    await credit_invoice(
        uow=books.uows(),
        clock=books.clock,
        invoice_id=unpaid.id,
        lines=[LineRequest("Discount", 1000)],
    )

    report = await outstanding_invoices(uow=books.uows(read_only=True), reader_id=books.reader.id)

    [open_invoice] = report.invoices
    assert open_invoice.number == unpaid.number
    assert (open_invoice.total_minor, open_invoice.due_minor) == (4000, 3000)
    assert [(t.currency, t.invoices, t.due_minor) for t in report.totals] == [("GBP", 1, 3000)]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (None, date(2026, 11, 1), date(2026, 11, 30)),
        ("this month", date(2026, 11, 1), date(2026, 11, 30)),
        ("Last Month", date(2026, 10, 1), date(2026, 10, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("q1 2027", date(2027, 1, 1), date(2027, 3, 31)),
        ("last quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_periods_are_read_as_people_say_them(text: str | None, start: date, end: date) -> None:
    period = parse_period(text, NOV_10.date())

    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["next week", "2026-13", "2026Q5", "yesterday-ish"])
def test_a_period_nobody_can_read_is_refused(text: str) -> None:
    with pytest.raises(InvalidRequest, match="period"):
        parse_period(text, NOV_10.date())


def test_a_backwards_period_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="after it ends"):
        period_between(date(2026, 11, 30), date(2026, 11, 1))
