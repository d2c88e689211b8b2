"""`run-campaigns`: every minute, write new campaigns' deliveries and send what is due.

Each delivery is claimed by a conditional UPDATE and sent under the notifier key
`campaign:{delivery id}`, so a run killed mid-batch resumes, once its claims lapse,
without sending anyone a second message; the finished campaign's report goes to its reader.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from pydantic import BaseModel, Field

from domain.crm.campaign_delivery import CampaignRun, SendPolicy, run_campaigns
from flows._deps import current_deps
from flows._tasks import FLOW_OPTIONS


class CampaignBatch(BaseModel):
    """How much one run claims at a time and how long a claim holds."""

    batch: int = Field(default=200, ge=1, le=2000, description="Deliveries claimed at once.")
    lease_seconds: int = Field(
        default=600, ge=30, description="How long claimed deliveries stay reserved for this run."
    )


@task(name="send-campaign-deliveries", cache_policy=NO_CACHE)
async def send_deliveries(batch: int, lease_seconds: int) -> CampaignRun:
    """One pass over every scheduled and running campaign."""
    deps = await current_deps()
    policy = SendPolicy(batch=batch, lease=timedelta(seconds=lease_seconds))
    return await run_campaigns(
        uows=deps.uows,
        clock=deps.clock,
        notifier=deps.notifier,
        audience=getattr(deps, "audience", None),
        policy=policy,
        stopping=deps.stopping,
    )


@flow(name="run-campaigns", **FLOW_OPTIONS)
async def run_campaigns_flow(batch: CampaignBatch | None = None) -> dict[str, Any]:
    """Send due campaign messages; returns what this run did."""
    batch = batch or CampaignBatch()
    send: Any = send_deliveries if FlowRunContext.get() is not None else send_deliveries.fn
    run: CampaignRun = await send(batch.batch, batch.lease_seconds)
    return {
        "materialised": run.materialised,
        "sent": run.sent,
        "failed": run.failed,
        "skipped": run.skipped,
        "retried": run.retried,
        "email_sends": run.email_sends,
        "finished": [str(c) for c in run.finished],
    }
