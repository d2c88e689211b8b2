"""Wiring: settings -> database -> domain dependencies -> conversation engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bots.conversations.deps import ChatDeps
from bots.conversations.engine import build_engine
from bots.engine import Engine
from bots.language import warm_up
from connectors.email.smtp import SmtpMailer
from domain.booking.queries import list_readers
from domain.clock import Clock, SystemClock
from domain.ports.email import Mailer
from hub.dashboard.links import dashboard_link
from hub.payments import build_payment_provider, chat_payment_providers, close_provider
from hub.secrets import note_cipher
from hub.settings import Settings
from hub.signed_links import LinkSigner, link_signer
from storage.conversation_store import SqlConversationStore
from storage.db import WriterRole, write_gate
from storage.mailbox import SqlMailbox
from storage.uow import Database


@dataclass
class Runtime:
    """Everything a running hub holds: one of each, built at start-up, closed at shutdown."""

    settings: Settings
    database: Database
    clock: Clock
    deps: ChatDeps
    engine: Engine[ChatDeps]
    # The local outbox: what the built-in email provider holds (`samia outbox`, `/outbox`).
    mailbox: SqlMailbox
    # Signs and checks the links that open a document without signing in (invoice PDFs).
    links: LinkSigner

    async def refresh_reader_names(self) -> None:
        """Names the free-text parser recognises ('with Samia')."""
        readers = await list_readers(uow=self.database.uows(read_only=True))
        self.deps.reader_names[:] = [r.name for r in readers]

    async def close(self) -> None:
        """Release connections."""
        await close_provider(self.deps.payments)
        await self.database.dispose()


async def build_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    """Open the database and build the engine; no network calls."""
    from hub.charts import chart_pictures
    from hub.expense_routes import receipt_link
    from hub.invoice_routes import invoice_link  # the routes read the Runtime: import late
    from hub.ledger_routes import report_link

    clock = clock or SystemClock()
    database = Database.from_url(
        settings.database_url, clock=clock, writer_role=WriterRole.FOREGROUND
    )
    mailbox = SqlMailbox(database.uows, clock)
    links = link_signer(settings)
    deps = ChatDeps(
        uows=database.uows,
        mailer=build_mailer(settings, mailbox),
        clock=clock,
        hold_for=timedelta(minutes=settings.hold_minutes),
        brand="Samia",
        default_timezone=settings.default_timezone,
        public_url=settings.public_url,
        telegram_bot=settings.telegram_bot_username,
        payments=build_payment_provider(settings, clock),
        chat_payments=chat_payment_providers(settings),
        platform_currency=settings.default_currency,
        invoice_link=invoice_link(links, clock),
        report_link=report_link(links, clock, settings.public_url),
        receipt_link=receipt_link(links, clock),
        dashboard_link=dashboard_link(database.uows, clock, settings.public_url),
        chart_image=chart_pictures(database.uows, links, clock).picture,
        note_cipher=note_cipher(settings),
    )
    store = SqlConversationStore(database.engine, gate=write_gate(database.engine))
    runtime = Runtime(
        settings, database, clock, deps, build_engine(deps=deps, store=store), mailbox, links
    )
    await runtime.refresh_reader_names()
    warm_up()  # load date-parsing data now, not during the first client's message
    return runtime


def build_mailer(settings: Settings, mailbox: SqlMailbox) -> Mailer:
    """SMTP when SAMIA_SMTP_URL is set, else the local outbox (the demo, a laptop)."""
    return SmtpMailer(settings.smtp) if settings.smtp is not None else mailbox
