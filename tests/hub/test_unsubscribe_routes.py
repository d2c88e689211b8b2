"""The unsubscribe link in our emails, over HTTP: a real token stops offers everywhere."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlparse
from uuid import UUID, uuid4

import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from bots.notice_emails import NoticeEmails
from domain.clock import FixedClock
from domain.crm.consent import may_send, record_consent
from domain.enums import Channel, ConsentKind
from domain.ports.notify import Notice, NoticeKind
from hub.app import create_app
from hub.runtime import Runtime, build_runtime
from hub.settings import load_settings
from hub.unsubscribe_routes import UnsubscribeLinks, unsubscribe_links
from tests.support.factories import make_client

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
SECRET = Fernet.generate_key().decode()  # the hub secret is also the notes' Fernet key


@dataclass
class Hub:
    http: TestClient
    runtime: Runtime
    links: UnsubscribeLinks
    client_id: UUID


@pytest.fixture
def hub(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    monkeypatch.setenv("SAMIA_DATABASE_URL", database_url)
    monkeypatch.setenv("SAMIA_SECRET_KEY", SECRET)
    settings = load_settings()
    runtime = asyncio.run(build_runtime(settings, clock=FixedClock(NOW)))
    client_id = asyncio.run(consenting_client(runtime))
    with TestClient(create_app(settings, runtime=runtime)) as http:
        yield Hub(http, runtime, unsubscribe_links(settings), client_id)
    asyncio.run(runtime.close())


async def consenting_client(runtime: Runtime) -> UUID:
    client = make_client(name="Lina", email="lina@example.com")
    async with runtime.database.uows() as uow:
        await uow.clients.add(client)
        await uow.commit()
    await record_consent(
        uow=runtime.database.uows(), clock=runtime.clock, client_id=client.id,
        purpose=ConsentKind.MARKETING, granted=True, source="test",
    )  # fmt: skip
    return client.id


def offers_allowed(hub: Hub, channel: Channel) -> bool:
    uow = hub.runtime.database.uows(read_only=True)
    marketing = ConsentKind.MARKETING
    check = may_send(uow=uow, client_id=hub.client_id, purpose=marketing, channel=channel)
    return asyncio.run(check)


def test_the_link_stops_offers_on_every_channel_and_says_booking_messages_still_come(
    hub: Hub,
) -> None:
    path = urlparse(hub.links.url(hub.client_id)).path
    answer = hub.http.get(path)
    assert answer.status_code == 200
    assert "You are unsubscribed" in answer.text
    assert "about your own bookings still come" in answer.text
    assert not any(offers_allowed(hub, channel) for channel in Channel)

    async def sources() -> list[str]:
        async with hub.runtime.database.uows() as uow:
            return [
                e.source for e in await uow.consent.history(hub.client_id, ConsentKind.MARKETING)
            ]

    assert asyncio.run(sources())[-1] == "email link"
    assert hub.http.get(path).status_code == 200  # opened twice: still unsubscribed, no error


def test_one_click_post_unsubscribes_and_the_page_follows_the_browser_language(hub: Hub) -> None:
    answer = hub.http.post(
        f"/unsubscribe/{hub.links.token(hub.client_id)}", headers={"Accept-Language": "ar"}
    )
    assert answer.status_code == 200
    assert "تم إلغاء اشتراكك" in answer.text
    assert 'dir="rtl"' in answer.text
    assert not offers_allowed(hub, Channel.EMAIL)


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        f"{'7' * 32}.{'0' * 32}",  # a made-up client and tag
        f"TARGET.{'0' * 32}",  # the right client, a forged tag
        "OTHER",  # a real tag of another hub's secret
        f"{'7' * 32}.",
    ],
    ids=["nonsense", "made-up", "forged-tag", "other-secret", "no-tag"],
)
def test_a_bad_or_forged_token_is_refused_and_changes_nothing(hub: Hub, token: str) -> None:
    if token == "OTHER":
        token = UnsubscribeLinks(b"another secret").token(hub.client_id)
    token = token.replace("TARGET", hub.client_id.hex)
    answer = hub.http.get(f"/unsubscribe/{token}")
    assert answer.status_code == 400
    assert "not valid, so nothing was changed" in answer.text
    assert offers_allowed(hub, Channel.EMAIL)
    assert offers_allowed(hub, Channel.TELEGRAM)


def test_a_real_token_of_an_unknown_client_changes_nothing(hub: Hub) -> None:
    answer = hub.http.get(f"/unsubscribe/{hub.links.token(uuid4())}")
    assert answer.status_code == 400
    assert offers_allowed(hub, Channel.EMAIL)


def test_a_follow_up_email_ends_with_the_link_and_the_link_unsubscribes(hub: Hub) -> None:
    params = {"template": "win_back", "reader": "Samia", "client": "Lina"}
    notice = Notice(NoticeKind.FOLLOW_UP, {**params, "client_id": str(hub.client_id)})
    copy = NoticeEmails(unsubscribe_link=hub.links.url).write(notice, language="ar")
    *_, footer, link = copy.text.splitlines()
    assert footer == "لإيقاف العروض والأخبار منا، افتح هذا الرابط:"
    assert link == hub.links.url(hub.client_id)
    assert offers_allowed(hub, Channel.EMAIL)
    assert hub.http.get(urlparse(link).path).status_code == 200
    assert not offers_allowed(hub, Channel.EMAIL)
    without = NoticeEmails().write(notice, language="en")
    assert "unsubscribe" not in without.text
