"""`PayoutRepository`: payouts in `payouts`, the legs they settled marked in `ledger_entries`.

A statement's figures are one aggregate over the reader's unclaimed legs (indexed by
reader), and claiming them is one UPDATE with the same predicate: the figures paid and
the legs marked are the same rows as long as nothing is added in between, which the
caller checks by comparing the counts.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.billing.statements import Payout, PayoutStatement, UnpaidTotals
from domain.enums import LedgerAccount, LedgerDirection, PayoutStatus, PostingKind
from storage.models import LedgerEntry
from storage.models import Payout as PayoutRow
from storage.repositories._common import affected_rows, lock_reader_for, table_of

_PAYOUTS = table_of(PayoutRow)
_LEGS = table_of(LedgerEntry)
# What a payout settles; payouts' own postings are never counted again.
SETTLED_KINDS = (PostingKind.PAYMENT, PostingKind.REFUND, PostingKind.DISPUTE)
_PAYOUT_LOCK_CLASS = 0x5041_594F  # "PAYO": the payout run's class of reader locks


def _unclaimed(reader_id: Any, before: Any) -> list[sa.ColumnElement[bool]]:
    return [
        _LEGS.c.reader_id == reader_id,
        _LEGS.c.payout_id.is_(None),
        _LEGS.c.kind.in_(SETTLED_KINDS),
        _LEGS.c.created_at < before,
    ]


def _credit_minus_debit(account: LedgerAccount) -> sa.ColumnElement[int]:
    return sa.case(
        (
            _LEGS.c.account == account,
            sa.case(
                (_LEGS.c.direction == LedgerDirection.CREDIT, _LEGS.c.amount_minor),
                else_=-_LEGS.c.amount_minor,
            ),
        ),
        else_=0,
    )


def _total(expression: sa.ColumnElement[int], name: str) -> sa.Label[int]:
    return sa.func.coalesce(sa.func.sum(expression), 0).label(name)


@functools.cache
def _totals_statement() -> sa.Select[Any]:
    """One pass over the unclaimed legs, grouped by currency (built once)."""
    payment = _LEGS.c.kind == PostingKind.PAYMENT
    debit = _LEGS.c.direction == LedgerDirection.DEBIT
    refunded = sa.and_(
        _LEGS.c.kind.in_((PostingKind.REFUND, PostingKind.DISPUTE)),
        _LEGS.c.account == LedgerAccount.CASH,
        _LEGS.c.direction == LedgerDirection.CREDIT,
    )
    session_of = sa.case(
        (sa.and_(payment, debit), sa.func.coalesce(_LEGS.c.booking_id, _LEGS.c.posting_id))
    )
    return (
        sa.select(
            _LEGS.c.currency,
            sa.func.count().label("legs"),
            sa.func.count(sa.distinct(session_of)).label("sessions"),
            _total(sa.case((sa.and_(payment, debit), _LEGS.c.amount_minor), else_=0), "gross"),
            _total(sa.case((refunded, _LEGS.c.amount_minor), else_=0), "refunds"),
            _total(_credit_minus_debit(LedgerAccount.TAX_PAYABLE), "tax"),
            _total(_credit_minus_debit(LedgerAccount.PLATFORM_REVENUE), "fee"),
            _total(_credit_minus_debit(LedgerAccount.READER_PAYABLE), "net"),
            sa.func.min(_LEGS.c.created_at).label("first"),
        )
        .where(*_unclaimed(sa.bindparam("reader_id"), sa.bindparam("before")))
        .group_by(_LEGS.c.currency)
        .order_by(_LEGS.c.currency)
    )


@functools.cache
def _claim_statement() -> sa.Update:
    return (
        sa.update(_LEGS)
        .where(
            *_unclaimed(sa.bindparam("b_reader_id"), sa.bindparam("b_before")),
            _LEGS.c.currency == sa.bindparam("b_currency"),
        )
        .values(payout_id=sa.bindparam("b_payout_id"))
    )


@functools.cache
def _add_statement(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: "was it new?" in one statement."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(_PAYOUTS)
        .on_conflict_do_nothing(
            index_elements=[_PAYOUTS.c.reader_id, _PAYOUTS.c.currency, _PAYOUTS.c.period_end]
        )
        .returning(_PAYOUTS.c.id)
    )


class SqlPayoutRepository:
    """`PayoutRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session (the unit of work owns the transaction)."""
        self._session = session

    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    async def lock_reader(self, reader_id: UUID) -> None:
        """A per-reader lock for the payout run (`lock_reader_for`)."""
        await lock_reader_for(self._session, _PAYOUT_LOCK_CLASS, reader_id)

    async def readers_due(self, before: datetime) -> list[UUID]:
        """DISTINCT over the partial set of unclaimed legs."""
        rows = await self._session.scalars(
            sa.select(_LEGS.c.reader_id)
            .where(
                _LEGS.c.reader_id.is_not(None),
                _LEGS.c.payout_id.is_(None),
                _LEGS.c.kind.in_(SETTLED_KINDS),
                _LEGS.c.created_at < before,
            )
            .distinct()
            .order_by(_LEGS.c.reader_id)
        )
        return list(rows)

    async def unpaid_totals(self, reader_id: UUID, before: datetime) -> list[UnpaidTotals]:
        """One aggregate query, a row per currency."""
        rows = await self._session.execute(
            _totals_statement(), {"reader_id": reader_id, "before": before}
        )
        return [
            UnpaidTotals(
                currency=row.currency,
                legs=int(row.legs),
                sessions=int(row.sessions),
                gross_minor=int(row.gross),
                refunds_minor=int(row.refunds),
                tax_minor=int(row.tax),
                platform_fee_minor=int(row.fee),
                net_minor=int(row.net),
                first_booked_at=_aware(row.first),
            )
            for row in rows
        ]

    async def add(self, payout: Payout) -> bool:
        """One row, unless the (reader, currency, period end) is taken."""
        s = payout.statement
        values = {
            "id": payout.id,
            "reader_id": s.reader_id,
            "currency": s.currency,
            "period_start": s.period_start,
            "period_end": s.period_end,
            "sessions": s.sessions,
            "gross_minor": s.gross_minor,
            "platform_fee_minor": s.platform_fee_minor,
            "refunds_minor": s.refunds_minor,
            "tax_minor": s.tax_minor,
            "net_minor": s.net_minor,
            "posting_id": payout.posting_id,
            "status": payout.status,
            "created_at": payout.created_at,
            "paid_at": payout.paid_at,
        }
        inserted = (await self._session.execute(_add_statement(self._dialect()), values)).first()
        return inserted is not None

    async def claim(
        self, payout_id: UUID, *, reader_id: UUID, currency: str, before: datetime
    ) -> int:
        """One UPDATE with the totals' predicate."""
        result = await self._session.execute(
            _claim_statement(),
            {
                "b_payout_id": payout_id,
                "b_reader_id": reader_id,
                "b_currency": currency,
                "b_before": before,
            },
        )
        return affected_rows(result)

    async def get(self, payout_id: UUID) -> Payout | None:
        """By id."""
        row = (
            await self._session.execute(sa.select(_PAYOUTS).where(_PAYOUTS.c.id == payout_id))
        ).first()
        return _to_domain(row) if row is not None else None

    async def for_reader(self, reader_id: UUID, limit: int = 50) -> list[Payout]:
        """Newest period first."""
        rows = await self._session.execute(
            sa.select(_PAYOUTS)
            .where(_PAYOUTS.c.reader_id == reader_id)
            .order_by(_PAYOUTS.c.period_end.desc(), _PAYOUTS.c.currency)
            .limit(limit)
        )
        return [_to_domain(row) for row in rows]

    async def unsent(self, limit: int) -> list[Payout]:
        """BOOKED ones, oldest first."""
        rows = await self._session.execute(
            sa.select(_PAYOUTS)
            .where(_PAYOUTS.c.status == PayoutStatus.BOOKED)
            .order_by(_PAYOUTS.c.created_at, _PAYOUTS.c.id)
            .limit(limit)
        )
        return [_to_domain(row) for row in rows]

    async def mark_sent(self, payout_id: UUID) -> None:
        """BOOKED -> SENT."""
        await self._session.execute(
            sa.update(_PAYOUTS).where(_PAYOUTS.c.id == payout_id).values(status=PayoutStatus.SENT)
        )


def _aware(value: datetime | None) -> datetime | None:
    """An aggregate may come back without the column's type (naive on SQLite): it is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _to_domain(row: Any) -> Payout:
    statement = PayoutStatement(
        reader_id=row.reader_id,
        currency=row.currency,
        period_start=row.period_start,
        period_end=row.period_end,
        sessions=row.sessions,
        gross_minor=row.gross_minor,
        refunds_minor=row.refunds_minor,
        tax_minor=row.tax_minor,
        platform_fee_minor=row.platform_fee_minor,
        net_minor=row.net_minor,
        legs=0,  # how many it claimed is in the ledger, not on the row
    )
    return Payout(
        id=row.id,
        statement=statement,
        posting_id=row.posting_id,
        status=PayoutStatus(row.status),
        created_at=row.created_at,
        paid_at=row.paid_at,
    )
