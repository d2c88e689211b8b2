"""`expire-loyalty-points` and `award-loyalty-bonuses` as the deployments find them: once."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from domain.enums import BookingStatus, LoyaltyKind
from domain.ports.loyalty import PointsEntry
from flows._deps import use_deps
from flows.loyalty import award_loyalty_bonuses_flow, expire_loyalty_points_flow
from flows.registry import FLOW_NAMES, flow_by_name
from tests.flows.conftest import World
from tests.support.factories import make_booking


def test_the_flows_are_registered_by_their_deployment_names() -> None:
    assert {"expire-loyalty-points", "award-loyalty-bonuses"} <= set(FLOW_NAMES)
    assert flow_by_name("expire-loyalty-points") is expire_loyalty_points_flow
    assert flow_by_name("award-loyalty-bonuses") is award_loyalty_bonuses_flow


async def test_run_twice_the_flow_lapses_the_old_points_once(world: World) -> None:
    client, reader = world.clients[0], world.readers[0]
    now = world.clock.now()
    async with world.database.uows() as uow:
        await uow.loyalty.add(
            PointsEntry(
                id=uuid4(),
                client_id=client.id,
                reader_id=reader.id,
                kind=LoyaltyKind.EARNED,
                points=80,
                idempotency_key="test:lot",
                created_at=now,
                expires_at=now + timedelta(days=365),
            )
        )
        await uow.commit()
    world.clock.advance(timedelta(days=366))

    with use_deps(world.deps()):
        first = await expire_loyalty_points_flow.fn()
        again = await expire_loyalty_points_flow.fn()

    assert (first, again) == ({"expired_points": 80}, {"expired_points": 0})
    async with world.database.uows() as uow:
        assert [b.points for b in await uow.loyalty.balances(client.id)] == [0]


async def test_the_fifth_completed_reading_earns_its_bonus_once(world: World) -> None:
    client = world.clients[0]
    start = world.clock.now() - timedelta(days=10)
    async with world.database.uows() as uow:
        for day in range(5):
            booking = make_booking(
                world.services[0],
                client,
                start + timedelta(days=day),
                status=BookingStatus.COMPLETED,
            )
            await uow.bookings.add(booking)
        await uow.commit()

    with use_deps(world.deps()):
        first = await award_loyalty_bonuses_flow.fn()
        again = await award_loyalty_bonuses_flow.fn()

    assert (first, again) == ({"bonuses": 1}, {"bonuses": 0})
