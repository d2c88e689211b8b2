"""`refresh-analytics` and `rebuild-analytics`: the rollups every figure reads.

Triggers mark what each change touched in its own transaction; `refresh-analytics`
recomputes only those marks (a figure asked for meanwhile recomputes its reader's
first, so it is never stale). `rebuild-analytics` recomputes every reader from scratch
with the same aggregation, for a new installation, a bulk import or a doubt.
"""

from __future__ import annotations

import time
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

from domain.analytics.platform import rebuild_all, refresh_marked
from flows._deps import current_deps
from flows._tasks import FLOW_OPTIONS


def _in_flow(fn: Any) -> Any:
    return fn if FlowRunContext.get() is not None else fn.fn


@task(name="refresh-marked-readers", cache_policy=NO_CACHE)
async def refresh_readers(limit: int) -> int:
    """Recompute the marked days and clients of up to `limit` readers."""
    deps = await current_deps()
    return await refresh_marked(uows=deps.uows, clock=deps.clock, limit=limit)


@task(name="rebuild-every-reader", cache_policy=NO_CACHE)
async def rebuild_readers() -> int:
    """Every reader's rollups from their whole history."""
    deps = await current_deps()
    return await rebuild_all(uows=deps.uows, clock=deps.clock)


@flow(name="refresh-analytics", **FLOW_OPTIONS)
async def refresh_analytics_flow(limit: int = 500) -> dict[str, Any]:
    """Bring changed readers' rollups up to date; returns how many readers."""
    return {"readers": await _in_flow(refresh_readers)(limit)}


@flow(name="rebuild-analytics", **FLOW_OPTIONS)
async def rebuild_analytics_flow() -> dict[str, Any]:
    """Rebuild every rollup; returns the readers and the seconds it took."""
    started = time.perf_counter()
    readers = await _in_flow(rebuild_readers)()
    seconds = round(time.perf_counter() - started, 2)
    if FlowRunContext.get() is not None:
        get_run_logger().info("rebuilt the analytics of %d readers in %.2f s", readers, seconds)
    return {"readers": readers, "seconds": seconds}
