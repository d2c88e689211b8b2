"""`send-reminders`: only the reminder rows that are due (24 h and 1 h before a reading)."""

from __future__ import annotations

from datetime import timedelta

from prefect import flow
from pydantic import BaseModel, Field

from domain.booking.effects import claim_effects
from domain.booking.reminders import REMINDER_KINDS
from flows._deps import current_deps
from flows._tasks import FLOW_OPTIONS, run_rows


class ReminderBatch(BaseModel):
    """How many due reminders one run sends."""

    limit: int = Field(default=500, ge=1, le=1000, description="Most reminders one run sends.")
    lease_seconds: int = Field(
        default=600, ge=30, description="How long claimed reminders stay reserved for this run."
    )


@flow(name="send-reminders", **FLOW_OPTIONS)
async def send_reminders(batch: ReminderBatch | None = None) -> dict[str, int]:
    """Send the reminders that came due; moved or cancelled bookings' reminders are dropped."""
    batch = batch or ReminderBatch()
    deps = await current_deps()
    entries = await claim_effects(
        uow=deps.uow,
        clock=deps.clock,
        limit=batch.limit,
        lease=timedelta(seconds=batch.lease_seconds),
        kinds=REMINDER_KINDS,
    )
    if not entries:
        return {}
    return await run_rows(deps, entries)
