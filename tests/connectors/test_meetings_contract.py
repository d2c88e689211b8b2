"""One meetings contract for FakeMeetings and ZoomMeetings (httpx, loopback Zoom).

Zoom-only behaviour (token caching, 401 refresh, agenda-marker adoption, error mapping,
API-call counts) follows the contract; webhook signatures and the room-link provider last.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr

from connectors.errors import AuthExpired, PermanentConnectorError, TransientConnectorError
from connectors.meetings.fake import FakeMeetings
from connectors.meetings.local import RoomLinkMeetings
from connectors.meetings.zoom import ZoomMeetings, agenda_marker
from connectors.settings import ZoomSettings
from domain.ports.meetings import MeetingConnector, MeetingRef, MeetingRequest
from tests.support.fakes.zoom_api import ZoomApiFake

HOST = "reader@example.com"
# Zoom lists "upcoming" meetings relative to the real clock, so sessions are in the future.
SOON = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0)


def request(start: datetime = SOON, *, topic: str = "Tarot with Samia") -> MeetingRequest:
    return MeetingRequest(
        booking_id=uuid.uuid4(),
        topic=topic,
        starts_at=start,
        duration_minutes=45,
        timezone="Europe/Paris",
        host=HOST,
        fallback_url="https://meet.example/samia",
    )


def settings_for(server: ZoomApiFake, *, secret: str | None = None) -> ZoomSettings:
    return ZoomSettings(
        account_id=server.account_id,
        client_id=server.client_id,
        client_secret=SecretStr(secret or server.client_secret),
        webhook_secret=SecretStr("whsec"),
        api_url=f"{server.url}/v2/",
        oauth_url=f"{server.url}/oauth/token",
    )


class FakeWorld:
    """Drives and inspects FakeMeetings."""

    def __init__(self) -> None:
        self.connector = FakeMeetings()

    def live(self) -> dict[str, datetime]:
        return {m.meeting_id: m.request.starts_at for m in self.connector.live_meetings()}

    def fail_next_create_transiently(self) -> None:
        error = TransientConnectorError("scripted", provider="fake", status=503)
        self.connector.fail_next(1, error, method="create_meeting")


class ZoomWorld:
    """Drives and inspects the loopback Zoom the real adapter talks to."""

    def __init__(self, server: ZoomApiFake) -> None:
        self.server = server
        self.connector = ZoomMeetings(settings_for(server))

    def live(self) -> dict[str, datetime]:
        return {
            str(m["id"]): datetime.fromisoformat(m["start_time"])
            for m in self.server.live_meetings()
        }

    def fail_next_create_transiently(self) -> None:
        self.server.fail_next("meetings.create", status=503)


World = FakeWorld | ZoomWorld


@pytest.fixture(scope="module")
def zoom_server() -> Iterator[ZoomApiFake]:
    with ZoomApiFake() as server:
        yield server


@pytest.fixture(params=["fake", "zoom"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[World]:
    if request.param == "fake":
        yield FakeWorld()
        return
    server: ZoomApiFake = request.getfixturevalue("zoom_server")
    server.reset()
    zoom = ZoomWorld(server)
    yield zoom
    await zoom.connector.aclose()
    assert server.violations == []


def test_every_provider_satisfies_the_port() -> None:
    providers: list[MeetingConnector] = [FakeMeetings(), RoomLinkMeetings()]
    assert providers


async def test_creating_twice_with_one_key_makes_one_meeting(world: World) -> None:
    first = await world.connector.create_meeting(request=request(), idempotency_key="b-1")
    again = await world.connector.create_meeting(request=request(), idempotency_key="b-1")
    assert again.meeting_id == first.meeting_id
    assert again.join_url == first.join_url
    assert set(world.live()) == {first.meeting_id}


async def test_different_keys_make_different_meetings(world: World) -> None:
    one = await world.connector.create_meeting(request=request(), idempotency_key="b-1")
    two = await world.connector.create_meeting(request=request(), idempotency_key="b-2")
    assert set(world.live()) == {one.meeting_id, two.meeting_id}


async def test_a_retry_after_a_transient_failure_makes_exactly_one_meeting(world: World) -> None:
    world.fail_next_create_transiently()
    with pytest.raises(TransientConnectorError):
        await world.connector.create_meeting(request=request(), idempotency_key="t")
    ref = await world.connector.create_meeting(request=request(), idempotency_key="t")
    assert set(world.live()) == {ref.meeting_id}


async def test_update_moves_the_meeting_and_keeps_the_link(world: World) -> None:
    ref = await world.connector.create_meeting(request=request(), idempotency_key="m")
    later = SOON + timedelta(hours=3)
    moved = await world.connector.update_meeting(ref=ref, request=request(later))
    assert moved == ref
    assert world.live()[ref.meeting_id] == later


async def test_deleting_twice_is_fine(world: World) -> None:
    ref = await world.connector.create_meeting(request=request(), idempotency_key="d")
    await world.connector.delete_meeting(ref=ref)
    await world.connector.delete_meeting(ref=ref)
    assert world.live() == {}


async def test_deleting_a_meeting_that_never_existed_is_fine(world: World) -> None:
    ghost = MeetingRef(provider="x", meeting_id="99999999999", join_url="https://x.invalid")
    await world.connector.delete_meeting(ref=ghost)


async def test_updating_a_deleted_meeting_is_permanent(world: World) -> None:
    ref = await world.connector.create_meeting(request=request(), idempotency_key="u")
    await world.connector.delete_meeting(ref=ref)
    with pytest.raises(PermanentConnectorError) as raised:
        await world.connector.update_meeting(ref=ref, request=request())
    assert raised.value.status == 404


# -- Zoom specifics ---------------------------------------------------------------------------


@pytest.fixture
async def zoom(zoom_server: ZoomApiFake) -> AsyncIterator[ZoomMeetings]:
    zoom_server.reset()
    connector = ZoomMeetings(settings_for(zoom_server))
    yield connector
    await connector.aclose()
    assert zoom_server.violations == []


async def test_one_token_serves_twenty_creates(
    zoom: ZoomMeetings, zoom_server: ZoomApiFake
) -> None:
    for i in range(20):
        await zoom.create_meeting(request=request(), idempotency_key=f"n-{i}", lookup=False)
    assert (zoom.token_calls, zoom.api_calls) == (1, 20)
    assert len(zoom_server.calls("token")) == 1


async def test_a_safe_create_costs_a_lookup_and_a_create(zoom: ZoomMeetings) -> None:
    await zoom.create_meeting(request=request(), idempotency_key="warm", lookup=False)
    before = zoom.api_calls
    await zoom.create_meeting(request=request(), idempotency_key="safe")
    assert zoom.api_calls - before == 2


async def test_concurrent_creates_fetch_a_single_token(
    zoom: ZoomMeetings, zoom_server: ZoomApiFake
) -> None:
    await asyncio.gather(
        *(
            zoom.create_meeting(request=request(), idempotency_key=f"c-{i}", lookup=False)
            for i in range(10)
        )
    )
    assert zoom.token_calls == 1
    assert len(zoom_server.live_meetings()) == 10


async def test_a_revoked_token_is_replaced_once_and_the_call_retried(
    zoom: ZoomMeetings, zoom_server: ZoomApiFake
) -> None:
    await zoom.create_meeting(request=request(), idempotency_key="a", lookup=False)
    zoom_server.expire_tokens()
    await zoom.create_meeting(request=request(), idempotency_key="b", lookup=False)
    assert zoom.token_calls == 2
    assert [c.status for c in zoom_server.calls("meetings.create")] == [201, 401, 201]


async def test_a_token_refused_twice_means_auth_expired(
    zoom: ZoomMeetings, zoom_server: ZoomApiFake
) -> None:
    zoom_server.fail_next("meetings.create", status=401, times=2)
    with pytest.raises(AuthExpired):
        await zoom.create_meeting(request=request(), idempotency_key="x", lookup=False)
    assert zoom.token_calls == 2


async def test_a_token_is_renewed_a_minute_before_it_expires(zoom_server: ZoomApiFake) -> None:
    zoom_server.reset()
    now = [1000.0]
    connector = ZoomMeetings(settings_for(zoom_server), clock=lambda: now[0])
    try:
        await connector.create_meeting(request=request(), idempotency_key="1", lookup=False)
        now[0] += 3600 - 61
        await connector.create_meeting(request=request(), idempotency_key="2", lookup=False)
        assert connector.token_calls == 1
        now[0] += 2
        await connector.create_meeting(request=request(), idempotency_key="3", lookup=False)
        assert connector.token_calls == 2
    finally:
        await connector.aclose()


async def test_wrong_app_credentials_mean_auth_expired(zoom_server: ZoomApiFake) -> None:
    zoom_server.reset()
    connector = ZoomMeetings(settings_for(zoom_server, secret="wrong"))
    try:
        with pytest.raises(AuthExpired):
            await connector.create_meeting(request=request(), idempotency_key="w", lookup=False)
    finally:
        await connector.aclose()


async def test_a_meeting_made_before_a_crash_is_adopted_by_its_agenda_marker(
    zoom: ZoomMeetings, zoom_server: ZoomApiFake
) -> None:
    zoom_server.fail_next("meetings.create", status=502, after_commit=True)
    with pytest.raises(TransientConnectorError):
        await zoom.create_meeting(request=request(), idempotency_key="crash")
    ref = await zoom.create_meeting(request=request(), idempotency_key="crash")
    [only] = zoom_server.live_meetings()
    assert ref.meeting_id == str(only["id"])
    assert agenda_marker("crash") in only["agenda"].splitlines()


async def test_a_retry_after_the_session_started_still_adopts_its_meeting(
    zoom: ZoomMeetings, zoom_server: ZoomApiFake
) -> None:
    started_an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    zoom_server.fail_next("meetings.create", status=502, after_commit=True)
    with pytest.raises(TransientConnectorError):
        await zoom.create_meeting(request=request(started_an_hour_ago), idempotency_key="late")
    ref = await zoom.create_meeting(request=request(started_an_hour_ago), idempotency_key="late")
    [only] = zoom_server.live_meetings()
    assert ref.meeting_id == str(only["id"])


async def test_a_meeting_long_expired_is_not_listed_as_scheduled(
    zoom: ZoomMeetings, zoom_server: ZoomApiFake
) -> None:
    long_ago = (datetime.now(UTC) - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    zoom_server.add_meeting(HOST, agenda=f"old\n\n{agenda_marker('old')}", start_time=long_ago)
    assert await zoom.find_meeting(idempotency_key="old", host=HOST) is None


async def test_adoption_follows_list_pages_and_matches_the_key_exactly(
    zoom: ZoomMeetings, zoom_server: ZoomApiFake
) -> None:
    for i in range(300):
        zoom_server.add_meeting(HOST, agenda=f"other\n\n{agenda_marker(f'k-{i}0')}")
    mine = zoom_server.add_meeting(HOST, agenda=f"Tarot\n\n{agenda_marker('k-1')}")
    ref = await zoom.create_meeting(request=request(), idempotency_key="k-1")
    assert ref.meeting_id == str(mine["id"])
    assert len(zoom_server.calls("meetings.list")) == 2
    assert zoom_server.calls("meetings.create") == []


async def test_the_create_body_is_what_zoom_documents(
    zoom: ZoomMeetings, zoom_server: ZoomApiFake
) -> None:
    await zoom.create_meeting(request=request(topic="T" * 250), idempotency_key="body")
    body = zoom_server.last("meetings.create").params
    assert body["type"] == 2
    assert body["start_time"] == SOON.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (body["duration"], body["timezone"]) == (45, "Europe/Paris")
    assert len(body["topic"]) == 200
    assert body["agenda"].endswith(agenda_marker("body"))
    assert zoom_server.last("meetings.list").params == {"type": "scheduled", "page_size": "300"}


@pytest.mark.parametrize(("retry_after", "expected"), [("3", 3.0), (None, None)])
async def test_429_is_transient_with_retry_after_when_zoom_sends_it(
    zoom: ZoomMeetings, zoom_server: ZoomApiFake, retry_after: str | None, expected: float | None
) -> None:
    zoom_server.fail_next("meetings.create", status=429, retry_after=retry_after)
    with pytest.raises(TransientConnectorError) as raised:
        await zoom.create_meeting(request=request(), idempotency_key="r", lookup=False)
    assert (raised.value.status, raised.value.retry_after) == (429, expected)


async def test_a_slow_zoom_times_out_as_transient(zoom_server: ZoomApiFake) -> None:
    zoom_server.reset()
    connector = ZoomMeetings(settings_for(zoom_server), timeout=0.2)
    zoom_server.delay_next("meetings.create", 1.0)
    try:
        with pytest.raises(TransientConnectorError, match="timed out"):
            await connector.create_meeting(request=request(), idempotency_key="s", lookup=False)
    finally:
        await connector.aclose()


async def test_a_client_passed_in_is_left_open(zoom_server: ZoomApiFake) -> None:
    async with httpx.AsyncClient() as client:
        connector = ZoomMeetings(settings_for(zoom_server), client=client)
        await connector.aclose()
        assert not client.is_closed


# -- the room-link provider --------------------------------------------------------------------


async def test_room_link_meetings_use_the_readers_own_room() -> None:
    rooms = RoomLinkMeetings()
    ref = await rooms.create_meeting(request=request(), idempotency_key="b-9")
    assert (ref.meeting_id, ref.join_url) == ("b-9", "https://meet.example/samia")
    assert await rooms.update_meeting(ref=ref, request=request(SOON + timedelta(days=1))) == ref
    await rooms.delete_meeting(ref=ref)


async def test_room_link_meetings_follow_a_changed_room() -> None:
    rooms = RoomLinkMeetings()
    ref = await rooms.create_meeting(request=request(), idempotency_key="b-9")
    new_room = replace(request(), fallback_url="https://meet.example/new")
    moved = await rooms.update_meeting(ref=ref, request=new_room)
    assert (moved.meeting_id, moved.join_url) == ("b-9", "https://meet.example/new")


async def test_room_link_meetings_without_a_room_fail_permanently() -> None:
    no_room = replace(request(), fallback_url=None)
    with pytest.raises(PermanentConnectorError):
        await RoomLinkMeetings().create_meeting(request=no_room, idempotency_key="b-1")


async def test_the_fake_like_zoom_trusts_a_caller_that_skips_the_lookup() -> None:
    fake = FakeMeetings()
    first = await fake.create_meeting(request=request(), idempotency_key="k")
    second = await fake.create_meeting(request=request(), idempotency_key="k", lookup=False)
    assert first.meeting_id != second.meeting_id
    assert [c.method for c in fake.calls] == ["create_meeting", "create_meeting"]
