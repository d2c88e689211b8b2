"""Loyalty points: earned on settled money, taken back on refunds, bonuses, yearly lapse.

Every entry carries an idempotency key derived from what caused it (the payment, the
refund's running total, the lot that lapsed, the bonus and its year), so a redelivered
webhook, a retried flow or a second run writes nothing twice. The balance is the SUM of
the ledger, never a stored counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.billing.money import Money
from domain.billing.payments import Payment
from domain.clock import Clock
from domain.crm import loyalty_rules as rules
from domain.enums import LoyaltyKind
from domain.ports.loyalty import BonusDue, PointsEntry
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory

FIFTH_SESSION, BIRTHDAY, REVIEW = "fifth_session", "birthday", "review"


def _entry(
    *,
    client_id: UUID,
    reader_id: UUID | None,
    kind: LoyaltyKind,
    points: int,
    key: str,
    now: datetime,
    lapses: bool = False,
    booking_id: UUID | None = None,
    payment_id: UUID | None = None,
    reason: str | None = None,
) -> PointsEntry:
    return PointsEntry(
        id=uuid4(),
        client_id=client_id,
        reader_id=reader_id,
        kind=kind,
        points=points,
        idempotency_key=key,
        created_at=now,
        booking_id=booking_id,
        payment_id=payment_id,
        reason=reason,
        expires_at=rules.lapses_at(now) if lapses else None,
    )


async def earn_on_settle(uow: UnitOfWork, payment: Payment, now: datetime) -> int:
    """Inside the settling transaction: the reader's rate times whole units settled, once."""
    reader_rules = await uow.loyalty.rules(payment.reader_id)
    if reader_rules is None:
        return 0
    settled = payment.reader_value.money if payment.reader_value else payment.amount
    if settled.currency != reader_rules.currency:
        settled = payment.amount  # no snapshot in the reader's currency: what was paid
    points = rules.points_for_settled(settled, reader_rules.points_per_unit)
    if points <= 0:
        return 0
    entry = _entry(
        client_id=payment.client_id,
        reader_id=payment.reader_id,
        kind=LoyaltyKind.EARNED,
        points=points,
        key=f"loyalty:earn:{payment.id}",
        now=now,
        lapses=True,
        booking_id=payment.booking_id,
        payment_id=payment.id,
    )
    return points if await uow.loyalty.add(entry) else 0


async def reverse_on_refund(uow: UnitOfWork, payment: Payment, now: datetime) -> int:
    """Inside the refund's transaction: the refunded share of the payment's points, once."""
    entries = await uow.loyalty.for_payment(payment.id)
    earned = sum(e.points for e in entries if e.kind is LoyaltyKind.EARNED)
    already = -sum(e.points for e in entries if e.kind is LoyaltyKind.REVERSED)
    take = rules.points_to_take_back(
        earned, already, payment.refunded_minor, payment.amount.amount_minor
    )
    if take <= 0:
        return 0
    entry = _entry(
        client_id=payment.client_id,
        reader_id=payment.reader_id,
        kind=LoyaltyKind.REVERSED,
        points=-take,
        key=f"loyalty:reverse:{payment.id}:{payment.refunded_minor}",
        now=now,
        booking_id=payment.booking_id,
        payment_id=payment.id,
        reason="refund",
    )
    return take if await uow.loyalty.add(entry) else 0


async def _bonus(uow: UnitOfWork, due: BonusDue, reason: str, key: str, now: datetime) -> bool:
    points = {
        FIFTH_SESSION: rules.FIFTH_SESSION_BONUS,
        BIRTHDAY: rules.BIRTHDAY_BONUS,
        REVIEW: rules.REVIEW_BONUS,
    }[reason]
    entry = _entry(
        client_id=due.client_id,
        reader_id=due.reader_id,
        kind=LoyaltyKind.BONUS,
        points=points,
        key=key,
        now=now,
        lapses=True,
        booking_id=due.booking_id,
        reason=reason,
    )
    return await uow.loyalty.add(entry)


async def award_bonuses(*, uows: UnitOfWorkFactory, clock: Clock, limit: int = 1000) -> int:
    """The due 5th-session, birthday and review bonuses, each once (by its key)."""
    now = clock.now()
    written = 0
    async with uows() as uow:
        for due in await uow.loyalty.fifth_sessions_due(limit):
            key = f"loyalty:bonus:{FIFTH_SESSION}:{due.client_id}:{due.reader_id}"
            written += await _bonus(uow, due, FIFTH_SESSION, key, now)
        for due in await uow.loyalty.reviews_due(limit):
            written += await _bonus(
                uow, due, REVIEW, f"loyalty:bonus:{REVIEW}:{due.booking_id}", now
            )
        for due in await uow.loyalty.birthdays_due(now.date(), limit):
            key = f"loyalty:bonus:{BIRTHDAY}:{due.client_id}:{due.reader_id}:{now.year}"
            written += await _bonus(uow, due, BIRTHDAY, key, now)
        await uow.commit()
    return written


async def expire_points(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    lookback: timedelta = timedelta(days=30),
    limit: int = 500,
) -> int:
    """EXPIRED entries for the unspent rest of lots that lapsed, oldest first, once per lot.

    Lots that lapsed within `lookback` are looked at, so a run missed for a few days is
    caught up; each lot's entry is keyed by the lot, so a second run writes nothing.
    """
    now = clock.now()
    expired = 0
    async with uows() as uow:
        for client_id, reader_id in await uow.loyalty.lapsing_pairs(now - lookback, now, limit):
            entries = await uow.loyalty.entries(client_id, reader_id)
            for lapse in rules.lapsed(entries, now):
                entry = _entry(
                    client_id=client_id,
                    reader_id=reader_id,
                    kind=LoyaltyKind.EXPIRED,
                    points=-lapse.points,
                    key=f"loyalty:expire:{lapse.lot_id}",
                    now=now,
                    reason="12 months",
                )
                if await uow.loyalty.add(entry):
                    expired += lapse.points
        await uow.commit()
    return expired


@dataclass(frozen=True, slots=True)
class ReaderPoints:
    """A client's points with one reader, what they are worth there, and what lapses next."""

    reader_id: UUID
    points: int
    worth: Money
    free_session_points: int
    next_expiry: rules.NextExpiry | None = None

    @property
    def free_session(self) -> bool:
        """Enough for a free reading with this reader."""
        return 0 < self.free_session_points <= self.points


async def points_summary(*, uow: UnitOfWork, clock: Clock, client_id: UUID) -> list[ReaderPoints]:
    """The client's balance per reader (SUM of the ledger) with the next lapse of each."""
    now = clock.now()
    out = []
    async with uow:
        for balance in await uow.loyalty.balances(client_id):
            reader_rules = await uow.loyalty.rules(balance.reader_id)
            if reader_rules is None or balance.points == 0:
                continue
            entries = await uow.loyalty.entries(client_id, balance.reader_id)
            out.append(
                ReaderPoints(
                    balance.reader_id,
                    balance.points,
                    rules.points_value(balance.points, reader_rules.currency),
                    reader_rules.free_session_points,
                    rules.next_expiry(entries, now),
                )
            )
    return out
