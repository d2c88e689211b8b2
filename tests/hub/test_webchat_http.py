"""The web chat over HTTP, end to end, exactly as CONTRACT.md specifies it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time

import pytest
from fastapi.testclient import TestClient

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
    monkeypatch.setenv("SAMIA_ADMIN_TOKEN", "admin-secret")
    settings = load_settings()

    async def seeded_runtime():  # type: ignore[no-untyped-def]
        runtime = await build_runtime(settings, clock=FixedClock(NOW))
        reader = make_reader(
            name="Samia",
            slug="samia",
            booking_slug="samia",
            greeting="Tarot with heart",
            minimum_notice_minutes=60,
        )
        async with runtime.database.uows() as uow:
            await uow.readers.add(reader)
            await uow.services.add(make_service(reader, name="Love reading", slug="love"))
            for weekday in range(5):
                await uow.availability.replace_weekday(
                    reader.id, weekday, [WeeklyHours(weekday, time(10), time(18))]
                )
            await uow.commit()
        await runtime.refresh_reader_names()
        return runtime

    import asyncio

    runtime = asyncio.run(seeded_runtime())
    with TestClient(create_app(settings, runtime=runtime)) as http:
        yield http
    asyncio.run(runtime.close())


def say(http: TestClient, session: str | None, **body: str) -> dict:  # type: ignore[type-arg]
    known = {"session": session} if session else {}
    response = http.post("/api/v1/chat", json={**known, **body})
    assert response.status_code == 200, response.text
    answer: dict = response.json()  # type: ignore[type-arg]
    assert session is None or answer["session"] == session
    return answer


def button(answer: dict, label: str) -> str:  # type: ignore[type-arg]
    for reply in answer["replies"]:
        for choice in reply["choices"]:
            if label in choice["label"]:
                return choice["action"]
    raise AssertionError(f"no {label!r} in {answer}")


def test_booking_over_http_then_listed_by_the_admin_api(client: TestClient) -> None:
    answer = say(client, None, text="book tomorrow at 11am", timezone="Europe/London")
    session = answer["session"]
    assert set(answer["replies"][0]) == {"text", "choices", "image_url", "document_url"}
    assert "name" in answer["replies"][-1]["text"]
    say(client, session, text="Lina")
    answer = say(client, session, text="lina@example.com")
    answer = say(client, session, action=button(answer, "Confirm"))
    assert answer["replies"][0]["text"].startswith("Booked!")

    listed = client.get(
        "/api/v1/bookings",
        params={"client_email": "lina@example.com"},
        headers={"Authorization": "Bearer admin-secret"},
    )
    assert listed.status_code == 200
    [booking] = listed.json()
    assert booking["status"] == "confirmed"
    assert booking["reader"] == "samia"
    assert booking["starts_at"].startswith("2026-11-27T11:00:00")


def test_malformed_chat_bodies_are_400_and_change_nothing(client: TestClient) -> None:
    for body in (
        {"session": "short", "text": "hi"},
        {"session": "browser-session-0002"},
        {"session": "browser-session-0002", "text": "hi", "action": "bk:start:"},
        {"session": "browser-session-0002", "text": "   "},
    ):
        response = client.post("/api/v1/chat", json=body)
        assert response.status_code == 400, body
        assert response.json()["error"] == "bad request"
    response = client.post(
        "/api/v1/chat", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_a_chat_without_a_session_gets_a_server_issued_one(client: TestClient) -> None:
    first = say(client, None, text="hi")
    second = say(client, None, text="hi")
    assert first["session"] != second["session"]
    assert len(first["session"]) == 45  # 128 random bits and a 128-bit tag, base64url
    assert say(client, first["session"], text="help")["session"] == first["session"]


def test_a_made_up_session_reads_nothing_and_says_nothing(client: TestClient) -> None:
    real = say(client, None, text="book tomorrow at 11am")["session"]
    nonce, tag = real.split(".")
    forged = f"{nonce}.{'A' * len(tag)}"
    for session in ("browser-session-0002", forged, "A" * 22 + "." + tag):
        talked = client.post("/api/v1/chat", json={"session": session, "text": "my bookings"})
        assert talked.status_code == 401, session
        assert "unknown chat session" in talked.json()["detail"]
        read = client.get(f"/api/v1/chat/{session}/messages")
        assert read.status_code == 401, session
    assert client.get(f"/api/v1/chat/{real}/messages").status_code == 200


def test_admin_api_needs_the_bearer_token(client: TestClient) -> None:
    assert client.get("/api/v1/bookings").status_code == 401
    assert (
        client.get("/api/v1/bookings", headers={"Authorization": "Bearer wrong"}).status_code == 401
    )


def test_readers_pages_and_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "flows": "off"}
    assert client.get("/api/v1/readers").json() == [
        {"slug": "samia", "name": "Samia", "timezone": "Europe/London", "currency": "GBP"}
    ]
    page = client.get("/r/samia")
    assert page.status_code == 200
    assert "Tarot with heart" in page.text
    assert client.get("/r/nobody").status_code == 404
    page = client.get("/chat").text
    assert "/api/v1/chat" in page
    assert "/messages" in page  # the page collects later notices (confirmations, reminders)
    metrics = client.get("/metrics").text
    assert "samia_chat_turns_total" in metrics
    assert "samia_outbox_queue_depth" in metrics
    assert "samia_live_sessions" in metrics


def test_the_admin_reads_a_sign_in_code_at_outbox(client: TestClient) -> None:
    first = say(client, None, text="book tomorrow at 11am")
    say(client, first["session"], text="Lina")
    answer = say(client, first["session"], text="lina@example.com")
    say(client, first["session"], action=button(answer, "Confirm"))
    second = say(client, None, text="my email")  # another browser, the same person
    answer = say(client, second["session"], text="lina@example.com")
    assert "sent a 6-digit code" in answer["replies"][0]["text"]

    refused = client.get("/outbox")
    held = client.get(
        "/outbox",
        params={"to": "lina@example.com"},
        headers={"Authorization": "Bearer admin-secret"},
    )

    assert refused.status_code == 401
    assert held.status_code == 200
    [email] = held.json()
    assert email["kind"] == "login_code"
    code = email["subject"].rsplit(" ", 1)[-1]
    answer = say(client, second["session"], text=code)
    assert answer["replies"][0]["text"] == "Signed in. Welcome back, Lina!"
