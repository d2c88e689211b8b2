"""Invoices, payments and the ledger of the platform / reader split."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import (
    ExpenseRecurrence,
    InvoiceKind,
    InvoiceStatus,
    LedgerAccount,
    LedgerDirection,
    PaymentMethod,
    PaymentStatus,
    PayoutStatus,
    PostingKind,
)
from storage.models.base import Base, stamp, uuid_pk
from storage.types import currency_check, money_checks, str_enum


class TaxRate(Base):
    """A tax rate in basis points for a country (and optional region) and period."""

    __tablename__ = "tax_rates"
    __table_args__ = (sa.CheckConstraint("rate_bps >= 0 AND rate_bps <= 10000", name="rate"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    country: Mapped[str] = mapped_column(sa.String(2))
    region: Mapped[str | None] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(100))
    rate_bps: Mapped[int] = mapped_column(sa.Integer)
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)


class FxRate(Base):
    """An exchange rate as published on a day; payments copy the one they used."""

    __tablename__ = "fx_rates"
    __table_args__ = (
        sa.UniqueConstraint("base_currency", "quote_currency", "as_of"),
        sa.CheckConstraint("rate > 0", name="rate_positive"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    base_currency: Mapped[str] = mapped_column(sa.String(3))
    quote_currency: Mapped[str] = mapped_column(sa.String(3))
    rate: Mapped[Decimal] = mapped_column(sa.Numeric(18, 8))
    as_of: Mapped[date] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.String(64))


class InvoiceSequence(Base):
    """The last invoice number a reader used in a year: numbers without gaps."""

    __tablename__ = "invoice_sequences"

    reader_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("readers.id"), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    last: Mapped[int] = mapped_column(sa.Integer)


class Invoice(Base):
    """A bill (or credit note) to a client; its totals are the sums of its taxed lines."""

    __tablename__ = "invoices"
    __table_args__ = (
        *money_checks("invoices", "subtotal_minor", "tax_minor", "total_minor"),
        currency_check("invoices"),
        sa.CheckConstraint("total_minor = subtotal_minor + tax_minor", name="total_adds_up"),
        # One unbroken series per reader; two readers' prefixes may be the same letters.
        sa.UniqueConstraint("reader_id", "number"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    number: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[InvoiceKind] = mapped_column(
        str_enum(InvoiceKind), server_default=InvoiceKind.INVOICE.value
    )
    credits_invoice_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("invoices.id"))
    tax_rate_bps: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    tax_inclusive: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.true())
    reverse_charge: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    reader_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("readers.id"), index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    booking_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("bookings.id"))
    status: Mapped[InvoiceStatus] = mapped_column(str_enum(InvoiceStatus))
    currency: Mapped[str] = mapped_column(sa.String(3))
    subtotal_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    tax_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    total_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    tax_rate_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("tax_rates.id"))
    issued_at: Mapped[datetime | None] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column()
    paid_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = stamp()


class InvoiceLine(Base):
    """One line of an invoice."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        *money_checks("invoice_lines", "unit_price_minor", "amount_minor", "tax_minor"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer)
    description: Mapped[str] = mapped_column(sa.String(500))
    quantity: Mapped[int] = mapped_column(sa.Integer, default=1)
    unit_price_minor: Mapped[int] = mapped_column(sa.BigInteger)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)  # the line's net of tax
    tax_minor: Mapped[int] = mapped_column(sa.BigInteger, server_default="0")


class Payment(Base):
    """Money asked for or received, with what it was worth to the reader and the platform.

    The FX snapshot (settlement_* in the reader's currency, platform_* in the platform's)
    is written once, with the rate of the payment's day, and never recomputed.
    """

    __tablename__ = "payments"
    __table_args__ = (
        # The FX snapshot by payment id, for reports converting legs without the table.
        sa.Index(
            "ix_payments_settlement_snapshot",
            "id",
            "settlement_currency",
            "amount_minor",
            "settlement_amount_minor",
        ),
        *money_checks(
            "payments",
            "amount_minor",
            "settlement_amount_minor",
            "platform_amount_minor",
            "refunded_minor",
            "disputed_minor",
            "tax_minor",
            "platform_fee_minor",
            "provider_fee_minor",
        ),
        currency_check("payments"),
        # A reader's payments received on one day: what the analytics rollups recompute.
        sa.Index("ix_payments_reader_received", "reader_id", "received_at"),
        sa.UniqueConstraint("provider", "provider_payment_id"),
        sa.UniqueConstraint("provider", "checkout_id"),
        sa.CheckConstraint("refunded_minor <= amount_minor", name="refund_within_amount"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    booking_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("bookings.id"), index=True)
    reader_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("readers.id"), index=True)
    client_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(
        str_enum(PaymentMethod), default=PaymentMethod.CARD, server_default="card"
    )
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    settlement_amount_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    settlement_currency: Mapped[str | None] = mapped_column(sa.String(3))
    fx_rate: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 8))
    fx_rate_as_of: Mapped[date | None] = mapped_column(sa.Date)
    platform_amount_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    platform_currency: Mapped[str | None] = mapped_column(sa.String(3))
    platform_fx_rate: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 8))
    tax_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    platform_fee_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    provider_fee_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    refunded_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    disputed_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    provider: Mapped[str] = mapped_column(sa.String(32))
    provider_payment_id: Mapped[str | None] = mapped_column(sa.String(128))
    # The processor's charge behind the provider's (Telegram's provider_payment_charge_id).
    processor_charge_id: Mapped[str | None] = mapped_column(sa.String(255))
    checkout_id: Mapped[str | None] = mapped_column(sa.String(255))
    checkout_url: Mapped[str | None] = mapped_column(sa.String(1000))
    expires_at: Mapped[datetime | None] = mapped_column()
    status: Mapped[PaymentStatus] = mapped_column(str_enum(PaymentStatus))
    received_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = stamp()


