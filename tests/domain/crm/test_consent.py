"""Consent per purpose and channel, and quiet hours across midnight and DST changes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest

from domain.clock import FixedClock
from domain.crm.consent import (
    CHAT_CHANNELS,
    in_quiet_hours,
    may_send,
    next_send_time,
    record_consent,
    record_many,
)
from domain.enums import Channel, ConsentKind
from domain.models import Client
from storage.uow import Database
from tests.support.factories import make_client

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
MARKETING, SERVICE = ConsentKind.MARKETING, ConsentKind.SERVICE


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[tuple[Database, FixedClock, Client]]:
    clock = FixedClock(NOW)
    database = Database.from_url(database_url, clock=clock)
    client = make_client()
    async with database.uows() as uow:
        await uow.clients.add(client)
        await uow.commit()
    yield database, clock, client
    await database.dispose()


async def allowed(database: Database, client: Client, purpose: ConsentKind) -> set[Channel]:
    return {
        channel
        for channel in Channel
        if await may_send(
            uow=database.uows(read_only=True), client_id=client.id, purpose=purpose, channel=channel
        )
    }


async def test_marketing_needs_consent_and_a_global_stop_covers_every_channel(db) -> None:  # type: ignore[no-untyped-def]
    database, clock, client = db
    assert await allowed(database, client, MARKETING) == set()
    assert await allowed(database, client, SERVICE) == set(Channel)

    await record_consent(
        uow=database.uows(), clock=clock, client_id=client.id, purpose=MARKETING,
        granted=True, source="chat",
    )  # fmt: skip
    assert await allowed(database, client, MARKETING) == set(Channel)

    await record_consent(
        uow=database.uows(), clock=clock, client_id=client.id, purpose=MARKETING,
        granted=False, source="chat",
    )  # fmt: skip
    assert await allowed(database, client, MARKETING) == set()
    assert await allowed(database, client, SERVICE) == set(Channel)  # service goes on
    async with database.uows(read_only=True) as uow:
        profile = await uow.consent.profile(client.id)
        history = await uow.consent.history(client.id, MARKETING)
    assert profile is not None
    assert profile.marketing_consent is False
    assert [(e.granted, e.channel) for e in history] == [(True, None), (False, None)]
    assert history[0].recorded_at < history[1].recorded_at  # same clock, order kept


async def test_only_email_withdraws_each_chat_channel_until_a_new_global_grant(db) -> None:  # type: ignore[no-untyped-def]
    database, clock, client = db
    grant = {"uow": database.uows(), "clock": clock, "client_id": client.id, "source": "chat"}
    await record_consent(**grant, purpose=MARKETING, granted=True)
    await record_many(
        uow=database.uows(), clock=clock, client_id=client.id, purpose=MARKETING,
        granted=False, source="chat", channels=CHAT_CHANNELS,
    )  # fmt: skip
    assert await allowed(database, client, MARKETING) == {Channel.EMAIL}

    clock.advance(timedelta(minutes=1))
    await record_consent(**(grant | {"uow": database.uows()}), purpose=MARKETING, granted=True)
    assert await allowed(database, client, MARKETING) == set(Channel)


async def test_service_messages_stop_only_where_withdrawn_and_never_for_the_erased(db) -> None:  # type: ignore[no-untyped-def]
    database, clock, client = db
    await record_consent(
        uow=database.uows(), clock=clock, client_id=client.id, purpose=SERVICE,
        granted=False, source="chat", channel=Channel.TELEGRAM,
    )  # fmt: skip
    assert await allowed(database, client, SERVICE) == set(Channel) - {Channel.TELEGRAM}
    await record_consent(
        uow=database.uows(), clock=clock, client_id=client.id, purpose=MARKETING,
        granted=True, source="chat",
    )  # fmt: skip
    async with database.uows() as uow:
        from storage.models import Client as ClientRow

        row = await uow.session.get(ClientRow, client.id)
        assert row is not None
        row.erased_at = NOW
        await uow.commit()
    assert await allowed(database, client, SERVICE) == set()
    assert await allowed(database, client, MARKETING) == set()


@pytest.mark.parametrize(
    ("local", "quiet"),
    [
        (time(21, 59), False),
        (time(22), True),
        (time(3), True),
        (time(7, 59), True),
        (time(8), False),
    ],
)
def test_quiet_hours_wrap_midnight(local: time, quiet: bool) -> None:
    assert in_quiet_hours(local_time=local, start=time(22), end=time(8)) is quiet


def test_no_quiet_hours_without_both_ends() -> None:
    assert not in_quiet_hours(local_time=time(3), start=None, end=time(8))
    assert not in_quiet_hours(local_time=time(3), start=time(8), end=time(8))


def test_next_send_time_waits_until_the_end_in_the_clients_zone() -> None:
    at = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)  # 23:00 London in winter
    assert next_send_time(at=at, zone="Europe/London", start=time(22), end=time(8)) == datetime(
        2026, 11, 27, 8, 0, tzinfo=UTC
    )
    noon = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert next_send_time(at=noon, zone="Europe/London", start=time(22), end=time(8)) == noon
    dubai = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)  # midnight in Dubai
    assert next_send_time(at=dubai, zone="Asia/Dubai", start=time(22), end=time(8)) == datetime(
        2026, 11, 27, 4, 0, tzinfo=UTC
    )


def test_spring_forward_night_sends_at_local_eight_summer_time() -> None:
    at = datetime(2027, 3, 27, 23, 0, tzinfo=UTC)  # London: clocks go 01:00 -> 02:00
    assert next_send_time(at=at, zone="Europe/London", start=time(22), end=time(8)) == datetime(
        2027, 3, 28, 7, 0, tzinfo=UTC
    )


def test_an_end_inside_the_skipped_hour_sends_when_the_clocks_jump() -> None:
    at = datetime(2027, 3, 27, 23, 0, tzinfo=UTC)  # 01:30 local never happens that night
    assert next_send_time(at=at, zone="Europe/London", start=time(22), end=time(1, 30)) == datetime(
        2027, 3, 28, 1, 0, tzinfo=UTC
    )


def test_fall_back_night_sends_at_local_eight_winter_time() -> None:
    at = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # London: clocks go 02:00 -> 01:00
    assert next_send_time(at=at, zone="Europe/London", start=time(22), end=time(8)) == datetime(
        2026, 10, 25, 8, 0, tzinfo=UTC
    )


def test_an_end_inside_the_repeated_hour_takes_its_first_occurrence() -> None:
    at = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 summer time
    assert next_send_time(at=at, zone="Europe/London", start=time(22), end=time(1, 30)) == first
    # In the repeated hour (01:05 winter time) the window is back on until 01:30 again.
    again = datetime(2026, 10, 25, 1, 5, tzinfo=UTC)
    assert next_send_time(
        at=again, zone="Europe/London", start=time(22), end=time(1, 30)
    ) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
