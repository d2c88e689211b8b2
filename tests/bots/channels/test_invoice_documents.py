"""Invoices in chat on every channel: 'my invoices' and the invoice.send notice send the PDF
as a document whose signed link really downloads it (text read back with pypdf)."""

from __future__ import annotations

from urllib.parse import urlsplit
from uuid import UUID

import pytest

from bots.notice_emails import NoticeEmails
from domain.billing import reader_money
from domain.billing.invoice_delivery import InvoiceSender
from domain.booking.effects import apply_effect
from domain.enums import Channel
from domain.models import Client
from hub.documents import document_renderer
from tests.bots.channels.conftest import NOW, Hub
from tests.bots.channels.drivers import MetaDriver, TelegramDriver, WebDriver
from tests.support.accounts import StaticAccounts
from tests.support.invoices import issue, pdf_text

TG_CHAT = 5151
MESSENGER_USER = "6900000000000515"


async def known_client(hub: Hub, channel: Channel, workspace: str, user: str) -> Client:
    """The client a chat account became, given an email so readers can bill them."""
    async with hub.runtime.database.uows() as uow:
        identity = await uow.identities.find(channel, workspace, user)
        assert identity is not None
        assert identity.client_id is not None
        client = await uow.clients.get(identity.client_id)
        assert client is not None
        client.email = f"{channel.value}-{user}@example.com"
        await uow.clients.save(client)
        await uow.commit()
    return client


async def downloaded(hub: Hub, url: str) -> str:
    """What the link opens (no sign-in), as text."""
    link = urlsplit(url)
    assert link.query.startswith("exp="), url
    response = await hub.http.get(f"{link.path}?{link.query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return pdf_text(response.content)


def telegram_documents(hub: Hub) -> list[str]:
    return [str(call.params["document"]) for call in hub.tg.calls("sendDocument")]


def messenger_documents(hub: Hub, user: str) -> list[str]:
    return [
        sent["message"]["attachment"]["payload"]["url"]
        for sent in hub.meta.sent(user)
        if (sent["message"].get("attachment") or {}).get("type") == "file"
    ]


async def test_my_invoices_on_telegram_sends_each_pdf_as_a_document(hub: Hub) -> None:
    chat = TelegramDriver(hub, chat_id=TG_CHAT)
    await chat.say("hello")
    client = await known_client(hub, Channel.TELEGRAM, "", str(TG_CHAT))
    invoice = await issue(hub.runtime.database.uows, hub.clock, hub.reader, client, 4000)

    await chat.say("my invoices")

    assert "Your invoices:" in chat.text()
    assert f"{invoice.number} · £40.00 · unpaid" in chat.text()
    [url] = telegram_documents(hub)
    text = await downloaded(hub, url)
    assert invoice.number in text
    assert "£40.00" in text


async def test_my_invoices_on_messenger_sends_each_pdf_as_a_file(hub: Hub) -> None:
    chat = MetaDriver(hub, user=MESSENGER_USER)
    await chat.say("hello")
    client = await known_client(hub, Channel.MESSENGER, hub.meta.page_id, MESSENGER_USER)
    first = await issue(hub.runtime.database.uows, hub.clock, hub.reader, client, 4000)
    second = await issue(
        hub.runtime.database.uows, hub.clock, hub.reader, client, 6000, paid_at=NOW
    )

    await chat.say("my invoices")

    urls = messenger_documents(hub, MESSENGER_USER)
    assert len(urls) == 2
    texts = [await downloaded(hub, url) for url in urls]
    assert second.number in texts[0]  # newest first
    assert "£60.00" in texts[0]
    assert first.number in texts[1]


async def test_my_invoices_in_the_web_chat_gives_links_that_download(hub: Hub) -> None:
    chat = WebDriver(hub)
    await chat.say("hello")
    assert chat.session is not None
    client = await known_client(hub, Channel.WEBCHAT, "", chat.session)
    invoice = await issue(hub.runtime.database.uows, hub.clock, hub.reader, client, 4000)

    await chat.say("my invoices")

    [url] = [reply["document_url"] for reply in chat.batch if reply["document_url"]]
    assert invoice.number in await downloaded(hub, url)


@pytest.mark.parametrize("channel", ["telegram", "messenger"])
async def test_an_issued_invoice_reaches_the_clients_chat_as_a_document(
    hub: Hub, channel: str
) -> None:
    if channel == "telegram":
        driver: TelegramDriver | MetaDriver = TelegramDriver(hub, chat_id=TG_CHAT + 1)
        await driver.say("hello")
        client = await known_client(hub, Channel.TELEGRAM, "", str(TG_CHAT + 1))
    else:
        driver = MetaDriver(hub, user=MESSENGER_USER + "9")
        await driver.say("hello")
        client = await known_client(hub, Channel.MESSENGER, hub.meta.page_id, driver.user)
    assert client.email is not None
    invoice = await reader_money.invoice_client(
        uow=hub.runtime.database.uows(),
        clock=hub.clock,
        reader_id=hub.reader.id,
        client_ref=client.email,
        amount_text="25",
        reason="Follow-up questions",
    )

    await run_invoice_row(hub, invoice.id)

    urls = (
        telegram_documents(hub) if channel == "telegram" else messenger_documents(hub, driver.user)
    )
    [url] = urls
    text = await downloaded(hub, url)
    assert invoice.number in text
    assert "£25.00" in text
    [held] = await hub.runtime.mailbox.recent(to=client.email)
    assert held.attachments == (f"{invoice.number}.pdf",)


async def run_invoice_row(hub: Hub, invoice_id: UUID) -> None:
    """The outbox row as the flow runs it, through the hub's own notifier and links."""
    async with hub.runtime.database.uows(read_only=True) as uow:
        entry = await uow.outbox.get_by_key(f"invoice.send:{invoice_id}:issue")
    assert entry is not None
    assert hub.channels.notifier is not None
    assert hub.runtime.deps.invoice_link is not None
    result = await apply_effect(
        uows=hub.runtime.database.uows,
        accounts=StaticAccounts(None, None),
        notifier=hub.channels.notifier,
        clock=hub.clock,
        entry=entry,
        invoices=InvoiceSender(
            document_renderer(), hub.runtime.deps.invoice_link, hub.runtime.mailbox, NoticeEmails()
        ),
    )
    assert result.outcome == "done", result
