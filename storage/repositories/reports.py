"""`ReportRepository`: each report one or two aggregate statements over indexed rows.

Converting a leg in another currency needs its payment's FX snapshot: those legs are
joined to `payments` in a statement of their own, run only when the reader has legs in
another currency, so a reader paid in their own currency (nearly all legs) is summed
without touching `payments` at all. The conversion
is integer arithmetic, `leg * settlement / amount` rounded half up, exact while the
product stays below 2**62 (a leg of 10^9 minor units at a snapshot of 10^9).

Legs in the reader's own currency are summed by UTC day in `ledger_daily` (kept by
triggers, migration 0015): a period is whole UTC days there plus, at each end, the part
of a day a reader's local midnight cuts off, read from the legs. A year is then ~365
rollup rows per sum instead of ~100k legs.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.billing.report_figures import (
    ExpenseTotal,
    LedgerLine,
    LedgerPnlTotals,
    OpenInvoice,
    OpenTotal,
    TaxGroup,
)
from domain.enums import (
    LedgerAccount,
    LedgerDirection,
    PostingKind,
)
from storage.models import Expense, LedgerDay, LedgerEntry, Payment
from storage.repositories._common import table_of
from storage.repositories.invoice_sums import (
    open_invoices_statement,
    open_totals_statement,
    tax_statement,
)

_LEGS = table_of(LedgerEntry)
_DAYS = table_of(LedgerDay)
_PAYMENTS = table_of(Payment)
_EXPENSES = table_of(Expense)
_SHARES = (LedgerAccount.TAX_PAYABLE, LedgerAccount.PLATFORM_REVENUE, LedgerAccount.READER_PAYABLE)
_RETURNS = (PostingKind.REFUND, PostingKind.DISPUTE)


_PAID = (PostingKind.PAYMENT,)
_SIDES = (("paid", _PAID), ("returned", _RETURNS))
_NAMES = ("tax", "fee", "share")


def _legs_sum(
    account: LedgerAccount, kinds: tuple[PostingKind, ...], lo: str, hi: str
) -> sa.Select[Any]:
    """One index range of raw legs: those of [lo, hi) in the reader's currency."""
    return sa.select(
        sa.func.coalesce(sa.func.sum(_LEGS.c.amount_minor), 0).label("total"),
        sa.func.count().label("legs"),
    ).where(
        _LEGS.c.reader_id == sa.bindparam("reader_id"),
        _LEGS.c.currency == sa.bindparam("currency"),
        _LEGS.c.account == account,
        _LEGS.c.kind.in_(kinds),
        _LEGS.c.created_at >= sa.bindparam(lo),
        _LEGS.c.created_at < sa.bindparam(hi),
    )


def _days_sum(account: LedgerAccount, kinds: tuple[PostingKind, ...]) -> sa.Select[Any]:
    """One primary-key range of the rollup: the whole UTC days [first_day, last_day)."""
    return sa.select(
        sa.func.coalesce(sa.func.sum(_DAYS.c.total_minor), 0).label("total"),
        sa.func.coalesce(sa.func.sum(_DAYS.c.legs), 0).label("legs"),
    ).where(
        _DAYS.c.reader_id == sa.bindparam("reader_id"),
        _DAYS.c.currency == sa.bindparam("currency"),
        _DAYS.c.account == account,
        _DAYS.c.kind.in_(kinds),
        _DAYS.c.day >= sa.bindparam("first_day"),
        _DAYS.c.day < sa.bindparam("last_day"),
    )


@functools.cache
def _pnl_statement() -> sa.Select[Any]:
    """Legs in the reader's currency: a SUM per account and side, each three index ranges.

    The whole UTC days come from `ledger_daily` (its primary key leads with reader,
    currency, account, kind, day) and the two partial days at the ends from
    `ix_ledger_entries_reader_report`, which leads with the same four columns and then
    `created_at`: each one-row derived table reads three contiguous stretches and nothing
    else (no GROUP BY; a year is ~365 rollup rows per sum). The reader's shares of
    payments also count the payments, in the same pass.
    """
    parts: dict[str, sa.Subquery] = {}
    for side, kinds in _SIDES:
        for name, account in zip(_NAMES, _SHARES, strict=True):
            ranges = sa.union_all(
                _legs_sum(account, kinds, "start", "first_midnight"),
                _days_sum(account, kinds),
                _legs_sum(account, kinds, "last_midnight", "end"),
            ).subquery()
            parts[f"{side}_{name}"] = sa.select(
                sa.func.sum(ranges.c.total).label("total"),
                sa.func.sum(ranges.c.legs).label("legs"),
            ).subquery(f"{side}_{name}")
    first, *others = parts.values()
    joined: sa.FromClause = first
    for part in others:
        joined = joined.join(part, sa.true())  # each is one row: a cross join of sums
    return sa.select(
        parts["paid_share"].c.legs.label("n"),
        *(part.c.total.label(name) for name, part in parts.items()),
    ).select_from(joined)


