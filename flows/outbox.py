"""`process-outbox`: one flow run takes a batch of due booking effects, one task per row.

A flow run costs about a second of Prefect orchestration and a task about 15 ms, so the
dispatcher never starts a run per booking. Rows left behind by a dead run (lease over)
are claimed again by the next run: that is the sweep.
"""

from __future__ import annotations

from datetime import timedelta

from prefect import flow
from pydantic import BaseModel, Field

from domain.booking.effects import EFFECT_KINDS, claim_effects
from flows._deps import current_deps
from flows._tasks import FLOW_OPTIONS, run_rows


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
    deps = await current_deps()
    entries = await claim_effects(
        uow=deps.uow,
        clock=deps.clock,
        limit=batch.limit,
        lease=timedelta(seconds=batch.lease_seconds),
        kinds=EFFECT_KINDS,
    )
    if not entries:
        return {}
    return await run_rows(deps, entries)
