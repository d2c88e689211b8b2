"""A randomized year of money: bookings paid, refunded, cancelled, disputed and paid out.

Three readers (GBP, JPY, KWD) sell readings priced in five currencies (GBP, EUR, USD,
JPY, KWD); hypothesis draws what happens over a year. After every step the ledger nets
to zero in each currency and every invoice totals its lines; at the end the money that
went to readers and back is what their payable accounts say.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory
from uuid import UUID

from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from connectors.payments.builtin import BuiltinPayments
from domain.billing.cancellation import refund_cancelled
from domain.billing.checkout import PaymentPages, request_payment
from domain.billing.ledger import share
from domain.billing.money import Money
from domain.billing.payments import BUILTIN_PROVIDER, Payment
from domain.billing.payouts import run_payouts
from domain.billing.refund_effects import apply_refund
from domain.billing.reports import period_between, profit_and_loss
from domain.billing.settlement import (
    REFUND_KINDS,
    ReceivedPayment,
    record_dispute,
    record_refund_total,
    settle_payment,
)
from domain.billing.tax import TaxRateRow
from domain.booking import service
from domain.booking.queries import free_slots
from domain.booking.service import HoldRequest
from domain.clock import FixedClock
from domain.enums import BookingStatus, Channel, LedgerAccount, OutboxKind, PaymentStatus
from domain.errors import DomainError
from domain.models import Client, Reader, Service
from domain.ports.fx import FxQuote
from domain.ports.payments import ProviderRefund
from storage.uow import Database
from tests.support.databases import fresh_sqlite_copy
from tests.support.factories import make_client, make_reader, make_service, seed_open_reader
from tests.support.notifier import FakeNotifier

YEAR_START = datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
PLATFORM_CURRENCY = "GBP"
PAGES = PaymentPages("http://hub.test/chat", "http://hub.test/chat")
# Euros per unit, near their 2026 levels; each week drifts a little (drawn below).
EUR_RATES = {"GBP": "0.86", "USD": "1.08", "JPY": "162", "KWD": "0.333"}
# Slugs alike on purpose: every reader's series starts "SAM-", each without gaps.
READERS = (  # slug, currency, country, services (currency, price in minor units), share
    ("samia", "GBP", "GB", (("GBP", 6000), ("EUR", 5500)), 7000),
    ("samira", "JPY", "JP", (("JPY", 9000), ("USD", 4000)), 8000),
    ("samantha", "KWD", "KW", (("KWD", 15_500),), 6500),
)


class Refunds:
    """A built-in provider that gives money back at once (the refund rows' provider)."""

    name = BUILTIN_PROVIDER

    async def refund(
        self, *, provider_payment_id: str, amount: Money, idempotency_key: str
    ) -> ProviderRefund:
        return ProviderRefund(BUILTIN_PROVIDER, f"re_{idempotency_key}", amount)


@dataclass
class Year:
    """The readers, their services and clients, and what has been paid so far."""

    database: Database
    clock: FixedClock
    readers: list[Reader]
    services: list[list[Service]]
    clients: list[Client]
    paid: list[Payment] = field(default_factory=list)
    paid_out: Counter[tuple[UUID, str]] = field(default_factory=Counter)

    def uows(self):  # type: ignore[no-untyped-def]
        return self.database.uows()


@dataclass(frozen=True)
class Book:
    reader: int
    service: int
    client: int
    then: str = "keep"  # or the client cancels "early" (free) or "late" (a fee)


@dataclass(frozen=True)
class Refund:
    payment: int
    bps: int


@dataclass(frozen=True)
class Dispute:
    payment: int
    bps: int


@dataclass(frozen=True)
class PayOut:
    """The weekly payouts run (twice: the second must pay nothing)."""


Step = Book | Refund | Dispute | PayOut
books = st.builds(
    Book,
    st.integers(0, 2),
    st.integers(0, 1),
    st.integers(0, 3),
    st.sampled_from(("keep", "keep", "early", "late")),
)
steps = st.one_of(  # bookings twice as likely: most of a year is people booking
    books,
    books,
    st.builds(Refund, st.integers(0, 50), st.integers(500, 10_000)),
    st.builds(Dispute, st.integers(0, 50), st.integers(1000, 10_000)),
    st.builds(PayOut),
)


async def open_year(url: str, drift: Sequence[int]) -> Year:
    clock = FixedClock(YEAR_START)
    database = Database.from_url(url, clock=clock)
    readers, services = [], []
    clients = [make_client(country=country) for country in ("GB", "FR", "JP", "KW")]
    for slug, currency, country, priced, share_bps in READERS:
        reader = make_reader(
            slug=slug,
            currency=currency,
            country=country,
            timezone="Europe/London",
            prepayment_required=True,
            minimum_notice_minutes=60,
            maximum_advance_days=30,
            revenue_share_bps=share_bps,
        )
        sold = [make_service(reader, currency=c, price_minor=price) for c, price in priced]
        await seed_open_reader(database.uows, reader, *sold)
        readers.append(reader)
        services.append(sold)
    async with database.uows() as uow:
        for client in clients:
            await uow.clients.add(client)
        await uow.tax_rates.add(TaxRateRow("GB", "VAT", 2000, date(2020, 1, 1)))
        await uow.tax_rates.add(TaxRateRow("JP", "JCT", 1000, date(2020, 1, 1)))
        await uow.fx_rates.upsert(weekly_rates(drift))
        await uow.commit()
    return Year(database, clock, readers, services, clients)


async def assert_pnl_is_the_ledger(year: Year) -> None:
    """The year's P&L in each reader's currency is what the ledger says they earned."""
    period = period_between(YEAR_START.date(), year.clock.now().date())
    for reader in year.readers:
        pnl = await profit_and_loss(uow=year.uows(), reader_id=reader.id, period=period)
        assert pnl.unconverted == 0
        foreign = any(
            s.currency != reader.currency for s in year.services[year.readers.index(reader)]
        )
        if foreign:
            continue  # converted at each payment's own rate: checked by the snapshot tests
        async with year.database.uows(read_only=True) as uow:
            left = await uow.ledger.balance(
                LedgerAccount.READER_PAYABLE, reader.currency, reader.id
            )
        assert pnl.earnings_minor == left + year.paid_out[(reader.id, reader.currency)]


def weekly_rates(drift: Sequence[int]) -> list[FxQuote]:
    """EUR rates for every week of the year, each moved by a drawn number of basis points."""
    quotes = []
    for week, moved_bps in zip(range(56), itertools.cycle(drift), strict=False):
        day = YEAR_START.date() + timedelta(weeks=week)
        factor = 1 + Decimal(moved_bps) / 10_000
        for quote, rate in EUR_RATES.items():
            quotes.append(FxQuote("EUR", quote, Decimal(rate) * factor, day, "test"))
    return quotes


async def book(year: Year, step: Book) -> None:
    """Hold the first free slot two days out, open its checkout, pay it in full."""
    reader = year.readers[step.reader]
    sold = year.services[step.reader]
    reading, client = sold[step.service % len(sold)], year.clients[step.client]
    day = (year.clock.now() + timedelta(days=2)).date()
    slots = await free_slots(
        uow=year.uows(),
        now=year.clock.now(),
        service_id=reading.id,
        client_zone="Europe/London",
        client_day=day,
    )
    if not slots:
        return  # a weekend: nothing to book
    request = HoldRequest(
        client.id, reading.id, slots[0].starts_at, "Europe/London", Channel.WEBCHAT
    )
    held = await service.hold_slot(uow=year.uows(), clock=year.clock, request=request)
    payment = await request_payment(
        uows=year.database.uows,
        clock=year.clock,
        provider=BuiltinPayments(public_url="http://hub.test", secret=b"year"),
        booking_id=held.id,
        client_id=client.id,
        pages=PAGES,
    )
    settled = await settle_payment(
        uow=year.uows(),
        clock=year.clock,
        received=ReceivedPayment(
            provider=BUILTIN_PROVIDER,
            amount=payment.amount,
            checkout_id=payment.checkout_id,
            provider_payment_id=f"pay-{payment.id}",
        ),
        platform_currency=PLATFORM_CURRENCY,
    )
    assert settled.booking is not None
    assert settled.booking.status is BookingStatus.CONFIRMED
    assert settled.payment.reader_value is not None
    assert settled.payment.reader_value.money.currency == reader.currency
    year.paid.append(settled.payment)
    event(f"paid in {payment.amount.currency}")
    if step.then != "keep":
        await cancel(year, settled.payment, late=step.then == "late")


async def refund(year: Year, step: Refund) -> None:
    """Give back a share of what is left, as the provider would report its running total."""
    payment = await current(year, step.payment)
    if payment is None or not payment.refundable.amount_minor:
        return
    more = max(1, share(payment.refundable.amount_minor, step.bps))
    total = Money(payment.refunds_minor + more, payment.amount.currency)
    booked = await record_refund_total(
        uow=year.uows(), clock=year.clock, payment_id=payment.id, refunded_total=total
    )
    assert booked.amount_minor == more
    event("partly refunded")


async def cancel(year: Year, payment: Payment, *, late: bool) -> None:
    """The client cancels a paid booking; the policy's refund rows run."""
    assert payment.booking_id is not None
    async with year.database.uows(read_only=True) as uow:
        booking = await uow.bookings.get(payment.booking_id)
    assert booking is not None
    if late:  # inside the reader's free window: the fee is kept
        year.clock.set(booking.starts_at - timedelta(hours=2))
    cancelled = await service.cancel_booking(
        uow=year.uows(), clock=year.clock, booking_id=booking.id, client_id=payment.client_id
    )
    assert (cancelled.fee_minor > 0) == late
    await refund_cancelled(uows=year.database.uows, clock=year.clock, booking_id=booking.id)
    await run_refund_rows(year)
    stored = await current_payment(year, payment)
    kept = payment.amount.amount_minor - stored.refunded_minor
    assert kept == cancelled.fee_minor
    event(f"cancelled {'late' if late else 'early'}")


async def run_refund_rows(year: Year) -> None:
    async with year.uows() as uow:
        due = await uow.outbox.claim_due(
            year.clock.now(), 50, timedelta(minutes=5), (OutboxKind.PAYMENT_REFUND,)
        )
        await uow.commit()
    for entry in due:
        await apply_refund(
            uows=year.database.uows,
            clock=year.clock,
            notifier=FakeNotifier(),
            payments={BUILTIN_PROVIDER: Refunds()},  # type: ignore[dict-item]
            entry=entry,
        )


async def dispute(year: Year, step: Dispute) -> None:
    payment = await current(year, step.payment)
    if payment is None or not payment.refundable.amount_minor:
        return
    amount = Money(
        payment.disputed_minor + max(1, share(payment.refundable.amount_minor, step.bps)),
        payment.amount.currency,
    )
    await record_dispute(
        uow=year.uows(), clock=year.clock, payment_id=payment.id, disputed=amount, reason="fraud"
    )
    event("disputed")


async def pay_out(year: Year) -> None:
    """Pay every reader what is due up to yesterday; a rerun at once pays nothing."""
    run = await run_payouts(uows=year.database.uows, clock=year.clock)
    assert not run.failures
    for payout in run.payouts:
        statement = payout.statement
        assert statement.net_minor > 0
        year.paid_out[(statement.reader_id, statement.currency)] += statement.net_minor
    again = await run_payouts(uows=year.database.uows, clock=year.clock)
    assert again.payouts == []
    if run.payouts:
        event("paid out")


async def current_payment(year: Year, payment: Payment) -> Payment:
    async with year.database.uows(read_only=True) as uow:
        stored = await uow.payments.get(payment.id)
    assert stored is not None
    return stored


async def current(year: Year, index: int) -> Payment | None:
    if not year.paid:
        return None
    async with year.database.uows(read_only=True) as uow:
        return await uow.payments.get(year.paid[index % len(year.paid)].id)


async def assert_sound(year: Year) -> None:
    """Every posting balanced per currency; every invoice is the sum of its lines."""
    async with year.database.uows(read_only=True) as uow:
        net = await uow.ledger.net_by_currency()
        assert all(minor == 0 for minor in net.values()), net
        for reader in year.readers:
            issued = await uow.invoices.for_reader(reader.id, limit=10_000)
            for invoice in issued:
                assert invoice.total.amount_minor == sum(
                    line.net_minor + line.tax_minor for line in invoice.lines
                )
            by_year: dict[str, list[int]] = {}
            for invoice in issued:
                _, issued_year, sequence = invoice.number.rsplit("-", 2)
                by_year.setdefault(issued_year, []).append(int(sequence))
            for numbers in by_year.values():  # per reader and year, without gaps
                assert sorted(numbers) == list(range(1, len(numbers) + 1))


async def assert_readers_owed_their_share(year: Year) -> None:
    """What each reader is owed is their share of what was paid and not given back."""
    async with year.database.uows(read_only=True) as uow:
        for reader in year.readers:
            mine = [p for p in year.paid if p.reader_id == reader.id]
            for currency in {p.amount.currency for p in mine}:
                owed = await uow.ledger.balance(LedgerAccount.READER_PAYABLE, currency, reader.id)
                # A refund after its payout leaves the reader owing: netted next time.
                owed += year.paid_out[(reader.id, currency)]
                expected, slack = 0, 0
                for paid in (p for p in mine if p.amount.currency == currency):
                    stored = await uow.payments.get(paid.id)
                    assert stored is not None
                    kept = stored.amount.amount_minor - stored.refunded_minor
                    expected_share = stored.split.reader_share.amount_minor
                    expected += expected_share * kept // stored.amount.amount_minor
                    back = await uow.ledger.payment_legs(stored.id, REFUND_KINDS)
                    # Each posting that gave money back rounded its split once.
                    slack += 1 + sum(leg.account is LedgerAccount.READER_PAYABLE for leg in back)
                    if stored.status is PaymentStatus.REFUNDED:
                        assert kept == 0
                assert abs(owed - expected) <= slack, (reader.currency, currency, owed, expected)


async def live_a_year(url: str, drift: Sequence[int], plan: Sequence[Step]) -> None:
    year = await open_year(url, drift)
    try:
        gap = timedelta(days=365) / max(1, len(plan))
        for step in plan:
            year.clock.advance(gap)
            try:
                match step:
                    case Book():
                        await book(year, step)
                    case Refund():
                        await refund(year, step)
                    case Dispute():
                        await dispute(year, step)
                    case PayOut():
                        await pay_out(year)
            except DomainError:
                pass  # a refusal (slot gone, nothing left to refund) changes nothing
            await assert_sound(year)
        year.clock.advance(timedelta(days=2))  # everything is in a finished period now
        await pay_out(year)
        await assert_readers_owed_their_share(year)
        await assert_pnl_is_the_ledger(year)
    finally:
        await year.database.dispose()


@settings(
    max_examples=25,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    drift=st.lists(st.integers(-300, 300), min_size=1, max_size=8),
    plan=st.lists(steps, min_size=8, max_size=30),
)
def test_a_year_of_money_balances_in_every_currency(
    sqlite_template: Path, drift: list[int], plan: list[Step]
) -> None:
    with TemporaryDirectory() as directory:
        url = fresh_sqlite_copy(sqlite_template, Path(directory) / "year.db")
        asyncio.run(live_a_year(url, drift, plan))
