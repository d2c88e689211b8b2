"""Where loyalty points and referrals are kept: a ledger of signed entries, never a counter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.enums import LoyaltyKind, ReferralStatus


@dataclass(frozen=True, slots=True)
class PointsEntry:
    """One movement of a client's points with one reader; `points` is signed."""

    id: UUID
    client_id: UUID
    reader_id: UUID | None
    kind: LoyaltyKind
    points: int
    idempotency_key: str
    created_at: datetime
    booking_id: UUID | None = None
    payment_id: UUID | None = None
    reason: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LoyaltyRules:
    """A reader's loyalty settings: points per whole unit settled, a free session's price."""

    reader_id: UUID
    currency: str
    points_per_unit: int = 1
    free_session_points: int = 500


@dataclass(frozen=True, slots=True)
class ReaderBalance:
    """A client's points with one reader."""

    reader_id: UUID
    points: int


@dataclass(frozen=True, slots=True)
class Referral:
    """A client brought by another; rewarded once, when the friend first pays."""

    id: UUID
    referrer_id: UUID
    referred_id: UUID
    code: str
    status: ReferralStatus
    created_at: datetime
    rewarded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BonusDue:
    """A bonus a client has earned and not yet received (5th session, birthday, review)."""

    client_id: UUID
    reader_id: UUID
    booking_id: UUID | None = None


class LoyaltyRepository(Protocol):
    """Points and referrals in the caller's transaction."""

    async def add(self, entry: PointsEntry) -> bool:
        """Insert an entry unless one with its idempotency key exists.

        Args:
            entry: The entry; its key makes a retry or a redelivery a no-op.

        Returns:
            False when the key was there already (nothing was written).
        """
        ...

    async def entries(self, client_id: UUID, reader_id: UUID | None = None) -> list[PointsEntry]:
        """A client's entries, oldest first.

        Args:
            client_id: Whose.
            reader_id: Only those with this reader, when given.

        Returns:
            The entries by `created_at`, then id.
        """
        ...

    async def for_payment(self, payment_id: UUID) -> list[PointsEntry]:
        """The entries a payment caused (earned, reversed).

        Args:
            payment_id: The payment.

        Returns:
            Its entries, oldest first.
        """
        ...

    async def for_booking(self, booking_id: UUID, kind: LoyaltyKind) -> list[PointsEntry]:
        """The entries of one kind tied to a booking (a redemption and its give-back).

        Args:
            booking_id: The booking.
            kind: Which kind.

        Returns:
            Its entries, oldest first.
        """
        ...

    async def balances(self, client_id: UUID) -> list[ReaderBalance]:
        """A client's points per reader: the SUM of the ledger, computed in SQL.

        Args:
            client_id: Whose.

        Returns:
            One balance per reader the client has entries with, by reader id.
        """
        ...

    async def rules(self, reader_id: UUID) -> LoyaltyRules | None:
        """A reader's loyalty settings.

        Args:
            reader_id: The reader.

        Returns:
            Their rules, or None for an unknown reader.
        """
        ...

    async def lapsing_pairs(
        self, since: datetime, until: datetime, limit: int
    ) -> list[tuple[UUID, UUID]]:
        """(client, reader) pairs with an earning that lapsed in `[since, until)`.

        Args:
            since: The oldest lapse still looked at (missed runs are caught up within it).
            until: Now.
            limit: At most this many pairs.

        Returns:
            Distinct pairs in a stable order.
        """
        ...

    async def fifth_sessions_due(self, limit: int) -> list[BonusDue]:
        """Clients with five or more completed readings with a reader and no such bonus.

        Args:
            limit: At most this many.

        Returns:
            One per (client, reader).
        """
        ...

    async def reviews_due(self, limit: int) -> list[BonusDue]:
        """Ratings given for a booking that has no review bonus yet.

        Args:
            limit: At most this many.

        Returns:
            One per rated booking.
        """
        ...

    async def birthdays_due(self, day: date, limit: int) -> list[BonusDue]:
        """Clients born on `day`'s month and day, once per reader they completed a reading with.

        Args:
            day: Today (its year does not matter here; the bonus key carries it).
            limit: At most this many.

        Returns:
            One per (client, reader).
        """
        ...

    async def client_by_code(self, code: str) -> UUID | None:
        """The client whose referral code this is (case-insensitive).

        Args:
            code: A code as typed.

        Returns:
            The client's id, or None for an unknown code.
        """
        ...

    async def referred_by(self, client_id: UUID) -> UUID | None:
        """Who referred this client, if anyone.

        Args:
            client_id: The client.

        Returns:
            The referrer's id, or None.
        """
        ...

    async def has_paid(self, client_id: UUID) -> bool:
        """Whether the client has any settled payment.

        Args:
            client_id: The client.

        Returns:
            True once any of their payments succeeded.
        """
        ...

    async def add_referral(self, referral: Referral) -> bool:
        """Record a referral and the client's `referred_by`, unless they were referred before.

        Args:
            referral: The new referral.

        Returns:
            False when the friend already had a referral (nothing was written).
        """
        ...

    async def referral_of(self, referred_id: UUID, *, for_update: bool = False) -> Referral | None:
        """The referral that brought a client.

        Args:
            referred_id: The referred client.
            for_update: Lock the row until the transaction ends.

        Returns:
            It, or None.
        """
        ...

    async def mark_rewarded(self, referral_id: UUID, now: datetime) -> None:
        """Set a referral REWARDED at `now`.

        Args:
            referral_id: The referral.
            now: When.
        """
        ...

    async def referral_count(self, referrer_id: UUID) -> tuple[int, int]:
        """How many friends a client referred, and how many of them were rewarded.

        Args:
            referrer_id: The referrer.

        Returns:
            (all referrals, rewarded ones).
        """
        ...
