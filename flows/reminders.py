"""`send-reminders`: only the reminder rows that are due (24 h and 1 h before a reading)."""

from __future__ import annotations

from prefect import flow
from pydantic import BaseModel, Field

from domain.booking.reminders import REMINDER_KINDS
from flows._tasks import FLOW_OPTIONS, claim_and_run


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
    return await claim_and_run(REMINDER_KINDS, limit=batch.limit, lease_seconds=batch.lease_seconds)
