"""The ledger's storage: postings written whole, balances summed where the rows are."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.billing.ledger import Leg, Posting
from domain.enums import LedgerAccount, PostingKind


class LedgerRepository(Protocol):
    """Append-only: a posting is never edited; a correction is another posting."""

    async def post(self, posting: Posting, now: datetime) -> None:
        """Write every leg of a balanced posting, in the caller's transaction.

        Args:
            posting: Legs that balance per currency (checked when the posting was built).
            now: When it was booked.
        """
        ...

    async def legs(self, posting_id: UUID) -> list[Leg]:
        """One posting's legs, as written.

        Args:
            posting_id: The posting.

        Returns:
            Its legs: debits first, then credits, each by account name.
        """
        ...

    async def payment_legs(self, payment_id: UUID, kinds: tuple[PostingKind, ...]) -> list[Leg]:
        """The legs a payment's postings of these kinds wrote (what its refunds took back).

        Args:
            payment_id: The payment.
            kinds: Which postings (REFUND, DISPUTE, ...).

        Returns:
            Their legs, in no particular order.
        """
        ...

    async def balance(self, account: LedgerAccount, currency: str, reader_id: UUID | None) -> int:
        """An account's balance on its normal side (credit for what is owed, debit for cash).

        Args:
            account: The account.
            currency: ISO 4217 code.
            reader_id: One reader's part of it, or None for the whole platform.

        Returns:
            The balance in minor units (negative when the account is overdrawn).
        """
        ...

    async def net_by_currency(self) -> dict[str, int]:
        """Debits minus credits per currency over the whole ledger: zero when it is sound.

        Returns:
            Currency -> net in minor units.
        """
        ...
