"""`sync-fx-rates`: store the reference rates published since the last sync."""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.context import FlowRunContext
from pydantic import BaseModel, Field

from domain.billing.fx_sync import FxSyncResult, sync_fx_rates
from domain.errors import TransientConnectorError
from flows._deps import current_deps
from flows._tasks import EXTERNAL_WRITE, FLOW_OPTIONS, wait_out_retry_after


class FxSync(BaseModel):
    """How far back to reach when no rate is stored yet."""

    backfill_days: int = Field(
        default=400, ge=1, le=20_000, description="Days fetched when the table is empty."
    )


@task(name="fetch-and-store-fx-rates", **EXTERNAL_WRITE)
async def fetch_and_store(backfill_days: int) -> FxSyncResult:
    """One fetch from the configured publisher and one upsert; 429/5xx/timeouts are retried."""
    deps = await current_deps()
    if deps.fx_rates is None:
        raise RuntimeError("no FX rate source in the flow dependencies")
    try:
        return await sync_fx_rates(
            uows=deps.uows, source=deps.fx_rates, clock=deps.clock, backfill_days=backfill_days
        )
    except TransientConnectorError as exc:
        await wait_out_retry_after(exc, deps.policy)
        raise


@flow(name="sync-fx-rates", **FLOW_OPTIONS)
async def sync_fx_rates_flow(request: FxSync | None = None) -> dict[str, Any]:
    """Fetch and store new rates; returns how many were fetched, derived (pegs) and new, and
    the latest day."""
    request = request or FxSync()
    runner: Any = fetch_and_store if FlowRunContext.get() is not None else fetch_and_store.fn
    result: FxSyncResult = await runner(request.backfill_days)
    latest = result.latest_day.isoformat() if result.latest_day is not None else None
    return {
        "fetched": result.fetched,
        "derived": result.derived,
        "new": result.new,
        "latest_day": latest,
    }
