"""Webhook deliveries: recorded by the provider's id before any effect, finished once.

Every platform retries and some redeliver on their own; the provider's event id is the
only thing that makes a redelivery recognisable, so it is written (unique) before the
delivery is acknowledged and long before anything is done about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from domain.clock import Clock
from domain.ports.storage import UnitOfWork

# Deliveries younger than this may still be in flight in this or another process.
RECOVERY_AGE = timedelta(minutes=1)
# A sweep's claim: time to finish a recovered delivery before another sweep may take it.
RECOVERY_LEASE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class PendingDelivery:
    """A delivery recorded but not yet processed (kept so a crash loses nothing)."""

    provider: str
    event_id: str
    payload: dict[str, Any]


async def record_delivery(
    *, uow: UnitOfWork, clock: Clock, provider: str, event_id: str, payload: dict[str, Any]
) -> bool:
    """Record one delivery; False means it was seen before and must not be acted on."""
    [first] = await record_deliveries(
        uow=uow, clock=clock, provider=provider, deliveries=[(event_id, payload)]
    )
    return first


async def record_deliveries(
    *,
    uow: UnitOfWork,
    clock: Clock,
    provider: str,
    deliveries: Sequence[tuple[str, dict[str, Any]]],
) -> list[bool]:
    """Record a batch of one provider (Meta sends up to 1,000 events per POST)."""
    return await record_batch(
        uow=uow, clock=clock, deliveries=[(provider, e, payload) for e, payload in deliveries]
    )


async def record_batch(
    *, uow: UnitOfWork, clock: Clock, deliveries: Sequence[tuple[str, str, dict[str, Any]]]
) -> list[bool]:
    """Record (provider, event id, payload) triples in one transaction; True = first time.

    One transaction for many concurrent webhook requests ("group commit") is what keeps
    acknowledgements fast under load: the commit, not the row, is the expensive part.
    """
    if not deliveries:
        return []
    async with uow:
        fresh = await uow.inbound.record_many(deliveries, clock.now())
        await uow.commit()
    return fresh


async def finish_delivery(
    *, uow: UnitOfWork, clock: Clock, provider: str, event_id: str, error: str | None = None
) -> None:
    """Processing is over (with the reason when it failed for good): never run it again."""
    async with uow:
        await uow.inbound.mark_processed(provider, event_id, clock.now(), error)
        await uow.commit()


async def interrupted_deliveries(
    *,
    uow: UnitOfWork,
    clock: Clock,
    limit: int,
    older_than: timedelta = RECOVERY_AGE,
    lease: timedelta = RECOVERY_LEASE,
) -> list[PendingDelivery]:
    """Claim deliveries recorded but never finished (a crash, or dropped under load).

    Each is leased to the caller, so hubs sharing one database never sweep up the same
    delivery twice; one not finished within the lease is free for the next sweep again.
    """
    async with uow:
        now = clock.now()
        rows = await uow.inbound.claim_unfinished(now - older_than, now, lease, limit)
        await uow.commit()
    return [PendingDelivery(provider, event_id, payload) for provider, event_id, payload in rows]
