"""Where payouts are kept, and the ledger legs each one claims."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.billing.statements import Payout, UnpaidTotals


class PayoutRepository(Protocol):
    """Payouts in the caller's transaction; a leg is claimed by at most one payout."""

    async def lock_reader(self, reader_id: UUID) -> None:
        """Hold the reader's payout lock until the transaction ends.

        Two runs paying the same reader at once then take turns, and the second sees
        what the first claimed. Bookings and chat turns never wait for it.

        Args:
            reader_id: The reader being paid.
        """
        ...

    async def readers_due(self, before: datetime) -> list[UUID]:
        """Readers with ledger legs no payout has claimed, booked before an instant.

        Args:
            before: Legs booked at or after it are not counted.

        Returns:
            Their ids, in a stable order.
        """
        ...

    async def unpaid_totals(self, reader_id: UUID, before: datetime) -> list[UnpaidTotals]:
        """A reader's unclaimed payment, refund and dispute legs, summed per currency.

        Args:
            reader_id: Whose.
            before: Only legs booked before it.

        Returns:
            One entry per currency that has any, by currency code.
        """
        ...

    async def add(self, payout: Payout) -> bool:
        """Store a payout unless one exists for its reader, currency and period end.

        Args:
            payout: The new payout.

        Returns:
            False when that period was paid before (nothing was written).
        """
        ...

    async def claim(
        self, payout_id: UUID, *, reader_id: UUID, currency: str, before: datetime
    ) -> int:
        """Mark the unclaimed legs `unpaid_totals` summed as settled by this payout.

        Args:
            payout_id: The payout, stored in this transaction.
            reader_id: Whose legs.
            currency: Which currency's.
            before: The same bound the totals used.

        Returns:
            How many legs were claimed.
        """
        ...

    async def get(self, payout_id: UUID) -> Payout | None:
        """One payout.

        Args:
            payout_id: Ours.

        Returns:
            The payout, or None.
        """
        ...

    async def for_reader(self, reader_id: UUID, limit: int = 50) -> list[Payout]:
        """A reader's payouts, newest period first.

        Args:
            reader_id: Whose.
            limit: At most this many.

        Returns:
            The payouts.
        """
        ...

    async def unsent(self, limit: int) -> list[Payout]:
        """Payouts whose statement has not been handed to the reader yet, oldest first.

        Args:
            limit: At most this many.

        Returns:
            The payouts still BOOKED.
        """
        ...

    async def mark_sent(self, payout_id: UUID) -> None:
        """Record that the statement went to the reader.

        Args:
            payout_id: The payout.
        """
        ...
