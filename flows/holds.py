"""`expire-holds`: free the slots of holds nobody confirmed in time."""

from __future__ import annotations

from prefect import flow
from pydantic import BaseModel, Field

from domain.booking.service import expire_lapsed_holds
from flows._deps import current_deps
from flows._tasks import FLOW_OPTIONS


class HoldSweep(BaseModel):
    """How many lapsed holds one run expires."""

    limit: int = Field(default=500, ge=1, le=5000, description="Most holds expired per run.")


@flow(name="expire-holds", **FLOW_OPTIONS)
async def expire_holds(sweep: HoldSweep | None = None) -> int:
    """Expire lapsed holds; returns how many."""
    sweep = sweep or HoldSweep()
    deps = await current_deps()
    return await expire_lapsed_holds(uow=deps.uows(), clock=deps.clock, limit=sweep.limit)
