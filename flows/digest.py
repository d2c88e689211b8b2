"""`send-weekly-digest`: each reader's week in one message with one chart.

Hourly, since 9:00 on Monday comes round in each reader's zone at a different hour;
the notice is keyed by reader and week, so a retried or doubled run sends it once.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.context import FlowRunContext

from domain.analytics.digest import send_weekly_digests
from flows._deps import current_deps
from flows._tasks import EXTERNAL_WRITE, FLOW_OPTIONS


@task(name="send-reader-digests", **EXTERNAL_WRITE)
async def send_digests() -> int:
    """The digests due now; 429/5xx/timeouts are retried (the key keeps them single)."""
    deps = await current_deps()
    sent = await send_weekly_digests(
        uows=deps.uows, clock=deps.clock, notifier=deps.notifier, chart=deps.chart_image
    )
    return sum(1 for digest in sent if digest.report.delivered and not digest.report.duplicate)


@flow(name="send-weekly-digest", **FLOW_OPTIONS)
async def send_weekly_digest_flow() -> dict[str, Any]:
    """Send the digests that are due; returns how many went out."""
    send: Any = send_digests if FlowRunContext.get() is not None else send_digests.fn
    return {"sent": await send()}
