"""Saved segments, and a rule compiled into ONE SQL statement over clients (no Python loop).

Each condition becomes `clients.id [NOT] IN (SELECT client_id FROM ... [GROUP BY ...
HAVING ...])`: one pass over bookings, ratings, payments or package credits per condition,
hashed by the database, instead of a correlated probe per client. A count whose comparison
zero satisfies (`sessions < 3`) is the complement of the clients whose count fails it, so
clients with no rows at all are kept.

"birthday this month" compares the birthday's month with `now`'s month in UTC. "spent"
sums succeeded payments in the reader's currency (settlement amount, else the amount),
taking the rule's figure as major units with two decimals.
"""

from __future__ import annotations

import builtins
import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.crm.segment_rules import AllOf, Condition, Field, Op, SegmentRule
from domain.enums import BookingStatus, PaymentStatus
from domain.ports.segments import SavedSegment
from storage.models import Booking, Client, PackageCredit, Payment, Rating, Segment, Service

# A booking that counts as "booked": anything but a hold that lapsed or was let go.
_BOOKED = (
    BookingStatus.HELD,
    BookingStatus.CONFIRMED,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
)


def _compare(left: Any, op: Op, right: int) -> sa.ColumnElement[bool]:
    compared: sa.ColumnElement[bool] = {
        Op.GE: left >= right,
        Op.GT: left > right,
        Op.LE: left <= right,
        Op.LT: left < right,
        Op.EQ: left == right,
    }[op]
    return compared


def _grouped(
    client_col: Any, aggregate: Any, op: Op, value: int, where: list[Any]
) -> sa.ColumnElement[bool]:
    """Clients whose aggregate compares true; zero-satisfying comparisons keep the row-less."""
    base = sa.select(client_col).where(*where, client_col.is_not(None)).group_by(client_col)
    if op.holds(0, value):
        return Client.id.not_in(base.having(sa.not_(_compare(aggregate, op, value))))
    return Client.id.in_(base.having(_compare(aggregate, op, value)))


def _condition(cond: Condition, reader_id: uuid.UUID | None, now: datetime) -> Any:
    mine_b = [Booking.reader_id == reader_id] if reader_id else []
    field, value = cond.field, cond.value
    if field is Field.NO_BOOKING_DAYS:
        since = now - timedelta(days=int(value or 0))
        recent = sa.select(Booking.client_id).where(
            *mine_b, Booking.status.in_(_BOOKED), Booking.starts_at >= since
        )
        return Client.id.not_in(recent)
    if field is Field.SESSIONS:
        done = [*mine_b, Booking.status == BookingStatus.COMPLETED]
        return _grouped(Booking.client_id, sa.func.count(), cond.op, int(value or 0), done)
    if field is Field.FIRST_SESSION_DAYS:
        since = now - timedelta(days=int(value or 0))
        first = (
            sa.select(Booking.client_id)
            .where(*mine_b, Booking.status == BookingStatus.COMPLETED, Booking.starts_at <= now)
            .group_by(Booking.client_id)
            .having(sa.func.min(Booking.starts_at) >= since)
        )
        return Client.id.in_(first)
    if field is Field.RATED:
        mine_r = [Rating.reader_id == reader_id] if reader_id else []
        stars = sa.select(Rating.client_id).where(
            *mine_r, _compare(Rating.stars, cond.op, int(value or 0))
        )
        return Client.id.in_(stars)
    if field is Field.BOUGHT_PACKAGE:
        credits = sa.select(PackageCredit.client_id)
        if reader_id:
            credits = credits.join(Service, Service.id == PackageCredit.service_id).where(
                Service.reader_id == reader_id
            )
        return Client.id.in_(credits)
    if field is Field.SPENT:
        mine_p = [Payment.reader_id == reader_id] if reader_id else []
        paid = [*mine_p, Payment.status == PaymentStatus.SUCCEEDED]
        amount = sa.func.coalesce(
            sa.func.sum(sa.func.coalesce(Payment.settlement_amount_minor, Payment.amount_minor)), 0
        )
        return _grouped(Payment.client_id, amount, cond.op, int(value or 0) * 100, paid)
    if field is Field.BIRTHDAY_MONTH:
        return sa.extract("month", Client.birthday) == now.month
    if field is Field.COUNTRY:
        return Client.country == str(value).upper()
    if field is Field.LANGUAGE:
        return Client.language == str(value).lower()
    raise ValueError(f"no SQL for condition {field}")


