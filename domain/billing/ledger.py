"""The double-entry ledger: every money movement is a posting whose legs balance.

A posting's debits equal its credits in each currency, to the minor unit; amounts are
positive and the side (debit / credit) carries the direction. The rules that split a
payment are here, once:

    payment of G (tax T included, platform fee F on N = G - T, provider fee P):
        debit  cash             G - P      credit tax payable       T
        debit  provider fees    P          credit platform revenue  F
                                           credit reader payable    N - F
    refund of R <= what is left of G: the same split, reversed, in proportion
    payout of X to a reader: debit reader payable X, credit cash X

Rounding happens once, on the fee; the reader's share is what is left, so the legs add
up exactly whatever the currency's exponent.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from domain.billing.money import InvalidAmount, Money
from domain.enums import LedgerAccount, LedgerDirection, PostingKind

BASIS_POINTS = 10_000


class UnbalancedPosting(ValueError):
    """A bug, never user input: a posting whose legs do not add up is refused whole."""


@dataclass(frozen=True, slots=True)
class Leg:
    """One side of a posting on one account."""

    account: LedgerAccount
    direction: LedgerDirection
    money: Money


@dataclass(frozen=True, slots=True)
class Posting:
    """Legs that move money together, for one reader, about one payment or payout."""

    kind: PostingKind
    legs: tuple[Leg, ...]
    reader_id: UUID | None = None
    payment_id: UUID | None = None
    booking_id: UUID | None = None
    memo: str | None = None
    id: UUID = field(default_factory=uuid.uuid4)
    payout_id: UUID | None = None  # a payout's own posting belongs to the payout

    def __post_init__(self) -> None:
        legs = [leg for leg in self.legs if leg.money.amount_minor]
        if not legs:
            raise UnbalancedPosting("a posting moves some money")
        object.__setattr__(self, "legs", tuple(legs))  # zero legs say nothing
        for currency, net in net_by_currency(legs).items():
            if net:
                raise UnbalancedPosting(f"{self.kind} does not balance in {currency}: {net}")


def net_by_currency(legs: Iterable[Leg]) -> dict[str, int]:
    """Debits minus credits per currency; every posting (and the whole ledger) is zero."""
    net: defaultdict[str, int] = defaultdict(int)
    for leg in legs:
        sign = 1 if leg.direction is LedgerDirection.DEBIT else -1
        net[leg.money.currency] += sign * leg.money.amount_minor
    return dict(net)


def share(amount_minor: int, basis_points: int) -> int:
    """`basis_points` of an amount, rounded half up to the minor unit (the one rounding)."""
    if not 0 <= basis_points <= BASIS_POINTS:
        raise InvalidAmount("a share is between 0 and 100 %")
    return (amount_minor * basis_points + BASIS_POINTS // 2) // BASIS_POINTS


@dataclass(frozen=True, slots=True)
class PaymentSplit:
    """Where a payment's money belongs: tax, the platform's fee, the reader's share."""

    gross: Money
    tax: Money
    platform_fee: Money
    provider_fee: Money

    @property
    def reader_share(self) -> Money:
        """What the reader earns: the net of tax, less the platform's fee."""
        net = self.gross.amount_minor - self.tax.amount_minor - self.platform_fee.amount_minor
        return Money(net, self.gross.currency)


def split_payment(
    gross: Money, *, tax_minor: int, platform_fee_bps: int, provider_fee_minor: int = 0
) -> PaymentSplit:
    """The split of a payment of `gross` (tax included), the fee taken on the net of tax."""
    currency = gross.currency
    if not 0 <= tax_minor <= gross.amount_minor:
        raise InvalidAmount("the tax cannot be more than the payment")
    if not 0 <= provider_fee_minor <= gross.amount_minor:
        raise InvalidAmount("the provider's fee cannot be more than the payment")
    fee = share(gross.amount_minor - tax_minor, platform_fee_bps)
    return PaymentSplit(
        gross, Money(tax_minor, currency), Money(fee, currency), Money(provider_fee_minor, currency)
    )


def payment_posting(
    split: PaymentSplit,
    *,
    reader_id: UUID,
    payment_id: UUID | None = None,
    booking_id: UUID | None = None,
) -> Posting:
    """A payment received: cash in, tax and the platform's fee set aside, the rest owed."""
    currency = split.gross.currency
    cash = Money(split.gross.amount_minor - split.provider_fee.amount_minor, currency)
    debit, credit = LedgerDirection.DEBIT, LedgerDirection.CREDIT
    return Posting(
        kind=PostingKind.PAYMENT,
        legs=(
            Leg(LedgerAccount.CASH, debit, cash),
            Leg(LedgerAccount.PROVIDER_FEES, debit, split.provider_fee),
            Leg(LedgerAccount.TAX_PAYABLE, credit, split.tax),
            Leg(LedgerAccount.PLATFORM_REVENUE, credit, split.platform_fee),
            Leg(LedgerAccount.READER_PAYABLE, credit, split.reader_share),
        ),
        reader_id=reader_id,
        payment_id=payment_id,
        booking_id=booking_id,
    )


