"""The real-time figures as Prometheus gauges, refreshed when `/metrics` is scraped.

Labels are bounded sets (webhook providers, outbox kinds), never a person, a reader or
an id, so the series count stays fixed however big the platform grows.
"""

from __future__ import annotations

from prometheus_client import Gauge

from domain.analytics.live import live_figures
from domain.clock import Clock
from domain.ports.storage import UnitOfWorkFactory

LIVE_SESSIONS = Gauge("samia_live_sessions", "Readings in progress now")
SCHEDULED_NOW = Gauge("samia_sessions_scheduled_now", "Confirmed bookings whose time is now")
BOOKINGS_HOUR = Gauge("samia_bookings_last_hour", "Bookings made in the last hour")
MESSAGES_HOUR = Gauge("samia_inbound_messages_last_hour", "Webhook deliveries in the last hour")
WEBHOOKS_HOUR = Gauge(
    "samia_webhook_deliveries_last_hour", "Deliveries in the last hour", ["provider"]
)
WEBHOOK_ERRORS = Gauge(
    "samia_webhook_error_ratio", "Failed share of the last hour's deliveries", ["provider"]
)
OUTBOX_ERRORS = Gauge(
    "samia_outbox_error_ratio", "Failing share of the last hour's side effects", ["kind"]
)
QUEUE_DEPTH = Gauge("samia_outbox_queue_depth", "Side effects due or in progress")
UNFINISHED = Gauge("samia_inbound_unfinished", "Deliveries recorded and not yet processed")


async def refresh_live_gauges(*, uows: UnitOfWorkFactory, clock: Clock) -> None:
    """Read the live figures once and set every gauge from them."""
    async with uows(read_only=True) as uow:
        live = await live_figures(uow=uow, now=clock.now())
    counts = live.counts
    LIVE_SESSIONS.set(counts.live_sessions)
    SCHEDULED_NOW.set(counts.scheduled_now)
    BOOKINGS_HOUR.set(counts.bookings_last_hour)
    MESSAGES_HOUR.set(counts.messages_last_hour)
    QUEUE_DEPTH.set(counts.queue_depth)
    UNFINISHED.set(counts.unfinished_deliveries)
    for row in counts.webhooks:
        WEBHOOKS_HOUR.labels(row.key).set(row.count)
    for provider, ratio in live.error_rates().items():
        WEBHOOK_ERRORS.labels(provider).set(ratio)
    for kind, ratio in live.outbox_error_rates().items():
        OUTBOX_ERRORS.labels(kind).set(ratio)
