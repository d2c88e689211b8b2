"""The sums reports are made of, as storage aggregates them (no rows leave the database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from domain.enums import LedgerAccount, LedgerDirection, PostingKind


@dataclass(frozen=True, slots=True)
class LedgerPnlTotals:
    """A reader's ledger for a period, each leg in the reader's currency at its snapshot.

    `paid_*` are the shares payments set aside (tax, the platform's fee, the reader's);
    `returned_*` what refunds and disputes took back from each. A leg in another currency
    is converted at its payment's own FX snapshot, once per leg; `unconverted` counts legs
    whose payment has no snapshot in this currency (they are left out and said so).
    """

    payments: int
    paid_tax: int
    paid_fee: int
    paid_share: int
    returned_tax: int
    returned_fee: int
    returned_share: int
    unconverted: int = 0


@dataclass(frozen=True, slots=True)
class ExpenseTotal:
    """Expenses summed in one currency, per day when it is not the reader's (to convert)."""

    currency: str
    day: date | None  # None: in the reader's currency, summed over the whole period
    amount_minor: int
    count: int


@dataclass(frozen=True, slots=True)
class TaxGroup:
    """Invoices of one client country, rate and currency; credit notes count negative."""

    client_country: str | None
    rate_bps: int
    reverse_charge: bool
    currency: str
    documents: int
    net_minor: int
    tax_minor: int


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An issued invoice not yet paid, with what its credit notes took off."""

    number: str
    client: str  # name, else email
    currency: str
    total_minor: int
    credited_minor: int
    issued_at: datetime

    @property
    def due_minor(self) -> int:
        """What the client still owes on it."""
        return self.total_minor - self.credited_minor


@dataclass(frozen=True, slots=True)
class OpenTotal:
    """What all of a reader's unpaid invoices in one currency add up to."""

    currency: str
    invoices: int
    due_minor: int


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One leg as the ledger API lists it; a posting's legs share `posting_id`."""

    posting_id: UUID
    kind: PostingKind | None
    account: LedgerAccount
    direction: LedgerDirection
    amount_minor: int
    currency: str
    booked_at: datetime
    payment_id: UUID | None
    booking_id: UUID | None
    payout_id: UUID | None

    @property
    def signed_minor(self) -> int:
        """Debits positive, credits negative: a posting's signed legs add up to zero."""
        return self.amount_minor if self.direction is LedgerDirection.DEBIT else -self.amount_minor
