"""The welcome and the last-session follow-ups: a first booking with a reader is welcomed
once however often it is confirmed, a later one never; a package down to its last session
enrols once per package, and that commercial message needs marketing consent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from domain.booking import service
from domain.booking.service import HoldRequest
from domain.clock import FixedClock
from domain.crm import sequences
from domain.crm.consent import record_consent
from domain.crm.follow_up_delivery import FollowUpPolicy, FollowUpSenders, send_follow_ups
from domain.enums import Channel, ConsentKind, DeliveryStatus, PricingModel
from domain.models import Booking, Service
from domain.ports.notify import NoticeKind
from storage.models import FollowUpDelivery, FollowUpEnrolment
from storage.uow import Database
from tests.domain.crm.test_follow_ups import FollowUpWorld, _rows
from tests.support.factories import (
    make_client,
    make_identity,
    make_reader,
    make_service,
    seed,
    seed_open_reader,
)
from tests.support.notifier import FakeNotifier

# Monday 2 March 2026, 09:00 UTC.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FAST = FollowUpPolicy(batch=2, lease=timedelta(minutes=10))


@dataclass
class TriggerWorld(FollowUpWorld):
    package: Service  # three sessions


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[TriggerWorld]:
    clock = FixedClock(START)
    database = Database.from_url(database_url, clock=clock)
    reader = make_reader(buffer_after_minutes=0, minimum_notice_minutes=60)
    single = make_service(reader)
    package = make_service(
        reader, name="Three readings", pricing_model=PricingModel.PACKAGE,
        package_sessions=3, price_minor=12000,
    )  # fmt: skip
    client = make_client(timezone="UTC")
    await seed_open_reader(database.uows, reader, single, package, client, weekdays=range(7))
    await seed(database.uows, make_identity(client=client, channel=Channel.TELEGRAM))
    yield TriggerWorld(database, clock, reader, single, client, package)
    await database.dispose()


async def _book(world: TriggerWorld, svc: Service, day: int, *, twice: bool = False) -> Booking:
    """Hold and confirm a reading `day` days ahead; `twice` confirms it a second time."""
    request = HoldRequest(
        client_id=world.client.id, service_id=svc.id,
        starts_at=START + timedelta(days=day, hours=2), client_timezone="UTC",
        source_channel=Channel.TELEGRAM,
    )  # fmt: skip
    hold = await service.hold_slot(uow=world.uows(), clock=world.clock, request=request)
    for _ in range(2 if twice else 1):
        booking = await service.confirm_booking(
            uow=world.uows(), clock=world.clock, hold_id=hold.id, client_id=world.client.id
        )
    return booking


async def _confirmed_again(world: TriggerWorld, booking: Booking) -> int:
    """The confirmation's effects delivered once more (a replayed payment, say)."""
    async with world.database.uows() as uow:
        added = await sequences.booking_confirmed(uow, booking=booking, now=world.clock.now())
        await uow.commit()
    return added


async def _send(world: TriggerWorld, notifier: FakeNotifier) -> None:
    await send_follow_ups(
        uows=world.database.uows, clock=world.clock,
        senders=FollowUpSenders(notifier), policy=FAST,
    )  # fmt: skip


async def _anchors(world: TriggerWorld, key: str) -> list[str]:
    sequence_id = sequences.BY_KEY[key].id
    return [
        e.anchor_ref  # type: ignore[attr-defined]
        for e in await _rows(world, FollowUpEnrolment)
        if e.sequence_id == sequence_id  # type: ignore[attr-defined]
    ]


async def _grant_marketing(world: TriggerWorld, granted: bool) -> None:
    await record_consent(
        uow=world.uows(), clock=world.clock, client_id=world.client.id,
        purpose=ConsentKind.MARKETING, granted=granted, source="test",
    )  # fmt: skip


async def test_a_first_booking_confirmed_twice_is_welcomed_once_five_minutes_later(
    world: TriggerWorld,
) -> None:
    first = await _book(world, world.service, 1, twice=True)
    assert await _confirmed_again(world, first) == 0
    assert await _anchors(world, "welcome") == [str(first.id)]
    notifier = FakeNotifier()
    world.clock.advance(timedelta(minutes=4))
    await _send(world, notifier)
    assert notifier.of_kind(NoticeKind.FOLLOW_UP) == []
    world.clock.advance(timedelta(minutes=1))
    await _send(world, notifier)
    await _send(world, notifier)
    (sent,) = notifier.of_kind(NoticeKind.FOLLOW_UP)
    params = sent.notice.params
    assert (params["key"], params["button"], sent.notice.booking_id) == (
        "welcome", "manage", first.id,
    )  # fmt: skip


