"""`run-follow-ups` as deployed: registered by name; a first booking's welcome, a completed
reading's thank-you and a quiet client's win-back go out once however often the flow runs."""

from __future__ import annotations

from datetime import timedelta

from domain.booking.service import mark_attendance
from domain.crm.consent import record_consent
from domain.enums import BookingStatus, Channel, ConsentKind
from domain.ports.notify import NoticeKind
from flows._deps import use_deps
from flows.follow_ups import run_follow_ups_flow
from flows.registry import FLOW_NAMES, flow_by_name
from hub.dispatcher import DEFAULT_SCHEDULES
from tests.flows.conftest import World
from tests.support.factories import make_booking, make_identity, seed


def test_the_flow_is_registered_and_scheduled_every_five_minutes() -> None:
    assert "run-follow-ups" in FLOW_NAMES
    assert flow_by_name("run-follow-ups") is run_follow_ups_flow
    assert DEFAULT_SCHEDULES["run-follow-ups"] == timedelta(minutes=5)


async def test_runs_send_each_follow_up_once(world: World) -> None:
    start = world.clock.now()
    chats = [make_identity(client=c, channel=Channel.TELEGRAM) for c in world.clients[:2]]
    await seed(world.database.uows, *chats)
    booking = await world.book(start + timedelta(hours=1))
    world.clock.set(start + timedelta(hours=2))
    await mark_attendance(
        uow=world.database.uows(), clock=world.clock, booking_id=booking.id,
        reader_id=world.readers[0].id, attended=True,
    )  # fmt: skip
    quiet = world.clients[1]
    await record_consent(
        uow=world.database.uows(), clock=world.clock, client_id=quiet.id,
        purpose=ConsentKind.MARKETING, granted=True, source="test",
    )  # fmt: skip
    old = make_booking(
        world.services[0], quiet, start - timedelta(days=62), status=BookingStatus.COMPLETED
    )
    await seed(world.database.uows, old)
    world.clock.advance(timedelta(hours=2))
    with use_deps(world.deps()):
        first = await run_follow_ups_flow.fn()
        again = await run_follow_ups_flow.fn()
    assert (first["enrolled"], first["sent"]) == (1, 3)  # the welcome was enrolled at booking
    assert (again["enrolled"], again["sent"]) == (0, 0)
    keys = sorted(s.notice.params["key"] for s in world.notifier.of_kind(NoticeKind.FOLLOW_UP))
    assert keys == ["thank_you", "welcome", "win_back"]
