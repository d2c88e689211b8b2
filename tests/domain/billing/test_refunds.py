"""Money going back: the refund row through the provider, cancellations by the policy."""

from __future__ import annotations

from datetime import timedelta

from domain.billing.cancellation import refund_cancelled
from domain.billing.money import Money
from domain.billing.settlement import record_dispute, record_refund_total
from domain.booking import service
from domain.booking.effects import apply_effect
from domain.enums import LedgerAccount, OutboxKind, PaymentStatus, PostingKind
from domain.models import OutboxEntry
from domain.ports.notify import NoticeKind
from domain.ports.payments import ProviderRefund
from tests.domain.billing.conftest import Shop, checkout, hold, pay
from tests.support.notifier import FakeNotifier


class RefundCounter:
    """A provider that records the refunds it was asked for, by idempotency key."""

    name = "builtin"

    def __init__(self) -> None:
        self.refunds: dict[str, Money] = {}

    async def create_checkout(self, **_: object) -> None:
        raise AssertionError("refunds only")

    async def refund(
        self, *, provider_payment_id: str, amount: Money, idempotency_key: str
    ) -> ProviderRefund:
        self.refunds[idempotency_key] = amount  # the same key twice is one refund
        return ProviderRefund("builtin", f"re_{len(self.refunds)}", amount)


async def run_row(shop: Shop, key: str, provider: RefundCounter, notifier: FakeNotifier):  # type: ignore[no-untyped-def]
    async with shop.uows() as uow:
        entry = await uow.outbox.get_by_key(key)
    assert entry is not None
    return await apply_effect(
        uows=shop.database.uows,
        accounts=None,  # type: ignore[arg-type]  # refunds never touch calendars
        notifier=notifier,
        clock=shop.clock,
        entry=entry,
        payments={"builtin": provider},  # type: ignore[dict-item]
    )


async def paid_booking(shop: Shop):  # type: ignore[no-untyped-def]
    held = await hold(shop, shop.clients[0])
    payment = await checkout(shop, held.id, shop.clients[0])
    await pay(shop, payment)
    return held, payment


async def refund_rows(shop: Shop) -> list[OutboxEntry]:
    async with shop.uows() as uow:
        due = await uow.outbox.claim_due(
            shop.clock.now(), 50, timedelta(minutes=5), (OutboxKind.PAYMENT_REFUND,)
        )
        await uow.commit()
    return due


async def test_a_refund_row_run_twice_refunds_once_and_tells_the_client_once(shop: Shop) -> None:
    first, second = shop.clients
    held = await hold(shop, first)
    payment = await checkout(shop, held.id, first)
    shop.clock.advance(timedelta(minutes=45))
    await hold(shop, second)
    await pay(shop, payment)  # too late: queued for refund
    provider, notifier = RefundCounter(), FakeNotifier()
    key = f"payment.refund:{payment.id}:6000"

    done = await run_row(shop, key, provider, notifier)
    again = await run_row(shop, key, provider, notifier)

    assert (done.outcome, again.outcome) == ("done", "done")
    assert provider.refunds == {key: Money(6000, "GBP")}
    [told] = notifier.of_kind(NoticeKind.PAYMENT_REFUNDED)
    assert told.notice.params["reason"] == "slot_taken"
    async with shop.uows() as uow:
        stored = await uow.payments.get(payment.id)
        cash = await uow.ledger.balance(LedgerAccount.CASH, "GBP", None)
        net = await uow.ledger.net_by_currency()
    assert stored is not None
    assert stored.status is PaymentStatus.REFUNDED
    assert (cash, net) == (0, {"GBP": 0})


