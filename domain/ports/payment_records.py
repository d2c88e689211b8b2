"""Where payments are kept: found by our id, by the provider's checkout or money id."""

from __future__ import annotations

from datetime import date
from typing import Protocol
from uuid import UUID

from domain.billing.payments import Expense, Payment


class PaymentRepository(Protocol):
    """Payments in the caller's transaction; the unique (provider, id) pairs stop doubles."""

    async def add(self, payment: Payment) -> None:
        """Store a new payment.

        Args:
            payment: Pending (a checkout) or already received (cash recorded by the reader).
        """
        ...

    async def save(self, payment: Payment) -> None:
        """Write back a payment's status, checkout, amounts and FX snapshot.

        Args:
            payment: A payment read in this transaction.
        """
        ...

    async def get(self, payment_id: UUID, *, for_update: bool = False) -> Payment | None:
        """One payment.

        Args:
            payment_id: Ours.
            for_update: Lock the row until the transaction ends (PostgreSQL), so two
                deliveries of the same event settle it once.

        Returns:
            The payment, or None.
        """
        ...

    async def find(
        self,
        provider: str,
        *,
        checkout_id: str | None = None,
        provider_payment_id: str | None = None,
        for_update: bool = False,
    ) -> Payment | None:
        """The payment a provider's checkout or money id belongs to.

        Args:
            provider: "builtin", "stripe", "telegram".
            checkout_id: The checkout's id (the built-in page's token hash).
            provider_payment_id: The provider's id for the money.
            for_update: Lock the row until the transaction ends.

        Returns:
            The payment, or None.
        """
        ...

    async def for_booking(self, booking_id: UUID) -> list[Payment]:
        """A booking's payments, oldest first.

        Args:
            booking_id: The booking.

        Returns:
            Its payments, whatever their status.
        """
        ...


class ExpenseRepository(Protocol):
    """A reader's expenses, summed per currency for a period."""

    async def add(self, expense: Expense) -> None:
        """Store one expense.

        Args:
            expense: Amount, category and day.
        """
        ...

    async def add_repeat(self, expense: Expense) -> bool:
        """Store one repeat of a recurring expense unless that day's repeat exists.

        Args:
            expense: The repeat (its `recurring_from_id` and `incurred_on` identify it).

        Returns:
            Whether it was new (a rerun writes nothing twice).
        """
        ...

    async def get(self, expense_id: UUID) -> Expense | None:
        """One expense by id.

        Args:
            expense_id: The expense.

        Returns:
            The expense, or None.
        """
        ...

    async def attach_receipt(self, expense_id: UUID, receipt_key: str) -> bool:
        """Point an expense at its stored receipt, unless it has one already.

        Args:
            expense_id: The expense.
            receipt_key: The receipt's key in the file store.

        Returns:
            Whether it was set now (False: the expense is gone or has its receipt).
        """
        ...

    async def recurring(self) -> list[tuple[Expense, date]]:
        """Every recurring expense, with the day of its latest occurrence.

        Returns:
            (the first expense, the latest day it was incurred: its own or a repeat's).
        """
        ...

    async def for_reader(self, reader_id: UUID, start: date, end: date) -> list[Expense]:
        """A reader's expenses incurred in [start, end), oldest first.

        Args:
            reader_id: Whose.
            start: First day included.
            end: First day not included.

        Returns:
            The expenses.
        """
        ...
