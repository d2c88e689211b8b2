"""One calendar contract for FakeCalendar and GoogleCalendar (real SDK, loopback Google).

The contract is what the domain relies on: one key -> one event, cancel is idempotent,
busy reflects writes, sync returns only changes and recovers from expired cursors.
Google-only behaviour (409 adoption, error mapping, batches, paging) lives in
`test_calendar_google.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from connectors.calendar.fake import FakeCalendar
from connectors.calendar.google import GoogleCalendar
from connectors.calendar.ids import event_id_for, is_our_event_id
from connectors.calendar.local import LocalCalendar
from connectors.errors import PermanentConnectorError, TransientConnectorError
from domain.booking.windows import TimeWindow
from domain.ports.calendar import CalendarConnector, CalendarEventRef, SessionEvent
from tests.support.fakes.google_calendar_api import GoogleCalendarApiFake

CAL = "reader@example.com"
MONDAY_10 = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
WHOLE_DAY = TimeWindow(MONDAY_10 - 10 * HOUR, MONDAY_10 + 14 * HOUR)


def session(start: datetime = MONDAY_10, *, title: str = "Tarot: Celtic cross") -> SessionEvent:
    return SessionEvent(
        booking_id=uuid.uuid4(),
        title=title,
        description="Bring one question.\nJoin: https://meet.example/room",
        starts_at=start,
        ends_at=start + HOUR,
        timezone="Europe/Paris",
        attendee_emails=("client@example.com",),
    )


class FakeWorld:
    """Drives and inspects the in-memory fake."""

    def __init__(self) -> None:
        self.connector = FakeCalendar()

    def live_ids(self) -> set[str]:
        return {e.event_id for e in self.connector.live_events(CAL)}

    def window_of(self, event_id: str) -> TimeWindow | None:
        found = self.connector.events.get((CAL, event_id))
        return found.window if found and not found.cancelled else None

    def add_external(self, window: TimeWindow, *, transparent: bool = False) -> str:
        event_id = uuid.uuid4().hex
        self.connector.add_external(CAL, event_id, window, transparent=transparent)
        return event_id

    def remove_external(self, event_id: str) -> None:
        self.connector.remove_external(CAL, event_id)

    def expire_cursors(self) -> None:
        self.connector.expire_cursors()

    def fail_next_create_transiently(self) -> None:
        error = TransientConnectorError("scripted", provider="fake", status=503)
        self.connector.fail_next(1, error, method="create_event")


class GoogleWorld:
    """Drives and inspects the loopback Google server the real adapter talks to."""

    def __init__(self, server: GoogleCalendarApiFake) -> None:
        self.server = server
        self.connector = GoogleCalendar.for_testing(server.url)

    def live_ids(self) -> set[str]:
        return {e["id"] for e in self.server.events(CAL)}

    def window_of(self, event_id: str) -> TimeWindow | None:
        found = self.server.event(CAL, event_id)
        if found is None or found["status"] == "cancelled":
            return None
        start = datetime.fromisoformat(found["start"]["dateTime"])
        return TimeWindow(start, datetime.fromisoformat(found["end"]["dateTime"]))

    def add_external(self, window: TimeWindow, *, transparent: bool = False) -> str:
        event: dict[str, Any] = {
            "summary": "Dentist",
            "start": {"dateTime": window.start.isoformat()},
            "end": {"dateTime": window.end.isoformat()},
            "transparency": "transparent" if transparent else "opaque",
        }
        return str(self.server.add_event(CAL, event)["id"])

    def remove_external(self, event_id: str) -> None:
        self.server.remove_event(CAL, event_id)

    def expire_cursors(self) -> None:
        self.server.expire_sync_tokens()

    def fail_next_create_transiently(self) -> None:
        self.server.fail_next("events.insert", status=503)


World = FakeWorld | GoogleWorld


@pytest.fixture(scope="module")
def google_server() -> Iterator[GoogleCalendarApiFake]:
    with GoogleCalendarApiFake() as server:
        yield server


@pytest.fixture(params=["fake", "google"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[World]:
    if request.param == "fake":
        yield FakeWorld()
        return
    server: GoogleCalendarApiFake = request.getfixturevalue("google_server")
    server.reset()
    google = GoogleWorld(server)
    yield google
    await google.connector.aclose()
    assert server.violations == [], "requests the Calendar v3 discovery document rejects"


def test_both_adapters_satisfy_the_port() -> None:
    connectors: list[CalendarConnector] = [FakeCalendar(), LocalCalendar()]
    assert connectors  # mypy checks the assignment; GoogleCalendar is checked in its module


async def test_creating_twice_with_one_key_makes_one_event(world: World) -> None:
    first = await world.connector.create_event(
        calendar_id=CAL, event=session(), idempotency_key="booking-1"
    )
    again = await world.connector.create_event(
        calendar_id=CAL, event=session(), idempotency_key="booking-1"
    )
    assert again.event_id == first.event_id == event_id_for("booking-1")
    assert world.live_ids() == {first.event_id}


async def test_different_keys_make_different_events(world: World) -> None:
    one = await world.connector.create_event(calendar_id=CAL, event=session(), idempotency_key="a")
    two = await world.connector.create_event(calendar_id=CAL, event=session(), idempotency_key="b")
    assert world.live_ids() == {one.event_id, two.event_id}


async def test_a_retry_after_a_transient_failure_makes_exactly_one_event(world: World) -> None:
    world.fail_next_create_transiently()
    with pytest.raises(TransientConnectorError):
        await world.connector.create_event(calendar_id=CAL, event=session(), idempotency_key="k")
    ref = await world.connector.create_event(calendar_id=CAL, event=session(), idempotency_key="k")
    assert world.live_ids() == {ref.event_id}


async def test_update_moves_the_event_and_keeps_its_id(world: World) -> None:
    ref = await world.connector.create_event(calendar_id=CAL, event=session(), idempotency_key="m")
    moved = await world.connector.update_event(ref=ref, event=session(MONDAY_10 + 3 * HOUR))
    assert moved.event_id == ref.event_id
    assert world.window_of(ref.event_id) == TimeWindow(MONDAY_10 + 3 * HOUR, MONDAY_10 + 4 * HOUR)
    assert await world.connector.busy(calendar_id=CAL, window=WHOLE_DAY) == [
        TimeWindow(MONDAY_10 + 3 * HOUR, MONDAY_10 + 4 * HOUR)
    ]


async def test_updating_an_unknown_event_is_permanent(world: World) -> None:
    ghost = CalendarEventRef(calendar_id=CAL, event_id=event_id_for("never-created"))
    with pytest.raises(PermanentConnectorError) as raised:
        await world.connector.update_event(ref=ghost, event=session())
    assert raised.value.status == 404


async def test_cancelling_twice_is_fine_and_frees_the_time(world: World) -> None:
    ref = await world.connector.create_event(calendar_id=CAL, event=session(), idempotency_key="c")
    await world.connector.cancel_event(ref=ref)
    await world.connector.cancel_event(ref=ref)
    assert world.live_ids() == set()
    assert await world.connector.busy(calendar_id=CAL, window=WHOLE_DAY) == []


async def test_cancelling_an_event_that_never_existed_is_fine(world: World) -> None:
    await world.connector.cancel_event(
        ref=CalendarEventRef(calendar_id=CAL, event_id=event_id_for("ghost"))
    )


async def test_creating_again_after_cancel_restores_the_event_with_new_content(
    world: World,
) -> None:
    ref = await world.connector.create_event(calendar_id=CAL, event=session(), idempotency_key="r")
    await world.connector.cancel_event(ref=ref)
    later = session(MONDAY_10 + 2 * HOUR)
    again = await world.connector.create_event(calendar_id=CAL, event=later, idempotency_key="r")
    assert again.event_id == ref.event_id
    assert world.window_of(ref.event_id) == TimeWindow(later.starts_at, later.ends_at)


async def test_busy_shows_opaque_events_inside_the_window_only(world: World) -> None:
    await world.connector.create_event(calendar_id=CAL, event=session(), idempotency_key="in")
    await world.connector.create_event(
        calendar_id=CAL, event=session(MONDAY_10 + timedelta(days=2)), idempotency_key="later"
    )
    world.add_external(TimeWindow(MONDAY_10 + 2 * HOUR, MONDAY_10 + 3 * HOUR))
    world.add_external(TimeWindow(MONDAY_10 + 4 * HOUR, MONDAY_10 + 5 * HOUR), transparent=True)
    busy = await world.connector.busy(calendar_id=CAL, window=WHOLE_DAY)
    assert sorted(busy, key=lambda w: w.start) == [
        TimeWindow(MONDAY_10, MONDAY_10 + HOUR),
        TimeWindow(MONDAY_10 + 2 * HOUR, MONDAY_10 + 3 * HOUR),
    ]


async def test_first_sync_is_a_full_listing_marking_our_events(world: World) -> None:
    ours = await world.connector.create_event(calendar_id=CAL, event=session(), idempotency_key="o")
    theirs = world.add_external(TimeWindow(MONDAY_10 + 2 * HOUR, MONDAY_10 + 3 * HOUR))
    result = await world.connector.sync(calendar_id=CAL, cursor=None)
    assert result.full_resync is True
    assert result.next_cursor
    by_id = {c.event_id: c for c in result.changes}
    assert set(by_id) == {ours.event_id, theirs}
    assert by_id[ours.event_id].ours is True
    assert by_id[theirs].ours is False
    assert by_id[theirs].window == TimeWindow(MONDAY_10 + 2 * HOUR, MONDAY_10 + 3 * HOUR)


async def test_incremental_sync_returns_only_what_changed(world: World) -> None:
    moved = await world.connector.create_event(
        calendar_id=CAL, event=session(), idempotency_key="moved"
    )
    await world.connector.create_event(
        calendar_id=CAL, event=session(MONDAY_10 + HOUR), idempotency_key="untouched"
    )
    gone = world.add_external(TimeWindow(MONDAY_10 + 5 * HOUR, MONDAY_10 + 6 * HOUR))
    first = await world.connector.sync(calendar_id=CAL, cursor=None)

    await world.connector.update_event(ref=moved, event=session(MONDAY_10 + 8 * HOUR))
    world.remove_external(gone)
    new = await world.connector.create_event(
        calendar_id=CAL, event=session(MONDAY_10 + 9 * HOUR), idempotency_key="new"
    )
    delta = await world.connector.sync(calendar_id=CAL, cursor=first.next_cursor)

    assert delta.full_resync is False
    by_id = {c.event_id: c for c in delta.changes}
    assert set(by_id) == {moved.event_id, gone, new.event_id}
    assert by_id[moved.event_id].window == TimeWindow(MONDAY_10 + 8 * HOUR, MONDAY_10 + 9 * HOUR)
    assert by_id[gone].cancelled is True
    assert by_id[gone].window is None


async def test_sync_of_an_unchanged_calendar_returns_nothing(world: World) -> None:
    await world.connector.create_event(calendar_id=CAL, event=session(), idempotency_key="x")
    first = await world.connector.sync(calendar_id=CAL, cursor=None)
    again = await world.connector.sync(calendar_id=CAL, cursor=first.next_cursor)
    assert again.changes == []
    assert again.full_resync is False
    assert again.next_cursor


async def test_sync_reports_a_cancelled_event_of_ours_as_ours(world: World) -> None:
    ref = await world.connector.create_event(calendar_id=CAL, event=session(), idempotency_key="z")
    first = await world.connector.sync(calendar_id=CAL, cursor=None)
    await world.connector.cancel_event(ref=ref)
    delta = await world.connector.sync(calendar_id=CAL, cursor=first.next_cursor)
    [change] = delta.changes
    assert (change.event_id, change.cancelled, change.ours) == (ref.event_id, True, True)


async def test_an_expired_cursor_triggers_a_full_resync(world: World) -> None:
    ref = await world.connector.create_event(calendar_id=CAL, event=session(), idempotency_key="e")
    first = await world.connector.sync(calendar_id=CAL, cursor=None)
    world.expire_cursors()
    result = await world.connector.sync(calendar_id=CAL, cursor=first.next_cursor)
    assert result.full_resync is True
    assert [c.event_id for c in result.changes] == [ref.event_id]
    assert result.next_cursor
    assert result.next_cursor != first.next_cursor


async def test_a_transparent_event_is_synced_without_a_window(world: World) -> None:
    free = world.add_external(TimeWindow(MONDAY_10, MONDAY_10 + HOUR), transparent=True)
    result = await world.connector.sync(calendar_id=CAL, cursor=None)
    [change] = result.changes
    assert (change.event_id, change.window, change.cancelled) == (free, None, False)


# -- ids and the built-in provider ------------------------------------------------------


def test_event_ids_are_deterministic_lowercase_base32hex() -> None:
    event_id = event_id_for("booking-42")
    assert event_id == event_id_for("booking-42") != event_id_for("booking-43")
    assert set(event_id) <= set("0123456789abcdefghijklmnopqrstuv")
    assert 26 <= len(event_id) <= 1024
    assert is_our_event_id(event_id)
    assert not is_our_event_id(uuid.uuid4().hex)


async def test_local_calendar_hands_out_stable_refs_and_reads_nothing() -> None:
    local = LocalCalendar()
    ref = await local.create_event(calendar_id=CAL, event=session(), idempotency_key="b-1")
    assert ref.event_id == "local-" + event_id_for("b-1")
    assert await local.update_event(ref=ref, event=session()) == ref
    await local.cancel_event(ref=ref)
    assert await local.busy(calendar_id=CAL, window=WHOLE_DAY) == []
    synced = await local.sync(calendar_id=CAL, cursor=None)
    assert (synced.changes, synced.next_cursor) == ([], "local")


async def test_the_fake_records_calls_and_fails_only_the_method_it_was_told_to() -> None:
    fake = FakeCalendar()
    fake.fail_next(1, TransientConnectorError("down"), method="sync")
    await fake.busy(calendar_id=CAL, window=WHOLE_DAY)
    with pytest.raises(TransientConnectorError):
        await fake.sync(calendar_id=CAL, cursor=None)
    assert [c.method for c in fake.calls] == ["busy", "sync"]
    assert (await fake.sync(calendar_id=CAL, cursor=None)).full_resync is True
