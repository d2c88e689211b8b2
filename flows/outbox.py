"""`process-outbox`: one flow run takes a batch of due booking effects, one task per row.

A flow run costs about a second of Prefect orchestration and a task about 15 ms, so the
dispatcher never starts a run per booking. Rows left behind by a dead run (lease over)
are claimed again by the next run: that is the sweep.
"""

from __future__ import annotations

from prefect import flow
from pydantic import BaseModel, Field

from domain.booking.effects import EFFECT_KINDS
from flows._tasks import FLOW_OPTIONS, claim_and_run


class OutboxBatch(BaseModel):
    """How much one run takes on."""

    limit: int = Field(default=200, ge=1, le=1000, description="Most outbox rows one run claims.")
    lease_seconds: int = Field(
        default=600,
        ge=30,
        description="How long claimed rows stay reserved; a run that dies releases them then.",
    )


@flow(name="process-outbox", **FLOW_OPTIONS)
async def process_outbox(batch: OutboxBatch | None = None) -> dict[str, int]:
    """Claim due calendar / meeting / message / reminder rows and carry each one out."""
    batch = batch or OutboxBatch()
    return await claim_and_run(EFFECT_KINDS, limit=batch.limit, lease_seconds=batch.lease_seconds)
