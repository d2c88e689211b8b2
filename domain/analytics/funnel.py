"""The conversion funnel per channel: first message, slots offered, held, confirmed,
session held, booked again. Each step counts the clients who first reached it in the
period; the database marks every step it can see (triggers), the chat marks the offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from uuid import UUID

from domain.billing.reports import ReportPeriod
from domain.clock import Clock
from domain.enums import Channel, FunnelStep
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory

STEPS = tuple(FunnelStep)


@dataclass(frozen=True, slots=True)
class ChannelFunnel:
    """One channel's clients per step, in step order."""

    channel: str
    steps: tuple[tuple[FunnelStep, int], ...]

    def count(self, step: FunnelStep) -> int:
        """Clients who reached `step`."""
        return dict(self.steps)[step]


async def slots_offered(
    *, uows: UnitOfWorkFactory, clock: Clock, channel: Channel, client_id: UUID
) -> None:
    """A client was shown free times (the step no table records by itself)."""
    async with uows() as uow:
        await uow.funnel.mark(FunnelStep.SLOTS_OFFERED, channel, client_id, clock.now())
        await uow.commit()


async def funnel(*, uow: UnitOfWork, period: ReportPeriod) -> list[ChannelFunnel]:
    """Per channel with any client in the period; "all" first, summing every channel."""
    start = datetime.combine(period.start, time(), UTC)
    end = datetime.combine(period.after, time(), UTC)
    table: dict[str, dict[FunnelStep, int]] = {}
    for channel, step, clients in await uow.funnel.counts(start, end):
        table.setdefault(channel, dict.fromkeys(STEPS, 0))[FunnelStep(step)] += clients
    if not table:
        return []
    total = {step: sum(row[step] for row in table.values()) for step in STEPS}
    rows = [("all", total), *sorted(table.items())]
    return [ChannelFunnel(name, tuple((s, row[s]) for s in STEPS)) for name, row in rows]
