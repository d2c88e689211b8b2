"""Where invoices are kept, and the per-reader counter that numbers them without gaps."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.billing.invoices import Invoice


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

    async def for_reader(self, reader_id: UUID, limit: int = 50) -> list[Invoice]:
        """A reader's invoices and credit notes, newest first.

        Args:
            reader_id: Whose.
            limit: At most this many.

        Returns:
            The invoices.
        """
        ...
