"""Loyalty's arithmetic, in one place: what a payment earns, what a point is worth, what lapses.

No I/O here: the services in `loyalty.py` read the ledger and write what these decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.billing.money import Money, minor_per_unit
from domain.enums import LoyaltyKind
from domain.ports.loyalty import PointsEntry

# A point's worth, the one rule: 100 points take one unit of the price's currency off.
POINTS_PER_UNIT_OFF = 100
# Bonuses, once each: the 5th completed reading with a reader, a birthday (once a year),
# a rating given (once per booking), and a referral (both sides, once).
FIFTH_SESSION_BONUS = 100
BIRTHDAY_BONUS = 50
REVIEW_BONUS = 20
REFERRAL_BONUS = 100
# Points that arrived and lapse a year later (a redemption given back does not lapse again).
LOT_KINDS = frozenset({LoyaltyKind.EARNED, LoyaltyKind.BONUS, LoyaltyKind.REFERRAL_BONUS})
SPENT_KINDS = frozenset({LoyaltyKind.REDEEMED, LoyaltyKind.ADJUSTMENT})


def lapses_at(earned_at: datetime) -> datetime:
    """Twelve months after earning; 29 February lapses on 28 February."""
    try:
        return earned_at.replace(year=earned_at.year + 1)
    except ValueError:
        return earned_at.replace(year=earned_at.year + 1, day=28)


def points_for_settled(settled: Money, points_per_unit: int) -> int:
    """floor(whole units settled) * the reader's rate; never negative."""
    if settled.amount_minor <= 0 or points_per_unit <= 0:
        return 0
    return settled.amount_minor // minor_per_unit(settled.currency) * points_per_unit


def points_to_take_back(earned: int, already: int, refunded_minor: int, paid_minor: int) -> int:
    """What a refund (running total) takes back: the same share of the points as of the money."""
    if paid_minor <= 0 or earned <= 0:
        return 0
    target = earned * min(refunded_minor, paid_minor) // paid_minor
    return max(target - already, 0)


def points_value(points: int, currency: str) -> Money:
    """What `points` take off a price in `currency` (rounded down to its minor unit)."""
    return Money(max(points, 0) * minor_per_unit(currency) // POINTS_PER_UNIT_OFF, currency)


def points_for_discount(discount: Money) -> int:
    """The fewest points that take `discount` off (rounded up)."""
    scale = minor_per_unit(discount.currency)
    return -(-discount.amount_minor * POINTS_PER_UNIT_OFF // scale)


@dataclass(frozen=True, slots=True)
class Lapse:
    """The unspent rest of one lot whose twelve months are over."""

    lot_id: UUID
    points: int


@dataclass(frozen=True, slots=True)
class NextExpiry:
    """The soonest lot still holding points, and how many of them lapse then."""

    at: datetime
    points: int


def _remainders(entries: Sequence[PointsEntry]) -> list[tuple[PointsEntry, int]]:
    """Each lot, oldest first, with what is left of it once spending takes the oldest first.

    A refund takes back from the payment's own lot; a lot's expiry from that lot; any
    other negative entry (a redemption, net of its give-back) is spent FIFO.
    """
    lots = [e for e in entries if e.kind in LOT_KINDS and e.points > 0]
    left = {lot.id: lot.points for lot in lots}
    by_payment = {lot.payment_id: lot.id for lot in lots if lot.payment_id is not None}
    by_key = {f"loyalty:expire:{lot.id}": lot.id for lot in lots}
    spent = 0
    for entry in entries:
        if entry.kind is LoyaltyKind.REVERSED and entry.payment_id in by_payment:
            lot_id = by_payment[entry.payment_id]
            left[lot_id] = max(left[lot_id] + entry.points, 0)
        elif entry.kind is LoyaltyKind.EXPIRED and entry.idempotency_key in by_key:
            lot_id = by_key[entry.idempotency_key]
            left[lot_id] = max(left[lot_id] + entry.points, 0)
        elif entry.kind in SPENT_KINDS:
            spent -= entry.points
    spent = max(spent, 0)
    out = []
    for lot in lots:
        used = min(spent, left[lot.id])
        spent -= used
        out.append((lot, left[lot.id] - used))
    return out


def lapsed(entries: Sequence[PointsEntry], now: datetime) -> list[Lapse]:
    """Lots past their expiry with points still unspent, oldest first."""
    return [
        Lapse(lot.id, rest)
        for lot, rest in _remainders(entries)
        if rest > 0 and lot.expires_at is not None and lot.expires_at <= now
    ]


def next_expiry(entries: Sequence[PointsEntry], now: datetime) -> NextExpiry | None:
    """What lapses next and when (None when nothing unspent has an expiry ahead)."""
    ahead = [
        (lot.expires_at, rest)
        for lot, rest in _remainders(entries)
        if rest > 0 and lot.expires_at is not None and lot.expires_at > now
    ]
    if not ahead:
        return None
    at = min(when for when, _ in ahead)
    return NextExpiry(at, sum(rest for when, rest in ahead if when == at))
