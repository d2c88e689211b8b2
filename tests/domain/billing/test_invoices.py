"""Invoice lines are taxed one by one and the totals are their sums, to the minor unit."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.billing.invoices import (
    REVERSE_CHARGE_NOTE,
    LineRequest,
    TaxRule,
    draft_invoice,
    invoice_number,
    price_line,
)
from domain.billing.money import InvalidAmount
from domain.enums import InvoiceKind
from tests.support.factories import NOW


def invoice(lines: list[LineRequest], rule: TaxRule, currency: str = "GBP"):  # type: ignore[no-untyped-def]
    return draft_invoice(
        number="SAM-2026-000001",
        kind=InvoiceKind.INVOICE,
        reader_id=uuid.uuid4(),
        client_id=uuid.uuid4(),
        currency=currency,
        lines=lines,
        rule=rule,
        issued_at=NOW,
    )


def test_a_tax_inclusive_price_carries_its_vat_inside() -> None:
    line = price_line(1, LineRequest("Love reading", 6000), TaxRule(rate_bps=2000, inclusive=True))

    assert (line.net_minor, line.tax_minor, line.total_minor) == (5000, 1000, 6000)


def test_a_tax_exclusive_price_gets_its_tax_on_top() -> None:
    line = price_line(1, LineRequest("Career", 4500, 2), TaxRule(rate_bps=500, inclusive=False))

    assert (line.net_minor, line.tax_minor, line.total_minor) == (9000, 450, 9450)


def test_a_reverse_charge_invoice_carries_no_tax_and_says_why() -> None:
    bill = invoice([LineRequest("Reading", 6000)], TaxRule(2000, reverse_charge=True))

    assert bill.tax.amount_minor == 0
    assert bill.total.amount_minor == 6000
    assert bill.note == REVERSE_CHARGE_NOTE


def test_rounding_happens_once_per_line_and_totals_are_the_sums() -> None:
    bill = invoice(
        [LineRequest("a", 333), LineRequest("b", 333), LineRequest("c", 334)], TaxRule(2000)
    )

    assert [line.tax_minor for line in bill.lines] == [55, 55, 56]
    assert bill.tax.amount_minor == 166  # not 167, the tax inside the 10.00 total
    assert bill.total.amount_minor == 1000


def test_numbers_carry_the_readers_prefix_year_and_count() -> None:
    assert invoice_number("samia", 2026, 123) == "SAM-2026-000123"
    assert invoice_number("l-a", 2027, 1) == "LA-2027-000001"


def test_an_invoice_without_a_line_is_refused() -> None:
    with pytest.raises(InvalidAmount, match="at least one line"):
        invoice([], TaxRule())


def test_a_line_without_a_description_is_refused() -> None:
    with pytest.raises(InvalidAmount, match="says what it is for"):
        LineRequest(" ", 100)


def test_a_negative_price_or_zero_quantity_is_refused() -> None:
    with pytest.raises(InvalidAmount):
        LineRequest("Reading", -1)
    with pytest.raises(InvalidAmount):
        LineRequest("Reading", 100, 0)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10**7), st.integers(1, 20)), min_size=1, max_size=12),
    st.integers(0, 10_000),
    st.booleans(),
    st.sampled_from(["GBP", "JPY", "KWD", "AED", "USD"]),
)
def test_every_invoice_adds_up_to_the_minor_unit(
    lines: list[tuple[int, int]], rate_bps: int, inclusive: bool, currency: str
) -> None:
    requests = [LineRequest(f"line {n}", price, qty) for n, (price, qty) in enumerate(lines)]
    bill = invoice(requests, TaxRule(rate_bps, inclusive), currency)

    assert bill.subtotal.amount_minor == sum(line.net_minor for line in bill.lines)
    assert bill.tax.amount_minor == sum(line.tax_minor for line in bill.lines)
    assert bill.total.amount_minor == bill.subtotal.amount_minor + bill.tax.amount_minor
    for line, (price, qty) in zip(bill.lines, lines, strict=True):
        assert line.net_minor >= 0
        assert line.tax_minor >= 0
        if inclusive:
            assert line.total_minor == price * qty  # the client pays the price shown
        else:
            assert line.net_minor == price * qty
