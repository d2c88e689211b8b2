"""A chart reply on every channel: uploaded as bytes where the platform takes them (Telegram,
Slack), by its signed hub link where it must be fetched (Messenger, Instagram, web chat),
and that link really serves the PNG, to nobody without it."""

from __future__ import annotations

import itertools
from datetime import timedelta
from urllib.parse import urlsplit

from bots.engine import Choice, HubFile, Reply
from bots.outbound import Outcome, SendContext
from bots.telegram.render import render as telegram_render
from connectors.charts import MatplotlibChartRenderer
from domain.analytics.charts import BarChart
from domain.enums import Channel
from hub.charts import chart_pictures
from tests.bots.channels.conftest import TEAM, Hub

SPEC = BarChart(title="Sessions", labels=("Held", "Cancelled", "No-show"), values=(42, 6, 3))
CAPTION = "Your sessions this month"
_keys = itertools.count(1)


async def chart(hub: Hub) -> tuple[bytes, HubFile]:
    """The chart as the hub stores it, and its PNG drawn again (the same bytes)."""
    pictures = chart_pictures(hub.runtime.database.uows, hub.runtime.links, hub.clock)
    file = await pictures.picture(SPEC, name="sessions")
    return MatplotlibChartRenderer().render(SPEC), file


async def send(hub: Hub, chat_id: str, reply: Reply, context: SendContext) -> None:
    assert hub.channels.delivery is not None
    [attempt] = await hub.channels.delivery.deliver(
        key_prefix=f"chart-test:{next(_keys)}", chat_id=chat_id, replies=[reply], context=context
    )
    assert attempt.outcome is Outcome.SENT, attempt.error


async def opened(hub: Hub, url: str) -> bytes:
    """What the signed link serves, without signing in."""
    link = urlsplit(url)
    assert link.path.startswith("/api/v1/files/"), url
    assert link.query.startswith("exp="), url
    response = await hub.http.get(f"{link.path}?{link.query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"] == "private, no-store"
    return response.content


async def test_telegram_gets_the_chart_as_an_uploaded_photo_with_its_caption(hub: Hub) -> None:
    png, file = await chart(hub)
    reply = Reply(CAPTION, image_file=file, choices=(Choice("Summary", "reader:summary:"),))

    await send(hub, "5151", reply, SendContext(Channel.TELEGRAM))

    call = hub.tg.last("sendPhoto")
    assert call.files["photo"].content == png
    assert call.files["photo"].filename == "sessions.png"
    assert call.params["caption"] == CAPTION
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Summary"
    assert not hub.tg.calls("sendMessage")


async def test_slack_gets_the_chart_uploaded_into_the_channel_then_the_text(hub: Hub) -> None:
    png, file = await chart(hub)
    reply = Reply(CAPTION, image_file=file, choices=(Choice("Summary", "reader:summary:"),))

    await send(hub, "D0READER01", reply, SendContext(Channel.SLACK, workspace=TEAM))

    completed = hub.slack.last("files.completeUploadExternal")
    assert completed.params["channel_id"] == "D0READER01"
    [upload] = hub.slack.uploads.values()
    assert upload["content"] == png
    assert upload["filename"] == "sessions.png"
    [message] = hub.slack.messages("D0READER01")
    assert message["text"] == CAPTION
    assert not [b for b in message["blocks"] if b["type"] == "image"]  # not the hub's link
    methods = [c.method for c in hub.slack.calls()]
    assert methods.index("upload") < methods.index("chat.postMessage")


async def test_a_private_slack_chart_goes_to_the_askers_dm_not_the_channel(hub: Hub) -> None:
    _, file = await chart(hub)
    reply = Reply(CAPTION, image_file=file, private=True)
    context = SendContext(Channel.SLACK, workspace=TEAM, user_ref="U0READER01")

    await send(hub, "C0TEAMROOM", reply, context)

    dm = hub.slack.last("conversations.open").params["users"]
    assert dm == "U0READER01"
    assert hub.slack.last("files.completeUploadExternal").params["channel_id"].startswith("D0")
    assert hub.slack.last("chat.postEphemeral").params["user"] == "U0READER01"


async def test_a_chart_alone_on_slack_is_only_the_upload(hub: Hub) -> None:
    _, file = await chart(hub)

    await send(hub, "D0READER01", Reply("", image_file=file), SendContext(Channel.SLACK))

    assert hub.slack.calls("files.completeUploadExternal")
    assert not hub.slack.calls("chat.postMessage")


async def test_messenger_gets_an_image_attachment_whose_link_serves_the_png(hub: Hub) -> None:
    png, file = await chart(hub)
    user = "6900000000000777"

    await send(hub, user, Reply(CAPTION, image_file=file), SendContext(Channel.MESSENGER))

    first, second = hub.meta.sent(user)
    attachment = first["message"]["attachment"]
    assert attachment["type"] == "image"
    assert attachment["payload"]["url"] == file.url
    assert second["message"]["text"] == CAPTION
    assert await opened(hub, attachment["payload"]["url"]) == png


async def test_the_web_chat_shows_the_chart_by_a_link_that_serves_the_png(hub: Hub) -> None:
    png, file = await chart(hub)
    session = "chart-session-0001"
    context = SendContext(Channel.WEBCHAT, delivery_key="chart-notice-1")
    inbox = hub.channels.webchat.sender

    await inbox.send(chat_id=session, reply=Reply(CAPTION, image_file=file), context=context)

    [shown] = await inbox.take(session)
    assert shown["text"] == CAPTION
    assert shown["image_url"] == file.url
    assert await opened(hub, shown["image_url"]) == png


async def test_a_chart_link_opens_only_its_own_file_and_only_until_it_expires(hub: Hub) -> None:
    _, file = await chart(hub)
    link = urlsplit(file.url)
    other = "0" * 64

    forged = await hub.http.get(f"/api/v1/files/{other}?{link.query}")
    bare = await hub.http.get(link.path)
    hub.clock.advance(timedelta(days=8))
    expired = await hub.http.get(f"{link.path}?{link.query}")

    assert forged.status_code == 403
    assert bare.status_code == 403  # no link, and this hub has no admin token at all
    assert expired.status_code == 410


async def test_asking_twice_for_one_chart_keeps_one_file(hub: Hub) -> None:
    _, first = await chart(hub)
    _, again = await chart(hub)

    assert again.key == first.key
    async with hub.runtime.database.uows(read_only=True) as uow:
        stored = await uow.files.get(first.key)
    assert stored is not None
    assert stored.content_type == "image/png"
    assert stored.filename == "sessions.png"


def test_without_the_hub_files_telegram_is_handed_the_link_instead() -> None:
    file = HubFile(key="a" * 64, url="https://hub.example/api/v1/files/aaa?exp=1&sig=2")

    [part] = telegram_render(Reply("Sessions", image_file=file))

    assert part.method == "photo"
    assert part.kwargs["photo"] == file.url  # what a sender without a file reader sends
    assert part.upload == file
