"""Receipts on every chat channel, through the real hub: the webhook records the expense and
the file's handle; the outbox row fetches the file with the channel's real client (PTB
against the Telegram fake, httpx against loopback servers for Meta and Slack, the upload
for the web chat) and the signed link in the reader's `expenses` list opens it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from domain.billing.payments import Expense
from domain.booking.effects import apply_effect
from domain.booking.externals import EffectResult
from domain.enums import Channel
from domain.identity import create_link_code
from domain.ports.files import ChannelFiles
from hub.flow_deps import channel_files
from tests.bots.channels.conftest import TEAM, Hub
from tests.bots.channels.drivers import MetaDriver, SlackDriver, TelegramDriver, WebDriver
from tests.support.accounts import StaticAccounts
from tests.support.fakes import payloads as p
from tests.support.fakes.telegram_files import (
    receive_file,
    telegram_document_update,
    telegram_photo_update,
)
from tests.support.notifier import FakeNotifier
from tests.support.receipts import RECEIPT_PDF, receipt_image

RECORDED = "Expense recorded: £12.50, cards. The receipt is attached."
ASKED = "What is this receipt for? Reply like: 12.50 GBP cards"
LINK = re.compile(r"receipt: (http\S+)")


@pytest.fixture
async def fetchers(hub: Hub) -> AsyncIterator[dict[Channel, ChannelFiles]]:
    """What a flows worker builds from the same settings to fetch files."""
    found, closers = channel_files(hub.runtime.settings, hub.runtime.database.uows)
    try:
        yield found
    finally:
        for close in closers:
            await close()


@pytest.fixture
def files_server(httpserver: HTTPServer) -> Iterator[HTTPServer]:
    """A CDN on loopback, serving what a test puts there."""
    yield httpserver
    httpserver.clear()


async def linked(hub: Hub, chat: Any) -> None:
    code = await create_link_code(
        uow=hub.runtime.database.uows(), clock=hub.clock, reader_id=hub.reader.id
    )
    if isinstance(chat, SlackDriver):
        await chat.command(f"link {code}")
    else:
        await chat.say(f"/link {code}")
    assert "Linked!" in chat.text()


async def latest_expense(hub: Hub) -> Expense:
    today = hub.clock.now().date()
    async with hub.runtime.database.uows(read_only=True) as uow:
        found = await uow.expenses.for_reader(hub.reader.id, today, today + timedelta(days=1))
    return found[-1]


async def run_receipt_row(
    hub: Hub, expense_id: UUID, fetchers: dict[Channel, ChannelFiles]
) -> EffectResult:
    """The expense's `expense.receipt` row, as process-outbox runs it."""
    async with hub.runtime.database.uows(read_only=True) as uow:
        entry = await uow.outbox.get_by_key(f"expense.receipt:{expense_id}")
    assert entry is not None
    return await apply_effect(
        uows=hub.runtime.database.uows,
        accounts=StaticAccounts(None, None),
        notifier=FakeNotifier(),
        clock=hub.clock,
        entry=entry,
        channel_files=fetchers,
    )


async def stored_receipt(hub: Hub, expense_id: UUID) -> tuple[bytes, str]:
    async with hub.runtime.database.uows(read_only=True) as uow:
        expense = await uow.expenses.get(expense_id)
        assert expense is not None
        assert expense.receipt_key is not None
        found = await uow.files.get(expense.receipt_key)
    assert found is not None
    return found.content, found.content_type


async def test_a_telegram_photo_with_its_caption_is_an_expense_with_the_receipt(
    hub: Hub, fetchers: dict[Channel, ChannelFiles]
) -> None:
    chat = TelegramDriver(hub, chat_id=8101)
    await linked(hub, chat)
    photo = receipt_image("JPEG")
    file_id = receive_file(hub.tg, photo)

    await chat._post(
        telegram_photo_update(
            hub.next_id("tg"), 8101, file_id, size=len(photo), caption="expense 12.50 GBP cards"
        )
    )
    assert chat.text() == RECORDED
    expense = await latest_expense(hub)
    result = await run_receipt_row(hub, expense.id, fetchers)

    assert result.outcome == "done", result
    assert [c.params["file_id"] for c in hub.tg.calls("getFile")] == [file_id]  # the largest
    assert await stored_receipt(hub, expense.id) == (photo, "image/jpeg")


