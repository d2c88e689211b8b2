"""`run-follow-ups`: every 5 minutes, the daily scans (once a day) and the due steps.

Each delivery is claimed by a conditional UPDATE and sent under the notifier key
`follow_up:{delivery id}`, so a run killed mid-batch resumes, once its claims lapse,
without sending anyone a second message. The rules live in domain.crm.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from pydantic import BaseModel, Field

from domain.crm.follow_up_delivery import (
    FollowUpPolicy,
    FollowUpRun,
    FollowUpSenders,
    send_follow_ups,
)
from domain.crm.sequences import daily_scans
from flows._deps import current_deps
from flows._tasks import FLOW_OPTIONS


class FollowUpBatch(BaseModel):
    """How much one run claims at a time and how long a claim holds."""

    batch: int = Field(default=200, ge=1, le=2000, description="Deliveries claimed at once.")
    lease_seconds: int = Field(
        default=600, ge=30, description="How long claimed deliveries stay reserved for this run."
    )


@task(name="follow-up-scans", cache_policy=NO_CACHE)
async def scan() -> int:
    """Birthdays and 60 quiet days, once per UTC day."""
    deps = await current_deps()
    return await daily_scans(uows=deps.uows, clock=deps.clock)


@task(name="send-follow-ups", cache_policy=NO_CACHE)
async def send(batch: int, lease_seconds: int) -> FollowUpRun:
    """Every due step, by chat or (outside every chat window) by email."""
    deps = await current_deps()
    senders = FollowUpSenders(deps.notifier, mailer=deps.mailer, emails=deps.emails)
    policy = FollowUpPolicy(batch=batch, lease=timedelta(seconds=lease_seconds))
    return await send_follow_ups(uows=deps.uows, clock=deps.clock, senders=senders, policy=policy)


@flow(name="run-follow-ups", **FLOW_OPTIONS)
async def run_follow_ups_flow(batch: FollowUpBatch | None = None) -> dict[str, Any]:
    """Enrol from the daily scans, then send due follow-ups; returns what this run did."""
    batch = batch or FollowUpBatch()
    in_run = FlowRunContext.get() is not None
    scan_step: Any = scan if in_run else scan.fn
    send_step: Any = send if in_run else send.fn
    enrolled: int = await scan_step()
    run: FollowUpRun = await send_step(batch.batch, batch.lease_seconds)
    return {
        "enrolled": enrolled,
        "sent": run.sent,
        "emailed": run.emailed,
        "skipped": run.skipped,
        "failed": run.failed,
        "deferred": run.deferred,
    }
