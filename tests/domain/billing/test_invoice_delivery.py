"""The `invoice.send` row: the client gets the invoice in chat and by email, each once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from uuid import UUID

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr

from bots.notice_emails import NoticeEmails
from connectors.calendar.fake import FakeCalendar
from connectors.documents import PdfInvoiceRenderer
from connectors.email.smtp import SmtpMailer
from connectors.meetings.fake import FakeMeetings
from connectors.settings import SmtpSettings
from domain.billing import reader_money
from domain.billing.invoice_delivery import InvoiceSender
from domain.billing.invoices import Invoice
from domain.billing.invoicing import credit_invoice
from domain.booking.effects import apply_effect
from domain.booking.externals import EffectResult
from domain.clock import FixedClock
from domain.enums import EmailKind, OutboxStatus
from domain.errors import TransientConnectorError
from domain.models import Client, OutboxEntry, Reader
from domain.ports.email import Mailer, OutgoingEmail
from domain.ports.notify import NoticeKind
from flows._deps import FlowDeps, RunPolicy, use_deps
from flows.outbox import process_outbox
from storage.mailbox import SqlMailbox
from storage.uow import Database
from tests.connectors.test_mailer_contract import Recorder, free_port, smtp_url
from tests.support.accounts import StaticAccounts
from tests.support.factories import make_client, make_reader, seed
from tests.support.invoices import pdf_text
from tests.support.notifier import FakeNotifier

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def link(invoice_id: UUID) -> str:
    return f"https://hub.example.test/api/v1/invoices/{invoice_id}.pdf?exp=1&sig=abc"


class RecordingMailer:
    """Takes every email it is given; can be told to refuse the next few (transiently)."""

    provider = "recording"

    def __init__(self) -> None:
        self.sent: list[OutgoingEmail] = []
        self.failures: list[BaseException] = []

    async def send(self, email: OutgoingEmail) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(email)


@pytest.fixture(scope="module")
def renderer() -> Iterator[PdfInvoiceRenderer]:
    renderer = PdfInvoiceRenderer()
    yield renderer
    renderer.close()


@dataclass
class Desk:
    """A reader, a client who reads English and one who reads Arabic, and what was sent."""

    database: Database
    clock: FixedClock
    reader: Reader
    lina: Client
    omar: Client
    renderer: PdfInvoiceRenderer
    notifier: FakeNotifier = field(default_factory=FakeNotifier)
    mailer: Mailer = field(default_factory=RecordingMailer)

    async def bill(self, client: Client, amount: str = "40") -> Invoice:
        """The reader's 'invoice EMAIL AMOUNT REASON': writes the invoice.send row."""
        assert client.email is not None
        return await reader_money.invoice_client(
            uow=self.database.uows(),
            clock=self.clock,
            reader_id=self.reader.id,
            client_ref=client.email,
            amount_text=amount,
            reason="Follow-up reading",
        )

    def sender(self, mailer: Mailer | None = None) -> InvoiceSender:
        return InvoiceSender(self.renderer, link, mailer or self.mailer, NoticeEmails())

    async def run(self, key: str, mailer: Mailer | None = None) -> EffectResult:
        async with self.database.uows(read_only=True) as uow:
            entry = await uow.outbox.get_by_key(key)
        assert entry is not None, key
        return await apply_effect(
            uows=self.database.uows,
            accounts=StaticAccounts(FakeCalendar(), FakeMeetings()),
            notifier=self.notifier,
            clock=self.clock,
            entry=entry,
            invoices=self.sender(mailer),
        )

    async def row(self, key: str) -> OutboxEntry:
        async with self.database.uows(read_only=True) as uow:
            entry = await uow.outbox.get_by_key(key)
        assert entry is not None
        return entry


@pytest.fixture
async def desk(database_url: str, renderer: PdfInvoiceRenderer) -> AsyncIterator[Desk]:
    clock = FixedClock(NOW)
    database = Database.from_url(database_url, clock=clock)
    reader = make_reader(name="Samia Tarot", slug="samia")
    lina = make_client(name="Lina", email="lina@example.com")
    omar = make_client(name="Omar", email="omar@example.com", language="ar")
    await seed(database.uows, reader, lina, omar)
    yield Desk(database, clock, reader, lina, omar, renderer)
    await database.dispose()


def issue_key(invoice: Invoice) -> str:
    return f"invoice.send:{invoice.id}:issue"


