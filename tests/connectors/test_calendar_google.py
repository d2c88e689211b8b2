"""GoogleCalendar against the loopback Google: adoption, error mapping, batches, paging, cost."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors.calendar.google import GoogleCalendar
from connectors.calendar.ids import event_id_for
from connectors.errors import (
    AuthExpired,
    ConnectorError,
    PermanentConnectorError,
    TransientConnectorError,
)
from connectors.settings import GoogleSettings
from domain.booking.windows import TimeWindow
from domain.ports.calendar import CalendarConnector, CalendarEventRef, SessionEvent
from tests.support.fakes.google_calendar_api import GoogleCalendarApiFake

CAL = "reader@example.com"
START = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def session(start: datetime = START, *, title: str = "Tarot") -> SessionEvent:
    return SessionEvent(
        booking_id=uuid.uuid4(),
        title=title,
        description="Three-card spread",
        starts_at=start,
        ends_at=start + HOUR,
        timezone="Europe/Paris",
        attendee_emails=("client@example.com",),
        location="Online",
    )


@pytest.fixture(scope="module")
def server() -> Iterator[GoogleCalendarApiFake]:
    with GoogleCalendarApiFake() as fake:
        yield fake


@pytest.fixture
async def google(server: GoogleCalendarApiFake) -> AsyncIterator[GoogleCalendar]:
    server.reset()
    calendar = GoogleCalendar.for_testing(server.url)
    yield calendar
    await calendar.aclose()
    assert server.violations == []


def test_google_calendar_satisfies_the_port(google: GoogleCalendar) -> None:
    connector: CalendarConnector = google
    assert connector is google


async def test_a_create_costs_one_api_call(google: GoogleCalendar) -> None:
    await google.create_event(calendar_id=CAL, event=session(), idempotency_key="one")
    assert google.api_calls == 1


async def test_the_event_carries_booking_properties_and_the_readers_time_zone(
    google: GoogleCalendar, server: GoogleCalendarApiFake
) -> None:
    event = session()
    ref = await google.create_event(calendar_id=CAL, event=event, idempotency_key="props")
    stored = server.event(CAL, ref.event_id)
    assert stored is not None
    assert stored["extendedProperties"]["private"] == {
        "samia_booking": str(event.booking_id),
        "samia_key": "props",
    }
    assert stored["start"] == {"dateTime": "2031-03-03T10:00:00Z", "timeZone": "Europe/Paris"}
    assert stored["attendees"] == [{"email": "client@example.com"}]
    assert ref.html_link
    assert ref.event_id in ref.html_link


async def test_a_lost_response_is_adopted_on_retry_through_409(
    google: GoogleCalendar, server: GoogleCalendarApiFake
) -> None:
    server.fail_next("events.insert", status=503, after_commit=True)
    with pytest.raises(TransientConnectorError):
        await google.create_event(calendar_id=CAL, event=session(), idempotency_key="lost")
    ref = await google.create_event(calendar_id=CAL, event=session(), idempotency_key="lost")
    assert ref.event_id == event_id_for("lost")
    assert [e["id"] for e in server.events(CAL)] == [ref.event_id]
    assert [(c.method, c.status) for c in server.calls()] == [
        ("events.insert", 503),
        ("events.insert", 409),
        ("events.get", 200),
    ]


async def test_a_409_on_a_cancelled_event_restores_it_with_the_new_content(
    google: GoogleCalendar, server: GoogleCalendarApiFake
) -> None:
    ref = await google.create_event(calendar_id=CAL, event=session(), idempotency_key="back")
    await google.cancel_event(ref=ref)
    await google.create_event(
        calendar_id=CAL, event=session(START + HOUR, title="Rebooked"), idempotency_key="back"
    )
    stored = server.event(CAL, ref.event_id)
    assert stored is not None
    assert (stored["status"], stored["summary"]) == ("confirmed", "Rebooked")
    assert [c.method for c in server.calls()][-3:] == [
        "events.insert",
        "events.get",
        "events.update",
    ]


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("7", 7.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), (None, None)],
)
async def test_429_is_transient_and_carries_retry_after(
    google: GoogleCalendar,
    server: GoogleCalendarApiFake,
    retry_after: str | None,
    expected: float | None,
) -> None:
    server.fail_next("events.insert", status=429, retry_after=retry_after)
    with pytest.raises(TransientConnectorError) as raised:
        await google.create_event(calendar_id=CAL, event=session(), idempotency_key="rl")
    assert (raised.value.status, raised.value.retry_after) == (429, expected)


async def test_403_rate_limit_exceeded_is_transient_but_other_403s_are_not(
    google: GoogleCalendar, server: GoogleCalendarApiFake
) -> None:
    server.fail_next("freebusy.query", status=403, reason="userRateLimitExceeded")
    with pytest.raises(TransientConnectorError):
        await google.busy(calendar_id=CAL, window=TimeWindow(START, START + HOUR))
    server.fail_next("freebusy.query", status=403, reason="forbidden")
    with pytest.raises(PermanentConnectorError) as raised:
        await google.busy(calendar_id=CAL, window=TimeWindow(START, START + HOUR))
    assert not isinstance(raised.value, AuthExpired)


async def test_5xx_is_transient(google: GoogleCalendar, server: GoogleCalendarApiFake) -> None:
    server.fail_next("events.list", status=500)
    with pytest.raises(TransientConnectorError):
        await google.sync(calendar_id=CAL, cursor=None)


async def test_401_means_the_reader_must_reconnect(
    google: GoogleCalendar, server: GoogleCalendarApiFake
) -> None:
    server.fail_next("events.patch", status=401)
    ref = CalendarEventRef(calendar_id=CAL, event_id=event_id_for("x"))
    with pytest.raises(AuthExpired):
        await google.update_event(ref=ref, event=session())


async def test_cancel_still_fails_loudly_on_errors_other_than_gone(
    google: GoogleCalendar, server: GoogleCalendarApiFake
) -> None:
    server.fail_next("events.delete", status=403, reason="forbidden")
    with pytest.raises(PermanentConnectorError):
        await google.cancel_event(ref=CalendarEventRef(calendar_id=CAL, event_id="abcde12345"))


async def test_a_slow_answer_times_out_as_transient(server: GoogleCalendarApiFake) -> None:
    server.reset()
    impatient = GoogleCalendar.for_testing(server.url, http_timeout=0.2)
    server.delay_next("events.insert", 1.0)
    try:
        with pytest.raises(TransientConnectorError, match="timed out"):
            await impatient.create_event(calendar_id=CAL, event=session(), idempotency_key="slow")
    finally:
        await impatient.aclose()


async def test_an_unreachable_api_is_transient() -> None:
    nowhere = GoogleCalendar.for_testing("http://127.0.0.1:9", http_timeout=1.0)
    try:
        with pytest.raises(TransientConnectorError, match="unreachable"):
            await nowhere.busy(calendar_id=CAL, window=TimeWindow(START, START + HOUR))
    finally:
        await nowhere.aclose()


async def test_syncing_an_unchanged_calendar_costs_one_call(google: GoogleCalendar) -> None:
    await google.create_event(calendar_id=CAL, event=session(), idempotency_key="s")
    first = await google.sync(calendar_id=CAL, cursor=None)
    before = google.api_calls
    await google.sync(calendar_id=CAL, cursor=first.next_cursor)
    assert google.api_calls - before == 1


async def test_an_expired_sync_token_costs_one_410_then_a_full_listing(
    google: GoogleCalendar, server: GoogleCalendarApiFake
) -> None:
    first = await google.sync(calendar_id=CAL, cursor=None)
    server.expire_sync_tokens()
    await google.sync(calendar_id=CAL, cursor=first.next_cursor)
    assert [c.status for c in server.calls("events.list")] == [200, 410, 200]


async def test_full_sync_follows_pages_and_keeps_the_last_pages_sync_token() -> None:
    with GoogleCalendarApiFake(max_page_size=2) as server:
        google = GoogleCalendar.for_testing(server.url)
        try:
            for i in range(5):
                await google.create_event(
                    calendar_id=CAL, event=session(START + i * HOUR), idempotency_key=f"p{i}"
                )
            full = await google.sync(calendar_id=CAL, cursor=None)
            assert len(full.changes) == 5
            lists = server.calls("events.list")
            assert len(lists) == 3
            assert [("pageToken" in c.params) for c in lists] == [False, True, True]
            delta = await google.sync(calendar_id=CAL, cursor=full.next_cursor)
            assert delta.changes == []
            assert server.violations == []
        finally:
            await google.aclose()


async def test_all_day_and_declined_events_sync_the_way_they_block(
    google: GoogleCalendar, server: GoogleCalendarApiFake
) -> None:
    holiday = server.add_event(
        CAL, {"summary": "Holiday", "start": {"date": "2031-03-04"}, "end": {"date": "2031-03-06"}}
    )
    declined = server.add_event(
        CAL,
        {
            "summary": "Team sync",
            "start": {"dateTime": "2031-03-03T15:00:00+01:00"},
            "end": {"dateTime": "2031-03-03T16:00:00+01:00"},
            "attendees": [{"email": CAL, "self": True, "responseStatus": "declined"}],
        },
    )
    result = await google.sync(calendar_id=CAL, cursor=None)
    by_id = {c.event_id: c for c in result.changes}
    assert by_id[holiday["id"]].window == TimeWindow(
        datetime(2031, 3, 4, tzinfo=UTC), datetime(2031, 3, 6, tzinfo=UTC)
    )
    assert by_id[declined["id"]].window is None
    assert by_id[declined["id"]].cancelled is False


async def test_a_batch_of_1200_events_takes_two_batch_calls(
    google: GoogleCalendar, server: GoogleCalendarApiFake
) -> None:
    items = [(session(START + i * HOUR), f"bulk-{i}") for i in range(1200)]
    results = await google.create_events_batch(CAL, items)
    assert google.api_calls == 2
    assert [c.params["parts"] for c in server.calls("batch")] == [1000, 200]
    assert len(server.events(CAL)) == 1200
    assert [r.event_id for r in results if isinstance(r, CalendarEventRef)] == [
        event_id_for(f"bulk-{i}") for i in range(1200)
    ]


async def test_a_batch_adopts_events_that_already_exist(
    google: GoogleCalendar, server: GoogleCalendarApiFake
) -> None:
    await google.create_event(calendar_id=CAL, event=session(), idempotency_key="dup-1")
    items = [(session(), f"dup-{i}") for i in range(3)]
    results = await google.create_events_batch(CAL, items)
    assert all(isinstance(r, CalendarEventRef) for r in results)
    assert len(server.events(CAL)) == 3
    assert [c.params["parts"] for c in server.calls("batch")] == [3, 1]  # inserts, then one GET


async def test_a_failed_batch_call_marks_each_item_with_the_error(
    google: GoogleCalendar, server: GoogleCalendarApiFake
) -> None:
    server.fail_next("batch", status=503)
    results = await google.create_events_batch(CAL, [(session(), "f-1"), (session(), "f-2")])
    assert all(isinstance(r, TransientConnectorError) for r in results)


async def test_a_batch_reports_per_item_failures_in_order(
    google: GoogleCalendar, server: GoogleCalendarApiFake
) -> None:
    server.fail_next("events.insert", status=429)
    results = await google.create_events_batch(CAL, [(session(), "i-1"), (session(), "i-2")])
    assert isinstance(results[0], ConnectorError)
    assert isinstance(results[1], CalendarEventRef)


def user_info(refresh_token: str) -> dict[str, str]:
    return {
        "type": "authorized_user",
        "client_id": "samia-client.apps.googleusercontent.com",
        "client_secret": "samia-client-secret",
        "refresh_token": refresh_token,
    }


async def test_reader_credentials_refresh_once_and_sign_every_call_and_batch_part(
    tmp_path: Path,
) -> None:
    with GoogleCalendarApiFake(access_token="ya29.reader", refresh_token="1//reader") as server:
        file = tmp_path / "reader.json"
        file.write_text(json.dumps(user_info("1//reader")))
        settings = GoogleSettings(credentials_file=str(file), api_url=server.url)
        google = GoogleCalendar.from_settings(settings, token_uri=f"{server.url}/token")
        try:
            await google.create_event(calendar_id=CAL, event=session(), idempotency_key="a")
            results = await google.create_events_batch(CAL, [(session(), "b"), (session(), "c")])
            assert all(isinstance(r, CalendarEventRef) for r in results)
            assert len(server.calls("oauth.token")) == 1
            assert all(c.status < 300 for c in server.calls() if c.method != "oauth.token")
            assert google.api_calls == 2
            assert server.violations == []
        finally:
            await google.aclose()


async def test_a_revoked_reader_grant_means_auth_expired() -> None:
    with GoogleCalendarApiFake(access_token="ya29.reader", refresh_token="1//current") as server:
        google = GoogleCalendar.from_authorized_user_info(
            user_info("1//old"), server.url, token_uri=f"{server.url}/token"
        )
        try:
            with pytest.raises(AuthExpired):
                await google.create_event(calendar_id=CAL, event=session(), idempotency_key="a")
            assert server.calls("events.insert") == []
        finally:
            await google.aclose()
