"""Hold until paid, settle once, refund by running totals: on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from connectors.payments.builtin import BuiltinPayments
from domain import errors
from domain.billing.checkout import PaymentPages, request_payment
from domain.billing.money import InvalidAmount, Money
from domain.billing.payments import BUILTIN_PROVIDER, Payment
from domain.billing.settlement import ReceivedPayment, record_refund_total, settle_payment
from domain.booking import service
from domain.booking.service import HoldRequest
from domain.clock import FixedClock
from domain.enums import (
    BookingStatus,
    Channel,
    InvoiceKind,
    InvoiceStatus,
    LedgerAccount,
    OutboxKind,
    PaymentStatus,
)
from domain.models import Client, Reader, Service, WeeklyHours
from domain.ports.payments import Checkout, CheckoutRequest
from storage.models import OutboxMessage
from storage.uow import Database
from tests.support.factories import make_client, make_reader, make_service

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
FRIDAY_11 = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)
PAGES = PaymentPages("http://hub.test/chat", "http://hub.test/chat")


class CountingProvider(BuiltinPayments):
    """The built-in provider, counting how many checkouts it was asked to open."""

    def __init__(self) -> None:
        super().__init__(public_url="http://hub.test", secret=b"test-secret")
        self.checkouts = 0

    async def create_checkout(self, *, request: CheckoutRequest, idempotency_key: str) -> Checkout:
        self.checkouts += 1
        return await super().create_checkout(request=request, idempotency_key=idempotency_key)


@dataclass
class Shop:
    """A reader whose readings are paid before they are confirmed, and two clients."""

    database: Database
    clock: FixedClock
    reader: Reader
    service: Service
    clients: list[Client]
    provider: CountingProvider

    def uows(self):  # type: ignore[no-untyped-def]
        return self.database.uows()


@pytest.fixture
async def shop(database_url: str) -> AsyncIterator[Shop]:
    clock = FixedClock(START)
    database = Database.from_url(database_url, clock=clock)
    reader = make_reader(
        buffer_after_minutes=0, minimum_notice_minutes=60, prepayment_required=True
    )
    reading = make_service(reader, price_minor=6000, currency="GBP")
    clients = [make_client(), make_client()]
    async with database.uows() as uow:
        await uow.readers.add(reader)
        await uow.services.add(reading)
        for client in clients:
            await uow.clients.add(client)
        for weekday in range(5):
            await uow.availability.replace_weekday(
                reader.id, weekday, [WeeklyHours(weekday, time(10), time(18))]
            )
        await uow.commit()
    yield Shop(database, clock, reader, reading, clients, CountingProvider())
    await database.dispose()


async def hold(shop: Shop, client: Client):  # type: ignore[no-untyped-def]
    return await service.hold_slot(
        uow=shop.uows(),
        clock=shop.clock,
        request=HoldRequest(
            client.id, shop.service.id, FRIDAY_11, "Europe/London", Channel.WEBCHAT
        ),
    )


async def checkout(shop: Shop, booking_id, client: Client) -> Payment:  # type: ignore[no-untyped-def]
    return await request_payment(
        uows=shop.database.uows,
        clock=shop.clock,
        provider=shop.provider,
        booking_id=booking_id,
        client_id=client.id,
        pages=PAGES,
    )


async def pay(shop: Shop, payment: Payment, amount: int = 6000):  # type: ignore[no-untyped-def]
    return await settle_payment(
        uow=shop.uows(),
        clock=shop.clock,
        received=ReceivedPayment(
            provider=BUILTIN_PROVIDER,
            amount=Money(amount, "GBP"),
            checkout_id=payment.checkout_id,
            provider_payment_id=f"test-{payment.id}",
        ),
        platform_currency="GBP",
    )


async def outbox_kinds(shop: Shop) -> list[str]:
    async with shop.uows() as uow:
        rows = await uow.session.execute(sa.select(OutboxMessage.kind).order_by(OutboxMessage.key))
        return [str(kind) for kind in rows.scalars()]


async def test_a_prepaid_hold_cannot_be_confirmed_before_it_is_paid(shop: Shop) -> None:
    held = await hold(shop, shop.clients[0])

    with pytest.raises(errors.PaymentRequired):
        await service.confirm_booking(
            uow=shop.uows(), clock=shop.clock, hold_id=held.id, client_id=shop.clients[0].id
        )

    async with shop.uows() as uow:
        booking = await uow.bookings.get(held.id)
    assert booking is not None
    assert booking.status is BookingStatus.HELD


async def test_asking_to_pay_twice_opens_one_checkout_and_holds_for_the_window(
    shop: Shop,
) -> None:
    held = await hold(shop, shop.clients[0])

    first = await checkout(shop, held.id, shop.clients[0])
    again = await checkout(shop, held.id, shop.clients[0])

    assert first.id == again.id
    assert first.checkout_url == again.checkout_url
    assert shop.provider.checkouts == 1
    assert first.checkout_url
    assert first.checkout_url.startswith("http://hub.test/pay/")
    async with shop.uows() as uow:
        booking = await uow.bookings.get(held.id)
    assert booking is not None
    assert booking.hold_expires_at == START + timedelta(minutes=30)


async def test_payment_confirms_the_hold_invoices_it_and_books_the_split_once(
    shop: Shop,
) -> None:
    held = await hold(shop, shop.clients[0])
    payment = await checkout(shop, held.id, shop.clients[0])

    settled = await pay(shop, payment)
    again = await pay(shop, payment)

    assert settled.booking is not None
    assert settled.booking.status is BookingStatus.CONFIRMED
    assert not settled.refund_due
    assert again.duplicate
    assert settled.invoice is not None
    assert settled.invoice.total == Money(6000, "GBP")
    async with shop.uows() as uow:
        invoice = await uow.invoices.get(settled.invoice.id)
        stored = await uow.payments.get(payment.id)
        reader_owed = await uow.ledger.balance(LedgerAccount.READER_PAYABLE, "GBP", shop.reader.id)
        platform = await uow.ledger.balance(LedgerAccount.PLATFORM_REVENUE, "GBP", shop.reader.id)
        cash = await uow.ledger.balance(LedgerAccount.CASH, "GBP", None)
        net = await uow.ledger.net_by_currency()
    assert invoice is not None
    assert invoice.status is InvoiceStatus.PAID
    assert stored is not None
    assert stored.status is PaymentStatus.SUCCEEDED
    assert stored.reader_value is not None
    assert stored.reader_value.money == Money(6000, "GBP")
    assert (cash, reader_owed, platform) == (6000, 4200, 1800)  # the reader keeps 70 %
    assert net == {"GBP": 0}
    assert (await outbox_kinds(shop)).count(OutboxKind.BOOKING_CONFIRMED.value) == 1


async def test_two_deliveries_of_one_payment_at_once_settle_it_once(shop: Shop) -> None:
    held = await hold(shop, shop.clients[0])
    payment = await checkout(shop, held.id, shop.clients[0])

    results = await asyncio.gather(pay(shop, payment), pay(shop, payment))

    assert sorted(r.duplicate for r in results) == [False, True]
    async with shop.uows() as uow:
        cash = await uow.ledger.balance(LedgerAccount.CASH, "GBP", None)
    assert cash == 6000


async def test_a_late_payment_still_confirms_when_nobody_took_the_slot(shop: Shop) -> None:
    held = await hold(shop, shop.clients[0])
    payment = await checkout(shop, held.id, shop.clients[0])
    shop.clock.advance(timedelta(minutes=45))  # the payment window lapsed

    settled = await pay(shop, payment)

    assert settled.booking is not None
    assert settled.booking.status is BookingStatus.CONFIRMED
    assert not settled.refund_due


async def test_a_payment_after_the_slot_went_to_someone_else_is_queued_for_refund(
    shop: Shop,
) -> None:
    first, second = shop.clients
    held = await hold(shop, first)
    payment = await checkout(shop, held.id, first)
    shop.clock.advance(timedelta(minutes=45))
    taken = await hold(shop, second)  # the lapsed hold no longer blocks the slot

    settled = await pay(shop, payment)

    assert settled.refund_due
    assert settled.booking is None
    async with shop.uows() as uow:
        mine = await uow.bookings.get(held.id)
        theirs = await uow.bookings.get(taken.id)
        refund = await uow.outbox.get_by_key(f"payment.refund:{payment.id}:6000")
    assert mine is not None
    assert mine.status is not BookingStatus.CONFIRMED
    assert theirs is not None
    assert theirs.status is BookingStatus.HELD
    assert refund is not None
    assert refund.payload["reason"] == "slot_taken"
    assert settled.payment.status is PaymentStatus.SUCCEEDED  # kept until the refund is done


async def test_refunds_are_booked_up_to_their_running_total_once(shop: Shop) -> None:
    held = await hold(shop, shop.clients[0])
    payment = await checkout(shop, held.id, shop.clients[0])
    await pay(shop, payment)

    part = await record_refund_total(
        uow=shop.uows(), clock=shop.clock, payment_id=payment.id, refunded_total=Money(2000, "GBP")
    )
    replayed = await record_refund_total(
        uow=shop.uows(), clock=shop.clock, payment_id=payment.id, refunded_total=Money(2000, "GBP")
    )
    rest = await record_refund_total(
        uow=shop.uows(), clock=shop.clock, payment_id=payment.id, refunded_total=Money(6000, "GBP")
    )

    assert (part, replayed, rest) == (Money(2000, "GBP"), Money(0, "GBP"), Money(4000, "GBP"))
    async with shop.uows() as uow:
        stored = await uow.payments.get(payment.id)
        owed = await uow.ledger.balance(LedgerAccount.READER_PAYABLE, "GBP", shop.reader.id)
        fees = await uow.ledger.balance(LedgerAccount.PLATFORM_REVENUE, "GBP", shop.reader.id)
        net = await uow.ledger.net_by_currency()
        assert stored is not None
        assert stored.invoice_id is not None
        notes = await uow.invoices.credits_of(stored.invoice_id)
    assert stored.status is PaymentStatus.REFUNDED
    assert stored.refunded_minor == 6000
    assert (owed, fees, net) == (0, 0, {"GBP": 0})
    assert [n.kind for n in notes] == [InvoiceKind.CREDIT_NOTE] * 2
    assert sum(n.total.amount_minor for n in notes) == 6000


async def test_a_refund_in_another_currency_is_refused(shop: Shop) -> None:
    held = await hold(shop, shop.clients[0])
    payment = await checkout(shop, held.id, shop.clients[0])
    await pay(shop, payment)

    with pytest.raises(InvalidAmount):
        await record_refund_total(
            uow=shop.uows(),
            clock=shop.clock,
            payment_id=payment.id,
            refunded_total=Money(100, "EUR"),
        )


async def test_a_checkout_nobody_opened_is_not_found(shop: Shop) -> None:
    with pytest.raises(errors.NotFound):
        await settle_payment(
            uow=shop.uows(),
            clock=shop.clock,
            received=ReceivedPayment(BUILTIN_PROVIDER, Money(6000, "GBP"), checkout_id="forged"),
            platform_currency="GBP",
        )