def compile_rule(rule: SegmentRule, reader_id: uuid.UUID | None, now: datetime) -> Any:
    """The rule as one boolean SQL expression over `clients`."""
    if isinstance(rule, Condition):
        return _condition(rule, reader_id, now)
    parts = [compile_rule(part, reader_id, now) for part in rule.parts]
    return sa.and_(*parts) if isinstance(rule, AllOf) else sa.or_(*parts)


def _where(
    rule: SegmentRule, reader_id: uuid.UUID | None, now: datetime, marketing_only: bool
) -> list[Any]:
    where = [compile_rule(rule, reader_id, now)]
    if reader_id is not None:
        where.append(
            Client.id.in_(sa.select(Booking.client_id).where(Booking.reader_id == reader_id))
        )
    if marketing_only:
        where += [Client.marketing_consent.is_(True), Client.erased_at.is_(None)]
    return where


def _saved(row: Segment) -> SavedSegment:
    return SavedSegment(
        row.id, row.reader_id, row.name, row.rule or "", dict(row.definition), row.created_at
    )


class SqlSegmentRepository:
    """`SegmentRepository` on one session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the unit of work's session."""
        self._session = session

    def _owned(self, reader_id: uuid.UUID | None) -> Any:
        return Segment.reader_id.is_(None) if reader_id is None else Segment.reader_id == reader_id

    async def _row(self, reader_id: uuid.UUID | None, name: str) -> Segment | None:
        stmt = sa.select(Segment).where(
            self._owned(reader_id), sa.func.lower(Segment.name) == name.strip().lower()
        )
        return (await self._session.execute(stmt.limit(1))).scalar_one_or_none()

    async def save(
        self,
        *,
        reader_id: uuid.UUID | None,
        name: str,
        rule_text: str,
        definition: dict[str, Any],
        now: datetime,
    ) -> SavedSegment:
        """Insert, or replace the rule of the segment of that name."""
        row = await self._row(reader_id, name)
        if row is None:
            row = Segment(id=uuid.uuid4(), reader_id=reader_id, name=name, created_at=now)
            self._session.add(row)
        row.rule, row.definition = rule_text, definition
        await self._session.flush()
        return _saved(row)

    async def get(self, *, reader_id: uuid.UUID | None, name: str) -> SavedSegment | None:
        """By name, case-insensitive."""
        row = await self._row(reader_id, name)
        return _saved(row) if row else None

    async def list(self, *, reader_id: uuid.UUID | None) -> builtins.list[SavedSegment]:
        """By name."""
        stmt = sa.select(Segment).where(self._owned(reader_id)).order_by(Segment.name)
        return [_saved(row) for row in (await self._session.execute(stmt)).scalars()]

    async def count(
        self, *, reader_id: uuid.UUID | None, rule: SegmentRule, now: datetime, marketing_only: bool
    ) -> int:
        """One `SELECT count(*)`."""
        stmt = sa.select(sa.func.count()).select_from(Client)
        stmt = stmt.where(*_where(rule, reader_id, now, marketing_only))
        return int((await self._session.execute(stmt)).scalar_one())

    async def client_ids(
        self,
        *,
        reader_id: uuid.UUID | None,
        rule: SegmentRule,
        now: datetime,
        marketing_only: bool,
        after: uuid.UUID | None,
        limit: int,
    ) -> builtins.list[uuid.UUID]:
        """One keyset page by client id."""
        where = _where(rule, reader_id, now, marketing_only)
        if after is not None:
            where.append(Client.id > after)
        stmt = sa.select(Client.id).where(*where).order_by(Client.id).limit(limit)
        return list((await self._session.execute(stmt)).scalars())
