"""The real Google and Zoom adapters against their loopback fakes: crashes are adopted.

The fakes act and then answer 500 ("after commit"): the event or meeting exists but we
never heard back, which is what a crash between the provider's answer and our commit
looks like. The rerun must adopt it, not make a second one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
from pydantic import SecretStr

from connectors.calendar.google import GoogleCalendar
from connectors.meetings.zoom import ZoomMeetings
from connectors.settings import ZoomSettings
from domain.ports.notify import NoticeKind
from flows._deps import use_deps
from flows.outbox import process_outbox
from tests.flows.conftest import World
from tests.support.accounts import StaticAccounts
from tests.support.fakes.google_calendar_api import GoogleCalendarApiFake
from tests.support.fakes.zoom_api import ZoomApiFake

CALENDAR = "reader@example.com"


@pytest.fixture(scope="module")
def google() -> Iterator[GoogleCalendarApiFake]:
    with GoogleCalendarApiFake() as server:
        yield server


@pytest.fixture(scope="module")
def zoom() -> Iterator[ZoomApiFake]:
    with ZoomApiFake() as server:
        yield server


@pytest.fixture
async def real(
    world: World, google: GoogleCalendarApiFake, zoom: ZoomApiFake
) -> AsyncIterator[StaticAccounts]:
    google.reset()
    zoom.reset()
    calendar = GoogleCalendar.for_testing(google.url)
    meetings = ZoomMeetings(
        ZoomSettings(
            account_id=zoom.account_id,
            client_id=zoom.client_id,
            client_secret=SecretStr(zoom.client_secret),
            webhook_secret=SecretStr("unused"),
            api_url=f"{zoom.url}/v2/",
            oauth_url=f"{zoom.url}/oauth/token",
        )
    )
    accounts = StaticAccounts(calendar, meetings, calendar_id=CALENDAR, host="reader@example.com")
    with use_deps(world.deps(accounts=accounts)):
        yield accounts
    await meetings.aclose()
    calendar.close()
    assert google.violations == []
    assert zoom.violations == []


async def test_one_booking_costs_one_calendar_write_and_one_zoom_call(
    world: World, real: StaticAccounts, google: GoogleCalendarApiFake, zoom: ZoomApiFake
) -> None:
    await world.book(world.clock.now() + timedelta(days=2))

    assert await process_outbox.fn() == {"done": 1}

    assert [c.method for c in google.calls()] == ["events.insert"]
    assert [c.method for c in zoom.calls()] == ["token", "meetings.create"]
    [told] = world.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED)
    [meeting] = zoom.live_meetings()
    assert told.notice.params["meeting_url"] == meeting["join_url"]
    [event] = google.events(CALENDAR)
    assert event["location"] == meeting["join_url"]


async def test_lost_answers_after_the_provider_acted_are_adopted_on_the_rerun(
    world: World, real: StaticAccounts, google: GoogleCalendarApiFake, zoom: ZoomApiFake
) -> None:
    zoom.fail_next("meetings.create", status=500, after_commit=True)
    google.fail_next("events.insert", status=500, after_commit=True)
    booking = await world.book(world.clock.now() + timedelta(days=2))

    first = await process_outbox.fn()  # the meeting was made, its answer lost
    world.clock.advance(timedelta(minutes=5))
    second = await process_outbox.fn()  # meeting adopted; the event made, its answer lost
    world.clock.advance(timedelta(minutes=5))
    third = await process_outbox.fn()  # event adopted (409 on its deterministic id)

    assert (first, second, third) == ({"retry_later": 1}, {"retry_later": 1}, {"done": 1})
    assert len(zoom.live_meetings()) == 1
    assert len(google.events(CALENDAR)) == 1
    assert len(zoom.calls("meetings.create")) == 1
    assert len(zoom.calls("meetings.list")) >= 1  # the rerun looked before creating
    assert [c.status for c in google.calls("events.insert")] == [500, 409]
    [told] = world.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED, booking_id=booking.id)
    assert told.notice.params["meeting_url"] == zoom.live_meetings()[0]["join_url"]


async def test_reschedule_and_cancel_reach_google_and_zoom(
    world: World, real: StaticAccounts, google: GoogleCalendarApiFake, zoom: ZoomApiFake
) -> None:
    from domain.booking.service import cancel_booking, reschedule_booking

    booking = await world.book(world.clock.now() + timedelta(days=2))
    await process_outbox.fn()
    new_start = booking.starts_at + timedelta(days=1)
    await reschedule_booking(
        uow=world.database.uows(),
        clock=world.clock,
        booking_id=booking.id,
        client_id=booking.client_id,
        new_start=new_start,
    )
    await process_outbox.fn()

    [event] = google.events(CALENDAR)
    [meeting] = zoom.live_meetings()
    assert event["start"]["dateTime"].startswith(new_start.strftime("%Y-%m-%dT%H:%M"))
    assert meeting["start_time"] == new_start.strftime("%Y-%m-%dT%H:%M:%SZ")

    await cancel_booking(
        uow=world.database.uows(),
        clock=world.clock,
        booking_id=booking.id,
        client_id=booking.client_id,
    )
    await process_outbox.fn()

    assert google.events(CALENDAR) == []
    assert zoom.live_meetings() == []
