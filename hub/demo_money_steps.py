"""The steps of the demo's money history, each a call to the service a live hub would make.

Every step is a timed call (`TimedStep`); `hub.demo_money` runs them in time order with
the clock set to each step's moment. See that module for the story they tell.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from connectors.payments.builtin import BuiltinPayments
from domain.billing.cancellation import refund_cancelled
from domain.billing.checkout import PaymentPages, request_payment
from domain.billing.money import Money
from domain.billing.payments import BUILTIN_PROVIDER, Payment
from domain.billing.reader_money import add_expense, invoice_client, record_offline_payment
from domain.billing.refund_effects import alert_dispute, apply_refund
from domain.billing.settlement import ReceivedPayment, record_dispute, settle_payment
from domain.booking.effects import claim_effects
from domain.booking.externals import finish_effect
from domain.booking.rules import share_of
from domain.booking.service import HoldRequest, cancel_booking, hold_slot, mark_attendance
from domain.booking.windows import TimeWindow
from domain.clock import FixedClock
from domain.enums import BookingStatus, Channel, OutboxKind, PaymentMethod, PaymentStatus
from domain.models import Booking, Reader, Service
from domain.ports.notify import DeliveryReport, Notice
from domain.ports.payments import CheckoutRequest
from storage.uow import Database

HISTORY = "demo history: before the demo began"
# A month's costs per reader currency, as the reader types them after "expense".
EXPENSES = {
    "GBP": ("12.50 GBP cards", "8.99 GBP software", "45 GBP advertising", "30 EUR candles"),
    "AED": ("55 AED cards", "36.75 AED software", "180 AED advertising", "40 AED incense"),
    "USD": ("14.99 USD software", "25 USD cards", "60 USD advertising", "2000 JPY incense"),
}
EXPENSE_DAYS = (5, 12, 19, 26)
# Of the completed readings, the share the reader records as cash or a transfer (each
# searches the reader's bookings by reference: ~20 ms, five times a pay-page payment).
PAID_OFFLINE = 0.02
SETTLED = timedelta(days=14)  # the Sunday readings stop a fortnight before today
Step = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class TimedStep:
    """One call at one moment; `order` breaks ties (payments before invoices at a time)."""

    at: datetime
    order: int
    run: Step


class SilentNotifier:
    """Notices about the past: the people were told then; nothing is sent now."""

    async def notify_client(
        self, *, client_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        """Say it was not sent."""
        return DeliveryReport(delivered=False, detail=HISTORY)

    async def notify_reader(
        self, *, reader_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        """Say it was not sent."""
        return DeliveryReport(delivered=False, detail=HISTORY)


@dataclass
class MoneyDemo:
    """What every step needs: the database, the moving clock, the provider, the counts."""

    database: Database
    clock: FixedClock
    provider: BuiltinPayments
    pages: PaymentPages
    platform_currency: str
    counts: Counter[str] = field(default_factory=Counter)


async def history_steps(
    demo: MoneyDemo, reader: Reader, start: datetime, now: datetime, rng: random.Random
) -> list[TimedStep]:
    """A payment for every completed reading, an invoice for every no-show's fee."""
    async with demo.database.uows(read_only=True) as u:
        finished = await u.bookings.for_reader(
            reader.id,
            TimeWindow(start - timedelta(days=1), now),
            statuses=(BookingStatus.COMPLETED, BookingStatus.NO_SHOW),
        )
        missed = {b.client_id for b in finished if b.status is BookingStatus.NO_SHOW}
        clients = {client_id: await u.clients.get(client_id) for client_id in missed}
    steps: list[TimedStep] = []
    on_page: list[tuple[datetime, Booking]] = []
    for booking in finished:
        if booking.status is BookingStatus.NO_SHOW:
            client = clients[booking.client_id]
            if client is not None and client.email:
                fee = share_of(booking.price_minor, reader.late_cancel_fee_bps)
                billed = _bill_no_show(demo, booking, client.email, Money(fee, booking.currency))
                steps.append(TimedStep(booking.ends_at + timedelta(hours=20), 1, billed))
            continue
        paid_at = booking.ends_at + timedelta(minutes=rng.randint(2, 90))
        if rng.random() < PAID_OFFLINE:
            steps.append(TimedStep(paid_at, 0, _recorded_by_reader(demo, booking)))
        else:
            on_page.append((paid_at, booking))
    checkouts = await _open_checkouts(demo, on_page)
    steps += [
        TimedStep(at, 0, _paid_on_page(demo, p))
        for (at, _), p in zip(on_page, checkouts, strict=True)
    ]
    return steps


