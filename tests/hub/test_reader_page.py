"""A reader's page opens in the reader's language, right to left for Arabic, unless asked not."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, time

import pytest
from fastapi.testclient import TestClient

from bots.language import page_language
from domain.clock import FixedClock
from domain.models import WeeklyHours
from hub.app import create_app
from hub.runtime import build_runtime
from hub.settings import load_settings
from tests.support.factories import make_reader, make_service

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def client(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("SAMIA_DATABASE_URL", database_url)
    settings = load_settings()

    async def seeded_runtime():  # type: ignore[no-untyped-def]
        runtime = await build_runtime(settings, clock=FixedClock(NOW))
        layla = make_reader(
            name="Layla", slug="layla", languages=["ar", "en"], greeting="قراءات بالعربية"
        )
        samia = make_reader(name="Samia", slug="samia", languages=["en"])
        async with runtime.database.uows() as uow:
            for reader in (layla, samia):
                await uow.readers.add(reader)
                await uow.services.add(make_service(reader, name="Love reading", slug="love"))
                await uow.availability.replace_weekday(
                    reader.id, 3, [WeeklyHours(3, time(10), time(18))]
                )
            await uow.commit()
        await runtime.refresh_reader_names()
        return runtime

    runtime = asyncio.run(seeded_runtime())
    with TestClient(create_app(settings, runtime=runtime)) as http:
        yield http
    asyncio.run(runtime.close())


def opened(client: TestClient, path: str, accept_language: str | None = None) -> str:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    page = client.get(path, headers=headers)
    assert page.status_code == 200
    assert page.headers["vary"] == "Accept-Language"
    return page.text


def test_arabic_readers_page_opens_right_to_left_in_arabic(client: TestClient) -> None:
    page = opened(client, "/r/layla")

    assert '<html lang="ar" dir="rtl">' in page
    assert "إرسال" in page  # the send button
    assert 'const locale = "ar"' in page  # the chat starts in Arabic too


def test_browser_that_asks_only_for_english_gets_the_english_page(client: TestClient) -> None:
    page = opened(client, "/r/layla", "en-GB,en;q=0.9")

    assert '<html lang="en" dir="ltr">' in page
    assert 'const locale = "en"' in page


def test_browser_that_reads_the_readers_language_gets_it(client: TestClient) -> None:
    page = opened(client, "/r/layla", "en-US,en;q=0.9,ar;q=0.5")

    assert '<html lang="ar" dir="rtl">' in page


def test_english_readers_page_in_arabic_when_the_browser_asks(client: TestClient) -> None:
    assert '<html lang="en" dir="ltr">' in opened(client, "/r/samia")
    assert '<html lang="ar" dir="rtl">' in opened(client, "/r/samia", "ar-EG,ar;q=0.9")
    assert '<html lang="en" dir="ltr">' in opened(client, "/r/samia", "fr-FR,fr;q=0.9")


def test_first_turn_from_the_arabic_page_is_answered_in_arabic(client: TestClient) -> None:
    answer = client.post("/api/v1/chat", json={"text": "book with Layla", "locale": "ar"}).json()

    text = answer["replies"][0]["text"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in text), text


@pytest.mark.parametrize(
    ("home", "header", "expected"),
    [
        (["ar", "en"], None, "ar"),
        (["ar", "en"], "en", "en"),
        (["ar", "en"], "de-DE,ar;q=0.2,en;q=0.1", "ar"),
        (["en"], "ar", "ar"),
        (["en"], "*", "en"),
        ([], None, "en"),
    ],
)
def test_page_language_rule(home: list[str], header: str | None, expected: str) -> None:
    assert page_language(home, header) == expected
