"""Invoices and credit notes: lines taxed one by one, totals that are sums of lines.

Tax is rounded once per line (half up, to the currency's minor unit) and the document's
subtotal, tax and total are the sums of its lines, so an invoice always adds up to the
minor unit. A price is tax-inclusive (what the client pays, tax inside) or exclusive
(tax on top), as the reader's country has it; under a reverse charge the client
accounts for the tax and the invoice carries none, with the note that says so. A
refund or a changed fee is a credit note, never an edit of an issued invoice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.billing.ledger import BASIS_POINTS, share
from domain.billing.money import InvalidAmount, Money, currency_code
from domain.enums import InvoiceKind, InvoiceStatus

REVERSE_CHARGE_NOTE = "Reverse charge: the customer accounts for the tax"


@dataclass(frozen=True, slots=True)
class TaxRule:
    """How a reader's prices carry tax for one client: rate, inclusive, reverse charge."""

    rate_bps: int = 0
    inclusive: bool = True
    reverse_charge: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.rate_bps <= BASIS_POINTS:
            raise InvalidAmount("a tax rate is between 0 and 100 %")


@dataclass(frozen=True, slots=True)
class LineRequest:
    """What to bill: a description, how many, at what unit price (as the reader prices it)."""

    description: str
    unit_price_minor: int
    quantity: int = 1

    def __post_init__(self) -> None:
        if not self.description.strip():
            raise InvalidAmount("an invoice line says what it is for")
        if self.quantity <= 0:
            raise InvalidAmount("a quantity is at least 1")
        if self.unit_price_minor < 0:
            raise InvalidAmount("a price cannot be negative")


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """A billed line: its net amount and its tax, each already rounded."""

    position: int
    description: str
    quantity: int
    unit_price_minor: int
    net_minor: int
    tax_minor: int

    @property
    def total_minor(self) -> int:
        """What the client pays for this line."""
        return self.net_minor + self.tax_minor


def price_line(position: int, request: LineRequest, rule: TaxRule) -> InvoiceLine:
    """One line's net and tax, rounded once (half up)."""
    amount = request.unit_price_minor * request.quantity
    if rule.reverse_charge or not rule.rate_bps:
        net, tax = amount, 0
    elif rule.inclusive:  # the tax is inside the price: net = amount / (1 + rate)
        divisor = BASIS_POINTS + rule.rate_bps
        net = (2 * amount * BASIS_POINTS + divisor) // (2 * divisor)
        tax = amount - net
    else:
        net, tax = amount, share(amount, rule.rate_bps)
    description = request.description.strip()
    return InvoiceLine(position, description, request.quantity, request.unit_price_minor, net, tax)


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice or credit note as issued: numbered, dated, its lines and their sums."""

    number: str
    kind: InvoiceKind
    reader_id: UUID
    client_id: UUID
    currency: str
    lines: tuple[InvoiceLine, ...]
    rule: TaxRule
    issued_at: datetime
    status: InvoiceStatus = InvoiceStatus.ISSUED
    booking_id: UUID | None = None
    credits_invoice_id: UUID | None = None
    id: UUID = field(default_factory=uuid.uuid4)

    @property
    def subtotal(self) -> Money:
        """The sum of the lines' net amounts."""
        return Money(sum(line.net_minor for line in self.lines), self.currency)

    @property
    def tax(self) -> Money:
        """The sum of the lines' tax."""
        return Money(sum(line.tax_minor for line in self.lines), self.currency)

    @property
    def total(self) -> Money:
        """Subtotal plus tax: the sum of the lines' totals."""
        return Money(self.subtotal.amount_minor + self.tax.amount_minor, self.currency)

    @property
    def note(self) -> str | None:
        """What the document must say about its tax."""
        return REVERSE_CHARGE_NOTE if self.rule.reverse_charge else None


def isolated(name: str) -> str:
    """A name set inside a sentence, in its own direction (Unicode first-strong isolate).

    An Arabic service name in an English line would otherwise pull the date after it
    into its right-to-left run ("05-12-2026" for 2026-12-05); renderers drop the marks.
    """
    return f"\u2068{name}\u2069"


def invoice_number(prefix: str, year: int, sequence: int) -> str:
    """`SAM-2026-000123`: the reader's prefix, the year, the reader's count that year."""
    letters = "".join(ch for ch in prefix.upper() if ch.isalnum())[:3] or "INV"
    return f"{letters}-{year}-{sequence:06d}"


def draft_invoice(
    *,
    number: str,
    kind: InvoiceKind,
    reader_id: UUID,
    client_id: UUID,
    currency: str,
    lines: list[LineRequest],
    rule: TaxRule,
    issued_at: datetime,
    booking_id: UUID | None = None,
    credits_invoice_id: UUID | None = None,
) -> Invoice:
    """An invoice whose every line is priced and taxed; refused when it bills nothing."""
    if not lines:
        raise InvalidAmount("an invoice has at least one line")
    if kind is InvoiceKind.CREDIT_NOTE and credits_invoice_id is None:
        raise InvalidAmount("a credit note says which invoice it credits")
    priced = tuple(price_line(position, line, rule) for position, line in enumerate(lines, 1))
    return Invoice(
        number=number,
        kind=kind,
        reader_id=reader_id,
        client_id=client_id,
        currency=currency_code(currency),
        lines=priced,
        rule=rule,
        issued_at=issued_at,
        booking_id=booking_id,
        credits_invoice_id=credits_invoice_id,
    )
