"""`LedgerRepository`: ledger legs as rows sharing a `posting_id`; sums computed in SQL."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.billing.ledger import Leg, Posting, normal_side
from domain.billing.money import Money
from domain.enums import LedgerAccount, LedgerDirection, PostingKind
from storage.models import LedgerEntry


def _signed(normal: LedgerDirection) -> sa.ColumnElement[int]:
    """A leg's amount, positive on the `normal` side."""
    return sa.case(
        (LedgerEntry.direction == normal, LedgerEntry.amount_minor),
        else_=-LedgerEntry.amount_minor,
    )


class SqlLedgerRepository:
    """`LedgerRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def post(self, posting: Posting, now: datetime) -> None:
        """One row per leg, all in this transaction: a posting is there whole or not at all."""
        self._session.add_all(
            LedgerEntry(
                posting_id=posting.id,
                kind=posting.kind,
                account=leg.account,
                direction=leg.direction,
                amount_minor=leg.money.amount_minor,
                currency=leg.money.currency,
                reader_id=posting.reader_id,
                payment_id=posting.payment_id,
                booking_id=posting.booking_id,
                payout_id=posting.payout_id,
                memo=posting.memo,
                created_at=now,
            )
            for leg in posting.legs
        )
        await self._session.flush()

    async def legs(self, posting_id: UUID) -> list[Leg]:
        """One posting's legs: debits first, then credits, each by account."""
        rows = await self._session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.posting_id == posting_id)
            # Debits before credits ("credit" sorts after "debit"), then by account.
            .order_by(LedgerEntry.direction.desc(), LedgerEntry.account)
        )
        return [
            Leg(row.account, row.direction, Money(row.amount_minor, row.currency)) for row in rows
        ]

    async def payment_legs(self, payment_id: UUID, kinds: tuple[PostingKind, ...]) -> list[Leg]:
        """Every leg of a payment's postings of these kinds."""
        rows = await self._session.scalars(
            sa.select(LedgerEntry).where(
                LedgerEntry.payment_id == payment_id, LedgerEntry.kind.in_(kinds)
            )
        )
        return [
            Leg(row.account, row.direction, Money(row.amount_minor, row.currency)) for row in rows
        ]

    async def balance(self, account: LedgerAccount, currency: str, reader_id: UUID | None) -> int:
        """SUM over the account's legs, signed by its normal side."""
        query = sa.select(sa.func.coalesce(sa.func.sum(_signed(normal_side(account))), 0)).where(
            LedgerEntry.account == account, LedgerEntry.currency == currency
        )
        if reader_id is not None:
            query = query.where(LedgerEntry.reader_id == reader_id)
        return int(await self._session.scalar(query) or 0)

    async def net_by_currency(self) -> dict[str, int]:
        """Debits minus credits per currency."""
        rows = await self._session.execute(
            sa.select(LedgerEntry.currency, sa.func.sum(_signed(LedgerDirection.DEBIT))).group_by(
                LedgerEntry.currency
            )
        )
        return {currency: int(net) for currency, net in rows}
