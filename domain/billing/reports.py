"""A reader's reports: profit and loss, tax by rate and country, and unpaid invoices.

Every figure is summed by the database (`ReportRepository`), so a report costs the same
few statements whatever the reader's history. Periods are days on the reader's calendar.

Profit and loss, in the reader's currency, straight from the ledger: a leg in another
currency counts at its payment's FX snapshot (never today's rate), an expense in another
currency at the rate of the day it was incurred.

    revenue        what clients paid: the tax, fee and reader's share payments set aside
    refunds        what refunds and disputes gave back of those
    tax            tax set aside, net of refunds
    platform fees  the platform's fee, net of refunds
    expenses       the reader's costs
    net            revenue - refunds - tax - platform fees - expenses
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from domain.billing.fx import convert, known_rate
from domain.billing.money import Money
from domain.billing.report_figures import ExpenseTotal, OpenInvoice, OpenTotal
from domain.billing.statements import day_start
from domain.billing.tax import place_of_supply
from domain.errors import InvalidRequest, NotFound
from domain.models import Reader
from domain.ports.storage import UnitOfWork

MAX_SPAN = timedelta(days=5 * 366)  # longer asks are refused rather than left to run
_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$")
_QUARTER = re.compile(
    r"^(?:(?P<year>\d{4})\s*-?\s*q(?P<q>[1-4])|q(?P<q2>[1-4])\s*-?\s*(?P<year2>\d{4}))$"
)
_YEAR = re.compile(r"^(?P<year>\d{4})$")
PERIOD_HELP = "say a period like 'this month', 'last month', '2026-11' or '2026Q4'"


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """Reader-local days from `start` to `end`, both included, and how to call them."""

    start: date
    end: date
    label: str

    @property
    def after(self) -> date:
        """The first day not included."""
        return self.end + timedelta(days=1)


def month(year: int, number: int) -> ReportPeriod:
    """One calendar month."""
    if not 1 <= number <= 12:
        raise InvalidRequest(f"there is no month {number}: {PERIOD_HELP}")
    last = calendar.monthrange(year, number)[1]
    return ReportPeriod(date(year, number, 1), date(year, number, last), f"{year}-{number:02d}")


def quarter(year: int, number: int) -> ReportPeriod:
    """One calendar quarter."""
    first = month(year, 3 * number - 2)
    last = month(year, 3 * number)
    return ReportPeriod(first.start, last.end, f"{year}Q{number}")


def quarter_of(day: date) -> ReportPeriod:
    """The quarter a day is in."""
    return quarter(day.year, (day.month - 1) // 3 + 1)


def parse_period(text: str | None, today: date, *, default: str = "this month") -> ReportPeriod:
    """'this month', 'last month', 'this quarter', 'last quarter', '2026-11', '2026Q4',
    '2026', or a clear refusal."""
    wanted = " ".join((text or default).lower().split())
    this_month = month(today.year, today.month)
    named = {
        "this month": this_month,
        "last month": month(*_previous_month(today)),
        "this quarter": quarter_of(today),
        "last quarter": quarter_of(quarter_of(today).start - timedelta(days=1)),
        "this year": ReportPeriod(
            date(today.year, 1, 1), date(today.year, 12, 31), str(today.year)
        ),
    }
    if wanted in named:
        return named[wanted]
    if match := _MONTH.match(wanted):
        return month(int(match["year"]), int(match["month"]))
    if match := _QUARTER.match(wanted):
        return quarter(int(match["year"] or match["year2"]), int(match["q"] or match["q2"]))
    if match := _YEAR.match(wanted):
        year = int(match["year"])
        return ReportPeriod(date(year, 1, 1), date(year, 12, 31), str(year))
    raise InvalidRequest(f"{text!r} is not a period: {PERIOD_HELP}")


def period_between(start: date, end: date) -> ReportPeriod:
    """Days from `start` to `end` included; refused when backwards or years long."""
    if start > end:
        raise InvalidRequest(f"the period starts ({start}) after it ends ({end})")
    if end - start > MAX_SPAN:
        raise InvalidRequest("a report covers at most five years")
    return ReportPeriod(start, end, f"{start.isoformat()}..{end.isoformat()}")


def _previous_month(today: date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


@dataclass(frozen=True, slots=True)
class ProfitAndLoss:
    """A reader's period in their currency; see the module's docstring for each line."""

    reader: Reader
    period: ReportPeriod
    currency: str
    payments: int
    revenue_minor: int
    refunds_minor: int
    tax_minor: int
    platform_fees_minor: int
    expenses_minor: int
    expense_count: int
    unconverted: int  # ledger legs without a snapshot in this currency, left out

    @property
    def earnings_minor(self) -> int:
        """The reader's share: what the platform owes them for the period."""
        return self.revenue_minor - self.refunds_minor - self.tax_minor - self.platform_fees_minor

    @property
    def net_minor(self) -> int:
        """Earnings less expenses."""
        return self.earnings_minor - self.expenses_minor


