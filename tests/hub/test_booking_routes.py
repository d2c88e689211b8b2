"""Zoom meeting webhooks and the reader's ICS feed, through the real ASGI app."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from connectors.meetings.webhooks import sign_zoom_body, url_validation_response
from domain.clock import FixedClock
from domain.enums import BookingStatus
from domain.models import Booking
from domain.ports.links import ExternalLink
from hub.app import create_app
from hub.runtime import Runtime, build_runtime
from hub.settings import load_settings
from tests.support.factories import make_booking, make_client, make_reader, make_service

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
SECRET = "zoom-webhook-secret"
MEETING_ID = "85000000042"


@dataclass
class Hub:
    http: TestClient
    runtime: Runtime
    booking: Booking
    cancelled: Booking

    def zoom(self, payload: dict[str, Any], *, secret: str = SECRET, age: int = 0) -> Any:
        body = json.dumps(payload).encode()
        stamp = str(int(NOW.timestamp()) - age)
        headers = {
            "x-zm-request-timestamp": stamp,
            "x-zm-signature": sign_zoom_body(body, stamp, secret),
            "content-type": "application/json",
        }
        return self.http.post("/webhooks/zoom", content=body, headers=headers)

    def session(self) -> Any:
        async def read() -> Any:
            async with self.runtime.database.uows() as uow:
                return await uow.reading_sessions.get(self.booking.id)

        return asyncio.run(read())

    def inbound_rows(self) -> int:
        import sqlalchemy as sa

        from storage.models import InboundEvent

        async def count() -> int:
            async with self.runtime.database.engine.connect() as conn:
                return int(
                    (
                        await conn.execute(sa.select(sa.func.count()).select_from(InboundEvent))
                    ).scalar_one()
                )

        return asyncio.run(count())


@pytest.fixture
def hub(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    monkeypatch.setenv("SAMIA_DATABASE_URL", database_url)
    for name, value in {
        "ACCOUNT_ID": "acc",
        "CLIENT_ID": "cid",
        "CLIENT_SECRET": "csecret",
        "WEBHOOK_SECRET": SECRET,
    }.items():
        monkeypatch.setenv(f"SAMIA_ZOOM_{name}", value)
    settings = load_settings()
    reader = make_reader(slug="samia", name="Samia", ics_token="feed-token-123")
    service = make_service(reader, name="Love reading")
    client = make_client(name="Lina")
    booking = make_booking(
        service,
        client,
        NOW + timedelta(days=1),
        updated_at=NOW,
        meeting_url="https://zoom.example/j/1",
    )
    cancelled = make_booking(
        service, client, NOW + timedelta(days=2), updated_at=NOW, status=BookingStatus.CANCELLED
    )

    async def seeded() -> Runtime:
        runtime = await build_runtime(settings, clock=FixedClock(NOW))
        async with runtime.database.uows() as uow:
            await uow.readers.add(reader)
            await uow.services.add(service)
            await uow.clients.add(client)
            await uow.bookings.add(booking)
            await uow.bookings.add(cancelled)
            link = ExternalLink(
                "booking", booking.id, "meeting", "zoom", MEETING_ID, {"state": "live"}
            )
            await uow.external_refs.put(link, NOW)
            await uow.commit()
        return runtime

    runtime = asyncio.run(seeded())
    with TestClient(create_app(settings, runtime=runtime)) as http:
        yield Hub(http, runtime, booking, cancelled)
    asyncio.run(runtime.close())


def meeting_event(event: str, ts: int, **fields: str) -> dict[str, Any]:
    meeting = {"id": int(MEETING_ID), "uuid": "abc==", "topic": "Love reading", **fields}
    return {"event": event, "event_ts": ts, "payload": {"account_id": "acc", "object": meeting}}


class TestZoomWebhook:
    def test_url_validation_is_answered_with_the_hmac_of_the_token(self, hub: Hub) -> None:
        answer = hub.zoom({"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}})

        assert answer.status_code == 200
        assert answer.json() == url_validation_response("abc", SECRET)

    @pytest.mark.parametrize("problem", ["wrong secret", "stale", "missing"])
    def test_a_bad_signature_is_401_and_nothing_is_stored(self, hub: Hub, problem: str) -> None:
        event = meeting_event("meeting.started", 1, start_time="2026-11-27T09:01:00Z")
        if problem == "missing":
            answer = hub.http.post("/webhooks/zoom", json=event)
        else:
            answer = hub.zoom(
                event,
                secret="nope" if problem == "wrong secret" else SECRET,
                age=3600 if problem == "stale" else 0,
            )

        assert answer.status_code == 401
        assert hub.inbound_rows() == 0
        assert hub.session() is None

    def test_started_and_ended_record_the_real_times_once(self, hub: Hub) -> None:
        started = meeting_event("meeting.started", 1764234060000, start_time="2026-11-27T09:01:00Z")
        ended = meeting_event(
            "meeting.ended",
            1764236000000,
            start_time="2026-11-27T09:01:00Z",
            end_time="2026-11-27T09:33:30Z",
        )

        for payload in (started, started, ended, ended):  # Zoom redelivers
            assert hub.zoom(payload).status_code == 200

        times = hub.session()
        assert times.started_at == datetime(2026, 11, 27, 9, 1, tzinfo=UTC)
        assert times.ended_at == datetime(2026, 11, 27, 9, 33, 30, tzinfo=UTC)
        assert times.duration_seconds == 32 * 60 + 30
        assert hub.inbound_rows() == 2

    def test_a_meeting_that_is_not_ours_is_acknowledged_and_ignored(self, hub: Hub) -> None:
        event = meeting_event("meeting.started", 5, start_time="2026-11-27T09:01:00Z")
        event["payload"]["object"]["id"] = 1

        assert hub.zoom(event).status_code == 200
        assert hub.session() is None

    def test_a_malformed_body_is_400(self, hub: Hub) -> None:
        body = b"not json"
        stamp = str(int(NOW.timestamp()))
        headers = {
            "x-zm-request-timestamp": stamp,
            "x-zm-signature": sign_zoom_body(body, stamp, SECRET),
        }

        assert hub.http.post("/webhooks/zoom", content=body, headers=headers).status_code == 400


class TestIcsFeed:
    def test_the_feed_lists_the_readers_bookings_cancelled_ones_marked(self, hub: Hub) -> None:
        answer = hub.http.get("/calendar/samia.ics", params={"token": "feed-token-123"})

        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/calendar")
        text = answer.text
        assert text.startswith("BEGIN:VCALENDAR\r\n")
        assert f"UID:{hub.booking.id}@samia-hub" in text
        assert "SUMMARY:Love reading with Lina" in text
        assert "STATUS:CANCELLED" in text
        assert "STATUS:CONFIRMED" in text
        assert "URL:https://zoom.example/j/1" in text

    def test_a_wrong_token_is_403(self, hub: Hub) -> None:
        assert hub.http.get("/calendar/samia.ics", params={"token": "guess"}).status_code == 403
        assert hub.http.get("/calendar/samia.ics").status_code == 403

    def test_an_unknown_reader_is_404(self, hub: Hub) -> None:
        answer = hub.http.get("/calendar/nobody.ics", params={"token": "feed-token-123"})
        assert answer.status_code == 404
