"""Hold until paid, settle once, refund by running totals: on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa

from domain import errors
from domain.billing.money import InvalidAmount, Money
from domain.billing.payments import BUILTIN_PROVIDER
from domain.billing.settlement import ReceivedPayment, record_refund_total, settle_payment
from domain.booking import service
from domain.enums import (
    BookingStatus,
    InvoiceKind,
    InvoiceStatus,
    LedgerAccount,
    OutboxKind,
    PaymentStatus,
)
from storage.models import OutboxMessage
from tests.domain.billing.conftest import START, Shop, checkout, hold, pay


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
    async with shop.uows() as uow:  # each note goes to the client once, like the invoice
        for note in notes:
            assert await uow.outbox.get_by_key(f"invoice.send:{note.id}:issue") is not None
    assert (await outbox_kinds(shop)).count(OutboxKind.INVOICE_SEND.value) == 3


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