def refund_split(
    original: PaymentSplit, before: PaymentSplit | None, amount: Money
) -> PaymentSplit:
    """The part of each share a refund of `amount` takes back, after the refunds `before`.

    Each share gives back its proportion of what is left of it (rounded down), the
    reader's share takes the rest up to what is left of it, and any minor unit over goes
    to the fee, then the tax. So no share ever goes below zero, and refunding a payment in
    any number of parts returns every share to exactly zero.
    """
    currency = original.gross.currency
    if amount.currency != currency:
        raise InvalidAmount(f"a refund is in the payment's currency, {currency}")
    done = before or PaymentSplit(*(Money(0, currency),) * 4)
    gross = original.gross.amount_minor - done.gross.amount_minor
    if amount.amount_minor <= 0 or amount.amount_minor > gross:
        raise InvalidAmount(f"at most {Money(gross, currency)} can still be refunded")
    tax_left = original.tax.amount_minor - done.tax.amount_minor
    fee_left = original.platform_fee.amount_minor - done.platform_fee.amount_minor
    reader_left = gross - tax_left - fee_left
    wanted = amount.amount_minor
    tax = wanted * tax_left // gross
    fee = wanted * fee_left // gross
    reader = min(wanted - tax - fee, reader_left)
    over = wanted - tax - fee - reader
    to_fee = min(over, fee_left - fee)
    fee, tax = fee + to_fee, tax + over - to_fee
    return PaymentSplit(amount, Money(tax, currency), Money(fee, currency), Money(0, currency))


def add_splits(first: PaymentSplit | None, second: PaymentSplit) -> PaymentSplit:
    """Two refunds' splits together (what has been refunded so far)."""
    if first is None:
        return second
    currency = second.gross.currency
    return PaymentSplit(
        Money(first.gross.amount_minor + second.gross.amount_minor, currency),
        Money(first.tax.amount_minor + second.tax.amount_minor, currency),
        Money(first.platform_fee.amount_minor + second.platform_fee.amount_minor, currency),
        Money(0, currency),
    )


def refund_posting(
    split: PaymentSplit,
    *,
    reader_id: UUID,
    payment_id: UUID | None = None,
    booking_id: UUID | None = None,
) -> Posting:
    """Money back to a client: each share gives back its part, cash goes out."""
    debit, credit = LedgerDirection.DEBIT, LedgerDirection.CREDIT
    return Posting(
        kind=PostingKind.REFUND,
        legs=(
            Leg(LedgerAccount.TAX_PAYABLE, debit, split.tax),
            Leg(LedgerAccount.PLATFORM_REVENUE, debit, split.platform_fee),
            Leg(LedgerAccount.READER_PAYABLE, debit, split.reader_share),
            Leg(LedgerAccount.CASH, credit, split.gross),
        ),
        reader_id=reader_id,
        payment_id=payment_id,
        booking_id=booking_id,
    )


def payout_posting(
    amount: Money, *, reader_id: UUID, memo: str | None = None, payout_id: UUID | None = None
) -> Posting:
    """What the platform owed a reader, paid out."""
    return Posting(
        kind=PostingKind.PAYOUT,
        legs=(
            Leg(LedgerAccount.READER_PAYABLE, LedgerDirection.DEBIT, amount),
            Leg(LedgerAccount.CASH, LedgerDirection.CREDIT, amount),
        ),
        reader_id=reader_id,
        memo=memo,
        payout_id=payout_id,
    )


def normal_side(account: LedgerAccount) -> LedgerDirection:
    """The side an account grows on: debit for cash and fees paid, credit for what is owed."""
    if account in (LedgerAccount.CASH, LedgerAccount.PROVIDER_FEES):
        return LedgerDirection.DEBIT
    return LedgerDirection.CREDIT


def balance(legs: Sequence[Leg], account: LedgerAccount, currency: str) -> int:
    """An account's balance on its normal side."""
    normal = normal_side(account)
    total = 0
    for leg in legs:
        if leg.account is account and leg.money.currency == currency:
            total += leg.money.amount_minor if leg.direction is normal else -leg.money.amount_minor
    return total
