"""The aggregates reports need: computed by the database, a few rows back per report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.billing.report_figures import (
    ExpenseTotal,
    LedgerLine,
    LedgerPnlTotals,
    OpenInvoice,
    OpenTotal,
    TaxGroup,
)


class ReportRepository(Protocol):
    """Read-only sums over the ledger, expenses and invoices of one reader."""

    async def ledger_pnl(
        self, reader_id: UUID, currency: str, start: datetime, end: datetime
    ) -> LedgerPnlTotals:
        """The reader's payment, refund and dispute legs booked in [start, end), summed.

        Args:
            reader_id: Whose.
            currency: The reader's currency: every leg is counted in it.
            start: First instant included (UTC).
            end: First instant not included.

        Returns:
            The sums (zeros when nothing was booked).
        """
        ...

    async def expense_totals(
        self, reader_id: UUID, currency: str, start: date, end: date
    ) -> list[ExpenseTotal]:
        """Expenses incurred on days in [start, end): one sum in `currency`, and one per
        other currency and day (each converted at its own day's rate by the caller).

        Args:
            reader_id: Whose.
            currency: The reader's currency.
            start: First day included.
            end: First day not included.

        Returns:
            The sums.
        """
        ...

    async def tax_groups(self, reader_id: UUID, start: datetime, end: datetime) -> list[TaxGroup]:
        """Issued invoices and credit notes of [start, end) by client country, rate, currency.

        Args:
            reader_id: Whose.
            start: First instant included.
            end: First instant not included.

        Returns:
            The groups; void and draft documents are left out.
        """
        ...

    async def open_invoices(self, reader_id: UUID, limit: int) -> list[OpenInvoice]:
        """The reader's unpaid invoices, oldest first.

        Args:
            reader_id: Whose.
            limit: At most this many.

        Returns:
            The invoices with what is still due on each.
        """
        ...

    async def open_totals(self, reader_id: UUID) -> list[OpenTotal]:
        """What all the reader's unpaid invoices come to, per currency.

        Args:
            reader_id: Whose.

        Returns:
            One total per currency, by code.
        """
        ...

    async def postings(
        self, reader_id: UUID, start: datetime, end: datetime, limit: int, offset: int
    ) -> list[LedgerLine]:
        """The reader's postings booked in [start, end), every leg of each, oldest first.

        Args:
            reader_id: Whose.
            start: First instant included.
            end: First instant not included.
            limit: At most this many postings (never part of one).
            offset: Postings skipped first.

        Returns:
            Their legs, grouped by posting: debits before credits.
        """
        ...
