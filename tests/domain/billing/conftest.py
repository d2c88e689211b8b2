"""A reader whose readings are paid before they are confirmed: on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from connectors.payments.builtin import BuiltinPayments
from domain.billing.checkout import PaymentPages, request_payment
from domain.billing.money import Money
from domain.billing.payments import BUILTIN_PROVIDER, Payment
from domain.billing.settlement import ReceivedPayment, settle_payment
from domain.booking import service
from domain.booking.service import HoldRequest
from domain.clock import FixedClock
from domain.enums import Channel
from domain.models import Client, Reader, Service
from domain.ports.payments import Checkout, CheckoutRequest
from storage.uow import Database
from tests.support.factories import make_client, make_reader, make_service, seed_open_reader

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
    await seed_open_reader(database.uows, reader, reading, *clients)
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