async def test_a_telegram_pdf_alone_is_asked_about_then_recorded_and_listed_with_its_link(
    hub: Hub, fetchers: dict[Channel, ChannelFiles]
) -> None:
    chat = TelegramDriver(hub, chat_id=8102)
    await linked(hub, chat)
    file_id = receive_file(
        hub.tg, RECEIPT_PDF, content_type="application/pdf", filename="scan.pdf", folder="documents"
    )

    await chat._post(
        telegram_document_update(
            hub.next_id("tg"),
            8102,
            file_id,
            size=len(RECEIPT_PDF),
            mime_type="application/pdf",
            file_name="scan.pdf",
        )
    )
    assert chat.text() == ASKED
    await chat.say("12.50 GBP cards")
    assert chat.text() == RECORDED
    expense = await latest_expense(hub)
    assert (await run_receipt_row(hub, expense.id, fetchers)).outcome == "done"
    await chat.say("expenses")

    [link] = LINK.findall(chat.text())
    opened = await hub.http.get(link.removeprefix(hub.runtime.settings.public_url.rstrip("/")))
    assert opened.status_code == 200
    assert opened.content == RECEIPT_PDF
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"] == "inline; filename*=UTF-8''scan.pdf"
    assert opened.headers["cache-control"] == "private, no-store"


async def test_a_receipt_link_is_refused_without_a_valid_signature(
    hub: Hub, fetchers: dict[Channel, ChannelFiles]
) -> None:
    chat = TelegramDriver(hub, chat_id=8103)
    await linked(hub, chat)
    photo = receipt_image("PNG")
    file_id = receive_file(hub.tg, photo, content_type="image/png", filename="r.png")
    await chat._post(
        telegram_photo_update(
            hub.next_id("tg"), 8103, file_id, size=len(photo), caption="expense 12.50 GBP cards"
        )
    )
    expense = await latest_expense(hub)
    path = f"/api/v1/expenses/{expense.id}/receipt"

    bare = await hub.http.get(path)
    assert (bare.status_code, bare.json()["detail"]) == (
        403,
        "admin API disabled: set SAMIA_ADMIN_TOKEN",  # no link, no admin token on this hub
    )
    assert (await hub.http.get(f"{path}?exp=9999999999&sig={'0' * 64}")).status_code == 403
    await run_receipt_row(hub, expense.id, fetchers)
    other = await hub.http.get(f"/api/v1/expenses/{UUID(int=7)}/receipt?exp=9999999999&sig=x")
    assert other.status_code == 403  # a link signed for one receipt opens no other


async def test_a_messenger_photo_is_fetched_from_its_attachment_url(
    hub: Hub, fetchers: dict[Channel, ChannelFiles], files_server: HTTPServer
) -> None:
    chat = MetaDriver(hub, user="6900000000000811")
    await linked(hub, chat)
    photo = receipt_image("JPEG", ("MESSENGER", "cards 12.50"))
    files_server.expect_request("/v/t1.15/receipt.jpg").respond_with_data(
        photo, content_type="image/jpeg"
    )
    url = files_server.url_for("/v/t1.15/receipt.jpg") + "?_nc_sig=abc&oe=6790"

    await chat._post(p.meta_attachment(hub.meta.page_id, chat.user, chat._mid(), url))
    assert chat.text() == ASKED
    await chat.say("12.50 GBP cards")
    assert chat.text() == RECORDED
    expense = await latest_expense(hub)

    assert (await run_receipt_row(hub, expense.id, fetchers)).outcome == "done"
    assert await stored_receipt(hub, expense.id) == (photo, "image/jpeg")
    [(request, _)] = files_server.log
    assert request.headers.get("Authorization") is None  # no token goes to Meta's CDN


