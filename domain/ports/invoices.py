"""Where invoices are kept, and the per-reader counter that numbers them without gaps."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.billing.invoices import Invoice
from domain.billing.tax import TaxRateRow
from domain.enums import InvoiceStatus


class InvoiceRepository(Protocol):
    """Issued invoices are never edited: a correction is a credit note."""

    async def next_sequence(self, reader_id: UUID, year: int) -> int:
        """The reader's next invoice number that year, taken in the caller's transaction.

        The counter row stays locked until the transaction ends, and a transaction that
        rolls back gives its number back: the numbers have no gaps.

        Args:
            reader_id: Whose invoice.
            year: The calendar year of issue.

        Returns:
            1 for the reader's first invoice of the year, then 2, 3, ...
        """
        ...

    async def add(self, invoice: Invoice) -> None:
        """Store an issued invoice with its lines.

        Args:
            invoice: Numbered, priced and taxed.
        """
        ...

    async def get(self, invoice_id: UUID) -> Invoice | None:
        """One invoice with its lines.

        Args:
            invoice_id: The invoice.

        Returns:
            The invoice, or None.
        """
        ...

    async def credits_of(self, invoice_id: UUID) -> list[Invoice]:
        """The credit notes issued against an invoice.

        Args:
            invoice_id: The credited invoice.

        Returns:
            Its credit notes, oldest first.
        """
        ...

    async def for_booking(self, booking_id: UUID) -> Invoice | None:
        """The invoice (not credit note) a booking was billed with.

        Args:
            booking_id: The booking.

        Returns:
            The invoice, or None when it was not invoiced yet.
        """
        ...

    async def by_number(self, number: str, *, reader_id: UUID | None = None) -> list[Invoice]:
        """Invoices and credit notes with this number: one per reader at most.

        Args:
            number: "SAM-2026-000123".
            reader_id: Only this reader's (their series is unique); None: every reader's.

        Returns:
            The documents, oldest first (empty when none has the number).
        """
        ...

    async def mark_paid(self, invoice_id: UUID, paid_at: datetime) -> None:
        """Record that an invoice was paid in full.

        Args:
            invoice_id: The invoice.
            paid_at: When the payment arrived.
        """
        ...

    async def for_client(self, client_id: UUID, limit: int = 20) -> list[Invoice]:
        """A client's invoices and credit notes from every reader, newest first.

        Args:
            client_id: Whose.
            limit: At most this many.

        Returns:
            The invoices.
        """
        ...

    async def for_reader(self, reader_id: UUID, limit: int = 50) -> list[Invoice]:
        """A reader's invoices and credit notes, newest first.

        Args:
            reader_id: Whose.
            limit: At most this many.

        Returns:
            The invoices.
        """
        ...

    async def query(
        self,
        *,
        reader_id: UUID | None = None,
        client_id: UUID | None = None,
        status: InvoiceStatus | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Invoice]:
        """Invoices and credit notes matching every filter given, newest first.

        Args:
            reader_id: Only this reader's.
            client_id: Only this client's.
            status: Only in this state.
            limit: At most this many.
            offset: Skip this many first (paging).

        Returns:
            The invoices with their lines.
        """
        ...


class TaxRateRepository(Protocol):
    """The standard tax rates a reader charges, per country and period."""

    async def rate_for(self, country: str, day: date) -> TaxRateRow | None:
        """The rate in force in a country on a day.

        Args:
            country: ISO 3166 alpha-2.
            day: The day of supply.

        Returns:
            The rate and its name ("VAT"), or None when none is configured.
        """
        ...

    async def add(self, rate: TaxRateRow) -> None:
        """Configure a rate (a new period of a country's rate is a new row).

        Args:
            rate: Country, name, basis points and validity.
        """
        ...