async def test_an_invoice_row_run_again_sends_one_message_and_one_email(desk: Desk) -> None:
    invoice = await desk.bill(desk.lina)

    first = await desk.run(issue_key(invoice))
    again = await desk.run(issue_key(invoice))  # a retry after the first run had finished

    assert first.outcome == "done"
    assert "email: sent to lina@example.com" in first.detail
    assert "email: sent before" in again.detail
    [notice] = desk.notifier.of_kind(NoticeKind.INVOICE_ISSUED)
    assert notice.person_id == desk.lina.id
    assert notice.notice.params["document_url"] == link(invoice.id)
    assert notice.notice.params["number"] == invoice.number
    assert isinstance(desk.mailer, RecordingMailer)
    assert [email.to for email in desk.mailer.sent] == ["lina@example.com"]
    assert (await desk.row(issue_key(invoice))).status is OutboxStatus.DONE


async def test_the_email_carries_the_invoice_pdf_and_its_link(desk: Desk) -> None:
    invoice = await desk.bill(desk.lina, "40")

    await desk.run(issue_key(invoice))

    assert isinstance(desk.mailer, RecordingMailer)
    [email] = desk.mailer.sent
    assert email.kind is EmailKind.INVOICE
    assert email.subject == f"Invoice {invoice.number} from Samia Tarot"
    assert f"Here is your invoice {invoice.number} from Samia Tarot for £40.00." in email.text
    assert link(invoice.id) in email.text.splitlines()  # on a line of its own
    [attachment] = email.attachments
    assert (attachment.filename, attachment.content_type) == (
        f"{invoice.number}.pdf",
        "application/pdf",
    )
    text = pdf_text(attachment.data)
    assert invoice.number in text
    assert "£40.00" in text


async def test_a_credit_note_reaches_the_client_as_a_credit_note_once(desk: Desk) -> None:
    invoice = await desk.bill(desk.lina, "40")
    note = await credit_invoice(uow=desk.database.uows(), clock=desk.clock, invoice_id=invoice.id)

    await desk.run(issue_key(note))
    again = await desk.run(issue_key(note))

    assert "email: sent before" in again.detail
    [notice] = desk.notifier.of_kind(NoticeKind.INVOICE_ISSUED)
    assert notice.notice.params["document"] == "credit_note"
    assert isinstance(desk.mailer, RecordingMailer)
    [email] = desk.mailer.sent
    assert email.subject == f"Credit note {note.number} from Samia Tarot"
    assert f"Here is your credit note {note.number} from Samia Tarot: £40.00 refunded." in (
        email.text
    )
    assert "The credit note is attached as a PDF." in email.text
    [attachment] = email.attachments
    assert invoice.number in pdf_text(attachment.data)  # the note names what it credits


async def test_an_arabic_reader_of_email_gets_it_in_arabic(desk: Desk) -> None:
    invoice = await desk.bill(desk.omar)

    await desk.run(issue_key(invoice))

    assert isinstance(desk.mailer, RecordingMailer)
    [email] = desk.mailer.sent
    assert email.subject.startswith("الفاتورة")
    assert "إليك فاتورتك" in email.text
    assert "فاتورة" in pdf_text(email.attachments[0].data)


async def test_a_mailer_that_did_not_take_the_email_gets_it_again_on_retry(desk: Desk) -> None:
    invoice = await desk.bill(desk.lina)
    assert isinstance(desk.mailer, RecordingMailer)
    desk.mailer.failures.append(TransientConnectorError("SMTP 451", provider="smtp"))

    with pytest.raises(TransientConnectorError):
        await desk.run(issue_key(invoice))
    assert desk.mailer.sent == []
    retried = await desk.run(issue_key(invoice))

    assert retried.outcome == "done"
    assert len(desk.mailer.sent) == 1
    assert len(desk.notifier.of_kind(NoticeKind.INVOICE_ISSUED)) == 1  # not told twice


async def test_a_run_cut_off_while_sending_never_sends_a_second_email(desk: Desk) -> None:
    invoice = await desk.bill(desk.lina)
    assert isinstance(desk.mailer, RecordingMailer)
    # The run is cancelled while the mailer has the email: did it leave? Nobody knows.
    desk.mailer.failures.append(asyncio.CancelledError())

    with pytest.raises(asyncio.CancelledError):
        await desk.run(issue_key(invoice))
    retried = await desk.run(issue_key(invoice))

    assert desk.mailer.sent == []
    assert "not sent again" in retried.detail
    assert len(desk.notifier.of_kind(NoticeKind.INVOICE_ISSUED)) == 1


