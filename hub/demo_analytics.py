"""The demo's analytics rollups, built once its history is seeded."""

from __future__ import annotations

from domain.analytics.platform import rebuild_all
from domain.clock import SystemClock
from hub.settings import Settings
from storage.uow import Database


async def build_demo_analytics(settings: Settings) -> int:
    """Roll up the seeded history, so a reader's first "stats" answers at once."""
    database = Database.from_url(settings.database_url)
    try:
        return await rebuild_all(uows=database.uows, clock=SystemClock())
    finally:
        await database.dispose()
