"""`process-outbox`: one flow run takes a batch of due booking effects, one task per row.

A flow run costs far more Prefect orchestration than a task (bench/confirmations.py), so
the dispatcher never starts a run per booking, and under a steady stream one run keeps
taking newly due rows for a few seconds (`keep_going_seconds`). Rows left behind by a dead
run (lease over) are claimed again by the next run: that is the sweep.
"""

from __future__ import annotations

from collections import Counter

from prefect import flow
from pydantic import BaseModel, Field

from domain.booking.effects import EFFECT_KINDS
from flows._tasks import FLOW_OPTIONS, claim_and_run, keep_taking


class OutboxBatch(BaseModel):
    """How much one run takes on."""

    limit: int = Field(default=200, ge=1, le=1000, description="Most outbox rows one run claims.")
    lease_seconds: int = Field(
        default=600,
        ge=30,
        description="How long claimed rows stay reserved; a run that dies releases them then.",
    )
    keep_going_seconds: float = Field(
        default=0.0,
        ge=0.0,
        le=300.0,
        description=(
            "While more rows keep coming due, keep taking them in this run for up to this "
            "long (0: one batch). The hub's dispatcher uses it under a steady stream."
        ),
    )
    poll_seconds: float = Field(
        default=0.5, gt=0.0, le=60.0, description="How often a run that keeps going looks."
    )


@flow(name="process-outbox", **FLOW_OPTIONS)
async def process_outbox(batch: OutboxBatch | None = None) -> dict[str, int]:
    """Claim due calendar / meeting / message / reminder rows and carry each one out."""
    batch = batch or OutboxBatch()
    outcomes = Counter(
        await claim_and_run(EFFECT_KINDS, limit=batch.limit, lease_seconds=batch.lease_seconds)
    )
    if batch.keep_going_seconds and outcomes:
        outcomes.update(
            await keep_taking(
                EFFECT_KINDS,
                limit=batch.limit,
                lease_seconds=batch.lease_seconds,
                for_seconds=batch.keep_going_seconds,
                poll_seconds=batch.poll_seconds,
            )
        )
    return dict(outcomes)
