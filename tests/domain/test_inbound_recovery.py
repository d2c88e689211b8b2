"""The recovery sweep: deliveries never finished are claimed by one sweep at a time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.inbound import (
    RECOVERY_AGE,
    RECOVERY_LEASE,
    finish_delivery,
    interrupted_deliveries,
    record_batch,
)
from storage.uow import Database
from tests.domain.conftest import World


async def record_interrupted(world: World, count: int) -> list[str]:
    """Deliveries recorded and never finished, old enough for the sweep."""
    ids = [f"update-{n}" for n in range(count)]
    await record_batch(
        uow=world.uows(),
        clock=world.clock,
        deliveries=[("telegram", event_id, {"update_id": event_id}) for event_id in ids],
    )
    world.clock.advance(RECOVERY_AGE + timedelta(seconds=1))
    return ids


async def test_two_hubs_sweeping_at_once_take_each_delivery_once(
    world: World, database_url: str
) -> None:
    ids = await record_interrupted(world, 40)
    other_hub = Database.from_url(database_url, clock=world.clock)
    try:
        mine, theirs = await asyncio.gather(
            *(
                interrupted_deliveries(uow=database.uows(), clock=world.clock, limit=25)
                for database in (world.database, other_hub)
            )
        )
    finally:
        await other_hub.dispose()

    taken = [d.event_id for d in mine] + [d.event_id for d in theirs]
    assert sorted(taken) == sorted(ids)
    assert mine[0].payload == {"update_id": mine[0].event_id}


async def test_a_delivery_is_swept_again_only_after_its_lease_ends(world: World) -> None:
    [event_id] = await record_interrupted(world, 1)

    def sweep():  # type: ignore[no-untyped-def]
        return interrupted_deliveries(uow=world.uows(), clock=world.clock, limit=10)

    first = await sweep()
    world.clock.advance(RECOVERY_LEASE - timedelta(seconds=1))
    during_lease = await sweep()
    world.clock.advance(timedelta(seconds=2))
    after_lease = await sweep()

    assert [d.event_id for d in first] == [event_id]
    assert during_lease == []
    assert [d.event_id for d in after_lease] == [event_id]


async def test_young_and_finished_deliveries_are_not_swept(world: World) -> None:
    [finished, _pending] = await record_interrupted(world, 2)
    await finish_delivery(
        uow=world.uows(), clock=world.clock, provider="telegram", event_id=finished
    )
    await record_batch(
        uow=world.uows(), clock=world.clock, deliveries=[("telegram", "just-now", {})]
    )

    swept = await interrupted_deliveries(uow=world.uows(), clock=world.clock, limit=10)

    assert [d.event_id for d in swept] == ["update-1"]
