"""`sync-calendars`: pull each reader's own calendar incrementally, one task per reader."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from prefect import flow, task
from prefect.context import FlowRunContext
from pydantic import BaseModel, Field

from domain.booking.calendar_sync import SyncResult, calendar_readers, sync_reader_calendar
from domain.errors import TransientConnectorError
from flows._deps import current_deps
from flows._tasks import EXTERNAL_WRITE, FLOW_OPTIONS, wait_out_retry_after


class CalendarSweep(BaseModel):
    """Which readers to sync."""

    reader_ids: list[UUID] | None = Field(
        default=None, description="Only these readers; every active reader when empty."
    )


@task(name="sync-reader-calendar", task_run_name="sync-{reader_id}", **EXTERNAL_WRITE)
async def sync_one(reader_id: UUID) -> SyncResult:
    """One reader's incremental sync; conflicts with bookings alert the reader."""
    deps = await current_deps()
    try:
        return await sync_reader_calendar(
            uows=deps.uows,
            accounts=deps.accounts,
            notifier=deps.notifier,
            clock=deps.clock,
            reader_id=reader_id,
        )
    except TransientConnectorError as exc:
        await wait_out_retry_after(exc, deps.policy)
        raise


@flow(name="sync-calendars", **FLOW_OPTIONS)
async def sync_calendars(sweep: CalendarSweep | None = None) -> dict[str, int]:
    """Sync every reader with an outside calendar; one reader failing does not stop the rest."""
    sweep = sweep or CalendarSweep()
    deps = await current_deps()
    reader_ids = sweep.reader_ids or await calendar_readers(uows=deps.uows)
    runner: Any = sync_one if FlowRunContext.get() is not None else sync_one.fn
    gate = asyncio.Semaphore(deps.policy.concurrency)

    async def one(reader_id: UUID) -> SyncResult | None:
        async with gate:
            try:
                result: SyncResult = await runner(reader_id)
            except Exception:  # the next scheduled run tries again; Prefect shows the failure
                return None
            return result

    results = await asyncio.gather(*(one(reader_id) for reader_id in reader_ids))
    synced = [r for r in results if r is not None and not r.skipped]
    return {
        "synced": len(synced),
        "skipped": sum(1 for r in results if r is not None and r.skipped),
        "failed": sum(1 for r in results if r is None),
        "conflicts": sum(r.conflicts for r in synced),
    }