async def _open_checkouts(
    demo: MoneyDemo, bookings: list[tuple[datetime, Booking]]
) -> list[Payment]:
    """The pay-page checkouts of finished readings, as `request_payment` opens one.

    That service opens checkouts for holds only, and these bookings were written finished;
    so the pending payment and the provider's checkout are made here the way it makes
    them (one transaction for all: the same rows, each with its own moment).
    """
    payments = []
    for opened, booking in bookings:
        payment = Payment(
            id=uuid4(),
            reader_id=booking.reader_id,
            client_id=booking.client_id,
            amount=Money(booking.price_minor, booking.currency),
            provider=BUILTIN_PROVIDER,
            method=PaymentMethod.CARD,
            status=PaymentStatus.PENDING,
            created_at=opened,
            booking_id=booking.id,
            expires_at=opened + timedelta(minutes=30),
        )
        checkout = await demo.provider.create_checkout(
            request=CheckoutRequest(
                payment.id,
                payment.amount,
                "Reading",
                opened + timedelta(minutes=30),
                demo.pages.success_url,
                demo.pages.cancel_url,
                booking_id=booking.id,
            ),
            idempotency_key=f"checkout:{payment.id}",
        )
        payment.checkout_id, payment.checkout_url = checkout.checkout_id, checkout.url
        payments.append(payment)
    async with demo.database.uows() as u:
        for payment in payments:
            await u.payments.add(payment)
        await u.commit()
    return payments


def _paid_on_page(demo: MoneyDemo, payment: Payment) -> Step:
    async def step() -> None:
        await settle_on_page(demo, payment)

    return step


async def settle_on_page(demo: MoneyDemo, payment: Payment) -> None:
    """What `POST /pay/{token}` does when the client presses its button, two minutes on."""
    demo.clock.set(demo.clock.now() + timedelta(minutes=2))
    await settle_payment(
        uow=demo.database.uows(),
        clock=demo.clock,
        received=ReceivedPayment(
            provider=BUILTIN_PROVIDER,
            amount=payment.amount,
            payment_id=payment.id,
            checkout_id=payment.checkout_id,
            provider_payment_id=f"test-{payment.id}",
        ),
        platform_currency=demo.platform_currency,
    )
    demo.counts["paid"] += 1


def _recorded_by_reader(demo: MoneyDemo, booking: Booking) -> Step:
    """The reader types "paid #REF cash" (or transfer) after the reading."""

    async def step() -> None:
        await record_offline_payment(
            uows=demo.database.uows,
            clock=demo.clock,
            reader_id=booking.reader_id,
            reference=booking.reference,
            method=PaymentMethod.CASH if booking.id.int % 2 else PaymentMethod.BANK_TRANSFER,
            platform_currency=demo.platform_currency,
        )
        demo.counts["paid"] += 1
        demo.counts["offline"] += 1

    return step


def _bill_no_show(demo: MoneyDemo, booking: Booking, email: str, fee: Money) -> Step:
    """The reader bills the missed reading's fee the next day ("invoice EMAIL 22.50 ...")."""

    async def step() -> None:
        await invoice_client(
            uow=demo.database.uows(),
            clock=demo.clock,
            reader_id=booking.reader_id,
            client_ref=email,
            amount_text=f"{fee.decimal:f}",
            reason=f"Missed reading of {booking.starts_at:%Y-%m-%d} (ref {booking.reference})",
        )
        demo.counts["billed"] += 1

    return step


def expense_steps(
    demo: MoneyDemo, reader: Reader, start: datetime, now: datetime
) -> list[TimedStep]:
    """The month's costs, typed on set days at 19:00, reader-local."""
    zone = ZoneInfo(reader.timezone)
    steps: list[TimedStep] = []
    month = start.astimezone(zone).date().replace(day=1)
    while month <= now.astimezone(zone).date():
        for day, text in zip(EXPENSE_DAYS, EXPENSES[reader.currency], strict=True):
            at = datetime.combine(month.replace(day=day), time(19), zone).astimezone(UTC)
            if start <= at < now:
                steps.append(TimedStep(at, 2, _expense(demo, reader, text)))
        month = (month + timedelta(days=32)).replace(day=1)
    return steps


def _expense(demo: MoneyDemo, reader: Reader, text: str) -> Step:
    async def step() -> None:
        await add_expense(
            uow=demo.database.uows(), clock=demo.clock, reader_id=reader.id, text=text
        )
        demo.counts["expenses"] += 1

    return step


@dataclass
class _Sunday:
    """One paid-in-advance reading, as its steps come to know it."""

    reader: Reader
    service: Service
    client_id: UUID
    begins: datetime
    booking_id: UUID | None = None
    payment: Payment | None = None


