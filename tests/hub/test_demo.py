"""The demo set: a newcomer sees the reader side at once, in each reader's language, with
money that adds up: seeded once per module (two months, through the billing services)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
import sqlalchemy as sa

from domain.enums import (
    BookingStatus,
    InvoiceKind,
    LedgerDirection,
    OutboxStatus,
    PaymentStatus,
    PostingKind,
)
from hub.demo import seed_demo
from hub.settings import Settings
from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import (
    Booking,
    Expense,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    OutboxMessage,
    Payment,
    Payout,
    Reader,
    Service,
)

PAID = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)
EIGHT_PLACES = Decimal("0.00000001")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[sa.Engine, str]]:
    var = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{var / 'demo.db'}"
    upgrade(url)
    said = seed_demo(Settings(database_url=url, var_dir=var), clients=60, months=2)
    engine = create_engine(url)
    yield engine, said
    engine.dispose()


@pytest.fixture
def db(seeded: tuple[sa.Engine, str]) -> Iterator[sa.Connection]:
    with seeded[0].connect() as connection:
        yield connection


def test_every_demo_reader_has_confirmed_sessions_in_the_coming_week(db: sa.Connection) -> None:
    now = datetime.now(UTC)
    rows = db.execute(
        sa.select(Reader.slug, Booking.starts_at)
        .join(Booking, Booking.reader_id == Reader.id)
        .where(Booking.status == BookingStatus.CONFIRMED)
    ).all()
    by_reader: dict[str, list[datetime]] = {}
    for slug, starts_at in rows:
        by_reader.setdefault(slug, []).append(starts_at.replace(tzinfo=UTC))
    assert set(by_reader) == {"samia", "layla", "rose"}
    for starts in by_reader.values():
        assert len(starts) >= 6
        assert all(now < start < now + timedelta(days=7) for start in starts)


def test_the_arabic_speaking_reader_names_her_services_in_arabic(db: sa.Connection) -> None:
    names = dict(
        db.execute(
            sa.select(Reader.slug, Service.name)
            .join(Service, Service.reader_id == Reader.id)
            .where(Service.slug == "quick-chat")
        ).all()
    )
    assert names["layla"].isascii() is False
    assert names["samia"].isascii()


def test_the_summary_says_what_money_was_made(seeded: tuple[sa.Engine, str]) -> None:
    said = seeded[1]

    assert "money: " in said
    assert " 2 refunds, 1 dispute, " in said


def test_the_seeded_ledger_nets_to_zero_in_every_currency_and_every_posting(
    db: sa.Connection,
) -> None:
    legs = db.execute(
        sa.select(
            LedgerEntry.posting_id,
            LedgerEntry.currency,
            LedgerEntry.direction,
            LedgerEntry.amount_minor,
            LedgerEntry.kind,
        )
    ).all()
    by_currency: Counter[str] = Counter()
    by_posting: Counter[tuple[object, str]] = Counter()
    for posting, currency, direction, amount, _ in legs:
        signed = amount if direction is LedgerDirection.DEBIT else -amount
        by_currency[currency] += signed
        by_posting[(posting, currency)] += signed

    assert {"GBP", "AED", "USD", "EUR", "JPY"} <= set(by_currency)
    assert set(by_currency.values()) == {0}
    assert set(by_posting.values()) == {0}
    kinds = Counter(kind for *_, kind in legs)
    assert kinds[PostingKind.REFUND] > 0
    assert kinds[PostingKind.DISPUTE] > 0
    assert kinds[PostingKind.PAYOUT] > 0


def test_the_weekly_payouts_paid_each_reader_once_per_week_and_currency(
    db: sa.Connection,
) -> None:
    periods = db.execute(sa.select(Payout.reader_id, Payout.currency, Payout.period_end)).all()

    assert len(periods) > 3
    assert len(set(periods)) == len(periods)
    assert {period_end.weekday() for *_, period_end in periods} == {6}  # up to each Sunday


def test_every_paid_booking_has_one_invoice_whose_total_is_the_sum_of_its_lines(
    db: sa.Connection,
) -> None:
    paid = set(db.scalars(sa.select(Payment.booking_id).where(Payment.status.in_(PAID))))
    invoices = db.execute(
        sa.select(Invoice.id, Invoice.booking_id, Invoice.subtotal_minor, Invoice.tax_minor)
        .add_columns(Invoice.total_minor)
        .where(Invoice.kind == InvoiceKind.INVOICE, Invoice.booking_id.is_not(None))
    ).all()
    lines: defaultdict[object, list[tuple[int, int]]] = defaultdict(list)
    for invoice_id, net, tax in db.execute(
        sa.select(InvoiceLine.invoice_id, InvoiceLine.amount_minor, InvoiceLine.tax_minor)
    ):
        lines[invoice_id].append((net, tax))

    per_booking = Counter(booking for _, booking, *_ in invoices)
    assert len(paid) > 300
    assert {booking: per_booking[booking] for booking in paid} == dict.fromkeys(paid, 1)
    for invoice_id, _, subtotal, tax, total in invoices:
        assert subtotal == sum(net for net, _ in lines[invoice_id])
        assert tax == sum(line_tax for _, line_tax in lines[invoice_id])
        assert total == subtotal + tax


def test_aed_payments_are_worth_their_peg_in_us_dollars(db: sa.Connection) -> None:
    rows = db.execute(
        sa.select(
            Payment.amount_minor,
            Payment.platform_currency,
            Payment.platform_fx_rate,
            Payment.platform_amount_minor,
        ).where(Payment.currency == "AED", Payment.status.in_(PAID))
    ).all()

    per_dirham = (1 / Decimal("3.6725")).quantize(EIGHT_PLACES, rounding=ROUND_HALF_EVEN)
    assert len(rows) > 100
    for fils, currency, rate, cents in rows:
        assert (currency, rate) == ("USD", per_dirham)
        assert cents == int((Decimal(fils) * rate).to_integral_value(ROUND_HALF_EVEN))


def test_yen_amounts_have_no_minor_digits(db: sa.Connection) -> None:
    payments = db.execute(
        sa.select(Payment.amount_minor, Payment.settlement_currency, Payment.fx_rate)
        .add_columns(Payment.settlement_amount_minor)
        .where(Payment.currency == "JPY")
    ).all()
    lines = db.scalars(
        sa.select(InvoiceLine.unit_price_minor)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.currency == "JPY", Invoice.kind == InvoiceKind.INVOICE)
    ).all()
    expenses = db.scalars(sa.select(Expense.amount_minor).where(Expense.currency == "JPY")).all()

    assert payments
    for yen, reader_currency, rate, cents in payments:
        assert yen == 3000  # ¥3,000, not ¥30.00
        assert reader_currency == "USD"
        assert cents == int((yen * rate * 100).to_integral_value(ROUND_HALF_EVEN))
    assert set(lines) == {3000}
    assert set(expenses) == {2000}  # "expense 2000 JPY incense"


def test_the_historys_outbox_is_closed_so_a_started_hub_replays_nothing(
    db: sa.Connection,
) -> None:
    open_rows = db.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.IN_PROGRESS]))
    )

    assert open_rows == 0