async def test_a_second_booking_with_the_same_reader_is_not_welcomed_again(
    world: TriggerWorld,
) -> None:
    first = await _book(world, world.service, 1)
    await service.cancel_booking(
        uow=world.uows(), clock=world.clock, booking_id=first.id, client_id=world.client.id
    )
    await _book(world, world.service, 2)
    await _book(world, world.package, 3)
    assert await _anchors(world, "welcome") == [str(first.id)]


async def test_a_cancelled_hold_does_not_count_as_having_met_the_reader(
    world: TriggerWorld,
) -> None:
    request = HoldRequest(
        world.client.id, world.service.id, START + timedelta(days=1, hours=2), "UTC",
        Channel.TELEGRAM,
    )  # fmt: skip
    hold = await service.hold_slot(uow=world.uows(), clock=world.clock, request=request)
    await service.cancel_booking(
        uow=world.uows(), clock=world.clock, booking_id=hold.id, client_id=world.client.id
    )
    booking = await _book(world, world.service, 2)
    assert await _anchors(world, "welcome") == [str(booking.id)]


async def test_the_last_but_one_session_used_enrols_once_per_package(world: TriggerWorld) -> None:
    bought = await _book(world, world.package, 1)  # buys three, uses one: two left
    assert bought.package_credit_id is not None
    assert await _anchors(world, "package_low") == []
    second = await _book(world, world.package, 2, twice=True)  # one left
    assert second.package_credit_id == bought.package_credit_id
    assert await _confirmed_again(world, second) == 0
    anchor = f"package:{bought.package_credit_id}"
    assert await _anchors(world, "package_low") == [anchor]
    await service.cancel_booking(  # the session comes back: two left, then one again
        uow=world.uows(), clock=world.clock, booking_id=second.id, client_id=world.client.id
    )
    await _book(world, world.package, 3)
    await _book(world, world.package, 4)  # the last session: none left
    assert await _anchors(world, "package_low") == [anchor]


async def test_the_last_session_offer_goes_with_consent_naming_the_package_service(
    world: TriggerWorld,
) -> None:
    await _grant_marketing(world, True)
    await _book(world, world.package, 1)
    await _book(world, world.package, 2)
    world.clock.advance(timedelta(hours=1))
    notifier = FakeNotifier()
    await _send(world, notifier)
    sent = {s.notice.params["key"]: s.notice for s in notifier.of_kind(NoticeKind.FOLLOW_UP)}
    offer = sent["package_low"]
    assert offer.booking_id is None  # the anchor is the package, not a booking
    assert (offer.params["button"], offer.params["service_id"]) == (
        "buy_package", str(world.package.id),
    )  # fmt: skip


async def test_the_last_session_offer_is_skipped_without_marketing_consent(
    world: TriggerWorld,
) -> None:
    await _book(world, world.package, 1)
    await _book(world, world.package, 2)
    await _grant_marketing(world, False)
    world.clock.advance(timedelta(hours=1))
    notifier = FakeNotifier()
    await _send(world, notifier)
    keys = [s.notice.params["key"] for s in notifier.of_kind(NoticeKind.FOLLOW_UP)]
    assert keys == ["welcome"]  # a service message still goes
    offer_step = sequences.BY_KEY["package_low"].steps[0].id
    (row,) = [r for r in await _rows(world, FollowUpDelivery) if r.step_id == offer_step]  # type: ignore[attr-defined]
    assert row.status is DeliveryStatus.SKIPPED  # type: ignore[attr-defined]


async def test_a_reader_who_switched_the_welcome_off_welcomes_nobody(
    world: TriggerWorld,
) -> None:
    assert await sequences.switch_sequence(
        uow=world.uows(), reader_id=world.reader.id, key="welcome", active=False
    )
    await _book(world, world.service, 1)
    assert await _anchors(world, "welcome") == []
