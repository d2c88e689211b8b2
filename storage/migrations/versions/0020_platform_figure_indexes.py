"""Platform figures read indexes, not tables: every reader's hours by day, live clients by country.

The platform page asked the hour rollup for all readers' rows of a period, but its key starts
with the reader, so each request scanned the whole rollup (500k rows at 1M bookings); and it
counted clients per country by reading every client row. The day index (with the service and
completed count, enough for service popularity) and a partial country index answer both.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_LIVE = sa.text("erased_at IS NULL")


def upgrade() -> None:
    op.create_index(
        op.f("ix_analytics_reader_hours_day"),
        "analytics_reader_hours",
        ["local_day", "service_id", "completed"],
    )
    op.create_index(
        op.f("ix_clients_live_country"),
        "clients",
        ["country"],
        sqlite_where=_LIVE,
        postgresql_where=_LIVE,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_clients_live_country"), table_name="clients")
    op.drop_index(op.f("ix_analytics_reader_hours_day"), table_name="analytics_reader_hours")
