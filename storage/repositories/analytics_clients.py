"""The per-client rollups (retention, cohorts): rows from a client's held sessions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from domain.enums import BookingStatus
from storage.models import AnalyticsClient, AnalyticsClientMonth, Booking
from storage.repositories._common import table_of

_B = table_of(Booking)


def held_sessions() -> sa.Select[Any]:
    """A reader's completed bookings (client, start): what retention counts."""
    return (
        sa.select(_B.c.client_id, _B.c.starts_at)
        .where(_B.c.reader_id == sa.bindparam("reader_id"))
        .where(_B.c.status == BookingStatus.COMPLETED)
    )


def client_rows(
    reader_id: UUID, zone: ZoneInfo, held: Iterable[Any]
) -> dict[type[Any], list[dict[str, Any]]]:
    """Client-month and client rows from held sessions, months in the reader's zone."""
    months: dict[tuple[UUID, date], int] = defaultdict(int)
    spans: dict[UUID, list[Any]] = {}
    for client_id, starts_at in held:
        local = starts_at.astimezone(zone)
        months[(client_id, local.date().replace(day=1))] += 1
        span = spans.setdefault(client_id, [starts_at, starts_at, 0])
        span[0], span[1], span[2] = min(span[0], starts_at), max(span[1], starts_at), span[2] + 1
    return {
        AnalyticsClientMonth: [
            {"reader_id": reader_id, "client_id": c, "local_month": m, "sessions": n}
            for (c, m), n in months.items()
        ],
        AnalyticsClient: [
            {
                "reader_id": reader_id,
                "client_id": c,
                "first_session_at": first,
                "last_session_at": last,
                "sessions": n,
                "first_month": first.astimezone(zone).date().replace(day=1),
                "mean_gap_seconds": int((last - first).total_seconds()) // (n - 1)
                if n > 1
                else None,
            }
            for c, (first, last, n) in spans.items()
        ],
    }


def _mean_gap(first: datetime, last: datetime, sessions: int) -> int | None:
    """Whole seconds between a client's sessions on average; None after only one."""
    if sessions < 2:
        return None
    return int((last - first).total_seconds()) // (sessions - 1)