async def profit_and_loss(
    *, uow: UnitOfWork, reader_id: UUID, period: ReportPeriod
) -> ProfitAndLoss:
    """The period's P&L in the reader's currency: two aggregates and the FX of foreign costs."""
    async with uow:
        reader = await _reader(uow, reader_id)
        currency = reader.currency
        start = day_start(period.start, reader.timezone)
        end = day_start(period.after, reader.timezone)
        legs = await uow.reports.ledger_pnl(reader.id, currency, start, end)
        totals = await uow.reports.expense_totals(reader.id, currency, period.start, period.after)
        expenses = await _expenses_in(uow, currency, totals)
    count = sum(total.count for total in totals)
    return ProfitAndLoss(
        reader=reader,
        period=period,
        currency=currency,
        payments=legs.payments,
        revenue_minor=legs.paid_tax + legs.paid_fee + legs.paid_share,
        refunds_minor=legs.returned_tax + legs.returned_fee + legs.returned_share,
        tax_minor=legs.paid_tax - legs.returned_tax,
        platform_fees_minor=legs.paid_fee - legs.returned_fee,
        expenses_minor=expenses,
        expense_count=count,
        unconverted=legs.unconverted,
    )


async def _expenses_in(uow: UnitOfWork, currency: str, totals: list[ExpenseTotal]) -> int:
    """The expenses in `currency`: each other currency's day at that day's rate, rounded
    once per currency and day, the rates of all its days read at once."""
    amount = sum(t.amount_minor for t in totals if t.day is None)
    days: dict[str, list[ExpenseTotal]] = {}
    for total in totals:
        if total.day is not None:
            days.setdefault(total.currency, []).append(total)
    for code, spent in days.items():
        rates = await uow.fx_rates.rates_on(code, currency, [t.day for t in spent if t.day])
        for total in spent:
            assert total.day is not None
            quote = rates.get(total.day) or await known_rate(
                uow.fx_rates, code, currency, total.day
            )
            amount += convert(Money(total.amount_minor, code), quote).money.amount_minor
    return amount


@dataclass(frozen=True, slots=True)
class TaxLine:
    """Invoiced net and tax at one rate in one country (None: outside the reader's tax)."""

    country: str | None
    rate_bps: int
    reverse_charge: bool
    currency: str
    documents: int
    net_minor: int
    tax_minor: int


@dataclass(frozen=True, slots=True)
class TaxReport:
    """A reader's invoices of a period by place of supply and rate; credit notes subtract."""

    reader: Reader
    period: ReportPeriod
    lines: list[TaxLine]

    def tax_by_currency(self) -> dict[str, int]:
        """The tax due in each currency invoiced."""
        totals: dict[str, int] = {}
        for line in self.lines:
            totals[line.currency] = totals.get(line.currency, 0) + line.tax_minor
        return totals


async def tax_report(*, uow: UnitOfWork, reader_id: UUID, period: ReportPeriod) -> TaxReport:
    """Grouped by the database per client country; each group's place of supply decided here."""
    async with uow:
        reader = await _reader(uow, reader_id)
        start = day_start(period.start, reader.timezone)
        end = day_start(period.after, reader.timezone)
        groups = await uow.reports.tax_groups(reader.id, start, end)
    merged: dict[tuple[str | None, int, bool, str], list[int]] = {}
    for group in groups:
        country = (
            group.client_country
            if group.reverse_charge
            else place_of_supply(reader.country, group.client_country)
        )
        key = (country, group.rate_bps, group.reverse_charge, group.currency)
        sums = merged.setdefault(key, [0, 0, 0])
        sums[0] += group.documents
        sums[1] += group.net_minor
        sums[2] += group.tax_minor
    lines = [
        TaxLine(country, rate_bps, reverse, currency, n, net, tax)
        for (country, rate_bps, reverse, currency), (n, net, tax) in sorted(
            merged.items(), key=lambda item: (item[0][0] or "~", -item[0][1], item[0][3])
        )
    ]
    return TaxReport(reader, period, lines)


@dataclass(frozen=True, slots=True)
class Outstanding:
    """A reader's unpaid invoices (the oldest first) and what they add up to."""

    reader: Reader
    invoices: list[OpenInvoice]
    totals: list[OpenTotal]


async def outstanding_invoices(*, uow: UnitOfWork, reader_id: UUID, limit: int = 50) -> Outstanding:
    """Issued, unpaid invoices less their credit notes."""
    async with uow:
        reader = await _reader(uow, reader_id)
        invoices = await uow.reports.open_invoices(reader.id, limit)
        totals = await uow.reports.open_totals(reader.id)
    return Outstanding(reader, invoices, totals)


async def _reader(uow: UnitOfWork, reader_id: UUID) -> Reader:
    reader = await uow.readers.get(reader_id)
    if reader is None:
        raise NotFound("reader not found")
    return reader
