"""Payout statements: what a reader earned in one currency since their last payout.

A statement is read off the ledger legs no payout has claimed yet, up to the end of the
period (midnight after `period_end` on the reader's calendar):

    gross        what clients paid (the payment postings' debits: cash and provider fees)
    refunds      what went back to them (the refund and dispute postings' cash credits)
    tax          tax set aside, less what refunds gave back
    platform fee the platform's fee, less what refunds gave back
    net          what the reader is owed: their payable account over those legs

Every posting balances, so net = gross - refunds - tax - platform fee to the minor unit;
a statement that does not add up is a bug and is refused. Tax and fee are net amounts and
may be negative when refunds of payments paid out before give back more than the period
took; a net of zero or less is not paid, and its legs carry forward to the next period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.billing.ledger import UnbalancedPosting
from domain.billing.money import Money
from domain.enums import PayoutStatus
from domain.errors import InvalidRequest


@dataclass(frozen=True, slots=True)
class UnpaidTotals:
    """The unclaimed legs of one reader in one currency, summed (what storage returns)."""

    currency: str
    legs: int  # how many rows a payout of these totals claims
    sessions: int  # paid bookings (a payment without a booking counts once)
    gross_minor: int
    refunds_minor: int
    tax_minor: int
    platform_fee_minor: int
    net_minor: int
    first_booked_at: datetime | None


@dataclass(frozen=True, slots=True)
class PayoutStatement:
    """One reader's figures in one currency for a period, paid or carried forward."""

    reader_id: UUID
    currency: str
    period_start: date
    period_end: date
    sessions: int
    gross_minor: int
    refunds_minor: int
    tax_minor: int
    platform_fee_minor: int
    net_minor: int
    legs: int

    @property
    def payable(self) -> bool:
        """Only a positive net is paid; the rest waits for the next period."""
        return self.net_minor > 0

    @property
    def net(self) -> Money:
        """The amount paid out (only for a payable statement)."""
        return Money(self.net_minor, self.currency)


@dataclass(frozen=True, slots=True)
class Payout:
    """A statement that was paid: its row, and the ledger posting that paid it."""

    id: UUID
    statement: PayoutStatement
    posting_id: UUID
    status: PayoutStatus
    created_at: datetime
    paid_at: datetime | None = None

    @property
    def reader_id(self) -> UUID:
        """Who was paid."""
        return self.statement.reader_id


def zone_of(timezone: str) -> ZoneInfo:
    """The reader's zone; UTC for a name that is not one (a bad zone must not stop a run)."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def default_period_end(now: datetime, timezone: str) -> date:
    """Yesterday on the reader's calendar: a run pays every finished day."""
    return now.astimezone(zone_of(timezone)).date() - timedelta(days=1)


def day_start(day: date, timezone: str) -> datetime:
    """The UTC instant a reader-local day begins."""
    return datetime.combine(day, time(0), tzinfo=zone_of(timezone)).astimezone(UTC)


def period_cutoff(period_end: date, timezone: str, now: datetime) -> datetime:
    """The end of `period_end` on the reader's calendar, refused if that day is not over.

    Paying only finished days keeps a statement's figures fixed: nothing booked later
    can belong to it.
    """
    cutoff = day_start(period_end + timedelta(days=1), timezone)
    if cutoff > now:
        today = now.astimezone(zone_of(timezone)).date()
        raise InvalidRequest(
            f"a payout covers finished days: the period can end on {today - timedelta(days=1)}"
            f" at the latest, not {period_end}"
        )
    return cutoff


def statement_of(
    totals: UnpaidTotals, *, reader_id: UUID, period_end: date, timezone: str
) -> PayoutStatement:
    """The statement of a reader's unclaimed legs; the period starts at the oldest one."""
    kept = totals.gross_minor - totals.refunds_minor - totals.tax_minor
    if kept - totals.platform_fee_minor != totals.net_minor:
        raise UnbalancedPosting(
            f"the {totals.currency} statement of reader {reader_id} does not add up"
        )
    start = period_end
    if totals.first_booked_at is not None:
        start = min(start, totals.first_booked_at.astimezone(zone_of(timezone)).date())
    return PayoutStatement(
        reader_id=reader_id,
        currency=totals.currency,
        period_start=start,
        period_end=period_end,
        sessions=totals.sessions,
        gross_minor=totals.gross_minor,
        refunds_minor=totals.refunds_minor,
        tax_minor=totals.tax_minor,
        platform_fee_minor=totals.platform_fee_minor,
        net_minor=totals.net_minor,
        legs=totals.legs,
    )