class LedgerEntry(Base):
    """One leg of a double-entry posting; a posting's legs share `posting_id`."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        *money_checks("ledger_entries", "amount_minor"),
        currency_check("ledger_entries"),
        # Reports sum one (reader, currency, account, kind) stretch between two instants;
        # with the amount and payment in the index those sums never read the table.
        # A payout's legs, and (payout_id NULL) each reader's unclaimed legs in order: the
        # payout run's sums and claims read only what is still unpaid.
        sa.Index("ix_ledger_entries_payout_id", "payout_id", "reader_id", "currency", "created_at"),
        sa.Index(
            "ix_ledger_entries_reader_report",
            "reader_id",
            "currency",
            "account",
            "kind",
            "created_at",
            "amount_minor",
            "payment_id",
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    posting_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), index=True)
    kind: Mapped[PostingKind | None] = mapped_column(str_enum(PostingKind))  # None: before 0005
    account: Mapped[LedgerAccount] = mapped_column(str_enum(LedgerAccount))
    direction: Mapped[LedgerDirection] = mapped_column(str_enum(LedgerDirection))
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    reader_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("readers.id"), index=True)
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("invoices.id"))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("payments.id"))
    booking_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("bookings.id"))
    # The payout that settled this leg; None while the reader has not been paid for it.
    payout_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("payouts.id"))
    memo: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = stamp()


class LedgerDay(Base):
    """A reader's legs of one (currency, account, kind) on one UTC day: their sum and count.

    Written only by the triggers of migration 0015 on ledger_entries (insert, delete, and
    an update of a column below), in the leg's own transaction, so it is always exactly a
    GROUP BY over the legs; a P&L reads whole days here and its edge days from the legs.
    Legs without a reader or a kind are not rolled up. Account and kind are the legs'
    values, checked on ledger_entries already.
    """

    __tablename__ = "ledger_daily"

    reader_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    account: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    total_minor: Mapped[int] = mapped_column(sa.BigInteger)
    legs: Mapped[int] = mapped_column(sa.Integer)


class Payout(Base):
    """What a reader was paid in one currency for one period, and the posting that paid it."""

    __tablename__ = "payouts"
    __table_args__ = (
        # Tax and fee are net of the period's refunds, which may give back more than it took.
        *money_checks("payouts", "gross_minor", "refunds_minor"),
        currency_check("payouts"),
        # Net <= 0 is carried forward, never paid: a payout row always moves money.
        sa.CheckConstraint("net_minor > 0", name="net_positive"),
        sa.CheckConstraint("sessions >= 0", name="sessions_nonneg"),
        sa.CheckConstraint("period_start <= period_end", name="period_order"),
        # A rerun for the same period cannot write a second payout.
        sa.UniqueConstraint("reader_id", "currency", "period_end"),
        sa.UniqueConstraint("posting_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    reader_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("readers.id"), index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    period_start: Mapped[date] = mapped_column(sa.Date)  # reader-local days, inclusive
    period_end: Mapped[date] = mapped_column(sa.Date)
    sessions: Mapped[int] = mapped_column(sa.Integer)
    gross_minor: Mapped[int] = mapped_column(sa.BigInteger)
    platform_fee_minor: Mapped[int] = mapped_column(sa.BigInteger)
    refunds_minor: Mapped[int] = mapped_column(sa.BigInteger)
    tax_minor: Mapped[int] = mapped_column(sa.BigInteger)
    net_minor: Mapped[int] = mapped_column(sa.BigInteger)
    posting_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid())
    status: Mapped[PayoutStatus] = mapped_column(str_enum(PayoutStatus))
    created_at: Mapped[datetime] = stamp()
    paid_at: Mapped[datetime | None] = mapped_column()


class Expense(Base):
    """A reader's business cost, for profit figures."""

    __tablename__ = "expenses"
    __table_args__ = (
        *money_checks("expenses", "amount_minor"),
        currency_check("expenses"),
        # One repeat of a recurring expense per day: a rerun of the flow adds nothing.
        sa.UniqueConstraint("recurring_from_id", "incurred_on"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    reader_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("readers.id"), index=True)
    category: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str | None] = mapped_column(sa.String(500))
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    incurred_on: Mapped[date] = mapped_column(sa.Date)
    receipt_key: Mapped[str | None] = mapped_column(sa.String(255))  # an attachment's key
    recurrence: Mapped[ExpenseRecurrence | None] = mapped_column(str_enum(ExpenseRecurrence))
    # A repeat of a recurring expense points at the first one.
    recurring_from_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("expenses.id"))
    created_at: Mapped[datetime] = stamp()
