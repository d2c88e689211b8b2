"""Real-time figures: live sessions, the last hour, error rates, queues, inbound activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.ports.analytics import LiveCounts
from domain.ports.storage import UnitOfWork

RECENT = timedelta(hours=1)
HEATMAP_DAYS = 7


@dataclass(frozen=True, slots=True)
class LiveFigures:
    """The live page, `GET /api/v1/analytics/live`, the admin's "live" and `/metrics`."""

    at: datetime
    counts: LiveCounts
    # Inbound messages of the last 7 days by UTC weekday (0 Monday) and hour.
    activity: list[list[int]]

    def error_rates(self) -> dict[str, float]:
        """Failed share of the last hour's webhook deliveries, per provider."""
        return {row.key: row.extra / row.count for row in self.counts.webhooks if row.count}

    def outbox_error_rates(self) -> dict[str, float]:
        """Failing share of the last hour's side effects, per kind."""
        return {row.key: row.extra / row.count for row in self.counts.outbox if row.count}


async def live_figures(*, uow: UnitOfWork, now: datetime) -> LiveFigures:
    """What is going on now; every count reads the newest stretch of one index."""
    counts = await uow.activity.live(now, RECENT)
    activity = [[0] * 24 for _ in range(7)]
    hours = await uow.activity.inbound_by_hour(now - timedelta(days=HEATMAP_DAYS), now)
    for hour, deliveries in hours:
        activity[hour.weekday()][hour.hour] += deliveries
    return LiveFigures(at=now, counts=counts, activity=activity)
