"""What conversation steps may use: the domain's ports, never SQL or an SDK."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from bots.conversations.cache import TtlCache
from bots.engine.replies import HubFile
from domain.analytics.charts import ChartSpec
from domain.billing import checkout, reader_money
from domain.billing.invoices import Invoice
from domain.billing.payments import Payment
from domain.billing.settlement import Settlement
from domain.booking import queries
from domain.clock import Clock
from domain.enums import Channel, PaymentMethod, ReportKind, Role
from domain.errors import InvalidRequest, NotFound
from domain.models import Booking, Reader, Service
from domain.ports.client_records import NoteCipher
from domain.ports.email import Mailer
from domain.ports.payments import InChatPaymentProvider, PaymentProvider
from domain.ports.storage import UnitOfWorkFactory


@dataclass(frozen=True)
class ChatDeps:
    """Dependencies shared by every step; built once by hub/."""

    uows: UnitOfWorkFactory
    clock: Clock
    hold_for: timedelta = timedelta(minutes=10)
    brand: str = "Samia"
    default_timezone: str = "UTC"
    public_url: str = "http://127.0.0.1:8000"
    telegram_bot: str | None = None  # the bot's username, for t.me invitation links
    # Sign-in codes; None only where no email can leave (then a known email cannot sign in).
    mailer: Mailer | None = None
    # Where a reading paid in advance is paid: the built-in pay page unless Stripe is set.
    payments: PaymentProvider | None = None
    # Channels whose clients pay inside the chat (Telegram's invoice), when configured.
    chat_payments: Mapping[Channel, InChatPaymentProvider] = field(default_factory=dict)
    platform_currency: str = "USD"
    # A link to an invoice's PDF that works without signing in (signed by the hub).
    invoice_link: Callable[[UUID], str] | None = None
    # A signed link to a reader's report as CSV: (reader id, report, first day, last day).
    report_link: Callable[[UUID, ReportKind, date | None, date | None], str] | None = None
    # A signed link that opens one expense's receipt (photo or PDF) without signing in.
    receipt_link: Callable[[UUID], str] | None = None
    # Draws a chart into the hub's file store (None: figures go as text only).
    chart_image: Callable[[ChartSpec], Awaitable[HubFile]] | None = None
    # A one-time sign-in link to the dashboard: (READER, reader id) or (ADMIN, admin id).
    dashboard_link: Callable[[Role, UUID], Awaitable[str]] | None = None
    # Seals a reader's private client notes at rest (None: notes are not available here).
    note_cipher: NoteCipher | None = None
    reader_names: list[str] = field(default_factory=list)
    catalog: TtlCache[Any, Any] = field(default_factory=lambda: TtlCache(ttl=30.0))
    actors: TtlCache[str, Any] = field(default_factory=lambda: TtlCache(ttl=15.0))

    def forget_actor(self, channel: str, workspace: str, user_ref: str) -> None:
        """A change to who someone is (linked, renamed) shows on their next message."""
        self.actors.forget(actor_key(channel, workspace, user_ref))

    async def readers(self) -> list[Reader]:
        """Bookable readers (cached briefly: they change rarely, every turn reads them)."""
        return await self.catalog.get(  # type: ignore[no-any-return]
            "readers", lambda: queries.list_readers(uow=self.uows(read_only=True))
        )

    async def services(self, reader_id: UUID) -> list[Service]:
        """A reader's services (cached briefly)."""
        return await self.catalog.get(  # type: ignore[no-any-return]
            ("services", reader_id),
            lambda: queries.reader_services(uow=self.uows(read_only=True), reader_id=reader_id),
        )

    async def reader(self, reader_id: UUID) -> Reader:
        """One reader, from the cached list when it is there."""
        for reader in await self.readers():
            if reader.id == reader_id:
                return reader
        found = await queries.reader_profile(uow=self.uows(read_only=True), reader_id=reader_id)
        if found is None:
            raise NotFound("reader not found")
        return found

    async def service(self, reader_id: UUID, service_id: UUID) -> Service:
        """One service of a reader, from the cache."""
        for service in await self.services(reader_id):
            if service.id == service_id:
                return service
        raise NotFound("service not found")

    async def view(self, booking: Booking) -> queries.BookingView:
        """A booking with its reader and service, without another query for them."""
        reader = await self.reader(booking.reader_id)
        return queries.BookingView(
            booking, reader, await self.service(reader.id, booking.service_id)
        )

    async def open_checkout(
        self, hold_id: UUID, client_id: UUID, channel: Channel | None = None
    ) -> Payment:
        """The checkout a held, prepaid booking waits for (opened once, however often asked).

        In the chat when the client's channel takes payments in the booking's currency,
        else the hub's provider (the pay link).
        """
        provider: PaymentProvider | None = self.payments
        in_chat = self.chat_payments.get(channel) if channel is not None else None
        if in_chat is not None:
            booking = await queries.booking(uow=self.uows(read_only=True), booking_id=hold_id)
            provider = in_chat if in_chat.accepts(booking.currency) else provider
        if provider is None:
            raise InvalidRequest("payments are not set up on this hub")
        back = f"{self.public_url.rstrip('/')}/chat"
        return await checkout.request_payment(
            uows=self.uows,
            clock=self.clock,
            provider=provider,
            booking_id=hold_id,
            client_id=client_id,
            pages=checkout.PaymentPages(success_url=back, cancel_url=back),
        )

    def paid_in_chat(self, payment: Payment, channel: Channel) -> bool:
        """Whether the payment's checkout is an invoice in this channel's chat."""
        in_chat = self.chat_payments.get(channel)
        return in_chat is not None and payment.provider == in_chat.name

    async def record_payment(
        self, *, reader_id: UUID, reference: str, method: PaymentMethod, amount_text: str | None
    ) -> Settlement:
        """A reader's cash or transfer for one of their bookings, settled once."""
        return await reader_money.record_offline_payment(
            uows=self.uows,
            clock=self.clock,
            reader_id=reader_id,
            reference=reference,
            method=method,
            platform_currency=self.platform_currency,
            amount_text=amount_text,
        )

    async def client_invoices(self, client_id: UUID) -> list[tuple[Invoice, str | None]]:
        """A client's invoices, each with the link its PDF opens at."""
        async with self.uows(read_only=True) as u:
            found = await u.invoices.for_client(client_id)
        link = self.invoice_link
        return [(item, link(item.id) if link else None) for item in found]

    async def booking_view(self, booking_id: UUID) -> queries.BookingView:
        """Load one booking and attach its cached reader and service."""
        booking = await queries.booking(uow=self.uows(read_only=True), booking_id=booking_id)
        return await self.view(booking)


def actor_key(channel: str, workspace: str, user_ref: str) -> str:
    """The cache key of one chat account."""
    return f"{channel}:{workspace}:{user_ref}"
