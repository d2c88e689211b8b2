"""`sync-mailchimp`: send the email audience the contacts that changed since it last took them."""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.context import FlowRunContext

from domain.crm.audience_sync import SyncReport, sync_audience
from domain.errors import TransientConnectorError
from flows._deps import current_deps
from flows._tasks import EXTERNAL_WRITE, FLOW_OPTIONS, wait_out_retry_after


@task(name="upsert-audience-contacts", **EXTERNAL_WRITE)
async def upsert_changed() -> SyncReport:
    """One pass over the clients; a retry resumes at the cursor and skips what was accepted."""
    deps = await current_deps()
    if deps.audience is None:
        raise RuntimeError("no email audience in the flow dependencies")
    try:
        return await sync_audience(
            uows=deps.uows,
            clock=deps.clock,
            audience=deps.audience,
            audience_id=deps.audience_id,
        )
    except TransientConnectorError as exc:
        await wait_out_retry_after(exc, deps.policy)
        raise


@flow(name="sync-mailchimp", **FLOW_OPTIONS)
async def sync_mailchimp_flow() -> dict[str, Any]:
    """Upsert changed contacts; returns how many were considered, sent and refused."""
    runner: Any = upsert_changed if FlowRunContext.get() is not None else upsert_changed.fn
    report: SyncReport = await runner()
    return {
        "considered": report.considered,
        "sent": report.sent,
        "calls": report.calls,
        "failed": [list(item) for item in report.failed],
    }
