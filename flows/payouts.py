"""`run-payouts`: pay every reader what they are owed up to yesterday, and send statements.

Two tasks: writing the payouts (one transaction per reader, exactly once however often
the run is retried or started twice) and sending each booked payout's statement to its
reader's chat, as a signed link to the PDF (the notifier's key is the payout's, so a
retried send never arrives twice). A dry run only computes the statements.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from pydantic import BaseModel, Field

from domain.billing.payouts import PayoutRun, run_payouts, send_statements
from domain.errors import TransientConnectorError
from flows._deps import current_deps
from flows._tasks import EXTERNAL_WRITE, FLOW_OPTIONS, wait_out_retry_after


class PayoutRequest(BaseModel):
    """Which days a run pays for, and whether it only computes."""

    period_end: date | None = Field(
        default=None, description="Last day paid, on each reader's calendar (default yesterday)."
    )
    dry_run: bool = Field(default=False, description="Compute the statements, write nothing.")


@task(name="write-payouts", cache_policy=NO_CACHE)
async def write_payouts(period_end: date | None, dry_run: bool) -> PayoutRun:
    """Every reader with unclaimed ledger legs, one transaction each."""
    deps = await current_deps()
    return await run_payouts(
        uows=deps.uows, clock=deps.clock, period_end=period_end, dry_run=dry_run
    )


@task(name="send-payout-statements", **EXTERNAL_WRITE)
async def send_payout_statements() -> int:
    """Each booked payout's statement to its reader; 429/5xx/timeouts are retried."""
    deps = await current_deps()
    if deps.statement_link is None:
        raise RuntimeError("no statement link in the flow dependencies")
    try:
        sent = await send_statements(
            uows=deps.uows, notifier=deps.notifier, link=deps.statement_link
        )
    except TransientConnectorError as exc:
        await wait_out_retry_after(exc, deps.policy)
        raise
    return len(sent)


@flow(name="run-payouts", **FLOW_OPTIONS)
async def run_payouts_flow(request: PayoutRequest | None = None) -> dict[str, Any]:
    """Pay, then send statements; returns how many readers, payouts and statements."""
    request = request or PayoutRequest()
    in_run = FlowRunContext.get() is not None
    write: Any = write_payouts if in_run else write_payouts.fn
    send: Any = send_payout_statements if in_run else send_payout_statements.fn
    run: PayoutRun = await write(request.period_end, request.dry_run)
    sent = 0 if request.dry_run else await send()
    return {
        "dry_run": request.dry_run,
        "readers": len(run.readers),
        "payouts": len(run.payouts),
        "paid": run.paid_by_currency(),
        "carried_forward": sum(1 for s in run.statements if not s.payable),
        "failures": {str(reader): reason for reader, reason in run.failures.items()},
        "statements_sent": sent,
    }
