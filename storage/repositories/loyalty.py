"""`LoyaltyRepository`: the points ledger (sums in SQL) and referrals, in the caller's session."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import BookingStatus, LoyaltyKind, PaymentStatus, ReferralStatus
from domain.ports.loyalty import BonusDue, LoyaltyRules, PointsEntry, ReaderBalance, Referral
from storage.dialects import insert_for
from storage.models import Booking, Client, LoyaltyEntry, Payment, Rating, Reader
from storage.models import Referral as ReferralRow

# Entries that are lots: points that arrived and lapse (a give-back of a redemption is not).
LOT_KINDS = (LoyaltyKind.EARNED, LoyaltyKind.BONUS, LoyaltyKind.REFERRAL_BONUS)
FIFTH_SESSION, BIRTHDAY, REVIEW = "fifth_session", "birthday", "review"


def _entry(row: LoyaltyEntry) -> PointsEntry:
    return PointsEntry(
        id=row.id,
        client_id=row.client_id,
        reader_id=row.reader_id,
        kind=row.kind,
        points=row.points,
        idempotency_key=row.idempotency_key,
        created_at=row.created_at,
        booking_id=row.booking_id,
        payment_id=row.payment_id,
        reason=row.reason,
        expires_at=row.expires_at,
    )


def _referral(row: ReferralRow) -> Referral:
    return Referral(
        id=row.id,
        referrer_id=row.referrer_id,
        referred_id=row.referred_id,
        code=row.code,
        status=row.status,
        created_at=row.created_at,
        rewarded_at=row.rewarded_at,
    )


class SqlLoyaltyRepository:
    """`LoyaltyRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    def _insert(self, model: Any) -> Any:
        return insert_for(self._session)(model)

    async def add(self, entry: PointsEntry) -> bool:
        """INSERT ... ON CONFLICT (idempotency_key) DO NOTHING: a retry writes nothing."""
        result = await self._session.execute(
            self._insert(LoyaltyEntry)
            .values(
                id=entry.id,
                client_id=entry.client_id,
                reader_id=entry.reader_id,
                kind=entry.kind,
                points=entry.points,
                booking_id=entry.booking_id,
                payment_id=entry.payment_id,
                reason=entry.reason,
                expires_at=entry.expires_at,
                idempotency_key=entry.idempotency_key,
                created_at=entry.created_at,
            )
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(LoyaltyEntry.id)
        )
        return result.first() is not None

    async def entries(self, client_id: UUID, reader_id: UUID | None = None) -> list[PointsEntry]:
        """A client's entries, oldest first."""
        query = sa.select(LoyaltyEntry).where(LoyaltyEntry.client_id == client_id)
        if reader_id is not None:
            query = query.where(LoyaltyEntry.reader_id == reader_id)
        rows = await self._session.scalars(query.order_by(LoyaltyEntry.created_at, LoyaltyEntry.id))
        return [_entry(r) for r in rows]

    async def for_payment(self, payment_id: UUID) -> list[PointsEntry]:
        """The entries a payment caused."""
        rows = await self._session.scalars(
            sa.select(LoyaltyEntry)
            .where(LoyaltyEntry.payment_id == payment_id)
            .order_by(LoyaltyEntry.created_at, LoyaltyEntry.id)
        )
        return [_entry(r) for r in rows]

    async def for_booking(self, booking_id: UUID, kind: LoyaltyKind) -> list[PointsEntry]:
        """The entries of one kind tied to a booking."""
        rows = await self._session.scalars(
            sa.select(LoyaltyEntry)
            .where(LoyaltyEntry.booking_id == booking_id, LoyaltyEntry.kind == kind)
            .order_by(LoyaltyEntry.created_at, LoyaltyEntry.id)
        )
        return [_entry(r) for r in rows]

    async def balances(self, client_id: UUID) -> list[ReaderBalance]:
        """SUM(points) per reader."""
        rows = await self._session.execute(
            sa.select(LoyaltyEntry.reader_id, sa.func.sum(LoyaltyEntry.points))
            .where(LoyaltyEntry.client_id == client_id, LoyaltyEntry.reader_id.is_not(None))
            .group_by(LoyaltyEntry.reader_id)
            .order_by(LoyaltyEntry.reader_id)
        )
        return [ReaderBalance(reader_id, int(total or 0)) for reader_id, total in rows if reader_id]

    async def rules(self, reader_id: UUID) -> LoyaltyRules | None:
        """The reader's two loyalty columns and currency."""
        row = (
            await self._session.execute(
                sa.select(
                    Reader.currency,
                    Reader.loyalty_points_per_unit,
                    Reader.loyalty_free_session_points,
                ).where(Reader.id == reader_id)
            )
        ).first()
        if row is None:
            return None
        return LoyaltyRules(reader_id, row[0], int(row[1]), int(row[2]))

    async def lapsing_pairs(
        self, since: datetime, until: datetime, limit: int
    ) -> list[tuple[UUID, UUID]]:
        """Pairs with a lot whose `expires_at` falls in the window."""
        rows = await self._session.execute(
            sa.select(LoyaltyEntry.client_id, LoyaltyEntry.reader_id)
            .where(
                LoyaltyEntry.kind.in_(LOT_KINDS),
                LoyaltyEntry.points > 0,
                LoyaltyEntry.reader_id.is_not(None),
                LoyaltyEntry.expires_at >= since,
                LoyaltyEntry.expires_at < until,
            )
            .distinct()
            .order_by(LoyaltyEntry.client_id, LoyaltyEntry.reader_id)
            .limit(limit)
        )
        return [(c, r) for c, r in rows if r is not None]

    def _no_bonus(self, reason: str, *match: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
        """No BONUS entry with this reason matches: the anti-join of each sweep."""
        return ~sa.exists().where(
            LoyaltyEntry.kind == LoyaltyKind.BONUS, LoyaltyEntry.reason == reason, *match
        )

    async def fifth_sessions_due(self, limit: int) -> list[BonusDue]:
        """GROUP BY client, reader HAVING five completed readings, without the bonus."""
        rows = await self._session.execute(
            sa.select(Booking.client_id, Booking.reader_id)
            .where(
                Booking.status == BookingStatus.COMPLETED,
                self._no_bonus(
                    FIFTH_SESSION,
                    LoyaltyEntry.client_id == Booking.client_id,
                    LoyaltyEntry.reader_id == Booking.reader_id,
                ),
            )
            .group_by(Booking.client_id, Booking.reader_id)
            .having(sa.func.count() >= 5)
            .order_by(Booking.client_id, Booking.reader_id)
            .limit(limit)
        )
        return [BonusDue(c, r) for c, r in rows]

    async def reviews_due(self, limit: int) -> list[BonusDue]:
        """Ratings without a review bonus for their booking."""
        rows = await self._session.execute(
            sa.select(Rating.client_id, Rating.reader_id, Rating.booking_id)
            .where(self._no_bonus(REVIEW, LoyaltyEntry.booking_id == Rating.booking_id))
            .order_by(Rating.created_at, Rating.id)
            .limit(limit)
        )
        return [BonusDue(c, r, b) for c, r, b in rows]

    async def birthdays_due(self, day: date, limit: int) -> list[BonusDue]:
        """Born on this month and day; one per reader with a completed reading."""
        rows = await self._session.execute(
            sa.select(Client.id, Booking.reader_id)
            .join(Booking, Booking.client_id == Client.id)
            .where(
                Client.erased_at.is_(None),
                sa.extract("month", Client.birthday) == day.month,
                sa.extract("day", Client.birthday) == day.day,
                Booking.status == BookingStatus.COMPLETED,
            )
            .distinct()
            .order_by(Client.id, Booking.reader_id)
            .limit(limit)
        )
        return [BonusDue(c, r) for c, r in rows]

    async def client_by_code(self, code: str) -> UUID | None:
        """Codes are stored upper-case; what was typed is compared upper-cased."""
        found: UUID | None = await self._session.scalar(
            sa.select(Client.id).where(
                Client.referral_code == code.strip().upper(), Client.erased_at.is_(None)
            )
        )
        return found

    async def referred_by(self, client_id: UUID) -> UUID | None:
        """The client's `referred_by_id`."""
        found: UUID | None = await self._session.scalar(
            sa.select(Client.referred_by_id).where(Client.id == client_id)
        )
        return found

    async def has_paid(self, client_id: UUID) -> bool:
        """Any payment of theirs that was settled (refunded later still counts)."""
        found = await self._session.scalar(
            sa.select(Payment.id)
            .where(
                Payment.client_id == client_id,
                Payment.status.in_((PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)),
            )
            .limit(1)
        )
        return found is not None

    async def add_referral(self, referral: Referral) -> bool:
        """ON CONFLICT (referred_id) DO NOTHING, then the client's `referred_by_id`."""
        result = await self._session.execute(
            self._insert(ReferralRow)
            .values(
                id=referral.id,
                referrer_id=referral.referrer_id,
                referred_id=referral.referred_id,
                code=referral.code,
                status=referral.status,
                created_at=referral.created_at,
            )
            .on_conflict_do_nothing(index_elements=["referred_id"])
            .returning(ReferralRow.id)
        )
        if result.first() is None:
            return False
        await self._session.execute(
            sa.update(Client)
            .where(Client.id == referral.referred_id, Client.referred_by_id.is_(None))
            .values(referred_by_id=referral.referrer_id)
        )
        return True

    async def referral_of(self, referred_id: UUID, *, for_update: bool = False) -> Referral | None:
        """The friend's referral row."""
        query = sa.select(ReferralRow).where(ReferralRow.referred_id == referred_id)
        if for_update:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        return _referral(row) if row is not None else None

    async def mark_rewarded(self, referral_id: UUID, now: datetime) -> None:
        """REWARDED, with when."""
        await self._session.execute(
            sa.update(ReferralRow)
            .where(ReferralRow.id == referral_id)
            .values(status=ReferralStatus.REWARDED, rewarded_at=now)
        )

    async def referral_count(self, referrer_id: UUID) -> tuple[int, int]:
        """COUNT(*) and the rewarded ones, in one query."""
        row = (
            await self._session.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.count().filter(ReferralRow.status == ReferralStatus.REWARDED),
                ).where(ReferralRow.referrer_id == referrer_id)
            )
        ).one()
        return int(row[0]), int(row[1])
