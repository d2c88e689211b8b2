"""A reader's books written through the real money code: bookings paid, refunded, disputed.

Every payment goes through `record_offline_payment` (settle, invoice, split, post), every
refund through `record_refund_total`: the ledger the payouts and reports read is the one
the product writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from domain.billing.money import Money
from domain.billing.reader_money import record_offline_payment
from domain.billing.settlement import Settlement, record_dispute, record_refund_total
from domain.clock import FixedClock
from domain.enums import PaymentMethod
from domain.models import Client, Reader, Service
from domain.ports.fx import FxQuote
from domain.ports.storage import UnitOfWorkFactory
from tests.support.factories import make_booking, make_client, make_service, seed


@dataclass
class Books:
    """One reader with a service per currency and a client, on a settable clock."""

    uows: UnitOfWorkFactory
    clock: FixedClock
    reader: Reader
    services: dict[str, Service]
    client: Client
    platform_currency: str = "GBP"
    first_slot: datetime | None = None
    _slot: int = 0

    async def paid(self, currency: str | None = None, *, amount: str | None = None) -> Settlement:
        """A confirmed booking of the reader's, paid in cash now (its price, or `amount`)."""
        service = self.services[currency or self.reader.currency]
        # Bookings an hour apart from a day after the books opened: never overlapping.
        self.first_slot = self.first_slot or self.clock.now() + timedelta(days=1)
        self._slot += 1
        starts = self.first_slot + timedelta(hours=self._slot)
        booking = make_booking(service, self.client, starts)
        await seed(self.uows, booking)
        return await record_offline_payment(
            uows=self.uows,
            clock=self.clock,
            reader_id=self.reader.id,
            reference=booking.reference,
            method=PaymentMethod.CASH,
            platform_currency=self.platform_currency,
            amount_text=amount,
        )

    async def refund(self, settled: Settlement, minor: int) -> Money:
        """Refund `minor` more of a payment (booked as the provider's running total)."""
        payment = settled.payment
        async with self.uows(read_only=True) as uow:
            current = await uow.payments.get(payment.id)
        assert current is not None
        total = Money(current.refunds_minor + minor, payment.amount.currency)
        return await record_refund_total(
            uow=self.uows(), clock=self.clock, payment_id=payment.id, refunded_total=total
        )

    async def dispute(self, settled: Settlement, minor: int) -> Money:
        """A client's bank takes `minor` back."""
        payment = settled.payment
        return await record_dispute(
            uow=self.uows(),
            clock=self.clock,
            payment_id=payment.id,
            disputed=Money(minor, payment.amount.currency),
            reason="fraudulent",
        )

    def advance(self, **delta: float) -> None:
        """Move the clock on."""
        self.clock.advance(timedelta(**delta))

    async def net_by_currency(self) -> dict[str, int]:
        """The whole ledger's debits minus credits per currency (all zero when sound)."""
        async with self.uows(read_only=True) as uow:
            return await uow.ledger.net_by_currency()


async def open_books(
    uows: UnitOfWorkFactory,
    clock: FixedClock,
    reader: Reader,
    *,
    prices: dict[str, int] | None = None,
    rates: dict[tuple[str, str], str] | None = None,
    platform_currency: str = "GBP",
) -> Books:
    """Store the reader, a service per currency (`prices`), a client and FX rates."""
    prices = prices or {reader.currency: 6000}
    services = {
        currency: make_service(reader, price_minor=price, currency=currency)
        for currency, price in prices.items()
    }
    client = make_client()
    await seed(uows, reader, *services.values(), client)
    if rates:
        await store_rates(uows, clock.now().date(), rates)
    return Books(uows, clock, reader, services, client, platform_currency)


async def store_rates(
    uows: UnitOfWorkFactory, since: date, rates: dict[tuple[str, str], str], days: int = 120
) -> None:
    """The same rate for every day from `since` on (tests pick round numbers)."""
    quotes = [
        FxQuote(base, quote, Decimal(rate), since + timedelta(days=d), "test")
        for (base, quote), rate in rates.items()
        for d in range(-days, days)
    ]
    async with uows() as uow:
        await uow.fx_rates.upsert(quotes)
        await uow.commit()


def at(day: datetime, **delta: float) -> datetime:
    """An instant relative to another."""
    return day + timedelta(**delta)
