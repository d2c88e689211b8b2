"""The ledger: every posting balances per currency, shares split exactly, refunds and
payouts never take back more than there is; checked on a randomized year of money."""

from __future__ import annotations

import uuid
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.billing.ledger import (
    Leg,
    Posting,
    UnbalancedPosting,
    add_splits,
    balance,
    net_by_currency,
    payment_posting,
    payout_posting,
    refund_posting,
    refund_split,
    split_payment,
)
from domain.billing.money import InvalidAmount, Money, exponent
from domain.enums import LedgerAccount, LedgerDirection, PostingKind

READER = uuid.uuid4()
CURRENCIES = ("GBP", "AED", "USD", "JPY", "KWD")


def test_a_payment_splits_into_tax_the_platforms_fee_and_the_readers_share() -> None:
    split = split_payment(Money(6000, "GBP"), tax_minor=1000, platform_fee_bps=1500)

    assert (split.tax, split.platform_fee, split.reader_share) == (
        Money(1000, "GBP"),
        Money(750, "GBP"),  # 15 % of the 50.00 net of tax
        Money(4250, "GBP"),
    )


def test_a_payment_posting_balances_with_the_providers_fee_as_an_expense() -> None:
    split = split_payment(
        Money(4500, "GBP"), tax_minor=750, platform_fee_bps=2000, provider_fee_minor=95
    )
    posting = payment_posting(split, reader_id=READER, payment_id=uuid.uuid4())

    assert net_by_currency(posting.legs) == {"GBP": 0}
    assert balance(posting.legs, LedgerAccount.CASH, "GBP") == 4405
    assert balance(posting.legs, LedgerAccount.PROVIDER_FEES, "GBP") == 95
    assert balance(posting.legs, LedgerAccount.READER_PAYABLE, "GBP") == 3000


def test_a_posting_that_does_not_balance_is_refused_whole() -> None:
    legs = (
        Leg(LedgerAccount.CASH, LedgerDirection.DEBIT, Money(100, "GBP")),
        Leg(LedgerAccount.READER_PAYABLE, LedgerDirection.CREDIT, Money(99, "GBP")),
    )
    with pytest.raises(UnbalancedPosting, match="GBP"):
        Posting(PostingKind.PAYMENT, legs)


def test_a_refund_cannot_take_back_more_than_was_paid() -> None:
    split = split_payment(Money(4500, "GBP"), tax_minor=0, platform_fee_bps=1000)
    first = refund_split(split, None, Money(3000, "GBP"))

    with pytest.raises(InvalidAmount, match=r"at most 15\.00 GBP"):
        refund_split(split, first, Money(1501, "GBP"))


def test_a_refund_in_another_currency_is_refused() -> None:
    split = split_payment(Money(4500, "GBP"), tax_minor=0, platform_fee_bps=1000)
    with pytest.raises(InvalidAmount, match="payment's currency"):
        refund_split(split, None, Money(100, "EUR"))


@st.composite
def a_year_of_money(draw: st.DrawFn) -> list[tuple[str, int, int, int, list[int], int]]:
    """Payments (currency, gross, tax, fee bps), each with partial refunds and a payout."""
    payments = []
    for _ in range(draw(st.integers(1, 40))):
        currency = draw(st.sampled_from(CURRENCIES))
        gross = draw(st.integers(1, 10 ** (exponent(currency) + 4)))
        tax = draw(st.integers(0, gross // 4))
        fee_bps = draw(st.integers(0, 10_000))
        refunds, left = [], gross
        for _ in range(draw(st.integers(0, 3))):
            if left == 0:
                break
            part = draw(st.integers(1, left))
            refunds.append(part)
            left -= part
        payout_pct = draw(st.integers(0, 100))
        payments.append((currency, gross, tax, fee_bps, refunds, payout_pct))
    return payments


@settings(max_examples=200, deadline=None)
@given(a_year_of_money())
def test_a_randomized_year_keeps_the_ledger_balanced_and_shares_exact(
    year: list[tuple[str, int, int, int, list[int], int]],
) -> None:
    legs: list[Leg] = []
    owed: defaultdict[str, int] = defaultdict(int)  # what the reader is owed, by our sums
    for currency, gross, tax, fee_bps, refunds, payout_pct in year:
        split = split_payment(Money(gross, currency), tax_minor=tax, platform_fee_bps=fee_bps)
        payment = payment_posting(split, reader_id=READER, payment_id=uuid.uuid4())
        assert net_by_currency(payment.legs) == {currency: 0}
        legs += payment.legs
        refunded, before, taken_back = 0, None, 0
        for part in refunds:
            back = refund_split(split, before, Money(part, currency))
            refund = refund_posting(back, reader_id=READER, payment_id=uuid.uuid4())
            assert net_by_currency(refund.legs) == {currency: 0}
            legs += refund.legs
            before = add_splits(before, back)
            refunded += part
            taken_back += back.reader_share.amount_minor
        if refunded == gross:  # fully refunded: every share is back to exactly zero
            assert before is not None
            assert before.tax == split.tax
            assert before.platform_fee == split.platform_fee
            assert taken_back == split.reader_share.amount_minor
        remaining = split.reader_share.amount_minor - taken_back
        assert remaining >= 0
        paid_out = remaining * payout_pct // 100
        if paid_out:
            legs += payout_posting(Money(paid_out, currency), reader_id=READER).legs
        owed[currency] += remaining - paid_out

    assert all(net == 0 for net in net_by_currency(legs).values())
    for currency, expected in owed.items():
        assert balance(legs, LedgerAccount.READER_PAYABLE, currency) == expected
        assert balance(legs, LedgerAccount.TAX_PAYABLE, currency) >= 0
        assert balance(legs, LedgerAccount.PLATFORM_REVENUE, currency) >= 0
