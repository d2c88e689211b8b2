"""`repeat-expenses`: write the repeats of recurring expenses that have come due.

Hourly, since a reader's day starts at their own midnight. Each repeat is keyed by its
first expense and its day, so a retried or doubled run writes nothing twice, and a day
the flow did not run is caught up on the next.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

from domain.billing.recurring_expenses import repeat_expenses
from flows._deps import current_deps
from flows._tasks import FLOW_OPTIONS


@task(name="write-expense-repeats", cache_policy=NO_CACHE)
async def write_repeats() -> int:
    """Every due repeat of every reader's recurring expenses."""
    deps = await current_deps()
    return await repeat_expenses(uows=deps.uows, clock=deps.clock)


@flow(name="repeat-expenses", **FLOW_OPTIONS)
async def repeat_expenses_flow() -> dict[str, Any]:
    """Write the due repeats; returns how many were new."""
    write: Any = write_repeats if FlowRunContext.get() is not None else write_repeats.fn
    return {"repeats": await write()}
