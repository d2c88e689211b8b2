"""`expire-loyalty-points` and `award-loyalty-bonuses`: the ledger's daily chores.

Expiry writes an EXPIRED entry for the unspent rest of each lot that lapsed (FIFO, the
oldest spent first), keyed by the lot, so a rerun writes nothing; a missed day is caught
up from the lookback window. Bonuses (5th reading, birthday, review) are keyed by what
earned them, so each is given once however often this runs.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

from domain.crm.loyalty import award_bonuses, expire_points
from flows._deps import current_deps
from flows._tasks import FLOW_OPTIONS


@task(name="expire-lapsed-points", cache_policy=NO_CACHE)
async def expire_lapsed() -> int:
    """EXPIRED entries for every lot that lapsed, once each."""
    deps = await current_deps()
    return await expire_points(uows=deps.uows, clock=deps.clock)


@task(name="award-due-bonuses", cache_policy=NO_CACHE)
async def award_due() -> int:
    """Every bonus earned and not yet given."""
    deps = await current_deps()
    return await award_bonuses(uows=deps.uows, clock=deps.clock)


@flow(name="expire-loyalty-points", **FLOW_OPTIONS)
async def expire_loyalty_points_flow() -> dict[str, Any]:
    """Lapse points 12 months after they were earned; returns how many points lapsed."""
    expire: Any = expire_lapsed if FlowRunContext.get() is not None else expire_lapsed.fn
    return {"expired_points": await expire()}


@flow(name="award-loyalty-bonuses", **FLOW_OPTIONS)
async def award_loyalty_bonuses_flow() -> dict[str, Any]:
    """Give the bonuses that came due; returns how many were new."""
    award: Any = award_due if FlowRunContext.get() is not None else award_due.fn
    return {"bonuses": await award()}