async def test_a_slack_file_share_is_fetched_with_the_bot_token(
    hub: Hub, fetchers: dict[Channel, ChannelFiles], files_server: HTTPServer
) -> None:
    chat = SlackDriver(hub, user="U0READER8", channel="D0READER8")
    await linked(hub, chat)
    photo = receipt_image("PNG", ("SLACK", "cards 12.50"))
    token = hub.runtime.settings.slack.bot_token.get_secret_value()  # type: ignore[union-attr]

    def private_file(request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {token}":
            return Response("<html>sign in to Slack</html>", content_type="text/html")
        return Response(photo, content_type="image/png")

    files_server.expect_request("/files-pri/T0-F0R/receipt.png").respond_with_handler(private_file)
    body = p.slack_event_body("EvFile1", TEAM, chat.user, chat.channel, "expense 12.50 GBP cards")
    body["event"] |= {
        "subtype": "file_share",
        "files": [
            {
                "id": "F0R",
                "name": "receipt.png",
                "mimetype": "image/png",
                "size": len(photo),
                # Slack's own host in production; here the configured API's host, 127.0.0.1
                # (the token goes to no other: `localhost` would get the sign-in page).
                "url_private_download": on_api_host(files_server, "/files-pri/T0-F0R/receipt.png"),
            }
        ],
    }

    await chat._done(await hub.slack_json(body))
    assert chat.text() == RECORDED
    expense = await latest_expense(hub)

    assert (await run_receipt_row(hub, expense.id, fetchers)).outcome == "done"
    assert await stored_receipt(hub, expense.id) == (photo, "image/png")


async def test_a_slack_sign_in_page_instead_of_the_file_names_the_missing_scope(
    hub: Hub, fetchers: dict[Channel, ChannelFiles], files_server: HTTPServer
) -> None:
    chat = SlackDriver(hub, user="U0READER9", channel="D0READER9")
    await linked(hub, chat)
    files_server.expect_request("/files-pri/T0-F1/r.jpg").respond_with_data(
        "<!DOCTYPE html><title>Slack</title>", content_type="text/html; charset=utf-8"
    )
    body = p.slack_event_body("EvFile2", TEAM, chat.user, chat.channel, "expense 12.50 GBP cards")
    body["event"] |= {
        "subtype": "file_share",
        "files": [
            {
                "id": "F1",
                "url_private_download": on_api_host(files_server, "/files-pri/T0-F1/r.jpg"),
            }
        ],
    }
    await chat._done(await hub.slack_json(body))
    expense = await latest_expense(hub)

    result = await run_receipt_row(hub, expense.id, fetchers)

    assert result.outcome == "gave_up"
    assert "answered with a web page instead of the file" in result.detail
    assert "files:read scope" in result.detail
    assert (await latest_expense(hub)).receipt_key is None  # the expense stays, no receipt


def on_api_host(server: HTTPServer, path: str) -> str:
    """The loopback server's URL under the Slack API's host (127.0.0.1, not localhost)."""
    return f"http://127.0.0.1:{server.port}{path}"


async def web_upload(
    hub: Hub, chat: WebDriver, content: bytes, content_type: str, **fields: str
) -> Any:
    return await hub.http.post(
        "/api/v1/chat/upload",
        data={"session": chat.session or "", **fields},
        files={"file": ("receipt", content, content_type)},
    )


async def test_a_web_chat_upload_is_an_expense_with_its_receipt(
    hub: Hub, fetchers: dict[Channel, ChannelFiles]
) -> None:
    chat = WebDriver(hub)
    await chat.say("hello")
    await linked(hub, chat)
    photo = receipt_image("WEBP")

    answer = await web_upload(hub, chat, photo, "image/webp", text="expense 12.50 GBP cards")

    assert answer.status_code == 200, answer.text
    assert [r["text"] for r in answer.json()["replies"]] == [RECORDED]
    expense = await latest_expense(hub)
    assert (await run_receipt_row(hub, expense.id, fetchers)).outcome == "done"
    assert await stored_receipt(hub, expense.id) == (photo, "image/webp")


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        pytest.param(b"\xff\xd8\xff" + bytes(10 * 2**20), "image/jpeg", 413, id="too-large"),
        pytest.param(b"PK\x03\x04 not a receipt", "application/zip", 415, id="zip"),
        pytest.param(b"<svg onload=alert(1)>", "image/png", 415, id="svg-as-png"),
    ],
)
async def test_a_web_chat_upload_that_is_no_receipt_is_refused_and_nothing_is_kept(
    hub: Hub, content: bytes, content_type: str, status: int
) -> None:
    chat = WebDriver(hub)
    await chat.say("hello")

    answer = await web_upload(hub, chat, content, content_type)

    assert answer.status_code == status
    assert "MB" in answer.json()["detail"] or "not a JPEG" in answer.json()["detail"]
    async with hub.runtime.database.engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT COUNT(*) FROM stored_files")) == 0


async def test_a_web_chat_upload_needs_a_session_the_server_issued(hub: Hub) -> None:
    forged = WebDriver(hub, session="A" * 22 + "." + "B" * 22)

    answer = await web_upload(hub, forged, receipt_image(), "image/jpeg", text="expense 1 cards")

    assert answer.status_code == 401