def _whole_days(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The first and last UTC midnights in [start, end]; (end, end) when no whole day fits.

    A reader's local midnight is rarely a UTC one, so a month in Dubai starts four hours
    into a UTC day: [start, first) and [last, end) are read from the legs, the days
    between from the rollup.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    first = datetime.combine(start.date(), time(), UTC)
    if first < start:
        first += timedelta(days=1)
    last = datetime.combine(end.date(), time(), UTC)
    return (first, last) if first < last else (end, end)


@functools.cache
def _currencies_statement() -> sa.Select[Any]:
    """The currencies of a reader's legs, by a loose index scan: one seek per currency.

    Asked first so each other currency is then its own index range, and a reader paid
    only in their own currency skips the conversion entirely: `currency != X` would read
    every leg of the reader, and PostgreSQL cannot tell how few a CTE would return.
    """
    reader = _LEGS.c.reader_id == sa.bindparam("reader_id")
    first = sa.select(sa.func.min(_LEGS.c.currency).label("code")).where(reader)
    codes = first.cte("reader_currencies", recursive=True)
    following = sa.select(
        sa.select(sa.func.min(_LEGS.c.currency))
        .where(reader, _LEGS.c.currency > codes.c.code)
        .scalar_subquery()
    ).where(codes.c.code.is_not(None))
    codes = codes.union_all(following)
    return sa.select(codes.c.code).where(codes.c.code.is_not(None))


def _written(name: str, **options: Any) -> sa.BindParameter[Any]:
    """A value rendered into the SQL text at execution (typed, quoted), not sent bound."""
    return sa.bindparam(name, literal_execute=True, **options)


def _constant(value: Any) -> sa.BindParameter[Any]:
    """One of our own constants, written into the SQL text like `_written` values."""
    return sa.literal(value, literal_execute=True)


@functools.cache
def _foreign_pnl_statement() -> sa.Select[Any]:
    """Legs in other currencies, each at its payment's snapshot in the reader's currency.

    Rounded half up per leg: `leg * settlement / amount`, exact while the product stays
    below 2**62. A leg whose payment has no snapshot in this currency converts to NULL
    and is counted apart.

    Every value is written into the SQL: psycopg prepares a statement run five times and
    PostgreSQL then plans a bound one for any values, estimating one leg, so a year's
    26k foreign legs (the money bench) ran a nested loop with accounts and kinds as a
    filter, 62-110 ms, instead of the ~35 ms plan it picks knowing the values.
    """
    two, zero = _constant(2), _constant(0)
    converted = (
        two * _LEGS.c.amount_minor * _PAYMENTS.c.settlement_amount_minor + _PAYMENTS.c.amount_minor
    ) // (two * _PAYMENTS.c.amount_minor)
    snapshot = sa.and_(
        _PAYMENTS.c.id == _LEGS.c.payment_id,
        _PAYMENTS.c.settlement_currency == _written("currency"),
        _PAYMENTS.c.amount_minor > zero,
    )
    side = sa.case(
        (_LEGS.c.kind == _constant(PostingKind.PAYMENT), _constant("paid")),
        else_=_constant("returned"),
    ).label("side")
    return (
        sa.select(
            side,
            _LEGS.c.account,
            sa.func.coalesce(sa.func.sum(converted), zero).label("value"),
            sa.func.count().label("legs"),
            sa.func.count(_PAYMENTS.c.id).label("converted"),
        )
        .select_from(_LEGS.outerjoin(_PAYMENTS, snapshot))
        .where(
            _LEGS.c.reader_id == _written("reader_id"),
            _LEGS.c.created_at >= _written("start"),
            _LEGS.c.created_at < _written("end"),
            _LEGS.c.currency.in_(_written("codes", expanding=True)),
            _LEGS.c.account.in_(_written("accounts", expanding=True, value=list(_SHARES))),
            _LEGS.c.kind.in_(
                _written("kinds", expanding=True, value=[PostingKind.PAYMENT, *_RETURNS])
            ),
        )
        .group_by(side, _LEGS.c.account)
    )


@functools.cache
def _expense_statement() -> sa.Select[Any]:
    foreign_day = sa.case(
        (_EXPENSES.c.currency != sa.bindparam("currency"), _EXPENSES.c.incurred_on)
    ).label("day")
    return (
        sa.select(
            _EXPENSES.c.currency,
            foreign_day,
            sa.func.sum(_EXPENSES.c.amount_minor).label("amount"),
            sa.func.count().label("n"),
        )
        .where(
            _EXPENSES.c.reader_id == sa.bindparam("reader_id"),
            _EXPENSES.c.incurred_on >= sa.bindparam("start"),
            _EXPENSES.c.incurred_on < sa.bindparam("end"),
        )
        .group_by(_EXPENSES.c.currency, foreign_day)
        .order_by(_EXPENSES.c.currency, foreign_day)
    )


@functools.cache
def _postings_statement() -> sa.Select[Any]:
    """A page of postings (by first booking), then all their legs, in one statement."""
    page = (
        sa.select(_LEGS.c.posting_id)
        .where(
            _LEGS.c.reader_id == sa.bindparam("reader_id"),
            _LEGS.c.created_at >= sa.bindparam("start"),
            _LEGS.c.created_at < sa.bindparam("end"),
        )
        .group_by(_LEGS.c.posting_id)
        .order_by(sa.func.min(_LEGS.c.created_at), _LEGS.c.posting_id)
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
    )
    return (
        sa.select(_LEGS)
        .where(_LEGS.c.posting_id.in_(page.scalar_subquery()))
        # Debits before credits ("credit" sorts after "debit"), then by account.
        .order_by(_LEGS.c.created_at, _LEGS.c.posting_id, _LEGS.c.direction.desc(), _LEGS.c.account)
    )


class SqlReportRepository:
    """`ReportRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def ledger_pnl(
        self, reader_id: UUID, currency: str, start: datetime, end: datetime
    ) -> LedgerPnlTotals:
        """Daily and edge sums in the reader's currency, then (if any) the other currencies'."""
        params = {"reader_id": reader_id, "currency": currency, "start": start, "end": end}
        first, last = _whole_days(start, end)
        edges = {"first_midnight": first, "last_midnight": last}
        days = {"first_day": first.date(), "last_day": last.date()}
        row = (await self._session.execute(_pnl_statement(), params | edges | days)).one()
        sums = {
            f"{side}_{name}": int(row._mapping[f"{side}_{name}"])
            for side, _ in _SIDES
            for name in _NAMES
        }
        unconverted, payments = 0, int(row.n)
        names = dict(zip(_SHARES, _NAMES, strict=True))
        codes = await self._session.scalars(_currencies_statement(), {"reader_id": reader_id})
        others = [code for code in codes if code != currency]
        converted = (
            await self._session.execute(_foreign_pnl_statement(), params | {"codes": others})
            if others
            else []
        )
        for foreign in converted:
            sums[f"{foreign.side}_{names[LedgerAccount(foreign.account)]}"] += int(foreign.value)
            unconverted += int(foreign.legs) - int(foreign.converted)
            if (foreign.side, foreign.account) == ("paid", LedgerAccount.READER_PAYABLE):
                payments += int(foreign.legs)
        return LedgerPnlTotals(payments=payments, unconverted=unconverted, **sums)

    async def expense_totals(
        self, reader_id: UUID, currency: str, start: date, end: date
    ) -> list[ExpenseTotal]:
        """GROUP BY currency (and day, for other currencies)."""
        params = {"reader_id": reader_id, "currency": currency, "start": start, "end": end}
        rows = await self._session.execute(_expense_statement(), params)
        return [
            ExpenseTotal(row.currency, _day(row.day), int(row.amount), int(row.n)) for row in rows
        ]

    async def tax_groups(self, reader_id: UUID, start: datetime, end: datetime) -> list[TaxGroup]:
        """GROUP BY client country, rate, reverse charge and currency."""
        params = {"reader_id": reader_id, "start": start, "end": end}
        rows = await self._session.execute(tax_statement(), params)
        return [
            TaxGroup(
                client_country=row.country,
                rate_bps=int(row.tax_rate_bps),
                reverse_charge=bool(row.reverse_charge),
                currency=row.currency,
                documents=int(row.n),
                net_minor=int(row.net),
                tax_minor=int(row.tax),
            )
            for row in rows
        ]

    async def open_invoices(self, reader_id: UUID, limit: int) -> list[OpenInvoice]:
        """Issued invoices with their credits, oldest first."""
        rows = await self._session.execute(
            open_invoices_statement(), {"reader_id": reader_id, "limit": limit}
        )
        return [
            OpenInvoice(
                number=row.number,
                client=row.client,
                currency=row.currency,
                total_minor=int(row.total_minor),
                credited_minor=int(row.credited),
                issued_at=_utc(row.issued_at),
            )
            for row in rows
        ]

    async def open_totals(self, reader_id: UUID) -> list[OpenTotal]:
        """GROUP BY currency."""
        rows = await self._session.execute(open_totals_statement(), {"reader_id": reader_id})
        return [OpenTotal(row.currency, int(row.n), int(row.due)) for row in rows]

    async def postings(
        self, reader_id: UUID, start: datetime, end: datetime, limit: int, offset: int
    ) -> list[LedgerLine]:
        """One statement: the page of posting ids as a subquery."""
        params = {
            "reader_id": reader_id,
            "start": start,
            "end": end,
            "limit": limit,
            "offset": offset,
        }
        rows = await self._session.execute(_postings_statement(), params)
        return [
            LedgerLine(
                posting_id=row.posting_id,
                kind=PostingKind(row.kind) if row.kind is not None else None,
                account=LedgerAccount(row.account),
                direction=LedgerDirection(row.direction),
                amount_minor=int(row.amount_minor),
                currency=row.currency,
                booked_at=_utc(row.created_at),
                payment_id=row.payment_id,
                booking_id=row.booking_id,
                payout_id=row.payout_id,
            )
            for row in rows
        ]


def _day(value: date | str | None) -> date | None:
    """A CASE over a date column may come back as text on SQLite."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