async def sunday_steps(
    demo: MoneyDemo,
    reader: Reader,
    service: Service,
    turns: dict[int, str],
    span: tuple[datetime, datetime],
    rng: random.Random,
) -> list[TimedStep]:
    """A paid-in-advance reading each Sunday at 11:00 reader-local, booked three days
    before; the nth takes `turns[n]` ("early" or "late" cancel, "dispute") instead."""
    start, now = span
    async with demo.database.uows(read_only=True) as u:
        seen = await u.bookings.for_reader(
            reader.id, TimeWindow(start, now), statuses=(BookingStatus.COMPLETED,)
        )
    clients = sorted({b.client_id for b in seen})  # the reader's own clients
    zone = ZoneInfo(reader.timezone)
    day = (start + timedelta(days=7)).astimezone(zone).date()
    day += timedelta(days=(6 - day.weekday()) % 7)
    steps: list[TimedStep] = []
    n = 0
    while (begins := datetime.combine(day, time(11), zone).astimezone(UTC)) < now - SETTLED:
        n, day = n + 1, day + timedelta(days=7)
        sunday = _Sunday(reader, service, rng.choice(clients), begins)
        steps.append(TimedStep(begins - timedelta(days=3), 3, _book_and_pay(demo, sunday)))
        turn = turns.get(n)
        if turn in ("early", "late"):
            before = timedelta(days=2) if turn == "early" else timedelta(hours=6)
            steps.append(TimedStep(begins - before, 3, _client_cancels(demo, sunday)))
            continue
        ended = begins + timedelta(minutes=service.duration_minutes + 5)
        steps.append(TimedStep(ended, 3, _read(demo, sunday)))
        if turn == "dispute":
            steps.append(TimedStep(begins + timedelta(days=12), 3, _bank_disputes(demo, sunday)))
    return steps


def _book_and_pay(demo: MoneyDemo, sunday: _Sunday) -> Step:
    """The client holds the slot, opens the checkout and pays it on the page."""

    async def step() -> None:
        async with demo.database.uows(read_only=True) as u:
            client = await u.clients.get(sunday.client_id)
        request = HoldRequest(
            sunday.client_id,
            sunday.service.id,
            sunday.begins,
            client.timezone if client else "UTC",
            Channel.WEBCHAT,
        )
        held = await hold_slot(uow=demo.database.uows(), clock=demo.clock, request=request)
        payment = await request_payment(
            uows=demo.database.uows,
            clock=demo.clock,
            provider=demo.provider,
            booking_id=held.id,
            client_id=sunday.client_id,
            pages=demo.pages,
        )
        await settle_on_page(demo, payment)
        sunday.booking_id, sunday.payment = held.id, payment

    return step


def _client_cancels(demo: MoneyDemo, sunday: _Sunday) -> Step:
    """Cancelled by the client: the policy fixes the fee, the refund effect gives the rest."""

    async def step() -> None:
        assert sunday.booking_id is not None
        await cancel_booking(
            uow=demo.database.uows(),
            clock=demo.clock,
            booking_id=sunday.booking_id,
            client_id=sunday.client_id,
        )
        await close_history(demo)  # the cancellation effect's refund, booked now

    return step


def _read(demo: MoneyDemo, sunday: _Sunday) -> Step:
    async def step() -> None:
        assert sunday.booking_id is not None
        await mark_attendance(
            uow=demo.database.uows(),
            clock=demo.clock,
            booking_id=sunday.booking_id,
            reader_id=sunday.reader.id,
            attended=True,
        )

    return step


def _bank_disputes(demo: MoneyDemo, sunday: _Sunday) -> Step:
    async def step() -> None:
        assert sunday.payment is not None
        await record_dispute(
            uow=demo.database.uows(),
            clock=demo.clock,
            payment_id=sunday.payment.id,
            disputed=sunday.payment.amount,
            reason="unrecognized",
        )
        demo.counts["disputes"] += 1
        await close_history(demo)  # the reader's alert (not sent: it is the past)

    return step


async def close_history(demo: MoneyDemo) -> None:
    """Carry out the history's money rows (refunds, dispute alerts); close the rest unsent."""
    uows, clock, silent = demo.database.uows, demo.clock, SilentNotifier()
    payments = {BUILTIN_PROVIDER: demo.provider}
    while entries := await claim_effects(
        uows=uows, clock=clock, limit=500, lease=timedelta(minutes=5), kinds=tuple(OutboxKind)
    ):
        for entry in entries:
            if entry.kind is OutboxKind.PAYMENT_REFUND:
                await apply_refund(
                    uows=uows, clock=clock, notifier=silent, payments=payments, entry=entry
                )
                demo.counts["refunds"] += 1
            elif entry.kind is OutboxKind.PAYMENT_DISPUTED:
                await alert_dispute(uows=uows, clock=clock, notifier=silent, entry=entry)
            elif entry.kind is OutboxKind.BOOKING_CANCELLED:
                # What the cancellation effect does with money; its calendar and message
                # belong to the past.
                booking_id = UUID(entry.payload["booking_id"])
                await refund_cancelled(uows=uows, clock=clock, booking_id=booking_id)
                await finish_effect(uows, clock, entry, "done", detail=HISTORY)
            else:
                await finish_effect(uows, clock, entry, "skipped", detail=HISTORY)
