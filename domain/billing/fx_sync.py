"""Keeping the stored reference rates current: fetch what is new, store it, say how much."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.clock import Clock
from domain.errors import InvalidRequest
from domain.ports.fx import FxRateSource
from domain.ports.storage import UnitOfWorkFactory

# Fetch a few days before the latest stored one again: a publisher may correct a rate
# after the fact, and the upsert replaces it (unchanged rows are left untouched).
REVISION_DAYS = 3


@dataclass(frozen=True, slots=True)
class FxSyncResult:
    """What one sync fetched, how many rates were new, and the newest day now stored."""

    since: date
    fetched: int
    new: int
    latest_day: date | None


async def sync_fx_rates(
    *, uows: UnitOfWorkFactory, source: FxRateSource, clock: Clock, backfill_days: int = 400
) -> FxSyncResult:
    """Fetch from a few days before the newest stored rate, or `backfill_days` back if none."""
    if backfill_days < 1:
        raise InvalidRequest("backfill_days must be at least 1")
    async with uows(read_only=True) as u:
        latest = await u.fx_rates.latest_day()
    if latest is None:
        since = clock.now().date() - timedelta(days=backfill_days)
    else:
        since = latest - timedelta(days=REVISION_DAYS)
    quotes = await source.fetch(since=since)
    if not quotes:
        return FxSyncResult(since, 0, 0, latest)
    async with uows() as u:
        new = await u.fx_rates.upsert(quotes)
        latest = await u.fx_rates.latest_day()
        await u.commit()
    return FxSyncResult(since, len(quotes), new, latest)
