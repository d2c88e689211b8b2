"""Payments as the hub keeps them, and the reader's rules that decide how they are split."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from domain.billing.fx import Conversion
from domain.billing.ledger import BASIS_POINTS, PaymentSplit
from domain.billing.money import Money
from domain.enums import ExpenseRecurrence, PaymentMethod, PaymentStatus
from domain.models import Reader, Service

BUILTIN_PROVIDER = "builtin"


@dataclass(slots=True)
class Payment:
    """Money asked for (PENDING, with a checkout) or received, and what happened to it since.

    `reader_value` and `platform_value` are the FX snapshot: what the payment was worth in
    the reader's and the platform's currency on its day, stored once and never recomputed.
    """

    id: UUID
    reader_id: UUID
    client_id: UUID
    amount: Money
    provider: str
    method: PaymentMethod
    status: PaymentStatus
    created_at: datetime
    booking_id: UUID | None = None
    invoice_id: UUID | None = None
    checkout_id: str | None = None
    checkout_url: str | None = None
    provider_payment_id: str | None = None
    # The charge at the processor behind the provider (Telegram's payment provider, e.g.
    # Stripe): where a refund of an in-chat payment is made.
    processor_charge_id: str | None = None
    expires_at: datetime | None = None
    received_at: datetime | None = None
    tax_minor: int = 0
    platform_fee_minor: int = 0
    provider_fee_minor: int = 0
    refunded_minor: int = 0
    disputed_minor: int = 0
    reader_value: Conversion | None = None
    platform_value: Conversion | None = None

    @property
    def refunds_minor(self) -> int:
        """What went back as refunds, not disputes: the total a provider reports as refunded."""
        return self.refunded_minor - self.disputed_minor

    @property
    def refundable(self) -> Money:
        """What can still be given back."""
        return Money(self.amount.amount_minor - self.refunded_minor, self.amount.currency)

    @property
    def split(self) -> PaymentSplit:
        """How the money was split when it arrived (the base every refund is taken from)."""
        currency = self.amount.currency
        return PaymentSplit(
            self.amount,
            Money(self.tax_minor, currency),
            Money(self.platform_fee_minor, currency),
            Money(self.provider_fee_minor, currency),
        )


def requires_prepayment(reader: Reader, service: Service) -> bool:
    """A service's own setting wins; otherwise the reader's."""
    if service.prepayment_required is not None:
        return service.prepayment_required
    return reader.prepayment_required


def platform_fee_bps(reader: Reader, service: Service | None) -> int:
    """The platform's part of a payment's net: what the reader's share leaves."""
    reader_share = reader.revenue_share_bps
    if service is not None and service.revenue_share_bps is not None:
        reader_share = service.revenue_share_bps
    return BASIS_POINTS - reader_share


@dataclass(frozen=True, slots=True)
class Expense:
    """A reader's business cost (cards, candles, software), for their profit and loss."""

    id: UUID
    reader_id: UUID
    category: str
    amount: Money
    incurred_on: date
    description: str | None = None
    recurrence: ExpenseRecurrence | None = None  # set on the first of a repeating cost
    recurring_from_id: UUID | None = None  # a repeat: the first one it copies
    receipt_key: str | None = None  # its receipt in the file store, once fetched