async def test_cancelling_inside_the_free_window_queues_a_full_refund(shop: Shop) -> None:
    held, _payment = await paid_booking(shop)
    await service.cancel_booking(
        uow=shop.uows(), clock=shop.clock, booking_id=held.id, client_id=shop.clients[0].id
    )

    queued = await refund_cancelled(uows=shop.database.uows, clock=shop.clock, booking_id=held.id)
    queued_again = await refund_cancelled(
        uows=shop.database.uows, clock=shop.clock, booking_id=held.id
    )

    [row] = await refund_rows(shop)
    assert (queued, queued_again) == (6000, 6000)  # the same row, by its key
    assert row.payload["amount_minor"] == 6000
    assert row.payload["reason"] == "cancelled"


async def test_a_late_cancellation_keeps_the_fee_and_refunds_the_rest(shop: Shop) -> None:
    held, _payment = await paid_booking(shop)
    shop.clock.advance(timedelta(hours=20))  # 6 hours before: inside the 24 h fee window
    cancelled = await service.cancel_booking(
        uow=shop.uows(), clock=shop.clock, booking_id=held.id, client_id=shop.clients[0].id
    )

    await refund_cancelled(uows=shop.database.uows, clock=shop.clock, booking_id=held.id)

    [row] = await refund_rows(shop)
    assert cancelled.fee_minor == 3000  # the reader's 50 % fee
    assert row.payload["amount_minor"] == 6000 - cancelled.fee_minor


async def test_a_dispute_is_booked_once_and_alerts_the_reader(shop: Shop) -> None:
    _held, payment = await paid_booking(shop)

    taken = await record_dispute(
        uow=shop.uows(),
        clock=shop.clock,
        payment_id=payment.id,
        disputed=Money(6000, "GBP"),
        reason="fraudulent",
    )
    replayed = await record_dispute(
        uow=shop.uows(),
        clock=shop.clock,
        payment_id=payment.id,
        disputed=Money(6000, "GBP"),
        reason="fraudulent",
    )

    assert (taken, replayed) == (Money(6000, "GBP"), Money(0, "GBP"))
    async with shop.uows() as uow:
        owed = await uow.ledger.balance(LedgerAccount.READER_PAYABLE, "GBP", shop.reader.id)
        legs = await uow.ledger.payment_legs(payment.id, (PostingKind.DISPUTE,))
        alert = await uow.outbox.claim_due(
            shop.clock.now(), 10, timedelta(minutes=5), (OutboxKind.PAYMENT_DISPUTED,)
        )
        await uow.commit()
    assert owed == 0
    assert legs
    [row] = alert
    notifier = FakeNotifier()
    await apply_effect(
        uows=shop.database.uows,
        accounts=None,  # type: ignore[arg-type]
        notifier=notifier,
        clock=shop.clock,
        entry=row,
    )
    [told] = notifier.of_kind(NoticeKind.PAYMENT_DISPUTED)
    assert told.role == "reader"
    assert told.notice.params["reason"] == "fraudulent"


def gbp(minor: int) -> Money:
    return Money(minor, "GBP")


async def test_a_providers_refund_total_counts_refunds_apart_from_a_dispute(shop: Shop) -> None:
    _, payment = await paid_booking(shop)
    await record_dispute(
        uow=shop.uows(), clock=shop.clock, payment_id=payment.id, disputed=gbp(2000), reason=None
    )

    first = await record_refund_total(
        uow=shop.uows(), clock=shop.clock, payment_id=payment.id, refunded_total=gbp(1000)
    )
    again = await record_refund_total(
        uow=shop.uows(), clock=shop.clock, payment_id=payment.id, refunded_total=gbp(1000)
    )
    beyond = await record_refund_total(
        uow=shop.uows(), clock=shop.clock, payment_id=payment.id, refunded_total=gbp(9000)
    )

    assert (first, again, beyond) == (gbp(1000), gbp(0), gbp(3000))  # never past what was paid
    async with shop.uows() as uow:
        stored = await uow.payments.get(payment.id)
        assert await uow.ledger.net_by_currency() == {"GBP": 0}
    assert stored is not None
    assert (stored.refunded_minor, stored.disputed_minor) == (6000, 2000)
    assert stored.status is PaymentStatus.REFUNDED