async def test_a_reminder_is_its_own_row_and_a_paid_invoice_is_not_reminded(desk: Desk) -> None:
    invoice = await desk.bill(desk.lina)
    await desk.run(issue_key(invoice))
    desk.clock.advance(timedelta(days=3))
    await reader_money.remind_invoice(
        uow=desk.database.uows(), clock=desk.clock, reader_id=desk.reader.id, number=invoice.number
    )

    reminded = await desk.run(f"invoice.send:{invoice.id}:remind-3")

    assert reminded.outcome == "done"
    [nudge] = desk.notifier.of_kind(NoticeKind.INVOICE_REMINDER)
    assert nudge.notice.params["document_url"] == link(invoice.id)
    assert isinstance(desk.mailer, RecordingMailer)
    assert (
        desk.mailer.sent[-1].subject
        == f"Reminder: invoice {invoice.number} from Samia Tarot is unpaid"
    )
    desk.clock.advance(timedelta(days=1))
    await reader_money.remind_invoice(
        uow=desk.database.uows(), clock=desk.clock, reader_id=desk.reader.id, number=invoice.number
    )
    async with desk.database.uows() as uow:
        await uow.invoices.mark_paid(invoice.id, desk.clock.now())
        await uow.commit()

    late = await desk.run(f"invoice.send:{invoice.id}:remind-4")

    assert late.outcome == "skipped"
    assert len(desk.mailer.sent) == 2
    assert len(desk.notifier.of_kind(NoticeKind.INVOICE_REMINDER)) == 1


async def test_a_client_without_an_email_is_told_in_chat_only(desk: Desk) -> None:
    invoice = await desk.bill(desk.lina)
    async with desk.database.uows() as uow:
        lina = await uow.clients.get(desk.lina.id)
        assert lina is not None
        lina.email = None
        await uow.clients.save(lina)
        await uow.commit()

    result = await desk.run(issue_key(invoice))

    assert result.outcome == "done"
    assert "no email address" in result.detail
    assert len(desk.notifier.of_kind(NoticeKind.INVOICE_ISSUED)) == 1
    assert isinstance(desk.mailer, RecordingMailer)
    assert desk.mailer.sent == []


async def test_the_local_outbox_records_the_attachment_by_name(desk: Desk) -> None:
    mailbox = SqlMailbox(desk.database.uows, desk.clock)
    invoice = await desk.bill(desk.lina)

    await desk.run(issue_key(invoice), mailer=mailbox)

    [held] = await mailbox.recent(to="lina@example.com")
    assert held.kind is EmailKind.INVOICE
    assert held.attachments == (f"{invoice.number}.pdf",)


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, Recorder]]:
    recorder = Recorder()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=recorder.authenticate,
        auth_require_tls=False,  # loopback only
    )
    controller.start()
    try:
        yield controller, recorder
    finally:
        controller.stop()


async def test_over_smtp_the_pdf_arrives_as_an_attachment(
    desk: Desk, smtp: tuple[Controller, Recorder]
) -> None:
    controller, recorder = smtp
    mailer = SmtpMailer(
        SmtpSettings(url=SecretStr(smtp_url(controller)), sender="Samia <hub@example.com>")
    )
    invoice = await desk.bill(desk.lina, "40")

    await desk.run(issue_key(invoice), mailer=mailer)
    await desk.run(issue_key(invoice), mailer=mailer)  # a retry sends nothing more

    [(to, message)] = recorder.messages
    assert to == ["lina@example.com"]
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert invoice.number in body.get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"{invoice.number}.pdf"
    pdf = attachment.get_content()
    assert isinstance(pdf, bytes)
    assert "£40.00" in pdf_text(pdf)


async def test_the_outbox_flow_claims_invoice_rows_and_sends_them(desk: Desk) -> None:
    invoice = await desk.bill(desk.lina)
    deps = FlowDeps(
        uows=desk.database.uows,
        clock=desk.clock,
        notifier=desk.notifier,
        accounts=StaticAccounts(FakeCalendar(), FakeMeetings()),
        policy=RunPolicy(retries=0),
        documents=desk.renderer,
        invoice_link=link,
        mailer=desk.mailer,
        emails=NoticeEmails(),
    )

    with use_deps(deps):
        outcomes = await process_outbox.fn()

    assert outcomes == {"done": 1}
    assert (await desk.row(issue_key(invoice))).status is OutboxStatus.DONE
    assert isinstance(desk.mailer, RecordingMailer)
    assert len(desk.mailer.sent) == 1
