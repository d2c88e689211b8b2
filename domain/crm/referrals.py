"""Referrals: a friend gives a client's code once; their first paid reading rewards both, once.

Refused, with nothing written: an unknown code, one's own code, the code of someone the
friend brought (directly or further down the chain: a loop), a friend who was referred
before, and a friend who has paid before (the reward is for bringing a new client).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain.billing.payments import Payment
from domain.clock import Clock
from domain.crm import loyalty_rules as rules
from domain.enums import LoyaltyKind, ReferralStatus
from domain.errors import InvalidRequest, NotFound
from domain.ports.loyalty import PointsEntry, Referral
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory

REF_PREFIX = "ref_"  # Telegram's /start payload: `/start ref_CODE`
MAX_CHAIN = 50  # how far up the referral chain a loop is looked for


class RefusalReason(StrEnum):
    """Why a referral code was not taken."""

    UNKNOWN = "unknown"
    SELF = "self"
    LOOP = "loop"
    ALREADY_REFERRED = "already_referred"
    NOT_NEW = "not_new"


class ReferralRefused(InvalidRequest):
    """The code cannot be used by this client; `reason` says why."""

    code = "referral_refused"

    def __init__(self, reason: RefusalReason) -> None:
        """Keep the reason the person is told."""
        super().__init__(f"referral refused: {reason.value}")
        self.reason = reason


def code_from_start(payload: str | None) -> str | None:
    """`ref_CODE` (a Telegram deep link's /start payload or the page's ?ref=) to CODE."""
    text = (payload or "").strip()
    if not text.lower().startswith(REF_PREFIX):
        return None
    code = text[len(REF_PREFIX) :].strip().upper()
    return code if 4 <= len(code) <= 16 and code.isalnum() else None


async def apply_code(*, uows: UnitOfWorkFactory, clock: Clock, client_id: UUID, code: str) -> UUID:
    """Record who referred this client; returns the referrer's id or raises ReferralRefused."""
    now = clock.now()
    async with uows() as uow:
        referrer_id = await uow.loyalty.client_by_code(code)
        if referrer_id is None:
            raise ReferralRefused(RefusalReason.UNKNOWN)
        if referrer_id == client_id:
            raise ReferralRefused(RefusalReason.SELF)
        if await uow.loyalty.referred_by(client_id) is not None:
            raise ReferralRefused(RefusalReason.ALREADY_REFERRED)
        if await _in_chain_above(uow, start=referrer_id, target=client_id):
            raise ReferralRefused(RefusalReason.LOOP)
        if await uow.loyalty.has_paid(client_id):
            raise ReferralRefused(RefusalReason.NOT_NEW)
        referral = Referral(
            id=uuid4(),
            referrer_id=referrer_id,
            referred_id=client_id,
            code=code.strip().upper(),
            status=ReferralStatus.PENDING,
            created_at=now,
        )
        if not await uow.loyalty.add_referral(referral):
            raise ReferralRefused(RefusalReason.ALREADY_REFERRED)
        await uow.commit()
    return referrer_id


async def _in_chain_above(uow: UnitOfWork, *, start: UUID, target: UUID) -> bool:
    """Whether `target` referred `start`, or someone who did, up the chain."""
    current: UUID | None = start
    for _ in range(MAX_CHAIN):
        current = await uow.loyalty.referred_by(current) if current else None
        if current is None:
            return False
        if current == target:
            return True
    return True  # a chain this long is refused rather than walked further


async def credit_referral(uow: UnitOfWork, payment: Payment, now: datetime) -> bool:
    """Inside the settling transaction: the friend's first paid reading rewards both, once."""
    referral = await uow.loyalty.referral_of(payment.client_id, for_update=True)
    if referral is None or referral.status is ReferralStatus.REWARDED:
        return False
    for side, client_id in (("referrer", referral.referrer_id), ("referred", referral.referred_id)):
        await uow.loyalty.add(
            PointsEntry(
                id=uuid4(),
                client_id=client_id,
                reader_id=payment.reader_id,
                kind=LoyaltyKind.REFERRAL_BONUS,
                points=rules.REFERRAL_BONUS,
                idempotency_key=f"loyalty:referral:{referral.id}:{side}",
                created_at=now,
                booking_id=payment.booking_id,
                reason=side,
                expires_at=rules.lapses_at(now),
            )
        )
    await uow.loyalty.mark_rewarded(referral.id, now)
    return True


@dataclass(frozen=True, slots=True)
class ReferralCard:
    """What a client shares, and how it went so far."""

    code: str
    invited: int
    rewarded: int


async def referral_card(*, uow: UnitOfWork, client_id: UUID) -> ReferralCard:
    """The client's code and how many friends it brought."""
    async with uow:
        client = await uow.clients.get(client_id)
        if client is None:
            raise NotFound("client not found")
        invited, rewarded = await uow.loyalty.referral_count(client_id)
    return ReferralCard(client.referral_code, invited, rewarded)
